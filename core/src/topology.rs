//! What the graph says about traffic: security group rules, what each group is attached to
//! and where, and which subnets route to the internet. Shared by the topology assertions
//! (`testing`) and the architecture diagram (`synth`).
//!
//! A security group's *members* are what it is attached to: load balancers, instances and the
//! auto scaling groups launching from a template, EFS mount targets, RDS instances. A member is
//! *exposed* when the internet can address it: an internet-facing load balancer, an instance or
//! group in a subnet with public addresses, a publicly accessible database.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use petgraph::stable_graph::NodeIndex;

use crate::graph::{Node, ResourceGraph};
use crate::net::{Port, parse_cidr};
use crate::value::Value;

/// The other side of a rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Side {
    /// An IPv4 block.
    Cidr(Ipv4Net),
    /// A security group.
    Group(NodeIndex),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Rule {
    pub(crate) side: Side,
    pub(crate) port: Port,
}

/// A resource a security group is attached to, and where it is.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) node: NodeIndex,
    pub(crate) subnets: Vec<NodeIndex>,
    pub(crate) exposed: bool,
}

pub(crate) fn any() -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::UNSPECIFIED, 0).expect("0 is a valid prefix")
}

/// Whether a block holds any address outside the private, loopback and link-local ranges.
pub(crate) fn has_public_address(net: Ipv4Net) -> bool {
    let private = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "100.64.0.0/10",
    ];
    !private
        .iter()
        .map(|p| p.parse::<Ipv4Net>().expect("constant"))
        .any(|p| p.contains(&net))
}

fn group_of(value: Option<&Value>) -> Option<NodeIndex> {
    match value? {
        Value::GetAtt(id, _) | Value::Ref(id) => Some(id.node()),
        _ => None,
    }
}

fn port_of(node_props: &crate::value::Properties) -> Option<Port> {
    rule_port(
        node_props.get("IpProtocol").and_then(Value::as_str)?,
        node_props.get("FromPort").and_then(Value::as_i64),
        node_props.get("ToPort").and_then(Value::as_i64),
    )
}

fn rule_port(protocol: &str, from: Option<i64>, to: Option<i64>) -> Option<Port> {
    let range = |f: Option<i64>, t: Option<i64>| -> Option<(u16, u16)> {
        Some((u16::try_from(f?).ok()?, u16::try_from(t?).ok()?))
    };
    match protocol {
        "-1" => Some(Port::all_traffic()),
        "tcp" => range(from, to).map(|(f, t)| Port::tcp_range(f, t)),
        "udp" => range(from, to).map(|(f, t)| Port::udp_range(f, t)),
        _ => None,
    }
}

fn side_of(cidr: Option<&Value>, group: Option<&Value>) -> Option<Side> {
    if let Some(net) = cidr
        .and_then(Value::as_str)
        .and_then(|c| parse_cidr(c).ok())
    {
        return Some(Side::Cidr(net));
    }
    group_of(group).map(Side::Group)
}

pub(crate) fn ingress(graph: &ResourceGraph, group: NodeIndex) -> Vec<Rule> {
    graph
        .by_type("AWS::EC2::SecurityGroupIngress")
        .filter(|(_, n)| group_of(n.properties.get("GroupId")) == Some(group))
        .filter_map(|(_, n)| {
            Some(Rule {
                side: side_of(
                    n.properties.get("CidrIp"),
                    n.properties.get("SourceSecurityGroupId"),
                )?,
                port: port_of(&n.properties)?,
            })
        })
        .collect()
}

pub(crate) fn egress(graph: &ResourceGraph, group: NodeIndex) -> Vec<Rule> {
    let inline = graph
        .node(group)
        .properties
        .get("SecurityGroupEgress")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|rule| {
            let port = rule_port(
                rule.get("IpProtocol")?.as_str()?,
                rule.get("FromPort").and_then(Value::as_i64),
                rule.get("ToPort").and_then(Value::as_i64),
            )?;
            Some(Rule {
                side: side_of(rule.get("CidrIp"), None)?,
                port,
            })
        });
    let separate = graph
        .by_type("AWS::EC2::SecurityGroupEgress")
        .filter(|(_, n)| group_of(n.properties.get("GroupId")) == Some(group))
        .filter_map(|(_, n)| {
            Some(Rule {
                side: side_of(
                    n.properties.get("CidrIp"),
                    n.properties.get("DestinationSecurityGroupId"),
                )?,
                port: port_of(&n.properties)?,
            })
        });
    inline.chain(separate).collect()
}

pub(crate) fn refs(value: Option<&Value>) -> Vec<NodeIndex> {
    value
        .map(Value::references)
        .unwrap_or_default()
        .into_iter()
        .map(crate::handle::ResourceId::node)
        .collect()
}

fn holds_group(value: Option<&Value>, group: NodeIndex) -> bool {
    refs(value).contains(&group)
}

fn maps_public_ip(graph: &ResourceGraph, subnets: &[NodeIndex]) -> bool {
    subnets.iter().any(|s| {
        graph
            .node(*s)
            .properties
            .get("MapPublicIpOnLaunch")
            .and_then(Value::as_bool)
            == Some(true)
    })
}

pub(crate) fn members(graph: &ResourceGraph, group: NodeIndex) -> Vec<Member> {
    let mut out = Vec::new();
    let templates: HashSet<NodeIndex> = graph
        .by_type("AWS::EC2::LaunchTemplate")
        .filter(|(_, n)| {
            holds_group(
                n.properties
                    .get("LaunchTemplateData")
                    .and_then(|d| d.get("SecurityGroupIds")),
                group,
            )
        })
        .map(|(i, _)| i)
        .collect();
    let launches_from = |n: &Node| {
        refs(
            n.properties
                .get("LaunchTemplate")
                .and_then(|t| t.get("LaunchTemplateId")),
        )
        .iter()
        .any(|t| templates.contains(t))
    };
    for (index, node) in graph.nodes() {
        let props = &node.properties;
        let member = match node.type_name {
            "AWS::ElasticLoadBalancingV2::LoadBalancer"
                if holds_group(props.get("SecurityGroups"), group) =>
            {
                Some(Member {
                    node: index,
                    subnets: refs(props.get("Subnets")),
                    exposed: props.get("Scheme").and_then(Value::as_str) == Some("internet-facing"),
                })
            }
            "AWS::EC2::Instance"
                if holds_group(props.get("SecurityGroupIds"), group) || launches_from(node) =>
            {
                let subnets = refs(props.get("SubnetId"));
                Some(Member {
                    node: index,
                    exposed: maps_public_ip(graph, &subnets),
                    subnets,
                })
            }
            "AWS::AutoScaling::AutoScalingGroup" if launches_from(node) => {
                let subnets = refs(props.get("VPCZoneIdentifier"));
                Some(Member {
                    node: index,
                    exposed: maps_public_ip(graph, &subnets),
                    subnets,
                })
            }
            "AWS::EFS::MountTarget" if holds_group(props.get("SecurityGroups"), group) => {
                Some(Member {
                    node: index,
                    subnets: refs(props.get("SubnetId")),
                    exposed: false,
                })
            }
            "AWS::RDS::DBInstance" if holds_group(props.get("VPCSecurityGroups"), group) => {
                let subnets = refs(props.get("DBSubnetGroupName"))
                    .into_iter()
                    .flat_map(|g| refs(graph.node(g).properties.get("SubnetIds")))
                    .collect();
                Some(Member {
                    node: index,
                    subnets,
                    exposed: props.get("PubliclyAccessible").and_then(Value::as_bool) == Some(true),
                })
            }
            _ => None,
        };
        out.extend(member);
    }
    out
}

/// The CIDR blocks of the subnets a group's members are in.
pub(crate) fn member_blocks(graph: &ResourceGraph, group: NodeIndex) -> Vec<Ipv4Net> {
    members(graph, group)
        .iter()
        .flat_map(|m| m.subnets.iter())
        .filter_map(|s| {
            graph
                .node(*s)
                .properties
                .get("CidrBlock")
                .and_then(Value::as_str)
                .and_then(|c| parse_cidr(c).ok())
        })
        .collect()
}

/// Subnets whose route table sends `0.0.0.0/0` to an internet gateway.
pub(crate) fn public_subnets(graph: &ResourceGraph) -> HashSet<NodeIndex> {
    let to_internet: HashSet<NodeIndex> = graph
        .by_type("AWS::EC2::Route")
        .filter(|(_, n)| {
            n.properties
                .get("DestinationCidrBlock")
                .and_then(Value::as_str)
                == Some("0.0.0.0/0")
                && refs(n.properties.get("GatewayId"))
                    .iter()
                    .any(|g| graph.node(*g).type_name == "AWS::EC2::InternetGateway")
        })
        .flat_map(|(_, n)| refs(n.properties.get("RouteTableId")))
        .collect();
    let mut table_of: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    for (_, n) in graph.by_type("AWS::EC2::SubnetRouteTableAssociation") {
        if let (Some(subnet), Some(table)) = (
            refs(n.properties.get("SubnetId")).first(),
            refs(n.properties.get("RouteTableId")).first(),
        ) {
            table_of.insert(*subnet, *table);
        }
    }
    table_of
        .into_iter()
        .filter(|(_, table)| to_internet.contains(table))
        .map(|(subnet, _)| subnet)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses() {
        assert!(has_public_address("0.0.0.0/0".parse().unwrap()));
        assert!(has_public_address("203.0.113.10/32".parse().unwrap()));
        assert!(!has_public_address("10.1.0.0/16".parse().unwrap()));
        assert!(!has_public_address("192.168.4.0/24".parse().unwrap()));
    }
}
