//! Compute rules: instance metadata, secrets in user data, where instances are placed.

use super::{at, nodes, texts};
use crate::lint::{Findings, Rule, RuleInfo, Severity};
use crate::stack::Stack;
use crate::value::Value;

/// Instances that answer IMDSv1, which leaks their role's credentials to any SSRF.
pub(super) struct ImdsV2NotRequired;

impl Rule for ImdsV2NotRequired {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-IMDSV2-NOT-REQUIRED",
            severity: Severity::Error,
            checkov: &["CKV_AWS_79"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for node in nodes(stack, "AWS::EC2::LaunchTemplate") {
            let tokens =
                at(node, "LaunchTemplateData.MetadataOptions.HttpTokens").and_then(Value::as_str);
            if tokens != Some("required") {
                findings.add(
                    node,
                    "instances launched from it accept IMDSv1",
                    "require IMDSv2 (.require_imdsv2(true), the default)",
                );
            }
        }
    }
}

/// Credentials written into user data, where anyone who can describe the instance reads them.
pub(super) struct UserDataSecret {
    patterns: Vec<(regex_lite::Regex, &'static str)>,
}

impl UserDataSecret {
    pub(super) fn new() -> Self {
        let patterns = [
            (
                // A literal, not an expression: the value ends at a quote, a space, `;` or the line's
                // end, so `API_KEY = os.environ.get(..)` and `$(aws …)` are not literals.
                r#"(?im)\b[a-z_]*(password|passwd|secret|api_?key|token|access_?key)[a-z_]*\s*[=:]\s*['"]?([^\s'"$(){}\[\]]{6,})(?:['"\s;]|$)"#,
                "a literal assigned to a secret-looking name",
            ),
            (r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "an AWS access key id"),
            (r"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"),
        ];
        Self {
            patterns: patterns
                .into_iter()
                .map(|(p, what)| (regex_lite::Regex::new(p).expect("a valid pattern"), what))
                .collect(),
        }
    }
}

impl Rule for UserDataSecret {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-USER-DATA-SECRET",
            severity: Severity::Error,
            checkov: &["CKV_AWS_46"],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let sources = [
            ("AWS::EC2::LaunchTemplate", "LaunchTemplateData.UserData"),
            ("AWS::EC2::Instance", "UserData"),
        ];
        for (type_name, property) in sources {
            for node in nodes(stack, type_name) {
                let mut found = Vec::new();
                if let Some(value) = at(node, property) {
                    texts(value, &mut found);
                }
                let text = found.join("\n");
                let mut what: Vec<&str> = self
                    .patterns
                    .iter()
                    .filter(|(pattern, _)| pattern.is_match(&text))
                    .map(|(_, what)| *what)
                    .collect();
                if what.is_empty() && high_entropy_literal(&text).is_some() {
                    what.push("a random-looking literal (a key or token?)");
                }
                for what in what {
                    findings.add(
                        node,
                        format!("its user data holds {what}"),
                        "read it at boot from Secrets Manager (Secret::grant_read) instead",
                    );
                }
            }
        }
    }
}

/// Instances of an auto scaling group given public addresses in public subnets.
pub(super) struct GroupInPublicSubnets;

impl Rule for GroupInPublicSubnets {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "STRATUS-ASG-PUBLIC-SUBNETS",
            severity: Severity::Error,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        let graph = stack.graph();
        for (index, node) in graph.nodes() {
            if node.type_name != "AWS::AutoScaling::AutoScalingGroup" {
                continue;
            }
            let public = graph.dependencies(index).into_iter().any(|(dep, _)| {
                let subnet = graph.node(dep);
                subnet.type_name == "AWS::EC2::Subnet"
                    && subnet
                        .properties
                        .get("MapPublicIpOnLaunch")
                        .and_then(Value::as_bool)
                        == Some(true)
            });
            if public {
                findings.add(
                    node,
                    "its instances are placed in public subnets",
                    "place them in private subnets (SubnetSelection::private()) behind the load balancer",
                );
            }
        }
    }
}

/// The first word of `text` that looks like a generated key: 20 or more characters of the
/// base64/URL-safe alphabet mixing upper case, lower case and digits, with at least 4 bits of
/// Shannon entropy per character. Checksums (lower-case hex) and words do not qualify.
fn high_entropy_literal(text: &str) -> Option<&str> {
    // `=` only pads the end of base64: inside a word it assigns (`ExecStart=/usr/bin/…`).
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-".contains(c)))
        .flat_map(|word| word.trim_end_matches('=').split('='))
        .filter(|word| word.len() >= 20 && !word.starts_with('/'))
        .filter(|word| {
            word.chars().any(|c| c.is_ascii_uppercase())
                && word.chars().any(|c| c.is_ascii_lowercase())
                && word.chars().any(|c| c.is_ascii_digit())
        })
        .find(|word| entropy(word) >= 4.0)
}

/// Shannon entropy in bits per character.
#[allow(clippy::cast_precision_loss)] // word lengths are far below 2^52
fn entropy(word: &str) -> f64 {
    let mut counts = [0u32; 128];
    for b in word.bytes() {
        counts[usize::from(b & 0x7f)] += 1;
    }
    let len = word.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_are_high_entropy_and_words_are_not() {
        assert!(high_entropy_literal("export API_TOKEN_X=q8Zr2LmX9vKp4TnW7yBc3HdF").is_some());
        assert!(high_entropy_literal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_some());
        // A sha256 checksum, a package list, a path and a placeholder name.
        assert!(
            high_entropy_literal(
                "echo 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 app.tgz"
            )
            .is_none()
        );
        assert!(high_entropy_literal("dnf install -y amazon-efs-utils python3-pip jq").is_none());
        assert!(high_entropy_literal("/opt/application/releases/Current2024/bin").is_none());
        assert!(high_entropy_literal("AmazonSSMManagedInstanceCore2").is_none());
        assert!(high_entropy_literal("ExecStart=/usr/bin/python3 /opt/app/App2.py").is_none());
        // Padding stays part of the key.
        assert!(high_entropy_literal("KEY=dGhpc0lzQVNlY3JldEtleTEyMzQ1Njc4OQ==").is_some());
    }
}
