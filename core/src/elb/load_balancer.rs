//! [`ApplicationLoadBalancer`]: internet-facing (public subnets only, by type) or internal.

use std::collections::BTreeSet;

use crate::error::ValidationError;
use crate::handle::{Attr, Ref};
use crate::net::{Connectable, Public, SecurityGroup, Subnet, SubnetSelection, Vpc};
use crate::stack::Stack;
use stratus_cfn::ec2::CfnSubnet;
use stratus_cfn::elasticloadbalancingv2::CfnLoadBalancer;
use stratus_cfn::elasticloadbalancingv2::load_balancer::LoadBalancerAttribute;
use stratus_model::Val;

use super::check_elb_name;
use super::listener::ListenerBuilder;

/// Who can reach a load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Reachable from the internet; lives in public subnets.
    InternetFacing,
    /// Reachable from inside the VPC only.
    Internal,
}

/// A handle to an application load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationLoadBalancer {
    id: Ref<CfnLoadBalancer>,
    security_group: SecurityGroup,
    scheme: Scheme,
}

enum Placement {
    Public(Vec<Subnet<Public>>),
    Selection(SubnetSelection),
}

impl ApplicationLoadBalancer {
    /// Starts an internet-facing load balancer. It takes public subnets only, so placing it in
    /// private ones does not compile:
    ///
    /// ```compile_fail
    /// use stratus_core::prelude::*;
    /// use stratus_core::elb::ApplicationLoadBalancer;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.private_subnets()); // expected Subnet<Public>
    /// ```
    ///
    /// Defaults: a security group of its own that allows no outbound traffic until
    /// `stack.allow(alb, ..)` opens it; a generated name.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::elb::ApplicationLoadBalancer;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets()).build(&mut stack);
    /// stack.allow(Peer::any_ipv4(), &alb, Port::HTTP);
    /// stack.validate().unwrap();
    /// ```
    pub fn internet_facing(
        id: &str,
        vpc: &Vpc,
        subnets: impl IntoIterator<Item = Subnet<Public>>,
    ) -> LoadBalancerBuilder {
        LoadBalancerBuilder::new(
            id,
            vpc,
            Scheme::InternetFacing,
            Placement::Public(subnets.into_iter().collect()),
        )
    }

    /// Starts an internal load balancer in the selected subnets.
    pub fn internal(id: &str, vpc: &Vpc, subnets: SubnetSelection) -> LoadBalancerBuilder {
        LoadBalancerBuilder::new(id, vpc, Scheme::Internal, Placement::Selection(subnets))
    }

    /// The L1 load balancer (its `Ref` is the ARN).
    pub fn id(self) -> Ref<CfnLoadBalancer> {
        self.id
    }

    /// Its DNS name, known after deploy.
    pub fn dns_name(self) -> Attr<String> {
        self.id.attr("DNSName")
    }

    /// Its Route 53 zone id, for alias records.
    pub fn canonical_hosted_zone_id(self) -> Attr<String> {
        self.id.attr("CanonicalHostedZoneID")
    }

    /// Its scheme.
    pub fn scheme(self) -> Scheme {
        self.scheme
    }

    /// Starts a listener on `port`.
    pub fn listener(self, id: &str, port: u16) -> ListenerBuilder {
        ListenerBuilder::new(id, self, port)
    }
}

impl Connectable for ApplicationLoadBalancer {
    fn security_group(&self) -> SecurityGroup {
        self.security_group
    }
}

impl From<ApplicationLoadBalancer> for crate::net::Peer {
    fn from(alb: ApplicationLoadBalancer) -> Self {
        crate::net::Peer::SecurityGroup(alb.security_group)
    }
}

/// Builds an [`ApplicationLoadBalancer`].
#[must_use = "call .build(&mut stack) to add the load balancer"]
pub struct LoadBalancerBuilder {
    id: String,
    vpc: Vpc,
    scheme: Scheme,
    placement: Placement,
    name: Option<String>,
    security_group: Option<SecurityGroup>,
    attributes: Vec<(&'static str, Val<String>)>,
}

impl LoadBalancerBuilder {
    fn new(id: &str, vpc: &Vpc, scheme: Scheme, placement: Placement) -> Self {
        Self {
            id: id.to_owned(),
            vpc: vpc.clone(),
            scheme,
            placement,
            name: None,
            security_group: None,
            attributes: Vec::new(),
        }
    }

    /// The name (at most 32 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Writes access logs to an S3 bucket (by name) under `prefix`. The bucket's policy must
    /// let the region's load balancers write (see the ELB access-log documentation).
    pub fn access_logs(mut self, bucket: impl Into<Val<String>>, prefix: &str) -> Self {
        self.attributes
            .push(("access_logs.s3.enabled", "true".into()));
        self.attributes
            .push(("access_logs.s3.bucket", bucket.into()));
        self.attributes
            .push(("access_logs.s3.prefix", prefix.into()));
        self
    }

    /// Drops header fields that are not valid HTTP instead of passing them to the targets
    /// (a defence against request smuggling).
    pub fn drop_invalid_header_fields(mut self, on: bool) -> Self {
        self.attributes.push((
            "routing.http.drop_invalid_header_fields.enabled",
            on.to_string().into(),
        ));
        self
    }

    /// Uses this security group instead of creating one.
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_group = Some(sg);
        self
    }

    /// Adds the load balancer (and its security group, unless one was given).
    pub fn build(self, stack: &mut Stack) -> ApplicationLoadBalancer {
        let path = stack.claim(&stack.path().clone(), &self.id);
        if let Some(problem) = self.name.as_deref().and_then(check_elb_name) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("load balancer name {problem}"),
                fix: "choose a name of at most 32 letters, digits and hyphens".into(),
            });
        }
        let subnets: Vec<Ref<CfnSubnet>> = match &self.placement {
            Placement::Public(subnets) => subnets.iter().map(|s| s.id()).collect(),
            Placement::Selection(selection) => self
                .vpc
                .place(stack, &path, selection)
                .iter()
                .map(|s| s.id)
                .collect(),
        };
        let zones: BTreeSet<&str> = subnets.iter().filter_map(|s| self.vpc.az_of(*s)).collect();
        if zones.len() < 2 {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!(
                    "an application load balancer in {} availability zone(s)",
                    zones.len()
                ),
                fix: "give it subnets in at least two zones of its vpc".into(),
            });
        }
        let security_group = self.security_group.unwrap_or_else(|| {
            let sg_id = format!("{}-sg", self.id);
            SecurityGroup::builder(&sg_id, &self.vpc)
                .description(format!("{path} load balancer"))
                .allow_all_outbound(false)
                .build(stack)
        });
        let scheme = match self.scheme {
            Scheme::InternetFacing => "internet-facing",
            Scheme::Internal => "internal",
        };
        let id = stack.add_at(
            path,
            CfnLoadBalancer {
                name: self.name.map(Into::into),
                scheme: Some(scheme.into()),
                r#type: Some("application".into()),
                subnets: Some(subnets.clone().into()),
                security_groups: Some(vec![security_group.group_id()].into()),
                load_balancer_attributes: (!self.attributes.is_empty()).then(|| {
                    self.attributes
                        .into_iter()
                        .map(|(key, value)| LoadBalancerAttribute {
                            key: Some(key.into()),
                            value: Some(value),
                        })
                        .collect::<Vec<_>>()
                        .into()
                }),
                ..CfnLoadBalancer::default()
            },
        );
        // An internet-facing balancer maps public addresses in its subnets, as CDK's
        // `internetConnectivityEstablished` dependency says.
        if self.scheme == Scheme::InternetFacing {
            stack.depend_on_internet(id.id(), subnets.iter().map(|s| s.id()));
        }
        ApplicationLoadBalancer {
            id,
            security_group,
            scheme: self.scheme,
        }
    }
}
