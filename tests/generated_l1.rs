//! Generated L1 types in a stack: literals, enums, nested property types, attributes and
//! references become properties and graph edges; replace-on lists and tag styles come from
//! the schema; the template passes cfn-lint.

mod support;

use stratus::cfn::prelude::*;
use stratus::cfn::s3::CfnBucket;
use stratus::cfn::s3::bucket::{
    BucketEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionRule, SseAlgorithm,
};
use stratus::cfn::sqs::CfnQueue;
use stratus::cfn::ssm::CfnParameter;
use stratus::cfn::ssm::parameter::Type as ParameterType;
use stratus::prelude::*;
use stratus::resource::{Resource, TagStyle};
use stratus::synth::template_json;

fn stack() -> Stack {
    let mut stack = Stack::new("serverless", Environment::region("us-east-1"));
    stack.tag("team", "data");
    let bucket = stack.add(
        "uploads",
        CfnBucket {
            bucket_encryption: Some(
                BucketEncryption {
                    server_side_encryption_configuration: vec![ServerSideEncryptionRule {
                        server_side_encryption_by_default: Some(
                            ServerSideEncryptionByDefault {
                                sse_algorithm: SseAlgorithm::Aes256.into(),
                                kms_master_key_id: None,
                            }
                            .into(),
                        ),
                        ..Default::default()
                    }]
                    .into(),
                }
                .into(),
            ),
            ..Default::default()
        },
    );
    let dead_letters = stack.add(
        "dead-letters",
        CfnQueue {
            message_retention_period: Some(1_209_600.into()),
            ..Default::default()
        },
    );
    let redrive = Value::Map(
        [
            (
                "deadLetterTargetArn".to_owned(),
                dead_letters.arn().to_value(),
            ),
            ("maxReceiveCount".to_owned(), Value::Int(5)),
        ]
        .into(),
    );
    let queue = stack.add(
        "jobs",
        CfnQueue {
            queue_name: Some("jobs".into()),
            redrive_policy: Some(Val::<Json>::from(redrive)),
            ..Default::default()
        },
    );
    stack.add(
        "jobs-url",
        CfnParameter {
            r#type: ParameterType::String.into(),
            value: queue.queue_url().into(),
            description: Some(Val::join("/", [bucket.arn().into(), "uploads".into()])),
            allowed_pattern: None,
            data_type: None,
            name: None,
            policies: None,
            tier: None,
        },
    );
    stack
}

#[test]
fn generated_types_carry_the_schemas_facts() {
    assert_eq!(CfnQueue::TYPE_NAME, "AWS::SQS::Queue");
    assert_eq!(CfnQueue::REPLACE_ON, ["FifoQueue", "QueueName"]);
    assert_eq!(CfnQueue::TAGS, TagStyle::List("Tags"));
    assert_eq!(CfnParameter::TAGS, TagStyle::Map("Tags"));
    assert_eq!(SseAlgorithm::AwsKmsDsse.as_str(), "aws:kms:dsse");
    assert_eq!(SseAlgorithm::ALL.len(), 3);
}

#[test]
fn references_in_generated_properties_are_edges_and_intrinsics() {
    let stack = stack();
    stack.validate().unwrap();
    let template: serde_json::Value = serde_json::from_str(&template_json(&stack)).unwrap();
    let resources = &template["Resources"];
    let jobs = &resources["Jobs"]["Properties"];
    assert_eq!(
        jobs["RedrivePolicy"]["deadLetterTargetArn"],
        serde_json::json!({"Fn::GetAtt": ["DeadLetters", "Arn"]})
    );
    let parameter = &resources["JobsUrl"]["Properties"];
    assert_eq!(parameter["Type"], "String");
    assert_eq!(
        parameter["Value"],
        serde_json::json!({"Fn::GetAtt": ["Jobs", "QueueUrl"]})
    );
    assert_eq!(
        parameter["Description"]["Fn::Join"][1][0],
        serde_json::json!({"Fn::GetAtt": ["Uploads", "Arn"]})
    );
    // Map-style tags for SSM, a list for SQS.
    assert_eq!(parameter["Tags"], serde_json::json!({"team": "data"}));
    assert_eq!(
        jobs["Tags"],
        serde_json::json!([{"Key": "team", "Value": "data"}])
    );
    let encryption = &resources["Uploads"]["Properties"]["BucketEncryption"];
    assert_eq!(
        encryption["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    // Creation order follows the references.
    let order: Vec<&str> = stack
        .graph()
        .topological_order()
        .unwrap()
        .into_iter()
        .map(|i| stack.graph().node(i).logical_id.as_str())
        .collect();
    let at = |id: &str| order.iter().position(|o| *o == id).unwrap();
    assert!(at("DeadLetters") < at("Jobs"));
    assert!(at("Jobs") < at("JobsUrl"));
    assert!(at("Uploads") < at("JobsUrl"));
}

#[test]
fn the_template_of_generated_types_passes_cfn_lint() {
    support::cfn_lint::assert_no_lint_errors("serverless", &template_json(&stack()));
}
