//! The project-local tool folder, `.tools/`: the Python tools the tests and the demo need,
//! pinned, each in a virtual environment of its own, installed once and reused.

use std::path::{Path, PathBuf};
use std::process::Command;

/// cfn-lint (every synthesized template is linted), moto server (the local AWS emulator) and
/// Flask (the example app's smoke test), in one environment.
pub const PYTHON_TOOLS: &[&str] = &["cfn-lint==1.51.0", "moto[server]==5.2.5", "flask==3.1.3"];
/// checkov (the lint cross-check), whose pins conflict with the others': an environment of its
/// own.
pub const CHECKOV: &[&str] = &["checkov==3.3.30"];

/// The tool folder of the workspace at `root`.
pub fn folder(root: &Path) -> PathBuf {
    root.join(".tools")
}

/// The `bin` directory of the environment holding cfn-lint and moto server.
pub fn python_bin(root: &Path) -> PathBuf {
    folder(root).join("python").join("bin")
}

/// checkov's executable.
pub fn checkov(root: &Path) -> PathBuf {
    folder(root).join("checkov").join("bin").join("checkov")
}

/// Makes the environment `name` under `.tools/` with `packages`, unless it already holds
/// exactly them (recorded in `installed.txt`).
fn environment(root: &Path, name: &str, packages: &[&str]) -> Result<(), String> {
    let dir = folder(root).join(name);
    let record = dir.join("installed.txt");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&record).is_ok_and(|had| had == wanted) {
        return Ok(());
    }
    eprintln!("installing {} into {}", packages.join(", "), dir.display());
    let _ = std::fs::remove_dir_all(&dir);
    run(Command::new(python()).args(["-m", "venv"]).arg(&dir)).map_err(|e| {
        format!("{e}\n(Python's venv module is needed: on Debian, apt-get install python3-venv)")
    })?;
    run(Command::new(dir.join("bin").join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(packages))?;
    std::fs::write(&record, wanted).map_err(|e| format!("{}: {e}", record.display()))
}

/// `python3`, or `python` where only that exists.
fn python() -> &'static str {
    if Command::new("python3").arg("--version").output().is_ok() {
        "python3"
    } else {
        "python"
    }
}

/// Installs every tool the tests need (what is already installed at the pinned version is
/// kept).
pub fn install_all(root: &Path) -> Result<(), String> {
    environment(root, "python", PYTHON_TOOLS)?;
    environment(root, "checkov", CHECKOV)
}

/// Installs moto server alone (what the demo needs).
pub fn install_emulator(root: &Path) -> Result<(), String> {
    environment(root, "python", PYTHON_TOOLS)
}

/// `PATH` with the tools first.
///
/// # Panics
/// When the workspace's path holds the PATH separator (`:`), which no PATH can hold.
pub fn path_with_tools(root: &Path) -> std::ffi::OsString {
    let mut paths = vec![python_bin(root)];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).expect("tool paths hold no separator")
}

/// Runs a command to completion; an error names it.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}
