//! `lint`: the security rules over the stacks, and the gate `deploy` passes first.

use std::fmt::Write as _;
use std::io::Write;

use stratus_core::lint::{Finding, LintReport, Severity};
use stratus_core::{App, Stack};

use super::{EXIT_FAILURE, VerbResult};

/// The findings for `stacks`, with the app's rules and each stack's suppressions.
pub(super) fn report(app: &App, stacks: &[&Stack]) -> LintReport {
    app.linter().run_all(stacks.iter().copied())
}

/// `lint [--json]`: every finding, suppressed ones with their reason; exit 1 when an
/// unsuppressed error remains.
pub(super) fn lint(app: &App, stacks: &[&Stack], json: bool, out: &mut dyn Write) -> VerbResult {
    let report = report(app, stacks);
    if json {
        let text = serde_json::to_string_pretty(&report.findings).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        for finding in &report.findings {
            writeln!(out, "{finding}").map_err(|e| e.to_string())?;
        }
        writeln!(out, "{}", summary(&report)).map_err(|e| e.to_string())?;
    }
    Ok(if report.has_errors() { EXIT_FAILURE } else { 0 })
}

/// "2 errors, 5 warnings, 3 info; 1 suppressed".
pub(super) fn summary(report: &LintReport) -> String {
    format!(
        "{} error(s), {} warning(s), {} info; {} suppressed",
        report.open(Severity::Error),
        report.open(Severity::Warning),
        report.open(Severity::Info),
        report.suppressed()
    )
}

/// The message `deploy` refuses with when unsuppressed errors remain.
pub(super) fn refusal(errors: &[&Finding]) -> String {
    let mut message = format!(
        "lint found {} error(s); deploy refuses until each is fixed or suppressed with a reason \
         (Stack::suppress), or is run with --allow-lint-errors:",
        errors.len()
    );
    for finding in errors {
        let _ = write!(message, "\n  {finding}");
    }
    message
}

/// The gate `deploy` passes first: refuses when an unsuppressed error remains, unless
/// `allowed`. An invalid stack is left to deploy's validation, which reports it first.
pub(super) fn gate(app: &App, stacks: &[&Stack], allowed: bool) -> Result<(), String> {
    if allowed || stacks.iter().any(|s| s.validate().is_err()) {
        return Ok(());
    }
    let report = report(app, stacks);
    let errors: Vec<_> = report.errors().collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(refusal(&errors))
    }
}
