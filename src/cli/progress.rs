//! Showing a run as it goes (an indicatif bar on a terminal, plain lines otherwise), Ctrl-C, and
//! the summary of what a run did.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use stratus_core::deploy::{Deployer, EngineError, Event, Observer, Operation, Report};
use tokio::sync::mpsc;

/// Runs `work` while printing its events. The first Ctrl-C stops dispatching (in-flight calls
/// finish, state is saved, the lock is released); a second one exits at once after releasing
/// the lock, which the journal makes safe, or says how to clear it.
pub(super) async fn with_progress<F, Fut, T>(
    deployer: Deployer,
    err: &mut dyn Write,
    work: F,
) -> Result<T, EngineError>
where
    F: FnOnce(Deployer) -> Fut,
    Fut: std::future::Future<Output = Result<T, EngineError>>,
{
    let (sender, mut events) = mpsc::unbounded_channel::<Event>();
    let observer: Arc<dyn Observer> = Arc::new(move |event: &Event| {
        let _ = sender.send(event.clone());
    });
    let cancel = deployer.cancel_handle();
    let backend = Arc::clone(deployer.backend());
    let deployer = deployer.observer(observer);
    let mut bar: Option<ProgressBar> = None;
    let run = work(deployer);
    tokio::pin!(run);
    let mut presses = Interrupts::listen();
    let mut interrupts = 0;
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            Some(event) = events.recv() => show(&event, &mut bar, err),
            () = presses.next() => {
                interrupts += 1;
                if interrupts > 1 {
                    let released = tokio::time::timeout(Duration::from_secs(5), backend.unlock()).await;
                    let _ = match released {
                        Ok(Ok(())) => writeln!(
                            err,
                            "aborted; the lock is released and the journal lets the next run reconcile"
                        ),
                        _ => writeln!(
                            err,
                            "aborted; the lock of {} could not be released: once no run is active, run `force-unlock`",
                            backend.location()
                        ),
                    };
                    std::process::exit(130);
                }
                cancel.cancel();
                let _ = writeln!(err, "stopping: waiting for calls in flight a few seconds, then leaving them to the next run (Ctrl-C again to abort)");
            }
        }
    };
    while let Ok(event) = events.try_recv() {
        show(&event, &mut bar, err);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// Ctrl-C, listened to for the whole run: one listener sees every press, where a listener made
/// anew for each wait misses a press that comes between two waits (a second Ctrl-C while the
/// first is being handled).
struct Interrupts {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupts {
    fn listen() -> Self {
        Self {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        }
    }

    /// The next press.
    async fn next(&mut self) {
        #[cfg(unix)]
        match &mut self.signal {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

fn show(event: &Event, bar: &mut Option<ProgressBar>, err: &mut dyn Write) {
    let verb = |op: &Operation| match op {
        Operation::Create => "created",
        Operation::Update => "updated",
        Operation::Delete | Operation::DeleteRetired | Operation::Retire => "deleted",
    };
    let line = match event {
        Event::Planned { operations } => {
            if std::io::stderr().is_terminal() && *operations > 0 {
                let new = ProgressBar::new(*operations as u64);
                new.set_style(
                    ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
                        .expect("a valid template")
                        .progress_chars("=> "),
                );
                *bar = Some(new);
            }
            return;
        }
        Event::Started { logical_id, .. } => {
            if let Some(bar) = bar {
                bar.set_message(logical_id.clone());
            }
            return;
        }
        Event::Finished {
            logical_id,
            operation,
            elapsed,
        } => {
            if let Some(bar) = bar {
                bar.inc(1);
            }
            format!(
                "  {:<8} {logical_id} ({:.1}s)",
                verb(operation),
                elapsed.as_secs_f64()
            )
        }
        Event::Retrying {
            logical_id,
            kind,
            attempt,
        } => format!("  retrying {logical_id} ({kind:?}, attempt {attempt})"),
        Event::Failed {
            logical_id,
            message,
            ..
        } => format!("  failed   {logical_id}: {message}"),
        Event::Skipped { logical_id } => format!("  skipped  {logical_id}"),
        Event::LockTakenOver { holder, why } => format!("took over the lock of {holder}: {why}"),
        _ => return,
    };
    match bar {
        Some(bar) => bar.println(line),
        None => {
            let _ = writeln!(err, "{line}");
        }
    }
}

/// Prints the outcome; returns whether the run succeeded.
pub(super) fn summarize(
    report: &Report,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<bool, String> {
    let w = |e: std::io::Error| e.to_string();
    for (logical_id, message) in &report.failed {
        writeln!(err, "failed: {logical_id}: {message}").map_err(w)?;
    }
    if !report.skipped.is_empty() {
        writeln!(
            err,
            "skipped (a dependency failed): {}",
            report.skipped.join(", ")
        )
        .map_err(w)?;
    }
    if !report.postponed.is_empty() {
        writeln!(
            err,
            "postponed to the next run: {}",
            report.postponed.join(", ")
        )
        .map_err(w)?;
    }
    if !report.unresolved.is_empty() {
        writeln!(
            err,
            "unresolved (the journal keeps them; the next run checks what happened): {}",
            report.unresolved.join(", ")
        )
        .map_err(w)?;
    }
    if report.interrupted {
        writeln!(
            err,
            "interrupted: finished calls are saved; run the command again to continue"
        )
        .map_err(w)?;
    }
    for kept in &report.kept {
        writeln!(out, "kept {kept}").map_err(w)?;
    }
    let calls = report.calls;
    writeln!(
        out,
        "{} in {:.1}s: {} create, {} update, {} delete calls",
        if report.succeeded() {
            "done"
        } else {
            "incomplete"
        },
        report.elapsed.as_secs_f64(),
        calls.create,
        calls.update,
        calls.delete
    )
    .map_err(w)?;
    if !report.outputs.is_empty() {
        writeln!(out, "outputs:").map_err(w)?;
        for (id, value) in &report.outputs {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            writeln!(out, "  {id} = {text}").map_err(w)?;
        }
    }
    Ok(report.succeeded())
}
