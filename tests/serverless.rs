//! The serverless example (`examples/serverless/`): its topology, and its template passes
//! cfn-lint.

mod support;

#[path = "../examples/serverless/stack.rs"]
mod serverless;

use stratus::ResourceId;
use stratus::synth::template_json;
use stratus::testing::Inspect;

#[test]
fn the_serverless_stack_is_wired_as_declared() {
    let app = serverless::build();
    let stack = &app.stack;
    stack.validate().unwrap();
    let inspect = Inspect::new(stack);
    for (kind, count) in [
        ("AWS::S3::Bucket", 1),
        ("AWS::SQS::Queue", 1),
        ("AWS::DynamoDB::Table", 1),
        ("AWS::Lambda::Function", 1),
        ("AWS::Lambda::EventSourceMapping", 1),
        ("AWS::Lambda::Permission", 1),
        ("AWS::IAM::Role", 1),
        ("AWS::IAM::RolePolicy", 1),
        ("AWS::ApiGatewayV2::Api", 1),
        ("AWS::ApiGatewayV2::Integration", 1),
        ("AWS::ApiGatewayV2::Route", 1),
        ("AWS::ApiGatewayV2::Stage", 1),
    ] {
        inspect.assert_count(kind, count);
    }
    let depends_on = |dependent: ResourceId, dependency: ResourceId| {
        stack
            .graph()
            .dependencies(dependent.node())
            .iter()
            .any(|(d, _)| *d == dependency.node())
    };
    // The function runs as the role and knows the table and the bucket.
    assert!(depends_on(app.function.id(), app.role.id().id()));
    assert!(depends_on(app.function.id(), app.table.id()));
    assert!(depends_on(app.function.id(), app.bucket.id()));
    // The role may receive from the queue and write the table, and nothing else.
    let receive = inspect.allowed_resources(app.role, "sqs:ReceiveMessage");
    assert_eq!(receive.len(), 1, "{receive:?}");
    assert_eq!(receive[0].references(), [app.queue.id()]);
    let put = inspect.allowed_resources(app.role, "dynamodb:PutItem");
    assert_eq!(put.len(), 1, "{put:?}");
    assert_eq!(put[0].references(), [app.table.id()]);
    assert!(
        inspect
            .allowed_resources(app.role, "s3:PutObject")
            .is_empty()
    );
    // The API's route reaches the function through the integration.
    let route = stack.graph().find("api-post-jobs").unwrap();
    let integration = stack.graph().find("api-handler").unwrap();
    assert!(
        stack
            .graph()
            .dependencies(route)
            .iter()
            .any(|(d, _)| *d == integration)
    );
    assert!(depends_on(
        ResourceId::new(stack.id(), integration),
        app.function.id()
    ));
    assert!(
        stack
            .outputs()
            .iter()
            .any(|o| o.id == "ApiEndpoint" && o.value.references() == [app.api.id()])
    );
}

#[test]
fn the_serverless_template_passes_cfn_lint() {
    let app = serverless::build();
    support::cfn_lint::assert_no_lint_errors("jobs", &template_json(&app.stack));
}
