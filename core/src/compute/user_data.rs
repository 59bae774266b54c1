//! [`UserData`]: the script an instance runs at first boot.

use std::path::{Path, PathBuf};

/// AWS's limit on user data, before base64 encoding.
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;

/// A boot script, from a string or a file. A file that cannot be read is reported by validation.
///
/// ```
/// use stratus_core::compute::UserData;
/// let ud = UserData::from_script("#!/bin/bash\necho hello\n");
/// assert_eq!(ud.len(), 25);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserData {
    script: String,
    source: Option<PathBuf>,
    read_error: Option<String>,
}

impl UserData {
    /// A script given inline.
    pub fn from_script(script: impl Into<String>) -> Self {
        Self { script: script.into(), source: None, read_error: None }
    }

    /// A script read from a file now.
    pub fn from_file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read_to_string(path) {
            Ok(script) => Self { script, source: Some(path.to_owned()), read_error: None },
            Err(e) => Self {
                script: String::new(),
                source: Some(path.to_owned()),
                read_error: Some(format!("cannot read user data file {}: {e}", path.display())),
            },
        }
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
