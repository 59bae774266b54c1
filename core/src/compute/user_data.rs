//! [`UserData`]: the script an instance runs at first boot.

use std::path::{Path, PathBuf};

use crate::value::{ToValue, Value};

/// AWS's limit on user data, before base64 encoding.
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;

/// A boot script, from a string or a file. A file that cannot be read is reported by validation.
///
/// Placeholders `{{NAME}}` are filled with values given by [`UserData::var`], which may be
/// known only after deploy (a file system id, a secret's ARN): the script becomes a join of its
/// text and those values. A placeholder left without a value is reported by validation.
///
/// ```
/// use stratus_core::compute::UserData;
/// let ud = UserData::from_script("#!/bin/bash\necho {{GREETING}}\n").var("GREETING", "hello");
/// assert_eq!(ud.len(), 30);
/// assert_eq!(ud.rendered().to_string(), r##"Join("", ["#!/bin/bash\necho ", "hello", "\n"])"##);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct UserData {
    script: String,
    source: Option<PathBuf>,
    read_error: Option<String>,
    vars: Vec<(String, Value)>,
}

impl UserData {
    /// A script given inline.
    pub fn from_script(script: impl Into<String>) -> Self {
        Self {
            script: script.into(),
            source: None,
            read_error: None,
            vars: Vec::new(),
        }
    }

    /// A script read from a file now.
    pub fn from_file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read_to_string(path) {
            Ok(script) => Self {
                script,
                source: Some(path.to_owned()),
                read_error: None,
                vars: Vec::new(),
            },
            Err(e) => Self {
                script: String::new(),
                source: Some(path.to_owned()),
                read_error: Some(format!(
                    "cannot read user data file {}: {e}",
                    path.display()
                )),
                vars: Vec::new(),
            },
        }
    }

    /// Fills the placeholder `{{name}}` with `value`.
    #[must_use]
    pub fn var(mut self, name: impl Into<String>, value: impl ToValue) -> Self {
        self.vars.push((name.into(), value.to_value()));
        self
    }

    /// The file the script came from, if any.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// Placeholders in the script that have no value.
    pub fn unfilled(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = self.script.as_str();
        while let Some(start) = rest.find("{{") {
            let Some(end) = rest[start..].find("}}") else {
                break;
            };
            let name = &rest[start + 2..start + end];
            if !self.vars.iter().any(|(n, _)| n == name) && !out.iter().any(|n| n == name) {
                out.push(name.to_owned());
            }
            rest = &rest[start + end + 2..];
        }
        out
    }

    /// The script as a value: plain text, or a join of text and placeholder values.
    pub fn rendered(&self) -> Value {
        if self.vars.is_empty() {
            return Value::String(self.script.clone());
        }
        let mut parts = Vec::new();
        let mut rest = self.script.as_str();
        while let Some(start) = rest.find("{{") {
            let Some(end) = rest[start..].find("}}") else {
                break;
            };
            let name = &rest[start + 2..start + end];
            match self.vars.iter().find(|(n, _)| n == name) {
                Some((_, value)) => {
                    parts.push(Value::String(rest[..start].to_owned()));
                    parts.push(value.clone());
                }
                None => parts.push(Value::String(rest[..start + end + 2].to_owned())),
            }
            rest = &rest[start + end + 2..];
        }
        parts.push(Value::String(rest.to_owned()));
        parts.retain(|p| p.as_str() != Some(""));
        Value::Join(String::new(), parts)
    }

    /// The script.
    pub fn script(&self) -> &str {
        &self.script
    }

    /// Its size in bytes, before base64.
    pub fn len(&self) -> usize {
        self.script.len()
    }

    /// Whether the script is empty.
    pub fn is_empty(&self) -> bool {
        self.script.is_empty()
    }

    /// Why the file could not be read, if it could not.
    pub(crate) fn read_error(&self) -> Option<&str> {
        self.read_error.as_deref()
    }
}
