//! Scheduling efficiency: deploy a graph against the in-process cloud with per-type latencies
//! close to AWS's (scaled: one real second = 2 ms, so that tokio's 1 ms timer resolution and the
//! in-process cloud's own work stay small next to the latencies), and compare the wall time with the
//! graph's critical path (the longest chain of latencies, which no scheduler can beat).
//!
//! Prints one line per scenario: `schedule <scenario> resources=<n> ours=<x> c10=<y>`, where x
//! is our wall time over the critical path and y the same with concurrency capped at 10
//! (Terraform's default). Run: `cargo bench --bench schedule`.

#![allow(missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;
#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stratus::deploy::{ApplyOptions, Deployer, MemoryBackend};
use stratus::prelude::*;
use support::fake_cloud::{FakeCloud, Faults};

/// One real second, scaled.
const SECOND: Duration = Duration::from_millis(2);

/// Creation latencies per type, in real seconds (typical AWS figures).
fn aws_latencies() -> HashMap<String, Duration> {
    let seconds: &[(&str, u32)] = &[
        ("AWS::RDS::DBInstance", 600),
        ("AWS::CloudFront::Distribution", 300),
        ("AWS::EC2::NatGateway", 120),
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", 180),
        ("AWS::EFS::FileSystem", 10),
        ("AWS::EFS::MountTarget", 90),
        ("AWS::AutoScaling::AutoScalingGroup", 60),
        ("AWS::CertificateManager::Certificate", 120),
        ("AWS::EC2::Instance", 40),
        ("AWS::IAM::Role", 8),
        ("AWS::IAM::InstanceProfile", 10),
        ("AWS::EC2::VPC", 5),
        ("AWS::EC2::Subnet", 3),
        ("AWS::Route53::HostedZone", 40),
        ("AWS::Route53::RecordSet", 45),
    ];
    let mut map: HashMap<String, Duration> = seconds
        .iter()
        .map(|(t, s)| ((*t).to_owned(), SECOND * *s))
        .collect();
    map.insert("default".into(), SECOND * 2);
    map
}

fn latency_of(latencies: &HashMap<String, Duration>, type_name: &str) -> Duration {
    latencies
        .get(type_name)
        .copied()
        .unwrap_or(latencies["default"])
}

/// The longest chain of latencies through the graph.
fn critical_path(stack: &Stack, latencies: &HashMap<String, Duration>) -> Duration {
    let graph = stack.graph();
    let mut finish: HashMap<_, Duration> = HashMap::new();
    for index in graph.topological_order().expect("acyclic") {
        let start = graph
            .dependencies(index)
            .iter()
            .map(|(d, _)| finish[d])
            .max()
            .unwrap_or_default();
        finish.insert(
            index,
            start + latency_of(latencies, graph.node(index).type_name),
        );
    }
    finish.values().copied().max().unwrap_or_default()
}

/// Deploys `build()` with a concurrency; returns the wall time.
fn deploy(
    build: &dyn Fn() -> Stack,
    latencies: &HashMap<String, Duration>,
    concurrency: usize,
) -> Duration {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let stack = build();
    let cloud = FakeCloud::new();
    let mut all = HashMap::new();
    for (_, node) in stack.graph().nodes() {
        all.insert(
            node.type_name.to_owned(),
            latency_of(latencies, node.type_name),
        );
    }
    cloud.set_faults(Faults {
        latency: all,
        ..Faults::default()
    });
    let deployer =
        Deployer::new(Arc::new(cloud), Arc::new(MemoryBackend::new())).options(ApplyOptions {
            concurrency,
            ..ApplyOptions::default()
        });
    let started = Instant::now();
    let report = runtime.block_on(deployer.deploy(&stack)).unwrap();
    let wall = started.elapsed();
    assert!(report.succeeded(), "{:?}", report.failed);
    wall
}

/// A name, a stack builder and the latencies of its types.
type Scenario = (
    &'static str,
    Box<dyn Fn() -> Stack>,
    HashMap<String, Duration>,
);

#[derive(Resource)]
#[resource(type = "Bench::Wide::Node")]
struct WideNode {
    tier: u32,
    deps: Vec<Attr<String>>,
}

/// 500 resources: 20 roots, each fanning out to 24 dependents over two levels (so up to 400
/// calls are ready at once).
fn wide() -> Stack {
    let mut stack = Stack::new("wide", Environment::region("us-east-1"));
    for root in 0..20 {
        let r = stack.add(
            &format!("root{root}"),
            WideNode {
                tier: 0,
                deps: vec![],
            },
        );
        for child in 0..4 {
            let c = stack.add(
                &format!("c{root}x{child}"),
                WideNode {
                    tier: 1,
                    deps: vec![r.attr("Arn")],
                },
            );
            for leaf in 0..5 {
                stack.add(
                    &format!("l{root}x{child}x{leaf}"),
                    WideNode {
                        tier: 2,
                        deps: vec![c.attr("Arn")],
                    },
                );
            }
        }
    }
    stack
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run in both.
    let scenarios: Vec<Scenario> = vec![
        (
            "reference",
            Box::new(|| three_tier::build().stack),
            aws_latencies(),
        ),
        ("wide-500", Box::new(wide), {
            let mut map = HashMap::new();
            // Instances, ENIs and the like: about a minute and a half each.
            map.insert("default".to_owned(), SECOND * 100);
            map
        }),
    ];
    if std::env::var_os("SCHEDULE_OVERHEAD").is_some() {
        let mut zero = HashMap::new();
        zero.insert("default".to_owned(), Duration::ZERO);
        for _ in 0..3 {
            println!(
                "overhead wide-500 at zero latency: {:?}",
                deploy(&wide, &zero, 1024)
            );
        }
        return;
    }
    for (name, build, latencies) in &scenarios {
        let stack = build();
        let critical = critical_path(&stack, latencies);
        let ours = deploy(
            build.as_ref(),
            latencies,
            ApplyOptions::default().concurrency,
        );
        let c10 = deploy(build.as_ref(), latencies, 10);
        println!(
            "schedule {name} resources={} ours={:.3} c10={:.3} (critical path {:.0} ms, ours {:.0} ms, c10 {:.0} ms)",
            stack.graph().len(),
            ours.as_secs_f64() / critical.as_secs_f64(),
            c10.as_secs_f64() / critical.as_secs_f64(),
            critical.as_secs_f64() * 1e3,
            ours.as_secs_f64() * 1e3,
            c10.as_secs_f64() * 1e3,
        );
    }
}
