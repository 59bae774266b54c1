//! A local AWS API emulator for tests: [`Moto`] starts `moto_server` on a free port of
//! 127.0.0.1 and stops it when dropped. Install it with `pip install 'moto[server]'`.
//!
//! ```no_run
//! # async fn demo() {
//! let moto = stratus_aws::testing::Moto::start();
//! let config = moto.config().await; // endpoint, region us-east-1, dummy credentials
//! let provider = stratus_aws::AwsProvider::new(&config);
//! # }
//! ```

mod behaviours;
mod proxy;

pub use behaviours::AwsBehaviours;
pub use proxy::{Fault, FaultPlan, FaultProxy, ProxyStats};

use std::net::TcpStream;
use std::path::Path;
use std::process::Child;

use aws_config::SdkConfig;

use crate::moto::{free_port, spawn, wait_until_answering};

/// A moto server, stopped on drop.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    endpoint: String,
    log: std::path::PathBuf,
}

impl Moto {
    /// Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it accepts connections.
    ///
    /// # Panics
    /// When `moto_server` is not installed or does not start within a minute: a test that
    /// needs the emulator fails rather than skips.
    pub fn start() -> Self {
        let port = free_port().expect("a free port on 127.0.0.1");
        // The server logs one line per request: counting them counts API calls.
        let log = std::env::temp_dir().join(format!("stratus-moto-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("a log file in the temporary directory");
        let child = spawn(Path::new("moto_server"), port, log_file)
            .expect("moto_server must be installed (pip install 'moto[server]'); CI installs it");
        assert!(
            wait_until_answering(port),
            "moto_server did not start on port {port}"
        );
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// How many API requests the server has answered so far.
    pub fn requests(&self) -> usize {
        std::fs::read_to_string(&self.log).map_or(0, |text| {
            text.lines().filter(|l| l.contains(" HTTP/1.1\" ")).count()
        })
    }

    /// Forgets everything the emulator holds (moto's `/moto-api/reset`), so that tests can
    /// start from a clean account without restarting it.
    ///
    /// # Panics
    /// When the emulator does not answer.
    pub fn reset(&self) {
        use std::io::{Read, Write};
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("moto_server answers");
        write!(
            stream,
            "POST /moto-api/reset HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .expect("a request to moto_server");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
            "moto_server refused the reset: {answer}"
        );
    }

    /// The endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// An SDK configuration for the emulator: its endpoint, us-east-1, dummy static credentials.
    pub async fn config(&self) -> SdkConfig {
        config_for(&self.endpoint).await
    }
}

/// An SDK configuration for an endpoint on 127.0.0.1 (the emulator, or a [`FaultProxy`] in
/// front of it): us-east-1, dummy static credentials.
///
/// # Panics
/// When `endpoint` is not on 127.0.0.0/8: tests never reach anything else.
pub async fn config_for(endpoint: &str) -> SdkConfig {
    let host = endpoint
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap_or_default();
    assert!(
        host.parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback()),
        "tests reach 127.0.0.0/8 only, not {endpoint}"
    );
    crate::moto::config(endpoint, "stratus-tests").await
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
