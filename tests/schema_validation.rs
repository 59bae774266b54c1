//! Schema validation in `validate()`, checked against cfn-lint: a corpus of wrong declarations
//! across services, each reported by Stratus before synthesis (naming the construct and the
//! property) and by cfn-lint, with the rule named, on the template Stratus writes when
//! validation is bypassed.

use std::process::Command;

use serde_json::json;
use stratus::escape::{RawResource, json as value};
use stratus::prelude::*;
use stratus::synth::template_json;

/// One wrong declaration: a resource, the property Stratus names, words of its message, and
/// the cfn-lint rule that reports the same problem.
struct Case {
    id: &'static str,
    type_name: &'static str,
    properties: serde_json::Value,
    property: &'static str,
    stratus: &'static str,
    cfn_lint: &'static str,
}

const fn case(
    id: &'static str,
    type_name: &'static str,
    properties: serde_json::Value,
    property: &'static str,
    stratus: &'static str,
    cfn_lint: &'static str,
) -> Case {
    Case {
        id,
        type_name,
        properties,
        property,
        stratus,
        cfn_lint,
    }
}

fn policy() -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
}

fn code() -> serde_json::Value {
    json!({"ZipFile": "def handler(e, c): pass"})
}

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/handler";

#[allow(clippy::too_many_lines)] // the corpus, one line per case
fn corpus() -> Vec<Case> {
    let long = |n: usize| "x".repeat(n);
    vec![
        // Unknown properties.
        case(
            "q-unknown",
            "AWS::SQS::Queue",
            json!({"QueueNam": "jobs"}),
            "QueueNam",
            "did you mean QueueName?",
            "E3002",
        ),
        case(
            "topic-unknown",
            "AWS::SNS::Topic",
            json!({"TopicNam": "alerts"}),
            "TopicNam",
            "did you mean TopicName?",
            "E3002",
        ),
        case(
            "bucket-unknown",
            "AWS::S3::Bucket",
            json!({"BucketNme": "logs"}),
            "BucketNme",
            "did you mean BucketName?",
            "E3002",
        ),
        case(
            "log-unknown",
            "AWS::Logs::LogGroup",
            json!({"RetentionDays": 7}),
            "RetentionDays",
            "did you mean RetentionInDays?",
            "E3002",
        ),
        case(
            "key-unknown",
            "AWS::KMS::Key",
            json!({"Descripton": "data"}),
            "Descripton",
            "did you mean Description?",
            "E3002",
        ),
        case(
            "vpc-unknown",
            "AWS::EC2::VPC",
            json!({"CidrBlock": "10.0.0.0/16", "EnableDnsHostname": true}),
            "EnableDnsHostname",
            "did you mean EnableDnsHostnames?",
            "E3002",
        ),
        case(
            "versioning-unknown",
            "AWS::S3::Bucket",
            json!({"VersioningConfiguration": {"Status": "Enabled", "Statu": "x"}}),
            "VersioningConfiguration.Statu",
            "did you mean Status?",
            "E3002",
        ),
        // Missing required properties.
        case(
            "param-required",
            "AWS::SSM::Parameter",
            json!({"Type": "String"}),
            "Value",
            "requires Value",
            "E3003",
        ),
        case(
            "fn-required",
            "AWS::Lambda::Function",
            json!({"Code": code()}),
            "Role",
            "requires Role",
            "E3003",
        ),
        case(
            "subnet-required",
            "AWS::EC2::Subnet",
            json!({"CidrBlock": "10.0.0.0/24"}),
            "VpcId",
            "requires VpcId",
            "E3003",
        ),
        case(
            "role-required",
            "AWS::IAM::Role",
            json!({"Path": "/"}),
            "AssumeRolePolicyDocument",
            "requires AssumeRolePolicyDocument",
            "E3003",
        ),
        case(
            "sg-required",
            "AWS::EC2::SecurityGroup",
            json!({"VpcId": "vpc-12345678"}),
            "GroupDescription",
            "requires GroupDescription",
            "E3003",
        ),
        case(
            "table-required",
            "AWS::DynamoDB::Table",
            json!({"BillingMode": "PAY_PER_REQUEST"}),
            "KeySchema",
            "requires KeySchema",
            "E3003",
        ),
        case(
            "versioning-required",
            "AWS::S3::Bucket",
            json!({"VersioningConfiguration": {}}),
            "VersioningConfiguration.Status",
            "requires Status",
            "E3003",
        ),
        // Values outside an enum.
        case(
            "param-enum",
            "AWS::SSM::Parameter",
            json!({"Type": "Strin", "Value": "v"}),
            "Type",
            "did you mean String?",
            "E3030",
        ),
        case(
            "bucket-enum",
            "AWS::S3::Bucket",
            json!({"AccessControl": "Privat"}),
            "AccessControl",
            "did you mean Private?",
            "E3030",
        ),
        case(
            "vpc-enum",
            "AWS::EC2::VPC",
            json!({"CidrBlock": "10.0.0.0/16", "InstanceTenancy": "dedicatd"}),
            "InstanceTenancy",
            "did you mean dedicated?",
            "E3030",
        ),
        case(
            "key-enum",
            "AWS::KMS::Key",
            json!({"KeyUsage": "ENCRYPT"}),
            "KeyUsage",
            "is not one of",
            "E3030",
        ),
        case(
            "rule-enum",
            "AWS::Events::Rule",
            json!({"State": "enabled", "ScheduleExpression": "rate(1 hour)"}),
            "State",
            "did you mean ENABLED?",
            "E3030",
        ),
        case(
            "efs-enum",
            "AWS::EFS::FileSystem",
            json!({"ThroughputMode": "burst"}),
            "ThroughputMode",
            "is not one of",
            "E3030",
        ),
        case(
            "log-class-enum",
            "AWS::Logs::LogGroup",
            json!({"LogGroupClass": "STANDART"}),
            "LogGroupClass",
            "did you mean STANDARD?",
            "E3030",
        ),
        // Wrong types.
        case(
            "q-bool",
            "AWS::SQS::Queue",
            json!({"FifoQueue": "maybe"}),
            "FifoQueue",
            "expects true or false",
            "E3012",
        ),
        case(
            "q-int",
            "AWS::SQS::Queue",
            json!({"VisibilityTimeout": "abc"}),
            "VisibilityTimeout",
            "expects an integer",
            "E3012",
        ),
        case(
            "fn-int",
            "AWS::Lambda::Function",
            json!({"Code": code(), "Role": ROLE_ARN, "Timeout": "long"}),
            "Timeout",
            "expects an integer",
            "E3012",
        ),
        case(
            "bucket-object",
            "AWS::S3::Bucket",
            json!({"BucketEncryption": "AES256"}),
            "BucketEncryption",
            "expects a map",
            "E3012",
        ),
        case(
            "role-list",
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": policy(), "ManagedPolicyArns": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            "ManagedPolicyArns",
            "expects a list",
            "E3012",
        ),
        case(
            "efs-number",
            "AWS::EFS::FileSystem",
            json!({"ProvisionedThroughputInMibps": "fast", "ThroughputMode": "provisioned"}),
            "ProvisionedThroughputInMibps",
            "expects a number",
            "E3012",
        ),
        // Numbers out of range.
        case(
            "q-range",
            "AWS::SQS::Queue",
            json!({"DelaySeconds": 1000}),
            "DelaySeconds",
            "1000 is outside 0..=900",
            "E3034",
        ),
        case(
            "q-range-low",
            "AWS::SQS::Queue",
            json!({"MessageRetentionPeriod": 10}),
            "MessageRetentionPeriod",
            "is outside 60..=",
            "E3034",
        ),
        case(
            "key-range",
            "AWS::KMS::Key",
            json!({"PendingWindowInDays": 3}),
            "PendingWindowInDays",
            "is outside 7..=30",
            "E3034",
        ),
        case(
            "role-range",
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": policy(), "MaxSessionDuration": 60}),
            "MaxSessionDuration",
            "is outside 3600..=43200",
            "E3034",
        ),
        case(
            "fn-range",
            "AWS::Lambda::Function",
            json!({"Code": code(), "Role": ROLE_ARN, "MemorySize": 1}),
            "MemorySize",
            "is outside",
            "E3034",
        ),
        // Strings too long or too short.
        case(
            "topic-length",
            "AWS::SNS::Topic",
            json!({"TopicName": long(300)}),
            "TopicName",
            "more than 256",
            "E3033",
        ),
        case(
            "fn-length",
            "AWS::Lambda::Function",
            json!({"Code": code(), "Role": ROLE_ARN, "FunctionName": long(65)}),
            "FunctionName",
            "more than 64",
            "E3033",
        ),
        case(
            "rule-length",
            "AWS::Events::Rule",
            json!({"Description": long(600), "ScheduleExpression": "rate(1 hour)"}),
            "Description",
            "more than 512",
            "E3033",
        ),
        // Strings of the wrong form.
        case(
            "bucket-pattern",
            "AWS::S3::Bucket",
            json!({"BucketName": "Bad_Bucket"}),
            "BucketName",
            "does not match the pattern",
            "E3031",
        ),
        case(
            "rule-pattern",
            "AWS::Events::Rule",
            json!({"Name": "bad name", "ScheduleExpression": "rate(1 hour)"}),
            "Name",
            "does not match the pattern",
            "E3031",
        ),
        case(
            "role-pattern",
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": policy(), "RoleName": "bad name"}),
            "RoleName",
            "does not match the pattern",
            "E3031",
        ),
        // Lists of the wrong size.
        case(
            "rule-items",
            "AWS::Events::Rule",
            json!({"Targets": [], "ScheduleExpression": "rate(1 hour)"}),
            "Targets",
            "fewer than 1",
            "E3032",
        ),
        case(
            "fn-items",
            "AWS::Lambda::Function",
            json!({"Code": code(), "Role": ROLE_ARN, "Architectures": ["x86_64", "arm64"]}),
            "Architectures",
            "more than 1",
            "E3032",
        ),
        // One of several, and properties that need others.
        case(
            "vpc-xor",
            "AWS::EC2::VPC",
            json!({"InstanceTenancy": "default"}),
            "CidrBlock|Ipv4IpamPoolId",
            "exactly one of CidrBlock, Ipv4IpamPoolId",
            "E3014",
        ),
        case(
            "table-any-of",
            "AWS::DynamoDB::Table",
            json!({"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST", "WarmThroughput": {}}),
            "WarmThroughput.ReadUnitsPerSecond|WriteUnitsPerSecond",
            "needs at least one of: ReadUnitsPerSecond, or WriteUnitsPerSecond",
            "E3017",
        ),
        case(
            "bucket-any-of",
            "AWS::S3::Bucket",
            json!({"WebsiteConfiguration": {"IndexDocument": "index.html", "RoutingRules": [
                {"RedirectRule": {"HostName": "example.com"}, "RoutingRuleCondition": {}}]}}),
            "WebsiteConfiguration.RoutingRules[0].RoutingRuleCondition.HttpErrorCodeReturnedEquals|KeyPrefixEquals",
            "needs at least one of",
            "E3017",
        ),
        case(
            "rule-one-of",
            "AWS::ElasticLoadBalancingV2::ListenerRule",
            json!({"ListenerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2",
                "Priority": 1,
                "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}],
                "Conditions": [{"Field": "path-pattern", "Values": ["/app"]}],
                "Transforms": [{"Type": "host-header-rewrite",
                    "HostHeaderRewriteConfig": {"Rewrites": [{"Regex": "a", "Replace": "b"}]},
                    "UrlRewriteConfig": {"Rewrites": [{"Regex": "a", "Replace": "b"}]}}]}),
            "Transforms[0].HostHeaderRewriteConfig|UrlRewriteConfig",
            "only one of HostHeaderRewriteConfig, or UrlRewriteConfig may be set",
            "E3018",
        ),
        // AWS formats the schema names (cfn-lint's format rules).
        case(
            "sg-vpc-format",
            "AWS::EC2::SecurityGroup",
            json!({"GroupDescription": "web", "VpcId": "my-vpc"}),
            "VpcId",
            "is not a AWS::EC2::VPC.Id",
            "E1151",
        ),
        case(
            "subnet-vpc-format",
            "AWS::EC2::Subnet",
            json!({"VpcId": "vpc-12", "CidrBlock": "10.0.0.0/24"}),
            "VpcId",
            "is not a AWS::EC2::VPC.Id",
            "E1151",
        ),
        case(
            "sg-dependent",
            "AWS::EC2::SecurityGroup",
            json!({"GroupDescription": "web", "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}),
            "VpcId",
            "SecurityGroupEgress is set, which needs VpcId",
            "E3021",
        ),
    ]
}

fn stack(cases: &[Case]) -> Stack {
    let mut stack = Stack::new("corpus", Environment::region("us-east-1"));
    for case in cases {
        let mut raw = RawResource::new(case.type_name);
        for (name, property) in case.properties.as_object().unwrap() {
            raw = raw.property(name.clone(), value(property));
        }
        stack.add_raw(case.id, raw);
    }
    stack
}

#[test]
fn each_wrong_declaration_is_reported_by_stratus_and_by_cfn_lint() {
    let cases = corpus();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let stack = stack(&cases);
    let errors = stack.validate().unwrap_err();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("corpus.template.json");
    std::fs::write(&file, template_json(&stack)).unwrap();
    let output = Command::new("cfn-lint")
        .args(["--format", "json"])
        .arg(&file)
        .output()
        .expect("cfn-lint must be installed (pip install cfn-lint); CI installs it");
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = findings.as_array().unwrap();

    let mut missed = Vec::new();
    for case in &cases {
        let path = format!("corpus/{}", case.id);
        let ours: Vec<&String> = messages
            .iter()
            .filter(|m| m.starts_with(&format!("{path}: ")))
            .collect();
        let expected = format!("{path}: {}: ", case.property);
        if !ours
            .iter()
            .any(|m| m.starts_with(&expected) && m.contains(case.stratus))
        {
            missed.push(format!(
                "stratus, {}: expected {expected}…{} in {ours:?}",
                case.id, case.stratus
            ));
        }
        if ours.len() != 1 {
            missed.push(format!(
                "stratus, {}: one problem, reported {ours:?}",
                case.id
            ));
        }
        let logical = &stack
            .graph()
            .node(stack.graph().find(case.id).unwrap())
            .logical_id;
        let theirs: Vec<&str> = findings
            .iter()
            .filter(|f| f["Location"]["Path"][1].as_str() == Some(logical.as_str()))
            .filter_map(|f| f["Rule"]["Id"].as_str())
            .collect();
        if !theirs.contains(&case.cfn_lint) {
            missed.push(format!(
                "cfn-lint, {}: expected {} in {theirs:?}",
                case.id, case.cfn_lint
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
    assert_eq!(
        messages.len(),
        cases.len(),
        "no other problem: {messages:#?}"
    );
}
