//! `lint`, `cost`, the lint gate of `deploy` and the cost line of `plan`, on the command line,
//! with an in-process cloud.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::sync::Arc;

use stratus::App;
use stratus::cli::{EXIT_FAILURE, run_from};
use stratus::deploy::Provider;
use stratus::lint::{Findings, Rule, RuleInfo, Severity};
use stratus::prelude::*;
use support::fake_cloud::FakeCloud;

fn run(app: &App, provider: Option<Arc<dyn Provider>>, args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_from(
        app,
        provider,
        std::iter::once("prog").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn app_of(stack: Stack) -> App {
    let mut app = App::new();
    app.add_stack(stack);
    app
}

/// A small stack with one lint error: SSH open to the world.
fn ssh_open() -> Stack {
    let mut stack = Stack::new("lab", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc").max_azs(2).build(&mut stack);
    let admin = SecurityGroup::builder("admin-sg", &vpc).build(&mut stack);
    stack.allow(Peer::any_ipv4(), &admin, Port::SSH);
    stack
}

#[test]
fn lint_json_lists_every_finding_with_its_fields_and_exits_1_on_an_error() {
    let app = app_of(ssh_open());
    let (code, out, _) = run(&app, None, &["lint", "--json"]);
    assert_eq!(code, EXIT_FAILURE, "{out}");
    let findings: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let ssh = findings
        .iter()
        .find(|f| f["rule"] == "STRATUS-ADMIN-PORT-OPEN")
        .expect("the SSH finding");
    assert_eq!(ssh["severity"], "error");
    assert_eq!(ssh["path"], "lab/admin-sg/from-anywhere-tcp-22");
    assert!(ssh["message"].as_str().unwrap().contains("0.0.0.0/0"));
    assert_eq!(
        ssh["checkov"],
        serde_json::json!(["CKV_AWS_24", "CKV_AWS_25"])
    );
    assert_eq!(ssh["cdk_nag"], serde_json::json!(["AwsSolutions-EC23"]));
    assert_eq!(ssh["suppressed"], serde_json::Value::Null);
    // Every finding carries the same fields.
    for finding in &findings {
        for field in [
            "rule", "severity", "path", "message", "fix", "checkov", "cdk_nag",
        ] {
            assert!(finding.get(field).is_some(), "{field} missing in {finding}");
        }
    }

    let (code, out, _) = run(&app, None, &["lint"]);
    assert_eq!(code, EXIT_FAILURE);
    assert!(
        out.contains("error STRATUS-ADMIN-PORT-OPEN: lab/admin-sg/from-anywhere-tcp-22"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("suppressed"), "{out}");
}

#[test]
fn the_reference_lints_clean_of_errors_and_shows_its_suppression() {
    let app = app_of(three_tier::build().stack);
    let (code, out, _) = run(&app, None, &["lint"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("STRATUS-ALB-REACHABLE-AROUND-CDN: project-x/lb-sg/from-anywhere-tcp-80")
            && out.contains("(suppressed: the tutorial's design"),
        "{out}"
    );
    assert!(
        out.contains("0 error(s)") && out.contains("1 suppressed"),
        "{out}"
    );
}

/// A rule of the user's, registered on the app: buckets must be versioned.
struct Versioned;

impl Rule for Versioned {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "ACME-VERSIONED",
            severity: Severity::Error,
            checkov: &[],
            cdk_nag: &[],
        }
    }

    fn check(&self, stack: &Stack, findings: &mut Findings) {
        for (_, node) in stack.graph().by_type("AWS::S3::Bucket") {
            if node.properties.get("VersioningConfiguration").is_none() {
                findings.add(node, "not versioned", "turn versioning on");
            }
        }
    }
}

#[test]
fn deploy_refuses_on_a_lint_error_unless_overridden_and_runs_the_apps_rules() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_str().unwrap();
    let provider: Arc<dyn Provider> = Arc::new(FakeCloud::new());
    let app = app_of(ssh_open());
    let (code, out, err) = run(
        &app,
        Some(Arc::clone(&provider)),
        &["deploy", "--yes", "--state", state],
    );
    assert_eq!(code, EXIT_FAILURE, "{out}");
    assert!(err.contains("lint found 1 error(s)"), "{err}");
    assert!(err.contains("STRATUS-ADMIN-PORT-OPEN"), "{err}");
    assert!(err.contains("--allow-lint-errors"), "{err}");
    assert!(
        !dir.path().join("lab").exists() || std::fs::read_dir(dir.path()).unwrap().count() == 0
    );

    let (code, out, err) = run(
        &app,
        Some(Arc::clone(&provider)),
        &["deploy", "--yes", "--allow-lint-errors", "--state", state],
    );
    assert_eq!(code, 0, "{out}\n{err}");

    // A rule registered on the app gates deploy as the built-in ones do.
    let mut stack = Stack::new("buckets", Environment::region("us-east-1"));
    stack.add("data", stratus::cfn::s3::CfnBucket::default());
    let mut app = app_of(stack);
    app.add_lint_rule(Versioned);
    let (code, _, err) = run(&app, Some(provider), &["deploy", "--yes", "--state", state]);
    assert_eq!(code, EXIT_FAILURE);
    assert!(err.contains("ACME-VERSIONED"), "{err}");
    let (code, out, _) = run(&app, None, &["lint", "--json"]);
    assert_eq!(code, EXIT_FAILURE);
    assert!(out.contains("\"ACME-VERSIONED\""), "{out}");
}

#[test]
fn cost_itemizes_the_reference_and_plan_shows_the_difference_a_change_makes() {
    let app = app_of(three_tier::build().stack);
    let (code, out, _) = run(&app, None, &["cost", "--json"]);
    assert_eq!(code, 0, "{out}");
    let estimate: serde_json::Value = serde_json::from_str(&out).unwrap();
    let total = estimate["total_monthly_usd"].as_f64().unwrap();
    let lines = estimate["lines"].as_array().unwrap();
    let sum: f64 = lines
        .iter()
        .map(|l| l["monthly_usd"].as_f64().unwrap())
        .sum();
    assert!((total - sum).abs() < 1e-6);
    assert_eq!(estimate["label"], "estimate");
    assert_eq!(estimate["prices"]["region"], "us-east-1");
    assert!(estimate["prices"]["as_of"].is_string() && estimate["prices"]["source"].is_string());
    let asg = lines.iter().find(|l| l["path"] == "project-x/asg").unwrap();
    // 4 × t3.xlarge at $0.1664 an hour for 730 hours, each with an 8 GB gp3 root volume.
    let each = 0.1664 * 730.0 + 8.0 * 0.08;
    assert!(
        (asg["monthly_usd"].as_f64().unwrap() - 4.0 * each).abs() < 1e-6,
        "{asg}"
    );
    assert!(
        (asg["max_monthly_usd"].as_f64().unwrap() - 6.0 * each).abs() < 1e-6,
        "{asg}"
    );
    let cdn = lines.iter().find(|l| l["path"] == "project-x/cdn").unwrap();
    assert!(!cdn["assumptions"].as_array().unwrap().is_empty(), "{cdn}");
    let (_, text, _) = run(&app, None, &["cost"]);
    assert!(text.contains("total $") && text.contains("as of"), "{text}");

    // Deploy, then raise the group's maximum and add a bastion type change: plan prices it.
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_str().unwrap();
    let provider: Arc<dyn Provider> = Arc::new(FakeCloud::new());
    let (code, out, _) = run(
        &app,
        Some(Arc::clone(&provider)),
        &["plan", "--state", state],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("Monthly cost estimate: $0.00 -> ${total:.2}")),
        "{out}"
    );
    let (code, out, err) = run(
        &app,
        Some(Arc::clone(&provider)),
        &["deploy", "--yes", "--state", state],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let bigger = app_of(
        three_tier::build_with(&three_tier::Settings {
            bastion_type: "t3.small".into(),
            ..three_tier::Settings::default()
        })
        .stack,
    );
    let (code, out, _) = run(&bigger, Some(provider), &["plan", "--state", state]);
    assert_eq!(code, 0);
    // Two bastions from t3.micro to t3.small: 2 × 730 × ($0.0208 − $0.0104).
    let change = 2.0 * 730.0 * (0.0208 - 0.0104);
    assert!(
        out.contains(&format!("(+${change:.2})")),
        "expected +${change:.2} in:\n{out}"
    );
}
