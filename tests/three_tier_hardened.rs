//! Topology and lint tests of `examples/three_tier_hardened`: what makes it the tutorial's
//! application done right, asserted with `stratus::testing` as a user would.

mod support;

#[path = "../examples/three_tier_hardened/logs.rs"]
mod logs;
#[path = "../examples/three_tier_hardened/stack.rs"]
mod stack;

use stratus::lint::Severity;
use stratus::prelude::*;
use stratus::synth::template_json;
use stratus::testing::{AssertLint, Inspect, Match};

#[test]
fn it_is_valid_and_passes_cfn_lint() {
    let hardened = stack::build();
    hardened.stack.validate().unwrap();
    support::cfn_lint::assert_no_lint_errors(
        "three_tier_hardened",
        &template_json(&hardened.stack),
    );
}

#[test]
fn lint_finds_no_error_and_every_suppression_gives_its_reason() {
    let hardened = stack::build();
    let report = stratus::lint::Linter::with_builtin_rules().run(&hardened.stack);
    report.assert_no_errors();
    // Nothing open at all: the only finding is the suppressed rotation warning.
    let open: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(ToString::to_string)
        .collect();
    assert!(open.is_empty(), "{open:#?}");
    let reason = report.assert_suppressed("STRATUS-SECRET-NO-ROTATION", "app-secret");
    assert!(reason.contains("signs sessions"), "{reason}");
    assert!(report.findings.iter().all(|f| f.severity < Severity::Error));
}

#[test]
fn only_cloudfront_reaches_the_load_balancer_and_nothing_takes_ssh() {
    let hardened = stack::build();
    let inspect = Inspect::new(&hardened.stack);
    for port in [Port::HTTP, Port::HTTPS, Port::SSH] {
        assert!(!inspect.internet_can_reach(&hardened.alb, port), "{port}");
        assert!(
            !inspect.internet_can_reach(&hardened.app_sg, port),
            "{port}"
        );
    }
    let ingress = inspect.all("AWS::EC2::SecurityGroupIngress");
    let to_alb: Vec<_> = ingress
        .iter()
        .filter(|rule| rule.path().starts_with("project-x/lb-sg/"))
        .collect();
    assert_eq!(to_alb.len(), 2, "HTTP (redirected) and HTTPS");
    for rule in &to_alb {
        rule.assert_property(
            "SourcePrefixListId",
            Match::eq(stack::CLOUDFRONT_ORIGIN_FACING),
        )
        .assert_property("CidrIp", Match::absent());
    }
    for rule in &ingress {
        let from = rule.property("FromPort").and_then(Value::as_i64);
        assert_ne!(from, Some(22), "no SSH rule: {}", rule.path());
    }
    inspect.assert_count("AWS::EC2::Instance", 0);
    assert!(inspect.can_reach(&hardened.alb, &hardened.app_sg, Port::tcp(5000)));
}

#[test]
fn https_end_to_end_with_a_redirect_a_web_acl_and_logs() {
    let hardened = stack::build();
    let inspect = Inspect::new(&hardened.stack);
    inspect
        .resource("alb/https")
        .assert_property("Protocol", Match::eq("HTTPS"));
    inspect
        .resource("alb/https")
        .assert_property("SslPolicy", Match::eq(stratus::elb::TLS_POLICY));
    inspect.resource("alb/http").assert_property(
        "DefaultActions",
        Match::eq(Value::List(vec![Value::Map(
            [
                ("Type".to_owned(), "redirect".to_value()),
                (
                    "RedirectConfig".to_owned(),
                    Value::Map(
                        [
                            ("Protocol".to_owned(), "HTTPS".to_value()),
                            ("Port".to_owned(), "443".to_value()),
                            ("StatusCode".to_owned(), "HTTP_301".to_value()),
                        ]
                        .into_iter()
                        .collect(),
                    ),
                ),
            ]
            .into_iter()
            .collect(),
        )])),
    );
    let cdn = inspect.resource("cdn");
    let config = cdn
        .property("DistributionConfig")
        .and_then(Value::as_map)
        .unwrap();
    assert!(config.contains_key("WebACLId"));
    assert!(config.contains_key("Logging"));
    let origin = &config["Origins"].as_list().unwrap()[0];
    let origin = origin.as_map().unwrap();
    assert_eq!(origin["DomainName"].as_str(), Some(stack::ORIGIN_DOMAIN));
    let protocol = origin["CustomOriginConfig"].as_map().unwrap()["OriginProtocolPolicy"].as_str();
    assert_eq!(protocol, Some("https-only"));
    inspect.assert_count("AWS::WAFv2::WebACL", 1);
    inspect.assert_count("AWS::EC2::FlowLog", 1);
}

#[test]
fn the_data_tier_is_protected_and_the_instances_use_session_manager() {
    let hardened = stack::build();
    let inspect = Inspect::new(&hardened.stack);
    for path in ["db", "db-replica"] {
        inspect
            .resource(path)
            .assert_property("MultiAZ", Match::eq(true))
            .assert_property("DeletionProtection", Match::eq(true))
            .assert_property("EnableIAMDatabaseAuthentication", Match::eq(true))
            .assert_property("MonitoringInterval", Match::eq(60));
    }
    inspect
        .resource("db")
        .assert_property("StorageEncrypted", Match::eq(true))
        .assert_property("ManageMasterUserPassword", Match::eq(true));
    inspect.resource("app-role").assert_property(
        "ManagedPolicyArns",
        Match::eq(Value::List(vec![stack::SSM_CORE.to_value()])),
    );
    inspect
        .resource("efs")
        .assert_property("Encrypted", Match::eq(true));
    // The user data reads every secret at boot; none is written into it.
    let template = template_json(&hardened.stack);
    assert!(template.contains("get-secret-value"));
    assert!(!template.contains("MYSQL_PASSWORD='"));
}
