//! SDK errors as the engine sees them: a kind (throttled, not found, conflict, invalid input,
//! other), the service's code and message, and the SDK error boxed as the source.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use stratus_core::deploy::{ErrorKind, ProviderError};

/// The kind of an AWS error code.
pub(crate) fn kind_of(code: &str) -> ErrorKind {
    let throttled = [
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "PriorRequestNotComplete",
        "RequestThrottled",
        "RequestThrottledException",
        "ThrottledException",
        "EC2ThrottledException",
        "TooManyRequests",
    ];
    let conflict = [
        "DependencyViolation",
        "ResourceInUse",
        "InvalidGroup.InUse",
        "ResourceInUseException",
        "DeleteConflict",
        "OperationAborted",
        "IncorrectState",
        "InvalidNetworkInterface.InUse",
        "HostedZoneNotEmpty",
        "DistributionNotDisabled",
        "InvalidDBInstanceState",
        "InvalidDBSubnetGroupStateFault",
        "FileSystemInUse",
        "ResourceInUseFault",
        // An Elastic IP still associated while its NAT gateway goes (ReleaseAddress).
        "InvalidIPAddress.InUse",
        // DeleteAutoScalingGroup while a scaling activity runs, or the group is being changed.
        "ScalingActivityInProgress",
        "ScalingActivityInProgressFault",
        "ResourceContention",
        "ResourceContentionFault",
        // A mount target or file system still in use while it goes (EFS).
        "MountTargetConflict",
        "DependencyTimeout",
    ];
    if throttled.contains(&code) {
        ErrorKind::Throttled
    } else if code.contains("NotFound") || code.starts_with("NoSuch") {
        ErrorKind::NotFound
    } else if conflict.contains(&code) {
        ErrorKind::Conflict
    } else if code.starts_with("Invalid")
        || code.starts_with("Validation")
        || code.starts_with("MissingParameter")
        || code == "UnsupportedOperation"
    {
        ErrorKind::InvalidInput
    } else {
        ErrorKind::Other
    }
}

/// Converts an SDK error. A call whose answer never came, or came as a 5xx, has an unknown
/// outcome ([`ErrorKind::Unavailable`]); otherwise the service's error code decides.
pub(crate) fn classify<E>(error: SdkError<E, HttpResponse>) -> ProviderError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = error.raw_response().map(|r| r.status().as_u16());
    let transport = matches!(
        error,
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_)
    );
    let code = error.code().unwrap_or("Unknown").to_owned();
    let message = error
        .message()
        .map_or_else(|| DisplayErrorContext(&error).to_string(), str::to_owned);
    let mut kind = kind_of(&code);
    if kind != ErrorKind::Throttled
        && (transport || status.is_some_and(|s| matches!(s, 500 | 502 | 503 | 504)))
    {
        kind = ErrorKind::Unavailable;
    }
    ProviderError::new(kind, format!("{code}: {message}")).with_source(error)
}

/// `Ok(None)` for a not-found error: "it does not exist" is an answer, not a failure.
pub(crate) fn absent_if_not_found<T>(
    result: Result<T, ProviderError>,
) -> Result<Option<T>, ProviderError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// An invalid-input error for inputs the provider cannot use.
pub(crate) fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new(ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_of("RequestLimitExceeded"), ErrorKind::Throttled);
        assert_eq!(kind_of("InvalidVpcID.NotFound"), ErrorKind::NotFound);
        assert_eq!(kind_of("NoSuchKey"), ErrorKind::NotFound);
        assert_eq!(
            kind_of("InvalidLaunchTemplateName.NotFoundException"),
            ErrorKind::NotFound
        );
        assert_eq!(kind_of("DBSubnetGroupNotFoundFault"), ErrorKind::NotFound);
        assert_eq!(kind_of("HostedZoneNotEmpty"), ErrorKind::Conflict);
        assert_eq!(kind_of("DependencyViolation"), ErrorKind::Conflict);
        assert_eq!(kind_of("InvalidParameterValue"), ErrorKind::InvalidInput);
        assert_eq!(kind_of("InternalError"), ErrorKind::Other);
    }

    #[test]
    fn codes_that_start_with_invalid_but_wait_for_something_else_are_conflicts() {
        // Before, every code starting with "Invalid" was bad input, never retried.
        assert_eq!(kind_of("InvalidIPAddress.InUse"), ErrorKind::Conflict);
        assert_eq!(kind_of("InvalidGroup.InUse"), ErrorKind::Conflict);
        assert_eq!(kind_of("ScalingActivityInProgress"), ErrorKind::Conflict);
        assert_eq!(kind_of("ResourceContention"), ErrorKind::Conflict);
        assert_eq!(kind_of("InvalidParameterValue"), ErrorKind::InvalidInput);
    }
}
