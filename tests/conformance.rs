//! The provider conformance suite (`stratus::conformance`) against the in-process cloud the
//! engine tests use: it must keep the same contract as `stratus-aws`, which runs the same cases
//! on the emulator (`providers/aws/tests/conformance.rs`).

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use stratus::conformance::{Harness, reference_cases, run_case};
use stratus::deploy::{ApplyOptions, Provider};
use support::fake_cloud::{FakeCloud, Faults};

/// A fresh in-process cloud per case, with these faults.
#[derive(Default)]
struct Fake {
    cloud: Mutex<FakeCloud>,
    faults: Faults,
}

impl Fake {
    fn cloud(&self) -> FakeCloud {
        self.cloud.lock().unwrap().clone()
    }
}

#[async_trait]
impl Harness for Fake {
    fn provider(&self) -> Arc<dyn Provider> {
        Arc::new(self.cloud())
    }

    fn options(&self) -> ApplyOptions {
        ApplyOptions {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            // Dependency violations waited out for this long (AWS: 30 min).
            conflict_timeout: Duration::from_secs(2),
            ..ApplyOptions::default()
        }
    }

    async fn count(
        &self,
        _type_name: &str,
        stack: &str,
        logical_id: &str,
        _recorded: &str,
    ) -> Result<usize, String> {
        Ok(self
            .cloud()
            .by_logical_id(stack)
            .get(logical_id)
            .map_or(0, Vec::len))
    }

    async fn reset(&self) {
        let cloud = FakeCloud::new();
        cloud.set_faults(self.faults.clone());
        *self.cloud.lock().unwrap() = cloud;
    }
}

#[tokio::test]
async fn the_in_process_cloud_keeps_the_provider_contract() {
    let harness = Fake::default();
    let mut failures = Vec::new();
    let cases = reference_cases();
    for case in &cases {
        match run_case(&harness, case).await {
            Ok(report) => print!("{report}"),
            Err(failure) => failures.push(failure),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{} cases", cases.len());
}

#[tokio::test]
async fn the_suite_catches_a_find_that_does_not_settle_eventual_consistency() {
    // A new resource stays invisible to two lookups, and the provider side believes the first
    // "not found": reading back what was just made fails, as would adopting it after a crash.
    let harness = Fake {
        faults: Faults {
            consistency_lag: 2,
            settle_attempts: 1,
            ..Faults::default()
        },
        ..Fake::default()
    };
    let vpc = reference_cases()
        .into_iter()
        .find(|c| c.type_name == "AWS::EC2::VPC")
        .unwrap();
    let failure = run_case(&harness, &vpc).await.unwrap_err();
    assert!(
        failure.contains("read back after create") && failure.contains("is gone"),
        "{failure}"
    );
}
