//! Types the AWS provider does not manage yet (the generated ones beyond the reference stack)
//! are refused before any call, each named. The provider points at a loopback port where
//! nothing listens: any call would fail otherwise, with another message.

#[path = "../../examples/serverless/stack.rs"]
mod serverless;

use std::sync::Arc;

use stratus::aws::AwsProvider;
use stratus::deploy::{Deployer, MemoryBackend};

#[tokio::test]
async fn the_serverless_stack_is_refused_before_any_call_naming_each_unmanaged_type() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = stratus::aws::testing::config_for(&format!("http://127.0.0.1:{port}")).await;
    let deployer = Deployer::new(
        Arc::new(AwsProvider::new(&config)),
        Arc::new(MemoryBackend::new()),
    );
    let app = serverless::build();
    let error = deployer.deploy(&app.stack).await.unwrap_err().to_string();
    for unmanaged in [
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::DynamoDB::Table",
        "AWS::Lambda::Function",
        "AWS::ApiGatewayV2::Api",
    ] {
        assert!(
            error.contains(&format!("does not manage {unmanaged}")),
            "{unmanaged}: {error}"
        );
    }
}
