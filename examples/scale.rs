//! The reference stack repeated as `STACKS` separate stacks in one app (default 1), with the
//! same verbs as `three_tier`: `STACKS=100 cargo run --release --example scale -- synth`.

use std::process::ExitCode;

use stratus::prelude::*;

#[path = "three_tier/stack.rs"]
mod stack;

fn main() -> ExitCode {
    let count: usize = match std::env::var("STACKS").map(|v| v.parse()) {
        Err(_) => 1,
        Ok(Ok(n)) => n,
        Ok(Err(e)) => {
            eprintln!("error: STACKS must be a whole number: {e}");
            return ExitCode::from(2);
        }
    };
    // Stacks are independent values (`Stack: Send`), so they are built on every core.
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let per_worker = count.div_ceil(workers).max(1);
    let stacks: Vec<Stack> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..count)
            .step_by(per_worker)
            .map(|start| {
                scope.spawn(move || {
                    (start..(start + per_worker).min(count))
                        .map(|i| stack::build_named(&format!("project-x-{i}")).stack)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("building a stack does not panic"))
            .collect()
    });
    let mut app = App::new();
    for stack in stacks {
        app.add_stack(stack);
    }
    stratus::cli::run(app)
}
