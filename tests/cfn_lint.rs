//! Every synthesized template passes cfn-lint with zero errors. cfn-lint comes from PyPI
//! (`.ci/run` installs it); a missing cfn-lint fails the test, it is never skipped.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use stratus::database::Database;
use stratus::prelude::*;
use stratus::synth::template_json;

fn assert_no_errors(name: &str, stack: &Stack) {
    stack.validate().unwrap();
    support::cfn_lint::assert_no_lint_errors(name, &template_json(stack));
}

#[test]
fn the_reference_template_has_no_lint_errors() {
    assert_no_errors("three_tier", &stack::build().stack);
}

#[test]
fn other_engines_and_options_have_no_lint_errors() {
    let mut stack = Stack::new("engines", Environment::region("eu-west-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(2)
        .subnet_groups([SubnetGroup::public("public"), SubnetGroup::isolated("data")])
        .nat_gateways(0)
        .build(&mut stack);
    let app = SecurityGroup::builder("app-sg", &vpc).build(&mut stack);
    let pg = Database::postgres("pg", &vpc)
        .subnets(SubnetSelection::isolated())
        .build(&mut stack);
    let maria = Database::mariadb("maria", &vpc)
        .subnets(SubnetSelection::isolated())
        .build(&mut stack);
    stack.allow_default(app, &pg).allow_default(app, &maria);
    assert_no_errors("engines", &stack);
}

#[test]
fn default_engine_versions_are_ones_aws_still_lets_you_create() {
    // W3691: the version is deprecated and cannot be used to create new instances (issue 20,
    // item 23: MySQL 8.0.40 and PostgreSQL 16.6 were the defaults).
    let mut stack = Stack::new("defaults", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(2)
        .subnet_groups([SubnetGroup::public("public"), SubnetGroup::isolated("data")])
        .nat_gateways(0)
        .build(&mut stack);
    Database::mysql("my", &vpc)
        .subnets(SubnetSelection::isolated())
        .build(&mut stack);
    Database::postgres("pg", &vpc)
        .subnets(SubnetSelection::isolated())
        .build(&mut stack);
    Database::mariadb("maria", &vpc)
        .subnets(SubnetSelection::isolated())
        .build(&mut stack);
    stack.validate().unwrap();
    let report = support::cfn_lint::run("defaults", &template_json(&stack));
    let engine_findings: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("W3691") || l.contains("E3691"))
        .collect();
    assert!(engine_findings.is_empty(), "{engine_findings:#?}");
}
