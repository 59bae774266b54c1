//! The command line a user's `main` gets with one call: `stratus::cli::run(app)`.
//!
//! Verbs so far: `validate` (every problem, exit 1 on any) and `list` (the resources of each
//! stack). Errors go to stderr; exit codes: 0 success, 1 invalid stack, 2 usage error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stratus_core::App;

#[derive(Parser, Debug)]
#[command(about = "Check and inspect the stacks declared by this program")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check every stack; print every problem with its construct path.
    Validate,
    /// List each stack's resources: logical id, type and construct path.
    List,
}

/// Parses the process arguments and runs the verb against `app`.
///
/// ```no_run
/// use stratus::prelude::*;
///
/// fn main() -> std::process::ExitCode {
///     let mut app = App::new();
///     app.add_stack(Stack::new("prod", Environment::region("us-east-1")));
///     stratus::cli::run(&app)
/// }
/// ```
pub fn run(app: &App) -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => execute(app, &cli.command, &mut std::io::stdout()),
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            ExitCode::from(code)
        }
    }
}

fn execute(app: &App, command: &Command, out: &mut impl std::io::Write) -> ExitCode {
    match command {
        Command::Validate => match app.validate() {
            Ok(()) => {
                let _ = writeln!(out, "{} stack(s) valid", app.stacks().len());
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprint!("{errors}");
                ExitCode::from(1)
            }
        },
        Command::List => {
            for stack in app.stacks() {
                let _ = writeln!(out, "{} ({} resources)", stack.name(), stack.graph().len());
                for (_, node) in stack.graph().nodes() {
                    let _ = writeln!(
                        out,
                        "  {:<40} {:<45} {}",
                        node.path.logical_id(),
                        node.type_name,
                        node.path
                    );
                }
            }
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stratus_core::prelude::*;

    #[test]
    fn list_prints_every_resource() {
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        Vpc::builder("vpc")
            .max_azs(2)
            .nat_gateways(1)
            .build(&mut stack);
        let n = stack.graph().len();
        let mut app = App::new();
        app.add_stack(stack);
        let mut out = Vec::new();
        assert_eq!(execute(&app, &Command::List, &mut out), ExitCode::SUCCESS);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), n + 1, "{text}");
        assert!(text.contains("VpcPublicA"), "{text}");
    }

    #[test]
    fn validate_fails_on_errors() {
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        Vpc::builder("vpc").cidr("10.0.0.0/8").build(&mut stack);
        let mut app = App::new();
        app.add_stack(stack);
        assert_eq!(
            execute(&app, &Command::Validate, &mut Vec::new()),
            ExitCode::from(1)
        );
    }
}
