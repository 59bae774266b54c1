//! The provider conformance suite (`stratus::conformance`) against the in-process cloud the
//! engine tests use: it must keep the same contract as `stratus-aws`, which runs the same cases
//! on the emulator (`providers/aws/tests/conformance.rs`).

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use stratus::conformance::{Harness, reference_cases, run_case};
use stratus::deploy::{ApplyOptions, Provider};
use support::fake_cloud::FakeCloud;

/// A fresh in-process cloud per case.
#[derive(Default)]
struct Fake {
    cloud: Mutex<FakeCloud>,
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
        *self.cloud.lock().unwrap() = FakeCloud::new();
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
