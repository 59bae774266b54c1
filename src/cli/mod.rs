//! The command line a user's `main` gets with one call: `stratus::cli::run(&app)`.
//!
//! Verbs: `synth`, `graph`, `validate`, `lint`, `cost`, `list`, and with a provider `plan`, `deploy`,
//! `destroy`, `drift`, `import`, `outputs`, `force-unlock`. Data goes to stdout (JSON with `--json`), problems to
//! stderr. Exit codes: 0 success, 1 the stacks are invalid or a step failed, 2 usage error
//! (and `plan --detailed-exitcode`: 2 changes).

mod cost;
mod deploy;
mod graph;
mod lint;
mod logging;
mod progress;
mod state;
mod synth;

pub use deploy::EXIT_CHANGES;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use stratus_core::deploy::Provider;
use stratus_core::{App, Stack};

/// Exit code: the stacks are invalid or a step failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: the command line could not be parsed.
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    about = "Check, synthesize and draw the stacks declared by this program",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Show the engine's and the provider's steps on stderr (`-vv` more; `RUST_LOG` filters).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write each stack's CloudFormation template, manifest.json and DOT graphs.
    Synth {
        /// Where to write.
        #[arg(long, default_value = "stratus.out")]
        out: PathBuf,
    },
    /// Print one stack's graph: the full graph as DOT or Mermaid, or the architecture diagram.
    Graph {
        /// Output format; `svg` draws the architecture diagram.
        #[arg(long, value_enum, default_value_t = Format::Dot)]
        format: Format,
        /// What draws `svg`: the built-in renderer (no system package), or Graphviz `dot`
        /// (clusters for VPC, zones and tiers).
        #[arg(long, value_enum, default_value_t = Renderer::Builtin)]
        renderer: Renderer,
        /// With `dot`: the architecture diagram's DOT instead of the full graph.
        #[arg(long)]
        architecture: bool,
        /// The stack (required when the app has several).
        #[arg(long)]
        stack: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check every stack; print every problem with its construct path. Exit 1 on any.
    Validate {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the security rules (built-in and the app's own); print every finding, suppressed
    /// ones with their reason. Exit 1 when an unsuppressed error remains.
    Lint {
        /// Print the findings as a JSON array.
        #[arg(long)]
        json: bool,
        /// Only this stack (default: every stack).
        #[arg(long)]
        stack: Option<String>,
    },
    /// Estimate each stack's monthly cost, per resource and in total, from on-demand prices in
    /// the crate (with their date, region and source); usage-dependent lines state what they
    /// assume.
    Cost {
        /// Print the estimate as JSON (`total_monthly_usd`, `lines`, `prices`…).
        #[arg(long)]
        json: bool,
        /// Only this stack (default: every stack).
        #[arg(long)]
        stack: Option<String>,
    },
    /// List each stack's resources: logical id, type and construct path.
    List {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what deploy would change, per property, after reading the cloud (changes made
    /// outside Stratus show as differences to put back). Exit 0; with --detailed-exitcode 0 no
    /// changes, 2 changes, 1 error.
    Plan {
        #[command(flatten)]
        target: Target,
        /// Print the plans as JSON.
        #[arg(long)]
        json: bool,
        /// Exit 2 when there are changes.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Plain text without colours.
        #[arg(long)]
        no_color: bool,
        /// Read the cloud first (`--refresh=false` plans against recorded state alone).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        refresh: bool,
        /// Save the plan: `deploy FILE` applies exactly it, or refuses if anything moved.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Apply the changes: create, update, replace and delete resources. The plan shown for
    /// confirmation is made under the state lock and is the plan applied.
    Deploy {
        /// A plan saved by `plan --out`: apply exactly it (no confirmation), or refuse if the
        /// state, the program or the cloud moved since.
        plan: Option<PathBuf>,
        #[command(flatten)]
        target: Target,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// Most provider calls at once (lowered automatically when throttled).
        #[arg(long, default_value_t = 1024)]
        concurrency: usize,
        /// Plain text without colours.
        #[arg(long)]
        no_color: bool,
        /// Read the cloud first (`--refresh=false` plans against recorded state alone).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        refresh: bool,
        /// Allow deleting or replacing this data-bearing resource without a final snapshot
        /// (logical id or construct path; repeat for several).
        #[arg(long = "allow-data-loss", value_name = "RESOURCE")]
        allow_data_loss: Vec<String>,
        /// Deploy even though lint reports unsuppressed errors.
        #[arg(long)]
        allow_lint_errors: bool,
        #[command(flatten)]
        pending: deploy::Pending,
    },
    /// Delete every resource recorded for the stacks, dependents first; what a removal policy
    /// keeps (Retain, Snapshot) is kept and listed.
    Destroy {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        args: deploy::DestroyArgs,
    },
    /// List what differs between recorded state and the cloud, property by property, and what
    /// was deleted outside Stratus. Changes nothing. With --detailed-exitcode: 2 when anything
    /// differs.
    Drift {
        #[command(flatten)]
        target: Target,
        /// Print the drift as JSON.
        #[arg(long)]
        json: bool,
        /// Exit 2 when anything differs.
        #[arg(long)]
        detailed_exitcode: bool,
    },
    /// Bring an existing resource under a declared construct, after checking its live
    /// properties against the declaration.
    Import {
        /// The construct path, e.g. `project-x/db`.
        path: String,
        /// The resource's physical id, e.g. `project-x-db`.
        physical_id: String,
        #[command(flatten)]
        target: Target,
    },
    /// Print the outputs recorded by the last deploy.
    Outputs {
        #[command(flatten)]
        target: Target,
        /// Print them as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the resources the last deploy recorded: logical id, type, physical id.
    Resources {
        #[command(flatten)]
        target: Target,
        /// Print them as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a lock left by a run that died.
    ForceUnlock {
        #[command(flatten)]
        target: Target,
    },
    /// The local emulator of `--local`: whether it runs, or stop it.
    Local {
        /// `status` or `stop`.
        #[arg(value_enum)]
        action: LocalAction,
        /// The local state directory it is recorded in.
        #[arg(long, default_value = LOCAL_STATE)]
        state: PathBuf,
    },
}

/// What `local` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LocalAction {
    /// Print its endpoint and pid, or that none runs.
    Status,
    /// Stop it and forget it.
    Stop,
}

/// Which state and stacks a deploy verb works on.
#[derive(clap::Args, Debug)]
struct Target {
    /// Where state lives: a local directory, or `s3://bucket/prefix` (feature `aws`); default
    /// `.stratus`, or `.stratus/local` with `--local`.
    #[arg(long)]
    state: Option<String>,
    /// Only this stack (default: every stack).
    #[arg(long)]
    stack: Option<String>,
    /// Work against a local AWS emulator instead of AWS: moto server on a free loopback port,
    /// started in the background on first use and recorded beside a state of its own;
    /// `destroy --local` or `local stop` ends it.
    #[arg(long)]
    local: bool,
}

/// The state directory of `--local`, kept apart from real-AWS state.
pub const LOCAL_STATE: &str = ".stratus/local";

impl Target {
    /// The state location these flags name.
    fn state(&self) -> String {
        self.state.clone().unwrap_or_else(|| {
            if self.local {
                LOCAL_STATE.into()
            } else {
                ".stratus".into()
            }
        })
    }
}

/// What lays out an SVG diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Renderer {
    /// layout-rs, in process.
    Builtin,
    /// Graphviz `dot`, which must be installed.
    Graphviz,
}

/// Graph output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Dot,
    Mermaid,
    Svg,
}

/// Parses the process arguments and runs the verb against `app`, which it consumes: the process
/// is about to exit, so the app is not freed node by node (at 100,000 resources that costs more
/// than most verbs).
///
/// ```no_run
/// use stratus::prelude::*;
///
/// fn main() -> std::process::ExitCode {
///     let mut app = App::new();
///     app.add_stack(Stack::new("prod", Environment::region("us-east-1")));
///     stratus::cli::run(app)
/// }
/// ```
pub fn run(app: App) -> ExitCode {
    #[cfg(feature = "aws")]
    let source = deploy::ProviderSource::Aws;
    #[cfg(not(feature = "aws"))]
    let source = deploy::ProviderSource::None;
    run_inner(app, source)
}

/// [`run`] with a provider for `deploy`, `destroy` and `plan` (the `aws` feature supplies the
/// AWS one; tests and other clouds bring their own).
pub fn run_with_provider(app: App, provider: Arc<dyn Provider>) -> ExitCode {
    run_inner(app, deploy::ProviderSource::Given(provider))
}

fn run_inner(app: App, source: deploy::ProviderSource) -> ExitCode {
    let code = run_source(
        &app,
        source,
        std::env::args_os(),
        // Not locked for the whole run: `-v` writes to stderr from the runtime's threads.
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::mem::forget(app);
    ExitCode::from(code)
}

/// Runs the command line with these arguments (the first is the program name), provider and
/// writers; returns the exit code. For tests and embedding: with no provider given, the deploy
/// verbs say how to get one (this function never makes the AWS provider by itself).
pub fn run_from<I, T>(
    app: &App,
    provider: Option<Arc<dyn Provider>>,
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let source = provider.map_or(deploy::ProviderSource::None, deploy::ProviderSource::Given);
    run_source(app, source, args, out, err)
}

/// [`run_from`] with the AWS provider made as [`run`] makes it (so `--local` starts and
/// reaches the local emulator): for tests of the command line against the emulator.
#[cfg(feature = "aws")]
pub fn run_from_aws<I, T>(app: &App, args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run_source(app, deploy::ProviderSource::Aws, args, out, err)
}

fn run_source<I, T>(
    app: &App,
    provider: deploy::ProviderSource,
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let rendered = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(err, "{rendered}")
            } else {
                write!(out, "{rendered}")
            };
            return code;
        }
    };
    logging::init(cli.verbose);
    let result = dispatch(app, provider, cli.command, out, err);
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            EXIT_FAILURE
        }
    }
}

/// Runs one verb.
fn dispatch(
    app: &App,
    provider: deploy::ProviderSource,
    command: Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    match command {
        Command::Synth { out: dir } => synth::synth(app, &dir, out, err),
        Command::Graph {
            format,
            renderer,
            architecture,
            stack,
            out: file,
        } => graph::graph(
            app,
            format,
            renderer,
            architecture,
            stack.as_deref(),
            file.as_deref(),
            out,
        ),
        Command::Validate { json } => validate(app, json, out, err),
        Command::Cost { json, stack } => cost::cost(&selected(app, stack.as_deref())?, json, out),
        Command::Lint { json, stack } => {
            lint::lint(app, &selected(app, stack.as_deref())?, json, out)
        }
        Command::List { json } => list(app, json, out),
        Command::Plan {
            target,
            json,
            detailed_exitcode,
            no_color,
            refresh,
            out: file,
        } => {
            let args = deploy::PlanArgs {
                json,
                detailed: detailed_exitcode,
                color: !no_color && !json && std::io::stdout().is_terminal(),
                refresh,
                out: file,
            };
            deploy::plan(&context(app, provider, target), &args, out, err)
        }
        Command::Deploy {
            plan,
            target,
            yes,
            concurrency,
            no_color,
            refresh,
            allow_data_loss,
            allow_lint_errors,
            pending,
        } => {
            let ctx = context(app, provider, target);
            // Saved plans pass the same gate: `plan --out` does not lint.
            lint::gate(app, &ctx.stacks()?, allow_lint_errors)?;
            let args = deploy::DeployArgs {
                plan_file: plan,
                yes,
                concurrency,
                color: !no_color && std::io::stdout().is_terminal(),
                refresh,
                allow_data_loss,
                pending,
            };
            deploy::deploy(&ctx, &args, out, err)
        }
        Command::Destroy { target, args } => destroy(app, provider, target, &args, out, err),
        Command::Drift {
            target,
            json,
            detailed_exitcode,
        } => state::drift(
            &context(app, provider, target),
            json,
            detailed_exitcode,
            out,
            err,
        ),
        Command::Import {
            path,
            physical_id,
            target,
        } => state::import(
            &context(app, provider, target),
            &path,
            &physical_id,
            out,
            err,
        ),
        Command::Outputs { target, json } => {
            state::outputs(&context(app, provider, target), json, out)
        }
        Command::ForceUnlock { target } => {
            state::force_unlock(&context(app, provider, target), out)
        }
        Command::Local { action, state } => local_emulator(action, &state, out),
        Command::Resources { target, json } => {
            state::resources(&context(app, provider, target), json, out)
        }
    }
}

type VerbResult = Result<u8, String>;

/// `destroy`; with `--local`, the emulator is stopped once the stacks are gone.
fn destroy(
    app: &App,
    provider: deploy::ProviderSource,
    target: Target,
    args: &deploy::DestroyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let local = target.local.then(|| PathBuf::from(target.state()));
    let code = deploy::destroy(&context(app, provider, target), args, out, err)?;
    match local {
        Some(dir) if code == 0 => local_emulator(LocalAction::Stop, &dir, out),
        _ => Ok(code),
    }
}

/// `local status|stop`, and the end of `destroy --local`.
#[cfg(feature = "aws")]
fn local_emulator(action: LocalAction, dir: &std::path::Path, out: &mut dyn Write) -> VerbResult {
    use stratus_aws::local::LocalEmulator;
    let text = match action {
        LocalAction::Status => match LocalEmulator::running(dir) {
            Some(emulator) => format!(
                "local emulator at {} (pid {})",
                emulator.endpoint(),
                emulator.pid
            ),
            None => "no local emulator runs".to_owned(),
        },
        LocalAction::Stop => {
            if LocalEmulator::stop(dir).map_err(|e| e.to_string())? {
                "stopped the local emulator".to_owned()
            } else {
                "no local emulator was recorded".to_owned()
            }
        }
    };
    writeln!(out, "{text}").map_err(|e| e.to_string())?;
    Ok(0)
}

/// Without the `aws` feature there is no emulator to manage.
#[cfg(not(feature = "aws"))]
fn local_emulator(_: LocalAction, _: &std::path::Path, _: &mut dyn Write) -> VerbResult {
    Err("--local needs the `aws` feature of stratus (the AWS provider)".into())
}

fn context(app: &App, provider: deploy::ProviderSource, target: Target) -> deploy::Context<'_> {
    let state = target.state();
    let provider = match provider {
        #[cfg(feature = "aws")]
        deploy::ProviderSource::Aws if target.local => {
            deploy::ProviderSource::Local(PathBuf::from(&state))
        }
        other => other,
    };
    deploy::Context {
        app,
        provider,
        state: deploy::StateLocation::new(&state),
        stack: target.stack,
    }
}

fn validate(app: &App, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> VerbResult {
    let result = app.validate();
    if json {
        let errors: Vec<serde_json::Value> = result
            .as_ref()
            .err()
            .into_iter()
            .flat_map(stratus_core::ValidationErrors::iter)
            .map(|e| serde_json::json!({ "path": e.path().map(ToString::to_string), "message": e.to_string() }))
            .collect();
        let report = serde_json::json!({ "valid": errors.is_empty(), "stacks": app.stacks().len(), "errors": errors });
        writeln!(out, "{report:#}").map_err(|e| e.to_string())?;
    } else {
        let written = match &result {
            Ok(()) => writeln!(out, "{} stack(s) valid", app.stacks().len()),
            Err(errors) => write!(err, "{errors}"),
        };
        written.map_err(|e| e.to_string())?;
    }
    Ok(if result.is_ok() { 0 } else { EXIT_FAILURE })
}

fn list(app: &App, json: bool, out: &mut dyn Write) -> VerbResult {
    if json {
        let text = serde_json::to_string_pretty(&stratus_core::synth::manifest(app))
            .map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
        return Ok(0);
    }
    for stack in app.stacks() {
        writeln!(out, "{} ({} resources)", stack.name(), stack.graph().len())
            .map_err(|e| e.to_string())?;
        for (_, node) in stack.graph().nodes() {
            writeln!(
                out,
                "  {:<40} {:<45} {}",
                node.path.logical_id(),
                node.type_name,
                node.path
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(0)
}

/// The stacks a verb works on: the named one, or all.
fn selected<'a>(app: &'a App, name: Option<&str>) -> Result<Vec<&'a Stack>, String> {
    match name {
        Some(name) => Ok(vec![pick(app, Some(name))?]),
        None => Ok(app.stacks().iter().collect()),
    }
}

/// The stack a verb works on: the named one, or the only one.
fn pick<'a>(app: &'a App, name: Option<&str>) -> Result<&'a Stack, String> {
    let names = || {
        app.stacks()
            .iter()
            .map(Stack::name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => app
            .stack(name)
            .ok_or_else(|| format!("no stack named {name:?}; stacks: {}", names())),
        None => match app.stacks() {
            [only] => Ok(only),
            [] => Err("the app has no stacks".into()),
            _ => Err(format!(
                "the app has several stacks; choose one with --stack ({})",
                names()
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stratus_core::prelude::*;

    fn app() -> App {
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        Vpc::builder("vpc")
            .max_azs(2)
            .nat_gateways(1)
            .build(&mut stack);
        let mut app = App::new();
        app.add_stack(stack);
        app
    }

    fn run(app: &App, args: &[&str]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_from(
            app,
            None,
            std::iter::once("prog").chain(args.iter().copied()),
            &mut out,
            &mut err,
        );
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn list_prints_every_resource() {
        let app = app();
        let (code, out, _) = run(&app, &["list"]);
        assert_eq!(code, 0);
        assert_eq!(
            out.lines().count(),
            app.stacks()[0].graph().len() + 1,
            "{out}"
        );
        assert!(out.contains("VpcPublicA"), "{out}");
    }

    #[test]
    fn validate_reports_errors_with_exit_1() {
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        Vpc::builder("vpc").cidr("10.0.0.0/8").build(&mut stack);
        let mut app = App::new();
        app.add_stack(stack);
        let (code, _, err) = run(&app, &["validate"]);
        assert_eq!(code, EXIT_FAILURE);
        assert!(
            err.contains("prod/vpc: vpc 10.0.0.0/8 has a /8 mask"),
            "{err}"
        );
        let (code, out, _) = run(&app, &["validate", "--json"]);
        assert_eq!(code, EXIT_FAILURE);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["valid"], false);
        assert_eq!(report["errors"][0]["path"], "prod/vpc");
    }

    #[test]
    fn usage_errors_exit_2() {
        let (code, _, err) = run(&app(), &["deploy-everything"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("unrecognized subcommand"), "{err}");
        let (code, out, _) = run(&app(), &["--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("synth"), "{out}");
    }

    #[test]
    fn several_stacks_need_a_name() {
        let mut app = app();
        app.add_stack(Stack::new("dev", Environment::region("us-east-1")));
        let (code, _, err) = run(&app, &["graph"]);
        assert_eq!(code, EXIT_FAILURE);
        assert!(err.contains("choose one with --stack (prod, dev)"), "{err}");
        let (code, out, _) = run(&app, &["graph", "--stack", "prod", "--format", "mermaid"]);
        assert_eq!(code, 0);
        assert!(out.starts_with("flowchart LR"), "{out}");
    }
}
