//! [`TargetGroup`]: where a listener sends requests, with a health check.

use crate::handle::Ref;
use crate::net::Vpc;
use crate::stack::Stack;
use stratus_cfn::elasticloadbalancingv2::CfnTargetGroup;
use stratus_cfn::elasticloadbalancingv2::target_group::Matcher;

use super::check_elb_name;
use super::listener::ListenerProtocol;

/// A handle to a target group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetGroup {
    id: Ref<CfnTargetGroup>,
    port: u16,
}

impl TargetGroup {
    /// Starts a target group of instances in `vpc`.
    ///
    /// Defaults: port 80 over HTTP; health check `GET /` every 30 s, 200–399 healthy.
    pub fn builder(id: &str, vpc: &Vpc) -> TargetGroupBuilder {
        TargetGroupBuilder {
            id: id.to_owned(),
            vpc: vpc.id(),
            name: None,
            port: 80,
            protocol: ListenerProtocol::Http,
            health_check_path: "/".into(),
            interval: 30,
        }
    }

    /// The L1 target group (its `Ref` is the ARN).
    pub fn id(self) -> Ref<CfnTargetGroup> {
        self.id
    }

    /// The port targets listen on.
    pub fn port(self) -> u16 {
        self.port
    }
}

/// Builds a [`TargetGroup`].
#[must_use = "call .build(&mut stack) to add the target group"]
#[derive(Clone, Debug)]
pub struct TargetGroupBuilder {
    id: String,
    vpc: Ref<stratus_cfn::ec2::CfnVpc>,
    name: Option<String>,
    port: u16,
    protocol: ListenerProtocol,
    health_check_path: String,
    interval: i32,
}

impl TargetGroupBuilder {
    /// The name (at most 32 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The port targets listen on (default 80).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The protocol towards targets (default HTTP).
    pub fn protocol(mut self, protocol: ListenerProtocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// The health check path (default `/`).
    pub fn health_check_path(mut self, path: impl Into<String>) -> Self {
        self.health_check_path = path.into();
        self
    }

    /// Seconds between health checks (default 30, AWS allows 5–300).
    pub fn health_check_interval(mut self, seconds: i32) -> Self {
        self.interval = seconds;
        self
    }

    /// Adds the target group.
    pub fn build(self, stack: &mut Stack) -> TargetGroup {
        let path = stack.claim(&stack.path().clone(), &self.id);
        if let Some(problem) = self.name.as_deref().and_then(check_elb_name) {
            stack.report(crate::ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("target group name {problem}"),
                fix: "choose a name of at most 32 letters, digits and hyphens".into(),
            });
        }
        if !self.health_check_path.starts_with('/') {
            stack.report(crate::ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!(
                    "health check path {:?} is not absolute",
                    self.health_check_path
                ),
                fix: format!("write /{}", self.health_check_path),
            });
        }
        if !(5..=300).contains(&self.interval) {
            stack.report(crate::ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("a health check every {} s", self.interval),
                fix: "choose an interval from 5 to 300 seconds".into(),
            });
        }
        let protocol = self.protocol.as_str().to_owned();
        let id = stack.add_at(
            path,
            CfnTargetGroup {
                name: self.name.map(Into::into),
                port: Some(self.port.into()),
                protocol: Some(protocol.as_str().into()),
                vpc_id: Some(self.vpc.into()),
                target_type: Some("instance".into()),
                health_check_path: Some(self.health_check_path.into()),
                health_check_protocol: Some(protocol.as_str().into()),
                health_check_interval_seconds: Some(self.interval.into()),
                matcher: Some(
                    Matcher {
                        http_code: Some("200-399".into()),
                        ..Matcher::default()
                    }
                    .into(),
                ),
                ..CfnTargetGroup::default()
            },
        );
        TargetGroup {
            id,
            port: self.port,
        }
    }
}
