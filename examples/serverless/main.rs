//! A serverless stack written with the generated CloudFormation types (`stratus::cfn`): an S3
//! bucket, an SQS queue, a DynamoDB table, a Lambda function with its role and event source
//! mapping, and an HTTP API.
//!
//! `cargo run --example serverless` validates it and prints a summary; a verb runs the command
//! line instead: `cargo run --example serverless -- synth`.
//!
//! Deploying it needs a provider for these types: the AWS provider refuses them before any call
//! until it manages them.

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
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{errors}");
            ExitCode::FAILURE
        }
    }
}
