//! Names for resources whose API requires one when the stack gave none: derived from the stack,
//! the logical id and the intent's token, so that an interrupted create can be found again by
//! name, and within the service's length and character rules.

use std::collections::BTreeMap;

/// A name of at most `max` characters: `<stack>-<logical id>-<8 characters of the token>`,
/// characters outside `[A-Za-z0-9-]` dropped, lower-cased when `lower`.
pub(crate) fn generated(
    ownership: &BTreeMap<String, String>,
    token: &str,
    max: usize,
    lower: bool,
) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    let stack = clean(
        ownership
            .get("stratus:stack")
            .map_or("stratus", String::as_str),
    );
    let logical = clean(
        ownership
            .get("stratus:logical-id")
            .map_or("resource", String::as_str),
    );
    let suffix: String = token
        .chars()
        .rev()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let budget = max.saturating_sub(suffix.len() + 2);
    let mut head = format!("{stack}-{logical}");
    if head.len() > budget {
        // Keep the logical id's end, which distinguishes siblings.
        head = head[head.len() - budget..]
            .trim_start_matches('-')
            .to_owned();
    }
    let name = format!("{head}-{suffix}");
    let name = if lower {
        name.to_ascii_lowercase()
    } else {
        name
    };
    // Some services want a letter first.
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("s{}", &name[..name.len().min(max - 1)])
    }
}

#[cfg(test)]
mod tests {
    use super::generated;
    use std::collections::BTreeMap;

    #[test]
    fn fits_and_is_stable() {
        let ownership = BTreeMap::from([
            ("stratus:stack".to_owned(), "project-x".to_owned()),
            (
                "stratus:logical-id".to_owned(),
                "VeryLongLogicalIdOfATargetGroup".to_owned(),
            ),
        ]);
        let name = generated(&ownership, "stratus-0123456789abcdef-7", 32, false);
        assert!(name.len() <= 32, "{name}");
        assert!(name.ends_with("-7fedcba9"), "{name}");
        assert_eq!(
            name,
            generated(&ownership, "stratus-0123456789abcdef-7", 32, false)
        );
        assert!(
            generated(&ownership, "t", 63, true)
                .chars()
                .all(|c| !c.is_ascii_uppercase())
        );
    }
}
