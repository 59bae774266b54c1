//! The provider conformance suite (`stratus_core::conformance`) for every type of the reference
//! stack, against moto server on 127.0.0.1 (started by the fixture, reset between cases). The
//! in-process cloud the engine tests use runs the same cases (`tests/conformance.rs` at the
//! root). Counts are made with describe calls written in `support/census.rs`.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_config::SdkConfig;
use stratus_aws::testing::Moto;
use stratus_aws::{AwsProvider, Wait};
use stratus_core::conformance::{Harness, reference_cases, run_case};
use stratus_core::deploy::{ApplyOptions, Provider};

struct Emulator {
    moto: Moto,
    config: SdkConfig,
    /// Whether the last case failed.
    dirty: std::sync::atomic::AtomicBool,
}

#[async_trait]
impl Harness for Emulator {
    fn provider(&self) -> Arc<dyn Provider> {
        Arc::new(AwsProvider::new(&self.config).with_wait(Wait::uniform(
            Duration::from_millis(20),
            Duration::from_secs(60),
        )))
    }

    fn options(&self) -> ApplyOptions {
        ApplyOptions {
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            // Dependency violations waited out for this long (AWS: 30 min).
            conflict_timeout: Duration::from_secs(60),
            ..ApplyOptions::default()
        }
    }

    async fn count(
        &self,
        type_name: &str,
        stack: &str,
        logical_id: &str,
        recorded: &str,
    ) -> Result<usize, String> {
        support::census::count(&self.config, type_name, stack, logical_id, recorded).await
    }

    fn cannot_update(&self, type_name: &str) -> Vec<(&'static str, &'static str)> {
        match type_name {
            "AWS::EFS::FileSystem" => vec![(
                "ThroughputMode",
                "moto 5.2.5 answers UpdateFileSystem with HTTP 500; the in-process cloud exercises it",
            )],
            "AWS::RDS::DBSubnetGroup" => {
                let why = "moto 5.2.5 forgets the group on ModifyDBSubnetGroup; the in-process cloud exercises it";
                vec![("DBSubnetGroupDescription", why), ("SubnetIds", why)]
            }
            _ => Vec::new(),
        }
    }

    /// Each case has a stack of its own and destroys it at its end; the emulator is reset
    /// only when a case failed and may have left something behind (a reset costs about a
    /// second here, most of it reloading AWS's managed IAM policies).
    async fn reset(&self) {
        if self.dirty.swap(false, std::sync::atomic::Ordering::SeqCst) {
            self.moto.reset();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_provider_keeps_the_provider_contract_on_the_emulator() {
    let moto = Moto::start();
    let config = moto.config().await;
    let harness = Emulator {
        moto,
        config,
        dirty: false.into(),
    };
    let cases = reference_cases();
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut checks = 0;
    for case in &cases {
        match run_case(&harness, case).await {
            Ok(report) => {
                checks += report.checks.len();
                print!("{report}");
            }
            Err(failure) => {
                harness
                    .dirty
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                failures.push(failure);
            }
        }
    }
    println!(
        "{} cases, {checks} checks passed, in {:?}",
        cases.len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
