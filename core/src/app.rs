//! [`App`]: the root of a program's stacks.

use std::sync::Arc;

use crate::error::{ValidationError, ValidationErrors};
use crate::lint::{LintReport, Linter, Rule};
use crate::stack::Stack;

/// All stacks of one program.
///
/// ```
/// use stratus_core::prelude::*;
///
/// let mut app = App::new();
/// app.add_stack(Stack::new("dev", Environment::region("us-east-1")));
/// app.add_stack(Stack::new("prod", Environment::region("us-east-1")));
/// assert_eq!(app.stacks().len(), 2);
/// app.validate().unwrap();
/// ```
#[derive(Default)]
pub struct App {
    stacks: Vec<Stack>,
    rules: Vec<Arc<dyn Rule>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("stacks", &self.stacks)
            .field(
                "rules",
                &self.rules.iter().map(|r| r.info().id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl App {
    /// An app with no stacks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a stack.
    pub fn add_stack(&mut self, stack: Stack) -> &mut Self {
        self.stacks.push(stack);
        self
    }

    /// The stacks, in the order added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// A stack by name.
    pub fn stack(&self, name: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.name() == name)
    }

    /// Validates every stack; also rejects two stacks with the same name.
    ///
    /// # Errors
    /// Every problem of every stack.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        for (i, stack) in self.stacks.iter().enumerate() {
            if self.stacks[..i].iter().any(|s| s.name() == stack.name()) {
                errors.push(ValidationError::DuplicateId {
                    path: stack.path().clone(),
                });
            }
            if let Err(e) = stack.validate() {
                errors.extend(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }

    /// Registers a lint rule of the user's, run with the built-in ones by [`App::lint`], the
    /// command line's `lint` and `deploy`, and tests that call [`App::linter`].
    ///
    /// ```
    /// use stratus_core::lint::{Findings, Rule, RuleInfo, Severity};
    /// use stratus_core::prelude::*;
    ///
    /// /// Every stack is tagged with its cost centre.
    /// struct CostCentre;
    /// impl Rule for CostCentre {
    ///     fn info(&self) -> RuleInfo {
    ///         RuleInfo { id: "ACME-COST-CENTRE", severity: Severity::Error, checkov: &[], cdk_nag: &[] }
    ///     }
    ///     fn check(&self, stack: &Stack, findings: &mut Findings) {
    ///         if !stack.tags().contains_key("CostCentre") {
    ///             findings.add_at(stack.path(), "the stack has no CostCentre tag", "stack.tag(\"CostCentre\", ..)");
    ///         }
    ///     }
    /// }
    ///
    /// let mut app = App::new();
    /// app.add_stack(Stack::new("prod", Environment::region("us-east-1")));
    /// app.add_lint_rule(CostCentre);
    /// assert!(app.lint().errors().any(|f| f.rule == "ACME-COST-CENTRE"));
    /// ```
    pub fn add_lint_rule(&mut self, rule: impl Rule + 'static) -> &mut Self {
        self.rules.push(Arc::new(rule));
        self
    }

    /// The built-in rules and the app's own ([`App::add_lint_rule`]).
    pub fn linter(&self) -> Linter {
        self.rules
            .iter()
            .fold(Linter::with_builtin_rules(), |linter, rule| {
                linter.shared_rule(Arc::clone(rule))
            })
    }

    /// Lints every stack with [`App::linter`]; each stack's suppressions apply to it.
    pub fn lint(&self) -> LintReport {
        self.linter().run_all(&self.stacks)
    }
}
