//! The project's tasks as a library, so tests can run them.

pub mod cfn;
pub mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Writes `files` under `root`, removing the generated sources that are no longer generated.
pub fn write_all(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<(), String> {
    let src = root.join("src");
    if let Ok(entries) = std::fs::read_dir(&src) {
        for entry in entries.flatten() {
            let path = entry.path();
            let relative = PathBuf::from("src").join(entry.file_name());
            if path.extension().is_some_and(|e| e == "rs") && !files.contains_key(&relative) {
                std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    for (relative, text) in files {
        let path = root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The files under `root` that differ from `files`: changed, missing, or not generated.
pub fn differences(root: &Path, files: &BTreeMap<PathBuf, String>) -> Vec<String> {
    let mut out: Vec<String> = files
        .iter()
        .filter(|(relative, text)| {
            std::fs::read_to_string(root.join(relative)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(relative, _)| relative.display().to_string())
        .collect();
    if let Ok(entries) = std::fs::read_dir(root.join("src")) {
        for entry in entries.flatten() {
            let relative = PathBuf::from("src").join(entry.file_name());
            if !files.contains_key(&relative) {
                out.push(format!("{} (not generated)", relative.display()));
            }
        }
    }
    out
}
