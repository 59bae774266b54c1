//! `-v` and `RUST_LOG`: the engine's and the provider's tracing spans on stderr.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// What `-v`, `-vv` and `-vvv` show when `RUST_LOG` does not say.
fn filter(verbose: u8) -> EnvFilter {
    if std::env::var_os("RUST_LOG").is_some() {
        return EnvFilter::from_default_env();
    }
    let level = match verbose {
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    EnvFilter::new(format!("stratus_core={level},stratus_aws={level}"))
}

/// Sends spans (each with its duration when it closes) and events to stderr, when `-v` is
/// given or `RUST_LOG` is set; otherwise nothing is recorded. A subscriber the program set
/// itself is kept.
pub(super) fn init(verbose: u8) {
    if verbose == 0 && std::env::var_os("RUST_LOG").is_none() {
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(verbose))
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}
