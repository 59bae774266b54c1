//! Every synthesized template passes cfn-lint with zero errors. cfn-lint comes from PyPI
//! (`.ci/run` installs it); a missing cfn-lint fails the test, it is never skipped.

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use std::path::Path;
use std::process::Command;

use stratus::database::Database;
use stratus::prelude::*;
use stratus::synth::template_json;

/// Runs cfn-lint on a file; returns its exit code (a bit mask: 2 errors, 4 warnings, 8 info)
/// and its report.
fn cfn_lint(file: &Path) -> (i32, String) {
    let output = Command::new("cfn-lint")
        .arg("--format")
        .arg("parseable")
        .arg(file)
        .output()
        .expect("cfn-lint must be installed (pip install cfn-lint); CI installs it");
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (
        output.status.code().expect("cfn-lint exited normally"),
        report,
    )
}

fn assert_no_errors(name: &str, stack: &Stack) {
    stack.validate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.template.json"));
    std::fs::write(&file, template_json(stack)).unwrap();
    let (code, report) = cfn_lint(&file);
    assert_eq!(code & 2, 0, "cfn-lint found errors in {name}:\n{report}");
    if !report.trim().is_empty() {
        println!("cfn-lint warnings for {name}:\n{report}");
    }
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
