//! The cost estimate: figures from the price book, ranges for groups, stated assumptions,
//! and nothing guessed for what the book does not have.

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use stratus::compute::{AutoScalingGroup, LaunchTemplate};
use stratus::cost::{self, PriceBook};
use stratus::database::Database;
use stratus::prelude::*;

const AMI: &str = "ami-0abcdef1234567890";

#[test]
fn an_unknown_instance_type_or_class_is_not_estimated_and_left_out_of_the_total() {
    let mut stack = Stack::new("odd", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(2)
        .nat_gateways(1)
        .build(&mut stack);
    let template = LaunchTemplate::builder("lt")
        .image_id(AMI)
        .instance_type("x9.imaginary")
        .build(&mut stack);
    AutoScalingGroup::builder("asg", &vpc, template)
        .capacity(1, 1, 2)
        .build(&mut stack);
    Database::mysql("db", &vpc)
        .instance_class("db.z9.enormous")
        .build(&mut stack);
    let estimate = cost::estimate(&stack);
    let unknown: Vec<(&str, &str)> = estimate
        .unknown()
        .map(|l| (l.path.as_str(), l.unknown.as_deref().unwrap()))
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:#?}");
    assert!(unknown[0].1.contains("x9.imaginary") || unknown[1].1.contains("x9.imaginary"));
    assert!(
        unknown
            .iter()
            .any(|(_, why)| why.contains("db.z9.enormous"))
    );
    assert!(
        estimate
            .unknown()
            .all(|l| l.monthly_usd.abs() < f64::EPSILON)
    );
    // What is left: the NAT gateway, its address and nothing else.
    let book = PriceBook::builtin();
    let nat = 730.0 * 0.045 + 100.0 * 0.045;
    let eip = 730.0 * 0.005;
    assert!(
        (estimate.total_monthly_usd - (nat + eip)).abs() < 1e-6,
        "{:#?}",
        estimate.lines
    );
    assert!((book.hours_per_month - 730.0).abs() < f64::EPSILON);
}

#[test]
fn another_region_is_priced_with_a_note_and_types_without_a_model_say_so() {
    let mut stack = Stack::new("eu", Environment::region("eu-west-1"));
    stack.add("queue", stratus::cfn::sqs::CfnQueue::default());
    let estimate = cost::estimate(&stack);
    assert_eq!(
        estimate.region_note.as_deref(),
        Some("the stack is in eu-west-1; the prices are us-east-1's")
    );
    let line = estimate
        .unknown()
        .next()
        .expect("the queue is not modelled");
    assert_eq!(line.type_name, "AWS::SQS::Queue");
    assert!(
        line.unknown
            .as_deref()
            .unwrap()
            .contains("no pricing model")
    );
}

#[test]
fn the_reference_database_line_is_class_times_multi_az_plus_storage_and_secret() {
    let estimate = cost::estimate(&three_tier::build().stack);
    let db = estimate
        .lines
        .iter()
        .find(|l| l.path == "project-x/db")
        .unwrap();
    // db.t3.medium MySQL at $0.068 an hour, Multi-AZ, 20 GB gp3 at $0.115 twice, the secret.
    let expected = 2.0 * 0.068 * 730.0 + 2.0 * 20.0 * 0.115 + 0.40;
    assert!((db.monthly_usd - expected).abs() < 1e-6, "{db:#?}");
    let replica = estimate
        .lines
        .iter()
        .find(|l| l.path == "project-x/db-replica")
        .unwrap();
    let expected = 0.068 * 730.0 + 20.0 * 0.115;
    assert!(
        (replica.monthly_usd - expected).abs() < 1e-6,
        "{replica:#?}"
    );
    assert!(estimate.max_total_monthly_usd > estimate.total_monthly_usd);
    assert_eq!(estimate.unknown().count(), 0);
}
