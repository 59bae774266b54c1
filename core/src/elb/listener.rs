//! Listeners: a port and protocol on a load balancer, forwarding to a target group.

use crate::dns::Certificate;
use crate::error::ValidationError;
use crate::handle::Ref;
use crate::stack::Stack;
use stratus_cfn::elasticloadbalancingv2::CfnListener;
use stratus_cfn::elasticloadbalancingv2::listener::{
    Action, Certificate as ListenerCertificate, RedirectConfig, StatusCode,
};

use super::load_balancer::ApplicationLoadBalancer;
use super::target_group::TargetGroup;

/// The security policy of HTTPS listeners: TLS 1.3 and 1.2, forward secrecy.
pub const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// The protocol of a listener or target group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenerProtocol {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS; a listener needs a certificate.
    Https,
}

impl ListenerProtocol {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Http => "HTTP",
            Self::Https => "HTTPS",
        }
    }
}

/// Builds a listener. Default protocol: HTTP on port 80, HTTPS otherwise is not guessed.
#[must_use = "call .build(&mut stack) to add the listener"]
#[derive(Clone, Debug)]
pub struct ListenerBuilder {
    id: String,
    alb: ApplicationLoadBalancer,
    port: u16,
    protocol: ListenerProtocol,
    forward: Option<TargetGroup>,
    redirect_to_https: bool,
    certificate: Option<Certificate>,
}

impl ListenerBuilder {
    pub(crate) fn new(id: &str, alb: ApplicationLoadBalancer, port: u16) -> Self {
        let protocol = if port == 443 {
            ListenerProtocol::Https
        } else {
            ListenerProtocol::Http
        };
        Self {
            id: id.to_owned(),
            alb,
            port,
            protocol,
            forward: None,
            redirect_to_https: false,
            certificate: None,
        }
    }

    /// The protocol (default HTTPS on port 443, HTTP otherwise).
    pub fn protocol(mut self, protocol: ListenerProtocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Forwards every request to a target group.
    pub fn forward(mut self, target_group: TargetGroup) -> Self {
        self.forward = Some(target_group);
        self
    }

    /// Answers every request with a permanent redirect to the same URL over HTTPS (port 443),
    /// the usual job of a plain-HTTP listener.
    pub fn redirect_to_https(mut self) -> Self {
        self.redirect_to_https = true;
        self
    }

    /// The certificate of an HTTPS listener.
    pub fn certificate(mut self, certificate: &Certificate) -> Self {
        self.certificate = Some(certificate.clone());
        self
    }

    /// Adds the listener under the load balancer's path.
    pub fn build(self, stack: &mut Stack) -> Ref<CfnListener> {
        let alb_path = stack.node(self.alb.id().id()).path.clone();
        let path = alb_path.child(&self.id);
        match (self.protocol, &self.certificate) {
            (ListenerProtocol::Https, None) => stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("an HTTPS listener on {} without a certificate", self.port),
                fix: "add .certificate(&cert), or listen with HTTP".into(),
            }),
            (ListenerProtocol::Http, Some(_)) => stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: "a certificate on an HTTP listener".into(),
                fix: "use ListenerProtocol::Https, or drop the certificate".into(),
            }),
            _ => {}
        }
        match (&self.forward, self.redirect_to_https) {
            (None, false) => stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: "a listener with no default action".into(),
                fix: "add .forward(target_group) or .redirect_to_https()".into(),
            }),
            (Some(_), true) => stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: "a listener that both forwards and redirects".into(),
                fix: "keep one default action".into(),
            }),
            _ => {}
        }
        let redirect = self.redirect_to_https.then(|| Action {
            redirect_config: Some(
                RedirectConfig {
                    protocol: Some("HTTPS".into()),
                    port: Some("443".into()),
                    ..RedirectConfig::new(StatusCode::Http301)
                }
                .into(),
            ),
            ..Action::new("redirect")
        });
        stack.add_child(
            &alb_path,
            &self.id,
            CfnListener {
                port: Some(self.port.into()),
                protocol: Some(self.protocol.as_str().into()),
                // TLS 1.2 and 1.3 only (ELB's default policy still takes TLS 1.0).
                ssl_policy: (self.protocol == ListenerProtocol::Https).then(|| TLS_POLICY.into()),
                certificates: self.certificate.map(|c| {
                    vec![ListenerCertificate {
                        certificate_arn: Some(c.id().into()),
                    }]
                    .into()
                }),
                ..CfnListener::new(
                    self.forward
                        .iter()
                        .map(|tg| Action {
                            target_group_arn: Some(tg.id().into()),
                            ..Action::new("forward")
                        })
                        .chain(redirect)
                        .collect::<Vec<_>>(),
                    self.alb.id(),
                )
            },
        )
    }
}
