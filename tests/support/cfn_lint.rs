//! cfn-lint over a synthesized template. cfn-lint comes from PyPI (`.ci/run` installs it); a
//! missing cfn-lint fails the test, it is never skipped.

use std::process::Command;

/// Runs cfn-lint on `template` (written as `<name>.template.json`) and fails on any error
/// (exit-code bit 2), naming what it found; warnings are printed.
pub fn assert_no_lint_errors(name: &str, template: &str) {
    let report = run(name, template);
    if !report.trim().is_empty() {
        println!("cfn-lint warnings for {name}:\n{report}");
    }
}

/// The findings of cfn-lint on `template` (parseable format, one a line); fails on errors.
pub fn run(name: &str, template: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.template.json"));
    std::fs::write(&file, template).unwrap();
    let output = Command::new("cfn-lint")
        .args(["--format", "parseable"])
        .arg(&file)
        .output()
        .expect("cfn-lint must be installed (pip install cfn-lint); CI installs it");
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let code = output.status.code().expect("cfn-lint exited normally");
    assert_eq!(code & 2, 0, "cfn-lint found errors in {name}:\n{report}");
    report
}
