//! Launching moto server, shared by the tests' fixture ([`crate::testing::Moto`]) and the
//! command line's `--local` ([`crate::local::LocalEmulator`]): one set of flags, one wait, one
//! SDK configuration.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

/// A free port on 127.0.0.1.
pub(crate) fn free_port() -> std::io::Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
}

/// Starts `program -H 127.0.0.1 -p <port>`, its log (one line per request) in `log`.
pub(crate) fn spawn(program: &Path, port: u16, log: std::fs::File) -> std::io::Result<Child> {
    Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        // Moto issues a DNS-validated certificate after this many seconds (default 60).
        .env("MOTO_ACM_VALIDATION_WAIT", "1")
        // AWS's managed policies (ReadOnlyAccess, ...) exist in every real account.
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
}

/// Whether something accepts connections on 127.0.0.1:`port`.
pub(crate) fn answers(port: u16) -> bool {
    TcpStream::connect_timeout(
        &(std::net::Ipv4Addr::LOCALHOST, port).into(),
        Duration::from_millis(500),
    )
    .is_ok()
}

/// Waits up to a minute for the server on `port` to accept connections.
pub(crate) fn wait_until_answering(port: u16) -> bool {
    let started = Instant::now();
    while !answers(port) {
        if started.elapsed() > Duration::from_secs(60) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

/// An SDK configuration for an emulator at `endpoint`: us-east-1 and dummy static
/// credentials named `source`, for this process only (nothing is read from or written to the
/// environment).
pub(crate) async fn config(endpoint: &str, source: &'static str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, source))
        .load()
        .await
}
