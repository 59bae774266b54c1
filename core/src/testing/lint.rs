//! Assertions on lint findings, with failures that list what was found.

use crate::lint::{Finding, LintReport};

/// Whether `path` names the finding's construct: the full path (`prod/alb`) or its tail
/// under the stack (`alb`).
fn at(finding: &Finding, path: &str) -> bool {
    finding.path == path
        || finding
            .path
            .strip_suffix(path)
            .is_some_and(|head| head.ends_with('/'))
}

fn listing(report: &LintReport) -> String {
    if report.findings.is_empty() {
        return "no findings".into();
    }
    report
        .findings
        .iter()
        .map(|f| format!("  {f}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Assertions on a [`LintReport`] for `cargo test`.
///
/// ```
/// use stratus_core::lint::Linter;
/// use stratus_core::prelude::*;
/// use stratus_core::testing::AssertLint;
///
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let vpc = Vpc::builder("vpc").build(&mut stack);
/// let admin = SecurityGroup::builder("admin-sg", &vpc).build(&mut stack);
/// stack.allow(Peer::any_ipv4(), &admin, Port::SSH);
/// let report = Linter::with_builtin_rules().run(&stack);
/// report.assert_finding("STRATUS-ADMIN-PORT-OPEN", "admin-sg/from-anywhere-tcp-22");
/// report.assert_no_finding("STRATUS-ADMIN-PORT-OPEN", "vpc");
///
/// stack.suppress("vpc", "STRATUS-NO-FLOW-LOGS", "a sandbox");
/// let report = Linter::with_builtin_rules().run(&stack);
/// assert_eq!(report.assert_suppressed("STRATUS-NO-FLOW-LOGS", "vpc"), "a sandbox");
/// ```
pub trait AssertLint {
    /// Asserts a finding of `rule` at `path` and returns it.
    ///
    /// # Panics
    /// When there is none; the message lists every finding.
    #[track_caller]
    fn assert_finding(&self, rule: &str, path: &str) -> &Finding;

    /// Asserts no finding of `rule` at `path`.
    ///
    /// # Panics
    /// When there is one.
    #[track_caller]
    fn assert_no_finding(&self, rule: &str, path: &str);

    /// Asserts a finding of `rule` at `path` that a suppression covers; returns its reason.
    ///
    /// # Panics
    /// When there is none, or it is not suppressed.
    #[track_caller]
    fn assert_suppressed(&self, rule: &str, path: &str) -> &str;

    /// Asserts that no unsuppressed error remains (what `deploy` on the command line needs).
    ///
    /// # Panics
    /// When one does; the message lists them.
    #[track_caller]
    fn assert_no_errors(&self);
}

impl AssertLint for LintReport {
    fn assert_finding(&self, rule: &str, path: &str) -> &Finding {
        let found = self.findings.iter().find(|f| f.rule == rule && at(f, path));
        match found {
            Some(finding) => finding,
            None => panic!(
                "expected a {rule} finding at {path}, found:\n{}",
                listing(self)
            ),
        }
    }

    fn assert_no_finding(&self, rule: &str, path: &str) {
        if let Some(finding) = self.findings.iter().find(|f| f.rule == rule && at(f, path)) {
            panic!("expected no {rule} finding at {path}, found: {finding}");
        }
    }

    fn assert_suppressed(&self, rule: &str, path: &str) -> &str {
        let finding = self.assert_finding(rule, path);
        match &finding.suppressed {
            Some(reason) => reason,
            None => panic!("expected {rule} at {path} to be suppressed, but it is not: {finding}"),
        }
    }

    fn assert_no_errors(&self) {
        let errors: Vec<String> = self.errors().map(|f| format!("  {f}")).collect();
        assert!(
            errors.is_empty(),
            "expected no unsuppressed lint error, found {}:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
}
