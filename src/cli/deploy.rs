//! `plan`, `deploy`, `destroy`, `outputs`, `force-unlock`: the verbs that read or change what is
//! deployed. They run on a tokio runtime, with one [`Deployer`] per stack.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use stratus_core::deploy::{
    ApplyOptions, Deployer, EngineError, Event, LocalBackend, Observer, Operation, Provider,
    Report, StateBackend,
};
use stratus_core::{App, Stack};
use tokio::sync::mpsc;

use super::{EXIT_FAILURE, VerbResult};

/// Exit code of `plan --detailed-exitcode` when there are changes (as Terraform).
pub const EXIT_CHANGES: u8 = 2;

/// Where state lives, from `--state`.
#[derive(Clone, Debug)]
pub(super) struct StateLocation(String);

impl StateLocation {
    pub(super) fn new(text: &str) -> Self {
        Self(text.to_owned())
    }

    fn backend(
        &self,
        stack: &str,
        runtime: &tokio::runtime::Runtime,
    ) -> Result<Arc<dyn StateBackend>, String> {
        if !self.0.starts_with("s3://") {
            return Ok(Arc::new(LocalBackend::new(PathBuf::from(&self.0), stack)));
        }
        let Some((bucket, key)) = stratus_core::deploy::parse_s3_location(&self.0, stack) else {
            return Err(format!(
                "{} is not an S3 location; write s3://bucket/prefix",
                self.0
            ));
        };
        s3_backend(bucket, key, runtime)
    }
}

#[cfg(feature = "aws")]
#[allow(clippy::unnecessary_wraps)] // the same signature as without the feature
fn s3_backend(
    bucket: String,
    key: String,
    runtime: &tokio::runtime::Runtime,
) -> Result<Arc<dyn StateBackend>, String> {
    let config = runtime.block_on(stratus_aws::load_config());
    Ok(Arc::new(stratus_aws::S3Backend::new(
        stratus_aws::s3_client(&config),
        bucket,
        key,
    )))
}

#[cfg(not(feature = "aws"))]
fn s3_backend(
    bucket: String,
    key: String,
    _runtime: &tokio::runtime::Runtime,
) -> Result<Arc<dyn StateBackend>, String> {
    Err(format!(
        "s3://{bucket}/{key}: S3 state needs the `aws` feature of stratus"
    ))
}

/// Where the deploy verbs get their provider.
pub(super) enum ProviderSource {
    /// None: the deploy verbs explain how to get one.
    None,
    /// One given by the program.
    Given(Arc<dyn Provider>),
    /// The AWS provider from the standard configuration chain, made when first needed.
    #[cfg(feature = "aws")]
    Aws,
}

/// What the deploy verbs share.
pub(super) struct Context<'a> {
    pub(super) app: &'a App,
    pub(super) provider: ProviderSource,
    pub(super) state: StateLocation,
    pub(super) stack: Option<String>,
}

impl Context<'_> {
    fn stacks(&self) -> Result<Vec<&Stack>, String> {
        match &self.stack {
            Some(name) => super::pick(self.app, Some(name)).map(|s| vec![s]),
            None => Ok(self.app.stacks().iter().collect()),
        }
    }

    fn provider(&self, runtime: &tokio::runtime::Runtime) -> Result<Arc<dyn Provider>, String> {
        let _ = runtime;
        match &self.provider {
            ProviderSource::Given(provider) => Ok(Arc::clone(provider)),
            #[cfg(feature = "aws")]
            ProviderSource::Aws => Ok(Arc::new(
                runtime.block_on(stratus_aws::AwsProvider::from_env()),
            )),
            ProviderSource::None => Err(
                "this program has no provider to deploy with: build it with the `aws` feature, or \
                 start the command line with stratus::cli::run_with_provider"
                    .to_owned(),
            ),
        }
    }

    fn deployer(
        &self,
        stack: &str,
        options: ApplyOptions,
        runtime: &tokio::runtime::Runtime,
    ) -> Result<Deployer, String> {
        Ok(
            Deployer::new(self.provider(runtime)?, self.state.backend(stack, runtime)?)
                .options(options),
        )
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start tokio: {e}"))
}

fn engine_error(stack: &str, e: EngineError) -> String {
    format!("stack {stack}: {e}")
}

/// `plan`: every selected stack's plan, as text or JSON.
pub(super) fn plan(
    ctx: &Context<'_>,
    json: bool,
    detailed: bool,
    color: bool,
    out: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let mut plans = Vec::new();
    for stack in ctx.stacks()? {
        let deployer = ctx.deployer(stack.name(), ApplyOptions::default(), &runtime)?;
        let plan = runtime
            .block_on(deployer.plan(stack))
            .map_err(|e| engine_error(stack.name(), e))?;
        plans.push(plan);
    }
    if json {
        let text = serde_json::to_string_pretty(&plans).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        for plan in &plans {
            write!(out, "{}", plan.render(color)).map_err(|e| e.to_string())?;
        }
    }
    let changes = plans.iter().any(stratus_core::deploy::Plan::has_changes);
    Ok(if detailed && changes { EXIT_CHANGES } else { 0 })
}

/// Asks on the terminal; refuses when there is none.
fn confirm(question: &str, err: &mut dyn Write) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "{question} needs confirmation: run it with --yes when there is no terminal"
        ));
    }
    write!(err, "{question} [y/N] ").map_err(|e| e.to_string())?;
    err.flush().map_err(|e| e.to_string())?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `deploy`: plan, confirm, apply with progress, print outputs.
pub(super) fn deploy(
    ctx: &Context<'_>,
    yes: bool,
    concurrency: usize,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let options = ApplyOptions {
        concurrency,
        ..ApplyOptions::default()
    };
    let mut failed = false;
    for stack in ctx.stacks()? {
        let deployer = ctx.deployer(stack.name(), options.clone(), &runtime)?;
        let plan = runtime
            .block_on(deployer.plan(stack))
            .map_err(|e| engine_error(stack.name(), e))?;
        write!(out, "{}", plan.render(color)).map_err(|e| e.to_string())?;
        if plan.has_changes()
            && !yes
            && !confirm(&format!("deploy these changes to {}?", stack.name()), err)?
        {
            writeln!(err, "not deployed").map_err(|e| e.to_string())?;
            return Ok(EXIT_FAILURE);
        }
        let total = plan
            .changes
            .iter()
            .filter(|c| c.action != stratus_core::deploy::Action::NoOp)
            .count();
        let report = runtime
            .block_on(with_progress(deployer, total, err, |d| async move {
                d.deploy(stack).await
            }))
            .map_err(|e| engine_error(stack.name(), e))?;
        failed |= !summarize(&report, out, err)?;
    }
    Ok(if failed { EXIT_FAILURE } else { 0 })
}

/// `destroy`: delete everything recorded for the selected stacks.
pub(super) fn destroy(
    ctx: &Context<'_>,
    yes: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let mut failed = false;
    for stack in ctx.stacks()? {
        let name = stack.name().to_owned();
        if !yes && !confirm(&format!("destroy every resource of {name}?"), err)? {
            writeln!(err, "not destroyed").map_err(|e| e.to_string())?;
            return Ok(EXIT_FAILURE);
        }
        let deployer = ctx.deployer(&name, ApplyOptions::default(), &runtime)?;
        let report = runtime
            .block_on(with_progress(deployer, 0, err, |d| {
                let name = name.clone();
                async move { d.destroy(&name).await }
            }))
            .map_err(|e| engine_error(&name, e))?;
        failed |= !summarize(&report, out, err)?;
    }
    Ok(if failed { EXIT_FAILURE } else { 0 })
}

/// `outputs`: the outputs recorded by the last deploy.
pub(super) fn outputs(ctx: &Context<'_>, json: bool, out: &mut dyn Write) -> VerbResult {
    let runtime = runtime()?;
    let mut all = serde_json::Map::new();
    for stack in ctx.stacks()? {
        // Reading outputs needs no provider.
        let backend = ctx.state.backend(stack.name(), &runtime)?;
        let state = runtime
            .block_on(backend.load())
            .map_err(|e| e.to_string())?;
        let outputs = state.map(|s| s.outputs).unwrap_or_default();
        all.insert(
            stack.name().to_owned(),
            serde_json::to_value(&outputs).map_err(|e| e.to_string())?,
        );
    }
    if json {
        writeln!(out, "{:#}", serde_json::Value::Object(all)).map_err(|e| e.to_string())?;
    } else {
        for (stack, outputs) in &all {
            writeln!(out, "{stack}").map_err(|e| e.to_string())?;
            for (id, value) in outputs.as_object().into_iter().flatten() {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                writeln!(out, "  {id} = {text}").map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(0)
}

/// `force-unlock`: remove a stale lock.
pub(super) fn force_unlock(ctx: &Context<'_>, out: &mut dyn Write) -> VerbResult {
    let runtime = runtime()?;
    for stack in ctx.stacks()? {
        let backend = ctx.state.backend(stack.name(), &runtime)?;
        match runtime
            .block_on(backend.force_unlock())
            .map_err(|e| e.to_string())?
        {
            Some(holder) => writeln!(out, "{}: removed the lock held for {holder}", stack.name()),
            None => writeln!(out, "{}: was not locked", stack.name()),
        }
        .map_err(|e| e.to_string())?;
    }
    Ok(0)
}

/// Prints the outcome; returns whether the run succeeded.
fn summarize(report: &Report, out: &mut dyn Write, err: &mut dyn Write) -> Result<bool, String> {
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
    if report.interrupted {
        writeln!(
            err,
            "interrupted: finished calls are saved; run the command again to continue"
        )
        .map_err(w)?;
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

/// Runs `work` while printing its events: an indicatif bar on a terminal, plain lines otherwise.
/// The first Ctrl-C stops dispatching (in-flight calls finish, state is saved, the lock is
/// released); a second one exits at once, which the journal makes safe.
async fn with_progress<F, Fut>(
    deployer: Deployer,
    total: usize,
    err: &mut dyn Write,
    work: F,
) -> Result<Report, EngineError>
where
    F: FnOnce(Deployer) -> Fut,
    Fut: std::future::Future<Output = Result<Report, EngineError>>,
{
    let (sender, mut events) = mpsc::unbounded_channel::<Event>();
    let observer: Arc<dyn Observer> = Arc::new(move |event: &Event| {
        let _ = sender.send(event.clone());
    });
    let cancel = deployer.cancel_handle();
    let deployer = deployer.observer(observer);
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let run = work(deployer);
    tokio::pin!(run);
    let mut interrupts = 0;
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            Some(event) = events.recv() => show(&event, bar.as_ref(), err),
            _ = tokio::signal::ctrl_c() => {
                interrupts += 1;
                if interrupts > 1 {
                    let _ = writeln!(err, "aborted; the journal lets the next run reconcile");
                    std::process::exit(130);
                }
                cancel.cancel();
                let _ = writeln!(err, "stopping: waiting for calls in flight (Ctrl-C again to abort)");
            }
        }
    };
    while let Ok(event) = events.try_recv() {
        show(&event, bar.as_ref(), err);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

fn show(event: &Event, bar: Option<&ProgressBar>, err: &mut dyn Write) {
    let verb = |op: &Operation| match op {
        Operation::Create => "created",
        Operation::Update => "updated",
        Operation::Delete | Operation::DeleteRetired | Operation::Retire => "deleted",
    };
    let line = match event {
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
        _ => return,
    };
    match bar {
        Some(bar) => bar.println(line),
        None => {
            let _ = writeln!(err, "{line}");
        }
    }
}
