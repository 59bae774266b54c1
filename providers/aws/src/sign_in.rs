//! Signing in and choosing where calls go: the standard configuration chain (environment,
//! profiles with IAM Identity Center (SSO), `credential_process`, web identity, instance roles)
//! for one stack's region, with a time limit on every attempt and every operation, and one
//! identity check (STS `GetCallerIdentity`) before anything is planned, so that a missing or
//! expired sign-in fails in seconds, naming the way to sign in, instead of after retries.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;

/// Longest wait for one attempt of a call: a dead connection never hangs a run.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for one call, its retries included.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Longest wait for the credentials chain to answer (an SSO token refresh, a
/// `credential_process`, the instance metadata service).
const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(20);

/// Where and as whom the AWS provider calls.
///
/// ```no_run
/// # async fn demo() -> Result<(), stratus_aws::SignInError> {
/// let config = stratus_aws::Connection::region("eu-west-1").load().await;
/// let me = stratus_aws::caller_identity(&config).await?;
/// println!("account {} as {}", me.account, me.arn);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Connection {
    /// The region every call goes to (a stack's `Environment::region`); the environment's or
    /// profile's when `None`.
    pub region: Option<String>,
    /// The named profile to use (otherwise `AWS_PROFILE`, then `default`).
    pub profile: Option<String>,
}

impl Connection {
    /// Calls to `region`, credentials from the standard chain.
    pub fn region(region: impl Into<String>) -> Self {
        Self {
            region: Some(region.into()),
            profile: None,
        }
    }

    /// The SDK configuration: the standard chain, this region, the time limits.
    pub async fn load(&self) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        loader.load().await
    }
}

/// The same configuration with calls sent to `region` (an emulator's configuration for a
/// stack of another region).
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .clone()
        .into_builder()
        .region(Region::new(region.to_owned()))
        .build()
}

/// Who the credentials belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The 12-digit account.
    pub account: String,
    /// The caller's ARN (a role session, a user).
    pub arn: String,
    /// The region calls go to.
    pub region: String,
}

/// Why no call can be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// No region is configured for a stack that names none.
    #[error(
        "no AWS region: give the stack one (Environment::region(\"eu-west-1\")), or set AWS_REGION \
         or a region in the profile"
    )]
    NoRegion,
    /// The credentials chain found nothing, or failed.
    #[error(
        "not signed in to AWS ({message}); nothing was called. Sign in with `aws sso login \
         --profile <name>` (IAM Identity Center) and set AWS_PROFILE, or set AWS_ACCESS_KEY_ID \
         and AWS_SECRET_ACCESS_KEY, or a profile's credential_process"
    )]
    NoCredentials {
        /// What the chain said.
        message: String,
    },
    /// AWS refused the credentials (expired, revoked, mistyped).
    #[error(
        "AWS refused the credentials ({message}); nothing was called. If they came from \
         `aws sso login`, sign in again; otherwise check the access key"
    )]
    Rejected {
        /// What STS said.
        message: String,
    },
    /// The stack names an account other than the credentials'.
    #[error(
        "stack {stack} is for account {expected}, but the credentials are for account {actual} \
         ({arn}); nothing was called. Sign in to account {expected} (another AWS_PROFILE), or \
         change the stack's Environment"
    )]
    WrongAccount {
        /// The stack.
        stack: String,
        /// The account its environment names.
        expected: String,
        /// The credentials' account.
        actual: String,
        /// The caller.
        arn: String,
    },
}

/// Checks the sign-in once: the credentials resolve (within a time limit) and STS says whose
/// they are.
///
/// # Errors
/// No region, no credentials, or credentials AWS refuses.
pub async fn caller_identity(config: &SdkConfig) -> Result<CallerIdentity, SignInError> {
    let region = config
        .region()
        .map(ToString::to_string)
        .ok_or(SignInError::NoRegion)?;
    let provider = config
        .credentials_provider()
        .ok_or_else(|| SignInError::NoCredentials {
            message: "no credentials provider is configured".into(),
        })?;
    match tokio::time::timeout(CREDENTIALS_TIMEOUT, provider.provide_credentials()).await {
        Err(_) => {
            return Err(SignInError::NoCredentials {
                message: format!("the credentials chain gave no answer in {CREDENTIALS_TIMEOUT:?}"),
            });
        }
        Ok(Err(e)) => {
            return Err(SignInError::NoCredentials {
                message: aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
            });
        }
        Ok(Ok(_)) => {}
    }
    let sts = aws_sdk_sts::Client::new(config);
    let answer = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| SignInError::Rejected {
            message: aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
        })?;
    Ok(CallerIdentity {
        account: answer.account().unwrap_or_default().to_owned(),
        arn: answer.arn().unwrap_or_default().to_owned(),
        region,
    })
}

/// Checks that the credentials are for the account a stack names, when it names one.
///
/// # Errors
/// [`SignInError::WrongAccount`].
pub fn check_account(
    stack: &str,
    expected: Option<&str>,
    identity: &CallerIdentity,
) -> Result<(), SignInError> {
    match expected {
        Some(expected) if expected != identity.account => Err(SignInError::WrongAccount {
            stack: stack.to_owned(),
            expected: expected.to_owned(),
            actual: identity.account.clone(),
            arn: identity.arn.clone(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> CallerIdentity {
        CallerIdentity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/dev/me".into(),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn a_stack_for_another_account_is_refused_naming_both() {
        let error = check_account("prod", Some("210987654321"), &me()).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("210987654321") && message.contains("123456789012"),
            "{message}"
        );
        assert!(check_account("prod", Some("123456789012"), &me()).is_ok());
        assert!(check_account("prod", None, &me()).is_ok());
    }
}
