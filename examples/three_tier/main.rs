//! The reference three-tier stack (`shared/reference/three-tier.md`).
//!
//! `cargo run --example three_tier` validates it and prints a summary; a verb runs the command
//! line instead: `cargo run --example three_tier -- list`.

use std::process::ExitCode;

use stratus::prelude::*;

mod stack;

fn main() -> ExitCode {
    let mut app = App::new();
    app.add_stack(stack::build().stack);
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
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{errors}");
            ExitCode::FAILURE
        }
    }
}
