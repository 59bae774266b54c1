//! The reference three-tier stack (`shared/reference/three-tier.md`).
//!
//! `cargo run --example three_tier` validates and lints it and prints a summary; a verb runs
//! the command line instead: `cargo run --example three_tier -- lint`.

use std::process::ExitCode;

use stratus::lint::Severity;
use stratus::prelude::*;

mod rules;
mod stack;

fn main() -> ExitCode {
    let mut app = App::new();
    app.add_stack(stack::build_with(&stack::Settings::from_env()).stack);
    app.add_lint_rule(rules::NamePrefix);
    if std::env::args().len() > 1 {
        return stratus::cli::run(app);
    }
    match app.validate() {
        Ok(()) => {
            for stack in app.stacks() {
                println!(
                    "stack {}: {} resources, valid",
                    stack.name(),
                    stack.graph().len()
                );
                for output in stack.outputs() {
                    println!(
                        "  output {}: {}",
                        output.id,
                        output.description.as_deref().unwrap_or("")
                    );
                }
            }
            let report = app.lint();
            println!(
                "lint: {} error(s), {} warning(s), {} info (`-- lint` lists them)",
                report.open(Severity::Error),
                report.open(Severity::Warning),
                report.open(Severity::Info)
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{errors}");
            ExitCode::FAILURE
        }
    }
}
