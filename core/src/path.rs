//! Construct paths (`prod/vpc/private-b`) and the logical ids derived from them.

use std::fmt;

/// The longest construct id accepted.
pub const MAX_ID_LEN: usize = 64;

/// The path of a construct: the stack name, then each construct id down to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstructPath(String);

impl ConstructPath {
    /// The path of a stack (its name alone).
    pub(crate) fn root(stack: &str) -> Self {
        Self(stack.to_owned())
    }

    /// The path of a child construct.
    #[must_use]
    pub fn child(&self, id: &str) -> Self {
        Self(format!("{}/{}", self.0, id))
    }

    /// The enclosing construct's path (the stack's path for a top-level construct).
    #[must_use]
    pub fn parent_or_self(&self) -> Self {
        self.0
            .rsplit_once('/')
            .map_or_else(|| self.clone(), |(parent, _)| Self(parent.to_owned()))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last id of the path.
    pub fn id(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The path below the stack name, e.g. `vpc/private-b`.
    pub fn within_stack(&self) -> &str {
        self.0.split_once('/').map_or("", |(_, rest)| rest)
    }

    /// A CloudFormation logical id: the path below the stack, each word capitalised and
    /// joined, e.g. `vpc/private-b` → `VpcPrivateB`. Stable as long as the path is.
    pub fn logical_id(&self) -> String {
        let rest = self.within_stack();
        let mut out = String::with_capacity(rest.len());
        let mut word_start = true;
        for c in rest.chars() {
            if matches!(c, '/' | '-' | '_' | '.') {
                word_start = true;
            } else if c.is_ascii_alphanumeric() {
                out.push(if word_start {
                    c.to_ascii_uppercase()
                } else {
                    c
                });
                word_start = false;
            }
        }
        out
    }
}

impl fmt::Display for ConstructPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a construct id: 1–64 characters, ASCII letters, digits and `-`, starting with a letter
/// or digit. Returns why it is not valid.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("an id cannot be empty".into());
    }
    if id.len() > MAX_ID_LEN {
        return Err(format!(
            "{} characters is over the limit of {MAX_ID_LEN}",
            id.len()
        ));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!(
            "{bad:?} is not allowed; use letters, digits and '-' (e.g. {:?})",
            suggest_id(id)
        ));
    }
    if id.starts_with('-') {
        return Err("an id must start with a letter or digit".into());
    }
    Ok(())
}

/// A valid id close to `id`: disallowed characters become `-`.
pub(crate) fn suggest_id(id: &str) -> String {
    let mapped: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    mapped.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_are_readable() {
        let p = ConstructPath::root("prod").child("vpc").child("private-b");
        assert_eq!(p.as_str(), "prod/vpc/private-b");
        assert_eq!(p.logical_id(), "VpcPrivateB");
        assert_eq!(p.id(), "private-b");
        assert_eq!(p.within_stack(), "vpc/private-b");
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("private-b").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("-a").is_err());
        let err = check_id("my vpc").unwrap_err();
        assert!(err.contains("\"my-vpc\""), "{err}");
        assert!(check_id(&"a".repeat(65)).is_err());
    }
}
