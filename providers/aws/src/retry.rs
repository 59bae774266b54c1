//! Which calls the SDK may retry by itself: reads only. A mutating call that fails (throttled,
//! a 5xx answer, a dropped connection) goes back to the engine, which retries it knowing what
//! a retry means: lowering concurrency when throttled, and, for a create whose answer may have
//! been lost, looking for what the first attempt made before making anything. The SDK's own
//! retry of such a create would make a second resource wherever the API takes no idempotency
//! token (most of EC2, IAM, ELB), and would hide throttling from the engine's limiter.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;

/// An interceptor that allows mutating operations a single attempt.
#[derive(Debug, Default)]
pub(crate) struct WritesAreNotRetried;

impl Intercept for WritesAreNotRetried {
    fn name(&self) -> &'static str {
        "WritesAreNotRetried"
    }

    // The operation's name is in the configuration only once the operation's own configuration
    // is applied: after `read_before_execution`, before the retry loop.
    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let reads = cfg
            .load::<Metadata>()
            .is_some_and(|operation| is_read(operation.name()));
        if !reads {
            let retry = cfg
                .load::<RetryConfig>()
                .cloned()
                .unwrap_or_else(RetryConfig::standard);
            cfg.interceptor_state()
                .store_put(retry.with_max_attempts(1));
        }
        Ok(())
    }
}

/// Whether an operation only reads (`DescribeVpcs`, `ListTagsForResource`, `GetRole`…).
pub(crate) fn is_read(operation: &str) -> bool {
    ["Describe", "List", "Get", "Head"]
        .iter()
        .any(|prefix| operation.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::is_read;

    #[test]
    fn reads_are_told_from_writes_by_their_operation_name() {
        for read in [
            "DescribeVpcs",
            "ListTagsForResource",
            "GetRole",
            "HeadObject",
        ] {
            assert!(is_read(read), "{read}");
        }
        for write in [
            "CreateVpc",
            "RunInstances",
            "ModifyVpcAttribute",
            "DeleteSubnet",
            "ChangeResourceRecordSets",
            "RequestCertificate",
            "PutObject",
            "AuthorizeSecurityGroupIngress",
        ] {
            assert!(!is_read(write), "{write}");
        }
    }
}
