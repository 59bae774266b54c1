//! AWS behaviours one at a time, through the proxy that plays them over moto server
//! (`AwsBehaviours`, `providers/aws/BEHAVIOURS.md`), on stacks small enough to show each: a
//! database that is `modifying` after `ModifyDBInstance`, and whose update Stratus waits out.
//! Everything is read back through the same proxy, as a user would see AWS.

use std::sync::Arc;

use aws_config::SdkConfig;
use stratus::aws::testing::{AwsBehaviours, FaultProxy, Moto, config_for};
use stratus::aws::{AwsProvider, Wait};
use stratus::database::Database;
use stratus::deploy::{ApplyOptions, Deployer, MemoryBackend};
use stratus::prelude::*;
use stratus::removal::RemovalPolicy;

/// AWS's delays and Stratus's waits, a hundred times faster.
const TIME_FACTOR: f64 = 0.01;

fn database(class: &str) -> Stack {
    let mut stack = Stack::new("data", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .max_azs(2)
        .subnet_groups([SubnetGroup::public("public"), SubnetGroup::isolated("data")])
        .nat_gateways(0)
        .build(&mut stack);
    Database::mysql("db", &vpc)
        .subnets(SubnetSelection::isolated())
        .instance_class(class)
        .removal_policy(RemovalPolicy::Destroy)
        .build(&mut stack);
    stack
}

fn deployer(config: &SdkConfig, backend: &MemoryBackend) -> Deployer {
    Deployer::new(
        Arc::new(AwsProvider::new(config).with_wait(Wait::default().scaled(TIME_FACTOR))),
        Arc::new(backend.clone()),
    )
    .options(ApplyOptions {
        allow_data_loss: ["db".to_owned()].into(),
        ..ApplyOptions::default().scaled(TIME_FACTOR)
    })
}

async fn status(config: &SdkConfig) -> (String, bool) {
    let answer = aws_sdk_rds::Client::new(config)
        .describe_db_instances()
        .send()
        .await
        .unwrap();
    let db = &answer.db_instances()[0];
    let pending = db
        .pending_modified_values()
        .is_some_and(|p| p.db_instance_class().is_some());
    (
        db.db_instance_status().unwrap_or_default().to_owned(),
        pending,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_update_returns_only_once_the_modification_is_done() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(moto.endpoint());
    proxy.set_behaviours(Some(AwsBehaviours::scaled(TIME_FACTOR)));
    let config = config_for(proxy.endpoint()).await;
    let backend = MemoryBackend::new();

    let report = deployer(&config, &backend)
        .deploy(&database("db.t3.medium"))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(status(&config).await, ("available".to_owned(), false));

    // Before, the update returned while RDS still said `available` right after the call; the
    // database then went `modifying` with the change pending.
    let report = deployer(&config, &backend)
        .deploy(&database("db.t3.large"))
        .await
        .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(report.calls.update, 1, "{:?}", report.calls);
    assert_eq!(
        status(&config).await,
        ("available".to_owned(), false),
        "the update returned before the modification was done"
    );
    let transitions = proxy.refused();
    assert!(
        transitions
            .get("database transition")
            .is_some_and(|n| *n > 0),
        "{transitions:?}"
    );

    let report = deployer(&config, &backend).destroy("data").await.unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
}
