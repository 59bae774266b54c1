//! A serverless stack from generated L1 types and the IAM constructs: uploads land in an S3
//! bucket, an HTTP API hands jobs to a Lambda function through an SQS queue, and the function
//! records them in a DynamoDB table.

// The handles are for the tests (`tests/serverless.rs`), which include this file.
#![allow(dead_code)]

use std::collections::BTreeMap;

use stratus::cfn::apigatewayv2::{CfnApi, CfnIntegration, CfnRoute, CfnStage};
use stratus::cfn::dynamodb::CfnTable;
use stratus::cfn::dynamodb::table::{AttributeDefinition, AttributeType, KeySchemaItem};
use stratus::cfn::lambda::function::{Code, Environment as FunctionEnvironment, Runtime};
use stratus::cfn::lambda::{CfnEventSourceMapping, CfnFunction, CfnPermission};
use stratus::cfn::prelude::*;
use stratus::cfn::s3::CfnBucket;
use stratus::cfn::s3::bucket::{
    BucketEncryption, PublicAccessBlockConfiguration, ServerSideEncryptionByDefault,
    ServerSideEncryptionRule, SseAlgorithm,
};
use stratus::cfn::sqs::CfnQueue;
use stratus::iam::{PolicyStatement, Role, ServicePrincipal};
use stratus::prelude::*;

/// The handler: stores each queued job in the table.
const HANDLER: &str = r#"import json, os, boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
def handler(event, context):
    for record in event.get("Records", []):
        table.put_item(Item={"id": record["messageId"], "body": record["body"]})
    return {"statusCode": 202}
"#;

/// The stack and the handles its tests look at.
pub(crate) struct Serverless {
    pub(crate) stack: Stack,
    pub(crate) bucket: Ref<CfnBucket>,
    pub(crate) queue: Ref<CfnQueue>,
    pub(crate) table: Ref<CfnTable>,
    pub(crate) function: Ref<CfnFunction>,
    pub(crate) role: Role,
    pub(crate) api: Ref<CfnApi>,
}

pub(crate) fn build() -> Serverless {
    let mut stack = Stack::new("jobs", Environment::region("us-east-1"));
    stack.tag("project", "jobs");
    let (bucket, queue, table) = storage(&mut stack);
    let (role, function) = handler(&mut stack, bucket, queue, table);
    let api = http_api(&mut stack, function);
    stack.output("ApiEndpoint", api.api_endpoint(), "The HTTP API's URL");
    Serverless {
        stack,
        bucket,
        queue,
        table,
        function,
        role,
        api,
    }
}

/// The bucket, the queue and the table.
fn storage(stack: &mut Stack) -> (Ref<CfnBucket>, Ref<CfnQueue>, Ref<CfnTable>) {
    let bucket = stack.add(
        "uploads",
        CfnBucket {
            bucket_encryption: Some(
                BucketEncryption::new(vec![ServerSideEncryptionRule {
                    server_side_encryption_by_default: Some(
                        ServerSideEncryptionByDefault::new(SseAlgorithm::Aes256).into(),
                    ),
                    ..Default::default()
                }])
                .into(),
            ),
            public_access_block_configuration: Some(
                PublicAccessBlockConfiguration {
                    block_public_acls: Some(true.into()),
                    block_public_policy: Some(true.into()),
                    ignore_public_acls: Some(true.into()),
                    restrict_public_buckets: Some(true.into()),
                }
                .into(),
            ),
            ..Default::default()
        },
    );
    let queue = stack.add(
        "queue",
        CfnQueue {
            visibility_timeout: Some(60.into()),
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    );
    let table = stack.add(
        "table",
        CfnTable {
            billing_mode: Some("PAY_PER_REQUEST".into()),
            attribute_definitions: Some(
                vec![AttributeDefinition::new("id", AttributeType::S)].into(),
            ),
            // The schema leaves `KeySchema` open (a list or a map): any value goes, checked by
            // cfn-lint here.
            ..CfnTable::new(Val::unchecked(vec![KeySchemaItem::new("id", "HASH")]))
        },
    );
    (bucket, queue, table)
}

/// The function, its role (least privilege) and the queue feeding it.
fn handler(
    stack: &mut Stack,
    bucket: Ref<CfnBucket>,
    queue: Ref<CfnQueue>,
    table: Ref<CfnTable>,
) -> (Role, Ref<CfnFunction>) {
    let role = Role::builder("handler-role", ServicePrincipal::lambda())
        .managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        .build(stack);
    role.add_to_policy(
        stack,
        "consume-and-record",
        [
            PolicyStatement::allow()
                .actions([
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                ])
                .resource(queue.arn()),
            PolicyStatement::allow()
                .actions(["dynamodb:PutItem"])
                .resource(table.arn()),
        ],
    );

    let variables: BTreeMap<String, Value> = [
        ("TABLE".to_owned(), table.to_value()),
        ("BUCKET".to_owned(), bucket.to_value()),
    ]
    .into();
    let function = stack.add(
        "handler",
        CfnFunction {
            handler: Some("index.handler".into()),
            runtime: Some(Runtime::Python312.into()),
            timeout: Some(30.into()),
            environment: Some(
                FunctionEnvironment {
                    variables: Some(variables.into()),
                }
                .into(),
            ),
            ..CfnFunction::new(
                Code {
                    zip_file: Some(HANDLER.into()),
                    ..Default::default()
                },
                role.arn(),
            )
        },
    );
    stack.add(
        "queue-to-handler",
        CfnEventSourceMapping {
            event_source_arn: Some(queue.arn().into()),
            batch_size: Some(10.into()),
            ..CfnEventSourceMapping::new(function)
        },
    );
    (role, function)
}

/// An HTTP API whose `POST /jobs` invokes the function.
fn http_api(stack: &mut Stack, function: Ref<CfnFunction>) -> Ref<CfnApi> {
    let api = stack.add(
        "api",
        CfnApi {
            name: Some("jobs".into()),
            protocol_type: Some("HTTP".into()),
            ..Default::default()
        },
    );
    let integration = stack.add(
        "api-handler",
        CfnIntegration {
            integration_uri: Some(function.arn().into()),
            payload_format_version: Some("2.0".into()),
            ..CfnIntegration::new(api, "AWS_PROXY")
        },
    );
    stack.add(
        "api-post-jobs",
        CfnRoute {
            target: Some(Val::join("/", ["integrations".into(), integration.into()])),
            ..CfnRoute::new(api, "POST /jobs")
        },
    );
    stack.add(
        "api-stage",
        CfnStage {
            auto_deploy: Some(true.into()),
            ..CfnStage::new(api, "$default")
        },
    );
    // Stratus has no pseudo parameters yet (`AWS::AccountId`) to scope this to the API's ARN.
    stack.add(
        "api-may-invoke",
        CfnPermission::new(
            "lambda:InvokeFunction",
            function,
            "apigateway.amazonaws.com",
        ),
    );
    api
}
