//! Security lint over the resource graph: rules that read any resource's properties (so they
//! apply to L2 constructs, generated L1s and raw resources alike), findings that name the
//! construct and the fix, and suppressions that must give a reason.
//!
//! ```
//! use stratus_core::lint::{Linter, Severity};
//! use stratus_core::prelude::*;
//!
//! let mut stack = Stack::new("prod", Environment::region("us-east-1"));
//! let vpc = Vpc::builder("vpc").build(&mut stack);
//! let bastion = SecurityGroup::builder("bastion-sg", &vpc).build(&mut stack);
//! stack.allow(Peer::any_ipv4(), &bastion, Port::tcp(22));
//! let report = Linter::with_builtin_rules().run(&stack);
//! assert!(report.errors().any(|f| f.rule == "STRATUS-ADMIN-PORT-OPEN"));
//! ```

mod rules;

use std::fmt;
use std::sync::Arc;

use crate::graph::Node;
use crate::path::ConstructPath;
use crate::stack::Stack;

pub use rules::builtin_rules;

/// How much a finding matters: an error stops `deploy` on the command line unless overridden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed or suppressed with a reason.
    Warning,
    /// Must be fixed or suppressed with a reason.
    Error,
}

/// What a rule is: its id, severity, and the ids of the equivalent checks of other tools.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    /// A stable id, `STRATUS-…` for the built-in rules.
    pub id: &'static str,
    /// How much a finding of it matters.
    pub severity: Severity,
    /// The equivalent checkov checks (`CKV_AWS_…`).
    pub checkov: &'static [&'static str],
    /// The equivalent cdk-nag rules (`AwsSolutions-…`).
    pub cdk_nag: &'static [&'static str],
}

/// One problem a rule found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// The construct it is about.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The equivalent checkov checks.
    pub checkov: Vec<&'static str>,
    /// The equivalent cdk-nag rules.
    pub cdk_nag: Vec<&'static str>,
    /// The reason it is accepted, when a suppression covers it (`null` in JSON otherwise).
    pub suppressed: Option<String>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        write!(
            f,
            "{level} {}: {}: {}; {}",
            self.rule, self.path, self.message, self.fix
        )?;
        if let Some(reason) = &self.suppressed {
            write!(f, " (suppressed: {reason})")?;
        }
        Ok(())
    }
}

/// A check over the graph. Built-in rules implement it, and so can a user's.
///
/// ```
/// use stratus_core::lint::{Findings, Linter, Rule, RuleInfo, Severity};
/// use stratus_core::prelude::*;
///
/// /// Every bucket in this company is named `acme-…`.
/// struct BucketPrefix;
/// impl Rule for BucketPrefix {
///     fn info(&self) -> RuleInfo {
///         RuleInfo { id: "ACME-BUCKET-PREFIX", severity: Severity::Warning, checkov: &[], cdk_nag: &[] }
///     }
///     fn check(&self, stack: &Stack, findings: &mut Findings) {
///         for (_, node) in stack.graph().nodes().filter(|(_, n)| n.type_name == "AWS::S3::Bucket") {
///             let named = node.properties.get("BucketName").and_then(|v| v.as_str());
///             if !named.is_some_and(|n| n.starts_with("acme-")) {
///                 findings.add(node, "the bucket is not named acme-…", "name it acme-<purpose>");
///             }
///         }
///     }
/// }
///
/// let stack = Stack::new("prod", Environment::region("us-east-1"));
/// let report = Linter::with_builtin_rules().rule(BucketPrefix).run(&stack);
/// assert_eq!(report.findings.len(), 0);
/// ```
pub trait Rule: Send + Sync {
    /// The rule's id, severity and equivalents.
    fn info(&self) -> RuleInfo;
    /// Adds a finding for each problem in `stack`.
    fn check(&self, stack: &Stack, findings: &mut Findings);
}

/// Where a rule puts what it finds; the rule's id and severity are filled in.
pub struct Findings {
    info: RuleInfo,
    found: Vec<Finding>,
}

impl Findings {
    /// A finding about `node`.
    pub fn add(&mut self, node: &Node, message: impl Into<String>, fix: impl Into<String>) {
        self.add_at(&node.path, message, fix);
    }

    /// A finding about the construct at `path`.
    pub fn add_at(
        &mut self,
        path: &ConstructPath,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.found.push(Finding {
            rule: self.info.id,
            severity: self.info.severity,
            path: path.as_str().to_owned(),
            message: message.into(),
            fix: fix.into(),
            checkov: self.info.checkov.to_vec(),
            cdk_nag: self.info.cdk_nag.to_vec(),
            suppressed: None,
        });
    }
}

/// An accepted finding: a rule at a construct path (and everything under it), with why.
/// Made by [`Linter::suppress`] or [`Stack::suppress`], which keeps it with the stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The construct path it covers, with everything under it.
    pub path: String,
    /// The rule id it accepts.
    pub rule: String,
    /// Why; shown in every report. An empty reason is itself an error finding.
    pub reason: String,
}

impl Suppression {
    /// A suppression of `rule` at `path` (absolute, starting with the stack's name).
    pub fn new(path: impl Into<String>, rule: impl Into<String>, reason: &str) -> Self {
        Self {
            path: path.into(),
            rule: rule.into(),
            reason: reason.trim().to_owned(),
        }
    }
}

/// The rules to run and the suppressions to apply.
#[derive(Clone, Default)]
pub struct Linter {
    rules: Vec<Arc<dyn Rule>>,
    suppressions: Vec<Suppression>,
}

impl fmt::Debug for Linter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Linter")
            .field(
                "rules",
                &self.rules.iter().map(|r| r.info().id).collect::<Vec<_>>(),
            )
            .field("suppressions", &self.suppressions)
            .finish()
    }
}

/// The rule id of the finding a suppression that matches nothing becomes.
pub const UNUSED_SUPPRESSION: &str = "STRATUS-SUPPRESSION-UNUSED";

impl Linter {
    /// No rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// The built-in rules ([`builtin_rules`]).
    pub fn with_builtin_rules() -> Self {
        Self {
            rules: builtin_rules(),
            suppressions: Vec::new(),
        }
    }

    /// Adds a rule, run with the others.
    #[must_use]
    pub fn rule(mut self, rule: impl Rule + 'static) -> Self {
        self.rules.push(Arc::new(rule));
        self
    }

    /// Adds a rule shared with other linters (an [`App`](crate::App) keeps its rules so).
    #[must_use]
    pub fn shared_rule(mut self, rule: Arc<dyn Rule>) -> Self {
        self.rules.push(rule);
        self
    }

    /// The ids of the rules it runs.
    pub fn rule_ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rules.iter().map(|r| r.info().id)
    }

    /// Accepts `rule`'s findings at `path` and under it, for `reason`, which every report
    /// shows. An empty reason is refused: the suppression is reported as an error finding.
    #[must_use]
    pub fn suppress(mut self, path: &str, rule: &str, reason: &str) -> Self {
        self.suppressions.push(Suppression::new(path, rule, reason));
        self
    }

    /// Runs over each of `stacks`, one report for all.
    pub fn run_all<'a>(&self, stacks: impl IntoIterator<Item = &'a Stack>) -> LintReport {
        let mut report = LintReport::default();
        for stack in stacks {
            report.findings.extend(self.run(stack).findings);
        }
        report
    }

    /// Runs every rule over `stack` and applies the suppressions: this linter's and those the
    /// stack carries ([`Stack::suppress`]).
    pub fn run(&self, stack: &Stack) -> LintReport {
        let suppressions: Vec<&Suppression> = self
            .suppressions
            .iter()
            .chain(stack.suppressions())
            .collect();
        let mut findings = Vec::new();
        for rule in &self.rules {
            let mut sink = Findings {
                info: rule.info(),
                found: Vec::new(),
            };
            rule.check(stack, &mut sink);
            findings.extend(sink.found);
        }
        let mut used = vec![false; suppressions.len()];
        for finding in &mut findings {
            let covering = suppressions.iter().enumerate().find(|(_, s)| {
                !s.reason.is_empty() && s.rule == finding.rule && covers(&s.path, &finding.path)
            });
            if let Some((i, suppression)) = covering {
                used[i] = true;
                finding.suppressed = Some(suppression.reason.clone());
            }
        }
        for (suppression, used) in suppressions.iter().zip(used) {
            let problem = if suppression.reason.is_empty() {
                Some((
                    Severity::Error,
                    "has no reason",
                    "say why the finding is accepted",
                ))
            } else if !used {
                Some((
                    Severity::Warning,
                    "matches no finding",
                    "remove it, or correct its path or rule id",
                ))
            } else {
                None
            };
            if let Some((severity, what, fix)) = problem {
                findings.push(Finding {
                    rule: UNUSED_SUPPRESSION,
                    severity,
                    path: suppression.path.clone(),
                    message: format!("the suppression of {} {what}", suppression.rule),
                    fix: fix.into(),
                    checkov: Vec::new(),
                    cdk_nag: Vec::new(),
                    suppressed: None,
                });
            }
        }
        findings.sort_by(|a, b| (b.severity, &a.path, a.rule).cmp(&(a.severity, &b.path, b.rule)));
        LintReport { findings }
    }
}

/// Whether a suppression at `scope` covers a finding at `path`: the same construct or one
/// under it.
fn covers(scope: &str, path: &str) -> bool {
    path == scope
        || path
            .strip_prefix(scope)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Everything the rules found, errors first.
#[derive(Clone, Debug, Default)]
pub struct LintReport {
    /// Every finding, suppressed ones included.
    pub findings: Vec<Finding>,
}

impl LintReport {
    /// The errors no suppression covers: what stops a deploy.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.suppressed.is_none())
    }

    /// Whether an unsuppressed error remains.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// How many findings of `severity` no suppression covers.
    pub fn open(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity && f.suppressed.is_none())
            .count()
    }

    /// How many findings a suppression covers.
    pub fn suppressed(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .count()
    }
}
