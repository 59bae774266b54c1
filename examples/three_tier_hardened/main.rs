//! The reference application done right (see `stack.rs`). `cargo run --example
//! three_tier_hardened -- lint` shows its findings: no errors.

use std::process::ExitCode;

use stratus::prelude::*;

mod logs;
mod stack;

fn main() -> ExitCode {
    let mut app = App::new();
    app.add_stack(stack::build().stack);
    if std::env::args().len() > 1 {
        return stratus::cli::run(app);
    }
    if let Err(errors) = app.validate() {
        eprint!("{errors}");
        return ExitCode::FAILURE;
    }
    let report = app.lint();
    for finding in &report.findings {
        println!("{finding}");
    }
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
