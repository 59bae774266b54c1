//! Build + validate + synthesize: the reference stack once, 100 times, and a synthetic graph of
//! 1k, 10k and 100k resources (per-resource cost should stay flat).
//!
//! Run: `cargo bench --bench synth`.

#![allow(missing_docs)] // criterion's macros generate undocumented functions

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stratus::prelude::*;
use stratus::synth::template_json;

/// Builds, validates and synthesizes `n` copies of the reference stack; returns the app and the
/// templates so that freeing them happens outside the measurement (`iter_with_large_drop`), as
/// the command line skips it at exit.
fn reference(n: usize) -> (App, Vec<String>) {
    let mut app = App::new();
    for i in 0..n {
        app.add_stack(stack::build_named(&format!("project-x-{i}")).stack);
    }
    app.validate().expect("the reference stack is valid");
    let templates = app.stacks().iter().map(template_json).collect();
    (app, templates)
}

/// A stack of about `resources` resources: VPCs with two subnet groups over three zones, each
/// with a handful of security groups wired by connections.
fn synthetic(resources: usize) -> Stack {
    let mut stack = Stack::new("synthetic", Environment::region("us-east-1"));
    let mut i = 0;
    while stack.graph().len() < resources {
        let vpc = Vpc::builder(&format!("vpc-{i}"))
            .max_azs(3)
            .nat_gateways(1)
            .build(&mut stack);
        let groups: Vec<SecurityGroup> = (0..8)
            .map(|g| SecurityGroup::builder(&format!("sg-{i}-{g}"), &vpc).build(&mut stack))
            .collect();
        stack.allow(Peer::any_ipv4(), &groups[0], Port::HTTPS);
        for pair in groups.windows(2) {
            stack.allow(pair[0], &pair[1], Port::tcp(8080));
        }
        i += 1;
    }
    stack
}

fn synthetic_round(resources: usize) -> (Stack, String) {
    let stack = synthetic(resources);
    stack.validate().expect("the synthetic stack is valid");
    let template = template_json(&stack);
    (stack, template)
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("reference");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for n in [1, 100] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("stacks", n), &n, |b, &n| {
            b.iter_with_large_drop(|| black_box(reference(n)));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("synthetic");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for n in [1_000, 10_000, 100_000] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("resources", n), &n, |b, &n| {
            b.iter_with_large_drop(|| black_box(synthetic_round(n)));
        });
    }
    group.finish();
}

criterion_group!(synth, benches);
criterion_main!(synth);
