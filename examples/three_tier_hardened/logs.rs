//! The log bucket: encrypted, versioned, private, and writable by the three services that log
//! into it (VPC flow logs, the load balancer, CloudFront).

use std::collections::BTreeMap;

use stratus::cfn::s3::bucket::{
    BucketEncryption, OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration,
    ServerSideEncryptionByDefault, ServerSideEncryptionRule, VersioningConfiguration,
};
use stratus::cfn::s3::{CfnBucket, CfnBucketAttributes as _, CfnBucketPolicy};
use stratus::prelude::*;

/// The account us-east-1's load balancers write access logs from (ELB documentation,
/// "Attach a policy to your S3 bucket"; regions opened before August 2022 use an account).
const ELB_ACCOUNT_US_EAST_1: &str = "arn:aws:iam::127311923021:root";

/// The log bucket and what it is reached by.
#[derive(Clone, Copy)]
pub(crate) struct LogBucket {
    pub(crate) bucket: Ref<CfnBucket>,
}

impl LogBucket {
    /// Its name, for load balancer access logs.
    pub(crate) fn name(self) -> Ref<CfnBucket> {
        self.bucket
    }

    /// Its ARN, for flow logs.
    pub(crate) fn arn(self) -> Attr<String> {
        self.bucket.arn()
    }

    /// Its global domain name (`bucket.s3.amazonaws.com`), for CloudFront logging.
    pub(crate) fn domain_name(self) -> Attr<String> {
        self.bucket.domain_name()
    }
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// `arn:…:bucket/<prefix>*`.
fn objects(bucket: Ref<CfnBucket>, prefix: &str) -> Value {
    Value::Join(
        String::new(),
        vec![bucket.arn().to_value(), format!("/{prefix}*").to_value()],
    )
}

/// Adds the bucket and its policy.
pub(crate) fn log_bucket(stack: &mut Stack) -> LogBucket {
    let bucket = stack.add(
        "logs",
        CfnBucket {
            bucket_encryption: Some(
                BucketEncryption::new(vec![ServerSideEncryptionRule {
                    server_side_encryption_by_default: Some(
                        ServerSideEncryptionByDefault::new("AES256").into(),
                    ),
                    ..ServerSideEncryptionRule::default()
                }])
                .into(),
            ),
            versioning_configuration: Some(VersioningConfiguration::new("Enabled").into()),
            public_access_block_configuration: Some(
                PublicAccessBlockConfiguration {
                    block_public_acls: Some(true.into()),
                    block_public_policy: Some(true.into()),
                    ignore_public_acls: Some(true.into()),
                    restrict_public_buckets: Some(true.into()),
                }
                .into(),
            ),
            // CloudFront's standard logs are written with an ACL.
            ownership_controls: Some(
                OwnershipControls::new(vec![OwnershipControlsRule {
                    object_ownership: Some("BucketOwnerPreferred".into()),
                }])
                .into(),
            ),
            ..CfnBucket::default()
        },
    );
    let write = |principal: Value, prefix: &str| {
        map([
            ("Effect", "Allow".to_value()),
            ("Principal", principal),
            ("Action", "s3:PutObject".to_value()),
            ("Resource", objects(bucket, prefix)),
        ])
    };
    let document = map([
        ("Version", "2012-10-17".to_value()),
        (
            "Statement",
            Value::List(vec![
                write(map([("AWS", ELB_ACCOUNT_US_EAST_1.to_value())]), "alb/"),
                write(
                    map([("Service", "delivery.logs.amazonaws.com".to_value())]),
                    "flow-logs/",
                ),
                map([
                    ("Effect", "Allow".to_value()),
                    (
                        "Principal",
                        map([("Service", "delivery.logs.amazonaws.com".to_value())]),
                    ),
                    ("Action", "s3:GetBucketAcl".to_value()),
                    ("Resource", bucket.arn().to_value()),
                ]),
            ]),
        ),
    ]);
    stack.add("logs-policy", CfnBucketPolicy::new(bucket, document));
    LogBucket { bucket }
}
