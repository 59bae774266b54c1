//! The connections API: `stack.allow(from, to, port)` writes the ingress rule on the target and,
//! where the source restricts its outbound traffic, the matching egress rule on the source.

use crate::error::ValidationError;
use crate::stack::Stack;
use stratus_cfn::ec2::{CfnSecurityGroupEgress, CfnSecurityGroupIngress};

use super::cidr::parse_cidr;
use super::peer::Peer;
use super::port::Port;
use super::security_group::SecurityGroup;

/// Something traffic can be allowed to: it has a security group.
pub trait Connectable {
    /// The security group that guards it.
    fn security_group(&self) -> SecurityGroup;

    /// The port its service listens on and the service's name, when it has one (a database
    /// engine, NFS). A rule that does not open that port is reported: the engine, its port and
    /// its clients must agree.
    fn service_port(&self) -> Option<(Port, &'static str)> {
        None
    }
}

impl Connectable for SecurityGroup {
    fn security_group(&self) -> SecurityGroup {
        *self
    }
}

/// A connectable target with a natural port (a database's engine port, EFS's NFS port), so
/// `allow_default` needs no port. Plain security groups have none:
///
/// ```compile_fail
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let vpc = Vpc::builder("vpc").build(&mut stack);
/// let a = SecurityGroup::builder("a", &vpc).build(&mut stack);
/// let b = SecurityGroup::builder("b", &vpc).build(&mut stack);
/// stack.allow_default(a, &b); // SecurityGroup does not implement HasDefaultPort
/// ```
pub trait HasDefaultPort: Connectable {
    /// The port clients use.
    fn default_port(&self) -> Port;
}

impl Stack {
    /// Allows `from` to reach `to` on `port`: one call writes the ingress rule on `to`'s group
    /// and, when `from` is a group that does not allow all outbound traffic, the egress rule on
    /// `from`. Allowing the same traffic twice adds one rule. Problems (reversed range, malformed
    /// CIDR, a port the target's service does not listen on) are reported by [`Stack::validate`].
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let lb = SecurityGroup::builder("lb-sg", &vpc).allow_all_outbound(false).build(&mut stack);
    /// let app = SecurityGroup::builder("app-sg", &vpc).build(&mut stack);
    /// stack.allow(Peer::any_ipv4(), &lb, Port::HTTP);
    /// stack.allow(lb, &app, Port::tcp(5000));
    /// assert_eq!(stack.graph().by_type("AWS::EC2::SecurityGroupIngress").count(), 2);
    /// assert_eq!(stack.graph().by_type("AWS::EC2::SecurityGroupEgress").count(), 1);
    /// ```
    pub fn allow(&mut self, from: impl Into<Peer>, to: &impl Connectable, port: Port) -> &mut Self {
        let from = from.into();
        let target = to.security_group();
        let target_path = self.node(target.id().id()).path.clone();
        let ingress_path =
            target_path.child(&format!("from-{}-{}", from.label(self), port.label()));
        if self.is_claimed(&ingress_path) {
            // The same rule again (e.g. to a database and its replica, which share a group).
            return self;
        }
        if !port.is_valid() {
            self.report(ValidationError::BadPortRange {
                path: ingress_path,
                from: port.from_port(),
                to: port.to_port(),
            });
            return self;
        }
        if let Some((expected, service)) = to.service_port()
            && !port.covers(expected)
        {
            self.report(ValidationError::InvalidValue {
                    path: ingress_path,
                    problem: format!("{target_path} serves {service} on {expected}, but this rule opens {port}"),
                    fix: format!("open {expected} (stack.allow_default(..) picks it), or change the service's port"),
                });
            return self;
        }
        let (from_port, to_port) = port.cfn_range();
        let description = match &from {
            Peer::Ipv4(cidr) => format!("from {cidr}:{}", port.label()),
            Peer::SecurityGroup(_) => format!("from {}:{}", from.label(self), port.label()),
            Peer::PrefixList(id) => format!("from prefix list {id}:{}", port.label()),
        };
        let prefix_list = match &from {
            Peer::PrefixList(id) => Some(id.clone()),
            _ => None,
        };
        let (cidr_ip, source) = match &from {
            Peer::Ipv4(text) => match parse_cidr(text) {
                Ok(net) => (Some(net.to_string()), None),
                Err(reason) => {
                    self.report(ValidationError::MalformedCidr {
                        path: ingress_path,
                        value: text.clone(),
                        reason,
                    });
                    return self;
                }
            },
            Peer::SecurityGroup(sg) => (None, Some(sg.group_id())),
            Peer::PrefixList(_) => (None, None),
        };
        let ingress_id = ingress_path.id().to_owned();
        self.add_child(
            &target_path,
            &ingress_id,
            CfnSecurityGroupIngress {
                group_id: Some(target.group_id().into()),
                from_port: from_port.map(Into::into),
                to_port: to_port.map(Into::into),
                cidr_ip: cidr_ip.map(Into::into),
                source_security_group_id: source.map(Into::into),
                source_prefix_list_id: prefix_list.map(Into::into),
                description: Some(description.into()),
                ..CfnSecurityGroupIngress::new(port.ip_protocol())
            },
        );
        if let Peer::SecurityGroup(source) = from {
            let restricts = self
                .security_groups
                .get(&source.id().id())
                .is_some_and(|i| !i.allow_all_outbound);
            if restricts {
                let source_path = self.node(source.id().id()).path.clone();
                let egress_id = format!("to-{}-{}", target_path.id(), port.label());
                self.add_child(
                    &source_path,
                    &egress_id,
                    CfnSecurityGroupEgress {
                        from_port: from_port.map(Into::into),
                        to_port: to_port.map(Into::into),
                        destination_security_group_id: Some(target.group_id().into()),
                        description: Some(
                            format!("to {}:{}", target_path.id(), port.label()).into(),
                        ),
                        ..CfnSecurityGroupEgress::new(source.group_id(), port.ip_protocol())
                    },
                );
            }
        }
        self
    }

    /// Allows `from` to reach `to` on `to`'s natural port.
    pub fn allow_default<T: HasDefaultPort>(&mut self, from: impl Into<Peer>, to: &T) -> &mut Self {
        let port = to.default_port();
        self.allow(from, to, port)
    }
}
