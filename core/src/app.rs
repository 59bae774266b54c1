//! [`App`]: the root of a program's stacks.

use crate::error::{ValidationError, ValidationErrors};
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
#[derive(Debug, Default)]
pub struct App {
    stacks: Vec<Stack>,
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
}
