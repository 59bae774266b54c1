//! `plan`, `deploy` and `destroy`: the verbs that show and apply changes. They run on a tokio
//! runtime, with one [`Deployer`] per stack. The plan a deploy shows for confirmation is made
//! under the state lock and is the plan it applies; `plan --out FILE` saves a plan that
//! `deploy FILE` applies exactly, or refuses.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use stratus_core::deploy::{
    ApplyOptions, Deployer, EngineError, LocalBackend, Plan, Provider, SavedPlan, StateBackend,
};
use stratus_core::{App, Stack};

use super::progress::{summarize, with_progress};
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

    pub(super) fn backend(
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
    /// The AWS provider pointed at the local emulator recorded in (or started for) this
    /// directory: `--local`.
    #[cfg(feature = "aws")]
    Local(PathBuf),
}

/// What the deploy verbs share.
pub(super) struct Context<'a> {
    pub(super) app: &'a App,
    pub(super) provider: ProviderSource,
    pub(super) state: StateLocation,
    pub(super) stack: Option<String>,
}

impl Context<'_> {
    pub(super) fn stacks(&self) -> Result<Vec<&Stack>, String> {
        super::selected(self.app, self.stack.as_deref())
    }

    /// The provider for one stack: with AWS, its calls go to the stack's region, after one
    /// check that the credentials work and are for the stack's account (if it names one); the
    /// account and region are said on `err`.
    fn provider(
        &self,
        stack: &Stack,
        runtime: &tokio::runtime::Runtime,
        err: &mut dyn Write,
    ) -> Result<Arc<dyn Provider>, String> {
        let _ = (stack, runtime, &err);
        match &self.provider {
            ProviderSource::Given(provider) => Ok(Arc::clone(provider)),
            #[cfg(feature = "aws")]
            ProviderSource::Aws => {
                let connection = stratus_aws::Connection {
                    region: stack.env().region.clone(),
                    profile: None,
                };
                let config = runtime.block_on(connection.load());
                signed_in(stack, &config, runtime, err)?;
                Ok(Arc::new(stratus_aws::AwsProvider::new(&config)))
            }
            #[cfg(feature = "aws")]
            ProviderSource::Local(dir) => {
                let emulator =
                    stratus_aws::local::LocalEmulator::ensure(dir).map_err(|e| e.to_string())?;
                let mut config = runtime.block_on(emulator.config());
                if let Some(region) = &stack.env().region {
                    config = stratus_aws::in_region(&config, region);
                }
                signed_in(stack, &config, runtime, err)?;
                Ok(Arc::new(stratus_aws::AwsProvider::new(&config)))
            }
            ProviderSource::None => Err(
                "this program has no provider to deploy with: build it with the `aws` feature, or \
                 start the command line with stratus::cli::run_with_provider"
                    .to_owned(),
            ),
        }
    }

    pub(super) fn deployer(
        &self,
        stack: &Stack,
        options: ApplyOptions,
        runtime: &tokio::runtime::Runtime,
        err: &mut dyn Write,
    ) -> Result<Deployer, String> {
        Ok(Deployer::new(
            self.provider(stack, runtime, err)?,
            self.state.backend(stack.name(), runtime)?,
        )
        .options(options))
    }
}

/// The sign-in check before anything that calls AWS: fails in seconds, naming the way to
/// sign in, or the two accounts when the stack is for another; says where calls go.
#[cfg(feature = "aws")]
fn signed_in(
    stack: &Stack,
    config: &stratus_aws::SdkConfig,
    runtime: &tokio::runtime::Runtime,
    err: &mut dyn Write,
) -> Result<(), String> {
    let identity = runtime
        .block_on(stratus_aws::caller_identity(config))
        .map_err(|e| format!("{}: {e}", stack.name()))?;
    stratus_aws::check_account(stack.name(), stack.env().account.as_deref(), &identity)
        .map_err(|e| e.to_string())?;
    writeln!(
        err,
        "{}: account {}, region {} (as {})",
        stack.name(),
        identity.account,
        identity.region,
        identity.arn
    )
    .map_err(|e| e.to_string())
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start tokio: {e}"))
}

pub(super) fn engine_error(stack: &str, e: EngineError) -> String {
    format!("stack {stack}: {e}")
}

/// How `plan` shows and saves.
pub(super) struct PlanArgs {
    pub(super) json: bool,
    pub(super) detailed: bool,
    pub(super) color: bool,
    pub(super) refresh: bool,
    pub(super) out: Option<PathBuf>,
}

/// `plan`: every selected stack's plan, as text or JSON; with `--out`, saved for `deploy FILE`.
pub(super) fn plan(
    ctx: &Context<'_>,
    args: &PlanArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let options = ApplyOptions {
        refresh: args.refresh,
        ..ApplyOptions::default()
    };
    let mut saved = Vec::new();
    let mut costs = Vec::new();
    for stack in ctx.stacks()? {
        let deployer = ctx.deployer(stack, options.clone(), &runtime, err)?;
        let plan = runtime
            .block_on(deployer.saved_plan(stack))
            .map_err(|e| engine_error(stack.name(), e))?;
        saved.push(plan);
        if !args.json {
            // What the stack costs as recorded against as declared, as Infracost shows.
            let recorded = runtime
                .block_on(ctx.state.backend(stack.name(), &runtime)?.load())
                .map_err(|e| format!("stack {}: {e}", stack.name()))?;
            costs.push(super::cost::difference(stack, recorded.as_ref()));
        }
    }
    let plans: Vec<&Plan> = saved.iter().map(|s| &s.plan).collect();
    if args.json {
        let text = serde_json::to_string_pretty(&plans).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        for (plan, cost) in plans.iter().zip(&costs) {
            write!(out, "{}{cost}", plan.render(args.color)).map_err(|e| e.to_string())?;
        }
    }
    if let Some(file) = &args.out {
        let text = serde_json::to_string_pretty(&saved).map_err(|e| e.to_string())?;
        std::fs::write(file, text)
            .map_err(|e| format!("cannot write the plan to {}: {e}", file.display()))?;
        if !args.json {
            writeln!(
                out,
                "saved to {}: `deploy {}` applies exactly this plan, or refuses if anything moved",
                file.display(),
                file.display()
            )
            .map_err(|e| e.to_string())?;
        }
    }
    let changes = plans.iter().any(|p| p.has_changes());
    Ok(if args.detailed && changes {
        EXIT_CHANGES
    } else {
        0
    })
}

/// Asks on the terminal (stderr for the question, stdin for the answer).
fn ask(question: &str) -> bool {
    let mut err = std::io::stderr();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes")
}

/// What the approval of a plan decided, for the command to print afterwards.
#[derive(Debug, Default)]
struct Decision {
    /// The plan as shown (when not shown on the terminal already).
    shown: String,
    /// Why it was not applied.
    refused: Option<String>,
}

/// The approval of a plan: shown, refused when it loses data not allowed, applied with `--yes`
/// or when nothing changes, otherwise confirmed on the terminal.
fn approval(
    verb: &'static str,
    yes: bool,
    color: bool,
    allowed: BTreeSet<String>,
    decision: Arc<Mutex<Decision>>,
) -> impl FnOnce(&Plan) -> bool + Send {
    move |plan: &Plan| {
        let mut decision = decision.lock().expect("not poisoned");
        let text = plan.render(color);
        let lost = plan.unallowed_data_loss(&allowed);
        if !lost.is_empty() {
            decision.shown = text;
            let names: Vec<&str> = lost.iter().map(|l| l.logical_id.as_str()).collect();
            decision.refused = Some(format!(
                "not {verb}ed: data would be lost ({}); add --allow-data-loss {} to proceed",
                names.join(", "),
                names.join(" --allow-data-loss ")
            ));
            return false;
        }
        if yes || !plan.has_changes() {
            decision.shown = text;
            return true;
        }
        if !std::io::stdin().is_terminal() {
            decision.shown = text;
            decision.refused = Some(format!(
                "{verb} of {} needs confirmation: run it with --yes when there is no terminal",
                plan.stack
            ));
            return false;
        }
        print!("{text}");
        let _ = std::io::stdout().flush();
        let accepted = ask(&format!("{verb} these changes to {}?", plan.stack));
        if !accepted {
            decision.refused = Some(format!("not {verb}ed"));
        }
        accepted
    }
}

/// How `deploy` runs.
pub(super) struct DeployArgs {
    pub(super) plan_file: Option<PathBuf>,
    pub(super) yes: bool,
    pub(super) concurrency: usize,
    pub(super) color: bool,
    pub(super) refresh: bool,
    pub(super) allow_data_loss: Vec<String>,
    pub(super) pending: Pending,
}

/// `destroy`'s options.
#[derive(clap::Args, Debug)]
pub(super) struct DestroyArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Allow deleting this data-bearing resource without a final snapshot (repeatable).
    #[arg(long = "allow-data-loss", value_name = "RESOURCE")]
    allow_data_loss: Vec<String>,
    #[command(flatten)]
    pending: Pending,
}

/// What to do with creates a dead run left open and that cannot be finished (the error of such
/// a run names them).
#[derive(clap::Args, Clone, Debug, Default)]
pub(super) struct Pending {
    /// Delete what this interrupted create made (found by its token) and create it again
    /// from the program as it is now (logical id or construct path; repeatable).
    #[arg(long = "discard-pending", value_name = "RESOURCE")]
    discard: Vec<String>,
    /// Keep what this interrupted create made, record it, and plan from the program as it is
    /// now (logical id or construct path; repeatable).
    #[arg(long = "adopt-pending", value_name = "RESOURCE")]
    adopt: Vec<String>,
}

impl Pending {
    fn apply(&self, options: ApplyOptions) -> ApplyOptions {
        ApplyOptions {
            discard_pending: self.discard.iter().cloned().collect(),
            adopt_pending: self.adopt.iter().cloned().collect(),
            ..options
        }
    }
}

/// The saved plans of a file, by stack.
fn load_plans(file: &Path) -> Result<Vec<SavedPlan>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read the plan {}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a plan written by `plan --out`: {e}",
            file.display()
        )
    })
}

/// `deploy`: plan under the lock, show, confirm, apply with progress, print outputs; or apply a
/// saved plan exactly.
pub(super) fn deploy(
    ctx: &Context<'_>,
    args: &DeployArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let allowed: BTreeSet<String> = args.allow_data_loss.iter().cloned().collect();
    let options = args.pending.apply(ApplyOptions {
        concurrency: args.concurrency,
        refresh: args.refresh,
        allow_data_loss: allowed.clone(),
        ..ApplyOptions::default()
    });
    let saved = args.plan_file.as_deref().map(load_plans).transpose()?;
    let mut failed = false;
    for stack in ctx.stacks()? {
        let deployer = ctx.deployer(stack, options.clone(), &runtime, err)?;
        let report = if let Some(saved) = &saved {
            let plan = saved
                .iter()
                .find(|p| p.stack == stack.name())
                .ok_or_else(|| format!("the plan file has no plan for stack {}", stack.name()))?;
            write!(out, "{}", plan.plan.render(args.color)).map_err(|e| e.to_string())?;
            runtime
                .block_on(with_progress(deployer, err, |d| async move {
                    d.apply_saved(stack, plan).await
                }))
                .map_err(|e| engine_error(stack.name(), e))?
        } else {
            let decision = Arc::new(Mutex::new(Decision::default()));
            let approve = approval(
                "deploy",
                args.yes,
                args.color,
                allowed.clone(),
                Arc::clone(&decision),
            );
            let result = runtime.block_on(with_progress(deployer, err, |d| async move {
                d.deploy_with(stack, approve).await
            }));
            let decision = std::mem::take(&mut *decision.lock().expect("not poisoned"));
            write!(out, "{}", decision.shown).map_err(|e| e.to_string())?;
            let Some(report) = result.map_err(|e| engine_error(stack.name(), e))? else {
                let reason = decision.refused.unwrap_or_else(|| "not deployed".into());
                writeln!(err, "{reason}").map_err(|e| e.to_string())?;
                return Ok(EXIT_FAILURE);
            };
            report
        };
        failed |= !summarize(&report, out, err)?;
    }
    Ok(if failed { EXIT_FAILURE } else { 0 })
}

/// `destroy`: delete everything recorded for the selected stacks, keeping what their removal
/// policies keep.
pub(super) fn destroy(
    ctx: &Context<'_>,
    args: &DestroyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let yes = args.yes;
    let allowed: BTreeSet<String> = args.allow_data_loss.iter().cloned().collect();
    let options = args.pending.apply(ApplyOptions {
        allow_data_loss: allowed.clone(),
        ..ApplyOptions::default()
    });
    let mut failed = false;
    for stack in ctx.stacks()? {
        let name = stack.name().to_owned();
        let deployer = ctx.deployer(stack, options.clone(), &runtime, err)?;
        let decision = Arc::new(Mutex::new(Decision::default()));
        let approve = approval(
            "destroy",
            yes,
            false,
            allowed.clone(),
            Arc::clone(&decision),
        );
        let result = runtime.block_on(with_progress(deployer, err, |d| {
            let name = name.clone();
            async move { d.destroy_with(&name, approve).await }
        }));
        let decision = std::mem::take(&mut *decision.lock().expect("not poisoned"));
        write!(out, "{}", decision.shown).map_err(|e| e.to_string())?;
        let Some(report) = result.map_err(|e| engine_error(&name, e))? else {
            let reason = decision.refused.unwrap_or_else(|| "not destroyed".into());
            writeln!(err, "{reason}").map_err(|e| e.to_string())?;
            return Ok(EXIT_FAILURE);
        };
        failed |= !summarize(&report, out, err)?;
    }
    Ok(if failed { EXIT_FAILURE } else { 0 })
}
