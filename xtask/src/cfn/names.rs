//! Rust names for CloudFormation names: words, snake and Pascal case, keywords, uniqueness.

use std::collections::BTreeSet;

/// The words of a CloudFormation name: `VPCGatewayAttachment` → `VPC Gateway Attachment`,
/// `EC2Fleet` → `EC2 Fleet`, `deadLetterTargetArn` → `dead Letter Target Arn`,
/// `aws:kms:dsse` → `aws kms dsse`, `TargetGroupARNs` → `Target Group ARNs`. Digits stay with
/// the word before them.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        // An acronym's plural (`ARNs`, `URLs`, `IDs`) is one word, not `AR Ns`.
        let plural = next == Some('s') && !chars.get(i + 2).is_some_and(char::is_ascii_lowercase);
        let boundary = match previous {
            Some(p) if c.is_ascii_uppercase() => {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase()
                        && !plural
                        && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `DBInstance` → `db_instance`.
pub(crate) fn snake(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `VPCGatewayAttachment` → `VpcGatewayAttachment`.
pub(crate) fn pascal(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// A snake-case identifier usable as a field or module name.
pub(crate) fn ident(snake: &str) -> String {
    let base = if snake.is_empty() {
        "value".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{snake}")
    } else {
        snake.to_owned()
    };
    if matches!(base.as_str(), "crate" | "self" | "super") {
        format!("{base}_")
    } else if KEYWORDS.contains(&base.as_str()) {
        format!("r#{base}")
    } else {
        base
    }
}

/// A Pascal-case type or variant name; never empty, never starting with a digit.
pub(crate) fn type_ident(name: &str) -> String {
    let pascal = pascal(name);
    if pascal.is_empty() {
        "Empty".to_owned()
    } else if pascal.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{pascal}")
    } else if pascal == "Self" {
        "Self_".to_owned()
    } else {
        pascal
    }
}

/// What `#[derive(Resource)]` makes of a field name (`macros/src/case.rs`): each `_`-separated
/// part capitalized.
pub(crate) fn derived_property_name(field: &str) -> String {
    field
        .trim_start_matches("r#")
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// Hands out names unique within one scope: a taken name gets a numeric suffix.
#[derive(Default)]
pub(crate) struct Scope(BTreeSet<String>);

impl Scope {
    /// Reserves `name`, or the first of `name2`, `name3`… that is free.
    pub(crate) fn claim(&mut self, name: &str) -> String {
        if self.0.insert(name.to_owned()) {
            return name.to_owned();
        }
        let (stem, raw) = match name.strip_prefix("r#") {
            Some(stem) => (stem, true),
            None => (name, false),
        };
        for n in 2.. {
            let candidate = format!("{stem}{}{n}", if raw { "_" } else { "" });
            if self.0.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("the integers are unbounded")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(pascal("VPCGatewayAttachment"), "VpcGatewayAttachment");
        assert_eq!(pascal("EIP"), "Eip");
        assert_eq!(pascal("EC2Fleet"), "Ec2Fleet");
        assert_eq!(snake("DBInstance"), "db_instance");
        assert_eq!(snake("TargetGroupARNs"), "target_group_arns");
        assert_eq!(snake("CallbackURLs"), "callback_urls");
        assert_eq!(snake("SecurityGroupIDs"), "security_group_ids");
        assert_eq!(snake("DBSubnetGroupName"), "db_subnet_group_name");
        assert_eq!(snake("ElasticLoadBalancingV2"), "elastic_load_balancing_v2");
        assert_eq!(snake("deadLetterTargetArn"), "dead_letter_target_arn");
        assert_eq!(snake("SSESpecification"), "sse_specification");
        assert_eq!(type_ident("aws:kms:dsse"), "AwsKmsDsse");
        assert_eq!(type_ident("1x"), "V1x");
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("self"), "self_");
        assert_eq!(derived_property_name("r#type"), "Type");
    }

    #[test]
    fn scopes_never_hand_out_a_name_twice() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Tag"), "Tag");
        assert_eq!(scope.claim("Tag"), "Tag2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type_2");
    }
}
