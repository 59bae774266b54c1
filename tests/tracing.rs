//! The engine's steps and each provider call are tracing spans: what `-v` and `RUST_LOG` show
//! on the command line.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::io::Write;
use std::sync::{Arc, Mutex};

use stratus::deploy::{Deployer, MemoryBackend};
use support::fake_cloud::FakeCloud;
use tracing_subscriber::fmt::format::FmtSpan;

/// Whatever the subscriber writes, kept for the assertions.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_deploy_traces_each_step_and_each_call_with_its_resource() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_env_filter("stratus_core=debug")
        .finish();
    let tier = three_tier::build();
    let report = tracing::subscriber::with_default(subscriber, || {
        // One thread, so that the spawned calls see this thread's subscriber.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(
            Deployer::new(Arc::new(FakeCloud::new()), Arc::new(MemoryBackend::new()))
                .deploy(&tier.stack),
        )
    })
    .unwrap();
    assert!(report.succeeded());
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for step in [
        "deploy{stack=project-x}",
        "reconcile",
        "prepare",
        "apply{operations=70}",
        "save",
    ] {
        assert!(text.contains(step), "no {step} span in:\n{text}");
    }
    // Every create is a call span naming its resource, closed with its duration.
    let closed_calls = text
        .lines()
        .filter(|l| l.contains("call{") && l.contains("operation=Create") && l.contains("close"))
        .count();
    assert_eq!(closed_calls, 70, "{text}");
    assert!(
        text.contains("deploy{stack=project-x}:apply{operations=70}:call{seq="),
        "{text}"
    );
    assert!(text.contains("logical_id=Vpc "), "{text}");
    assert!(text.contains("physical_id="), "{text}");
}
