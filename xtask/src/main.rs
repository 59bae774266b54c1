//! `cargo xtask <task>`: the project's tasks.
//!
//! - `cargo xtask demo [--destroy]`: the main job on the reference stack: validate, write the
//!   templates and the architecture picture, deploy to a local AWS emulator it provisions
//!   itself, print the outputs and the resources; `--destroy` destroys it and stops the
//!   emulator.
//! - `cargo xtask test [ARGS]`: installs the pinned tools the tests need into `.tools/`, then
//!   runs `cargo test --workspace --exclude stratus-cfn --all-features [ARGS]` with them (every
//!   feature but stratus-cfn's: its `full`, every type, is the breadth test's).
//! - `cargo xtask tools`: only the installation.
//! - `cargo xtask cfn`: regenerates `cfn/` (the `stratus-cfn` crate) from the CloudFormation
//!   registry schemas of the pinned cfn-lint release; `--check` only compares and fails on any
//!   difference.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::process::Command;

use xtask::{cfn, tools};

#[derive(Parser)]
#[command(about = "Stratus project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Deploy the reference stack to a local emulator and show it (`--destroy` to end it).
    Demo {
        /// Destroy the demo's stack and stop the emulator.
        #[arg(long)]
        destroy: bool,
    },
    /// Install the test tools into .tools/ and run the whole test suite with them.
    Test {
        /// Passed on to `cargo test` (after `--`: test names, `--nocapture`…).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Install the pinned tools the tests need into .tools/.
    Tools,
    /// Generate the CloudFormation L1 types into cfn/.
    Cfn {
        /// Compare with the committed code instead of writing; exit 1 on any difference.
        #[arg(long)]
        check: bool,
        /// The schemas folder (default: the installed cfn-lint's).
        #[arg(long)]
        schemas: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.task {
        Task::Cfn { check, schemas } => run_cfn(check, schemas),
        Task::Tools => tools::install_all(&root),
        Task::Test { args } => test(&root, &args),
        Task::Demo { destroy } => demo(&root, destroy),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace's root directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The cargo that runs this task.
fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(root)
        .env("PATH", tools::path_with_tools(root));
    command
}

/// `cargo test --workspace --exclude stratus-cfn --all-features` with the pinned tools.
fn test(root: &Path, args: &[String]) -> Result<(), String> {
    tools::install_all(root)?;
    tools::run(
        cargo(root)
            .args([
                "test",
                "--workspace",
                "--exclude",
                "stratus-cfn",
                "--all-features",
            ])
            .args(args)
            .env("STRATUS_CHECKOV", tools::checkov(root)),
    )
}

/// The reference example's command line, built with the AWS provider.
fn example(root: &Path, args: &[&str]) -> Result<(), String> {
    tools::run(
        cargo(root)
            .args([
                "run",
                "--quiet",
                "--features",
                "aws",
                "--example",
                "three_tier",
                "--",
            ])
            .args(args)
            // The emulator holds no hosted zone for the example's domain to look up: the demo
            // declares one (on real AWS the example looks up the zone serving the domain).
            .env("PROJECT_X_HOSTED_ZONE", "create"),
    )
}

/// The main job, on the reference stack and a local emulator.
fn demo(root: &Path, destroy: bool) -> Result<(), String> {
    tools::install_emulator(root)?;
    if destroy {
        return example(root, &["destroy", "--local", "--yes"]);
    }
    let steps: [(&str, &[&str]); 6] = [
        ("validate the stack", &["validate"]),
        ("write the templates", &["synth", "--out", "stratus.out"]),
        (
            "draw the architecture",
            &[
                "graph",
                "--format",
                "svg",
                "--out",
                "stratus.out/architecture.svg",
            ],
        ),
        (
            "deploy it to a local emulator",
            &["deploy", "--local", "--yes"],
        ),
        ("its outputs", &["outputs", "--local"]),
        ("its resources", &["resources", "--local"]),
    ];
    for (what, args) in steps {
        eprintln!("== {what}: three_tier {}", args.join(" "));
        example(root, args)?;
    }
    eprintln!(
        "== done: templates and stratus.out/architecture.svg written; the stack runs on a local \
         emulator. `cargo xtask demo --destroy` destroys it and stops the emulator."
    );
    Ok(())
}

fn run_cfn(check: bool, schemas: Option<PathBuf>) -> Result<(), String> {
    let schemas = match schemas {
        Some(dir) => dir,
        None => cfn::installed_schemas()?,
    };
    let generated = cfn::generate(&schemas)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("cfn");
    if check {
        let differences = xtask::differences(&root, &generated.files);
        if !differences.is_empty() {
            return Err(format!(
                "cfn/ differs from what the schemas generate ({}); run `cargo xtask cfn`",
                differences.join(", ")
            ));
        }
    } else {
        xtask::write_all(&root, &generated.files)?;
    }
    println!(
        "{} services, {} types, {} property types, {} properties, {} enums{}",
        generated.services,
        generated.types,
        generated.nested_types,
        generated.properties,
        generated.enums,
        if check {
            ": cfn/ is up to date"
        } else {
            " written to cfn/"
        }
    );
    Ok(())
}
