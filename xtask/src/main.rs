//! `cargo xtask <task>`: the project's tasks.
//!
//! - `cargo xtask cfn`: regenerates `cfn/` (the `stratus-cfn` crate) from the CloudFormation
//!   registry schemas of the pinned cfn-lint release; `--check` only compares and fails on any
//!   difference.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use xtask::cfn;

#[derive(Parser)]
#[command(about = "Stratus project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
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
    match cli.task {
        Task::Cfn { check, schemas } => match run_cfn(check, schemas) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
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
