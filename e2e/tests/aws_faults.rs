//! Injected faults on the real provider against moto server: the fault proxy on 127.0.0.1
//! answers a share of requests with throttling errors (`RequestLimitExceeded`, `Throttling`,
//! `SlowDown`, `ThrottlingException`), 500 and 503, drops connections before and after the
//! emulator saw the request, and delays answers. At 20% the reference deploy, an update and a
//! destroy converge to what a fault-free run makes (no duplicate, nothing left but what the
//! removal policies keep); throttling lowers the engine's concurrency, which grows back; the
//! S3 state backend rides through faults on its own requests, and when S3 fails for good the
//! run stops with the way forward and the next run converges.

mod aws_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_support::inventory::Inventory;
use aws_support::{Bench, kept_kinds, stack, state_matches_the_cloud, sum};
use stratus::aws::testing::{Fault, FaultPlan, config_for};
use stratus::aws::{AwsProvider, S3Backend, s3_client};
use stratus::deploy::{ApplyOptions, Deployer, EngineError, Event, Report};

/// What one run did, for the figures.
struct Run {
    report: Report,
    wall: Duration,
}

async fn run(
    what: &str,
    operation: impl std::future::Future<Output = Result<Report, EngineError>>,
) -> Run {
    let started = Instant::now();
    let report = operation.await.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        report.succeeded(),
        "{what}: failed {:?}, skipped {:?}",
        report.failed,
        report.skipped
    );
    Run {
        report,
        wall: started.elapsed(),
    }
}

/// Deploys the reference stack, updates it (the database replaced, the bastions resized) and
/// destroys it through `config`; returns the three runs and what the emulator held after each.
async fn lifecycle(bench: &Bench, config: &SdkConfig) -> ([Run; 3], [Inventory; 3]) {
    bench.reset();
    let events = Arc::new(Mutex::new(Vec::new()));
    let make = || bench.deployer_via(config, &events);
    let deployed = run("deploy", make().deploy(&stack("reference"))).await;
    let after_deploy = bench.held().await;
    let updated = run("update", make().deploy(&stack("reference-v2"))).await;
    let after_update = bench.held().await;
    state_matches_the_cloud(&bench.direct, &bench.state().await)
        .await
        .expect("state matches the cloud after the update");
    let plan = bench
        .deployer(&events)
        .plan(&stack("reference-v2"))
        .await
        .unwrap();
    assert!(!plan.has_changes(), "{}", plan.render(false));
    let destroyed = run("destroy", Box::pin(make().destroy("project-x"))).await;
    let after_destroy = bench.held().await;
    assert_eq!(
        after_destroy,
        sum(&kept_kinds(&updated.report), &kept_kinds(&destroyed.report)),
        "nothing is left but what the removal policies keep, as the runs listed it"
    );
    (
        [deployed, updated, destroyed],
        [after_deploy, after_update, after_destroy],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_twenty_percent_faults_deploy_update_and_destroy_converge_to_the_fault_free_result() {
    let bench = Bench::start().await;
    let through_proxy = config_for(bench.proxy.endpoint()).await;

    let (clean, clean_held) = Box::pin(lifecycle(&bench, &through_proxy)).await;
    let clean_requests = bench.proxy.stats().requests;

    bench.proxy.reset_stats();
    bench
        .proxy
        .set_faults(Some(FaultPlan::every_fault(0.2, 0x5eed)));
    let (faulty, faulty_held) = Box::pin(lifecycle(&bench, &through_proxy)).await;
    bench.proxy.set_faults(None);
    let stats = bench.proxy.stats();

    for (i, step) in ["deploy", "update", "destroy"].iter().enumerate() {
        assert_eq!(
            faulty_held[i], clean_held[i],
            "after the {step} with faults, the emulator holds otherwise than without (a \
             duplicate or an orphan)"
        );
    }
    let injected = stats.faults();
    assert!(
        injected * 10 >= stats.requests,
        "about a fifth of the requests met a fault: {injected} of {}",
        stats.requests
    );
    for fault in Fault::ALL {
        assert!(
            stats
                .injected
                .get(&format!("{fault:?}"))
                .copied()
                .unwrap_or(0)
                > 0,
            "{fault:?} was never injected: {:?}",
            stats.injected
        );
    }
    let retries: usize = faulty.iter().map(|r| r.report.calls.retries).sum();
    assert!(retries > 0, "faults on mutating calls reach the engine");
    for (i, step) in ["deploy", "update", "destroy"].iter().enumerate() {
        println!(
            "{step}: without faults {:.1?} ({} retries); at 20% faults {:.1?}, {} engine \
             retries, lowest concurrency {:?}",
            clean[i].wall,
            clean[i].report.calls.retries,
            faulty[i].wall,
            faulty[i].report.calls.retries,
            faulty[i].report.lowest_concurrency,
        );
    }
    println!(
        "faults: {injected} injected over {} requests ({:?}); the fault-free lifecycle made \
         {clean_requests} requests",
        stats.requests, stats.injected
    );
}

/// In-flight operations over a run, from its events: the peak before the first cut and the
/// peak between the lowest cut and the next raise.
fn in_flight(events: &[Event]) -> (usize, usize, usize, Vec<usize>) {
    let mut now = 0usize;
    let mut limits = Vec::new();
    let (mut before_cut, mut under_lowest) = (0, 0);
    let mut cut = false;
    for event in events {
        match event {
            Event::Started { .. } => {
                now += 1;
                if cut && limits.last() == limits.iter().min() {
                    under_lowest = under_lowest.max(now);
                }
                if !cut {
                    before_cut = before_cut.max(now);
                }
            }
            Event::Finished { .. } | Event::Failed { .. } => now = now.saturating_sub(1),
            Event::Concurrency { limit } => {
                cut = true;
                limits.push(*limit);
            }
            _ => {}
        }
    }
    let lowest = limits.iter().min().copied().unwrap_or(usize::MAX);
    (before_cut, under_lowest, lowest, limits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_lowers_the_concurrency_actually_in_flight_and_it_grows_back() {
    let bench = Bench::start().await;
    let through_proxy = config_for(bench.proxy.endpoint()).await;
    bench.reset();
    bench.proxy.set_faults(Some(FaultPlan {
        rate: 0.2,
        faults: vec![Fault::Throttle],
        only: Vec::new(),
        writes_only: false,
        seed: 7,
    }));
    let events = Arc::new(Mutex::new(Vec::new()));
    let deployed = bench
        .deployer_via(&through_proxy, &events)
        .deploy(&stack("reference"))
        .await
        .unwrap();
    bench.proxy.set_faults(None);
    let events = events.lock().unwrap().clone();
    assert!(deployed.succeeded(), "{:?}", deployed.failed);
    let (before_cut, under_lowest, lowest, limits) = in_flight(&events);
    assert_eq!(deployed.lowest_concurrency, Some(lowest));
    assert!(
        lowest < before_cut,
        "the limit fell below what was in flight: lowest {lowest}, in flight before {before_cut}"
    );
    assert!(
        under_lowest <= lowest,
        "while the limit was lowest, no more than it were in flight: {under_lowest} > {lowest}"
    );
    let at_lowest = limits.iter().position(|&l| l == lowest).unwrap();
    assert!(
        limits[at_lowest..].iter().any(|&l| l > lowest),
        "the limit grew back after its low: {limits:?}"
    );
    println!(
        "throttling at 20%: {} in flight before the first cut, lowest limit {lowest}, limits \
         {limits:?}, {} engine retries, {:.1?}",
        before_cut, deployed.calls.retries, deployed.elapsed
    );
}

/// A deployer with S3 state through `config`.
fn with_s3_state(bench: &Bench, config: &SdkConfig) -> Deployer {
    Deployer::new(
        Arc::new(AwsProvider::new(&bench.direct).with_wait(aws_support::quick_wait())),
        Arc::new(S3Backend::new(
            s3_client(config),
            "stratus-state",
            "project-x.state.json",
        )),
    )
    .options(ApplyOptions {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(500),
        // Dependency violations waited out for this long (AWS: 30 min).
        conflict_timeout: Duration::from_secs(60),
        ..ApplyOptions::default()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_state_rides_through_faults_and_a_lasting_outage_stops_the_run_with_the_way_forward() {
    let bench = Bench::start().await;
    bench.reset();
    s3_client(&bench.direct)
        .create_bucket()
        .bucket("stratus-state")
        .send()
        .await
        .unwrap();
    let through_proxy = config_for(bench.proxy.endpoint()).await;

    // 20% of the state requests fail, every way: the state client's retries carry them.
    bench.proxy.set_faults(Some(FaultPlan {
        only: vec!["s3:".into()],
        writes_only: false,
        ..FaultPlan::every_fault(0.2, 11)
    }));
    let report = with_s3_state(&bench, &through_proxy)
        .deploy(&stack("groups"))
        .await
        .expect("the deploy rides through faults on its state requests");
    assert!(report.succeeded(), "{:?}", report.failed);
    let injected = bench.proxy.stats().faults();
    assert!(injected > 0, "faults were injected on the state requests");

    // S3 stops answering mid-run (once the run holds its lock): the run stops, saying where
    // and what to do.
    let deployer = with_s3_state(&bench, &through_proxy);
    let run = tokio::spawn(async move { deployer.deploy(&stack("groups-v2")).await });
    let s3 = s3_client(&bench.direct);
    while s3
        .head_object()
        .bucket("stratus-state")
        .key("project-x.state.json.lock")
        .send()
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    bench.proxy.set_faults(Some(FaultPlan {
        rate: 1.0,
        faults: vec![Fault::Unavailable],
        only: vec!["s3:".into()],
        writes_only: false,
        seed: 1,
    }));
    let stopped = run.await.unwrap();
    let message = match stopped {
        Err(e) => e.to_string(),
        Ok(report) => panic!("the run went on without its state: {:?}", report.failed),
    };
    assert!(
        message.contains("s3://stratus-state/project-x.state.json")
            && message.contains("run again once the state storage answers"),
        "{message}"
    );
    bench.proxy.set_faults(None);
    // This process is the dead run's holder and still alive: the human way out.
    let removed = with_s3_state(&bench, &through_proxy)
        .force_unlock()
        .await
        .unwrap();
    assert!(removed.is_some(), "the stopped run kept its lock");

    // S3 is back: the next run converges; nothing was reset or lost.
    let report = with_s3_state(&bench, &through_proxy)
        .deploy(&stack("groups-v2"))
        .await
        .expect("the next run converges");
    assert!(report.succeeded(), "{:?}", report.failed);
    let plan = with_s3_state(&bench, &through_proxy)
        .plan(&stack("groups-v2"))
        .await
        .unwrap();
    assert!(!plan.has_changes(), "{}", plan.render(false));
    let destroyed = with_s3_state(&bench, &through_proxy)
        .destroy("project-x")
        .await
        .unwrap();
    assert!(destroyed.succeeded(), "{:?}", destroyed.failed);
    assert_eq!(bench.held().await, Inventory::new(), "nothing is left");
    println!("s3 state: {injected} faults injected on state requests at 20%; the run converged");
}
