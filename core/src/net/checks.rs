//! Whole-graph network checks: CIDR syntax and masks of every VPC and subnet (L2 or hand-written
//! L1), subnets inside their VPC, no two subnets of a VPC overlapping.

use std::collections::HashMap;

use ipnet::Ipv4Net;
use petgraph::stable_graph::NodeIndex;

use crate::error::ValidationError;
use crate::graph::{Node, ResourceGraph};

use super::cidr::{overlaps, parse_cidr};

const MIN_PREFIX: u8 = 16;
const MAX_PREFIX: u8 = 28;

/// Runs the checks, appending to `errors`.
pub(crate) fn check(graph: &ResourceGraph, errors: &mut Vec<ValidationError>) {
    let mut vpcs: HashMap<NodeIndex, Ipv4Net> = HashMap::new();
    for (index, node) in graph.by_type("AWS::EC2::VPC") {
        if let Some(net) = checked_cidr(node, "vpc", errors) {
            vpcs.insert(index, net);
        }
    }
    let mut placed: HashMap<NodeIndex, Vec<(Ipv4Net, &Node)>> = HashMap::new();
    for (_, node) in graph.by_type("AWS::EC2::Subnet") {
        let Some(net) = checked_cidr(node, "subnet", errors) else {
            continue;
        };
        let Some(vpc) = node
            .properties
            .get("VpcId")
            .and_then(crate::Value::as_ref_id)
        else {
            continue;
        };
        let Some(vpc_net) = vpcs.get(&vpc.node()) else {
            continue;
        };
        if !vpc_net.contains(&net) {
            errors.push(ValidationError::SubnetOutsideVpc {
                path: node.path.clone(),
                cidr: net.to_string(),
                vpc: graph.node(vpc.node()).path.clone(),
                vpc_cidr: vpc_net.to_string(),
            });
            continue;
        }
        let siblings = placed.entry(vpc.node()).or_default();
        if let Some((other_net, other)) = siblings.iter().find(|(n, _)| overlaps(*n, net)) {
            errors.push(ValidationError::SubnetOverlap {
                path: node.path.clone(),
                cidr: net.to_string(),
                other: other.path.clone(),
                other_cidr: other_net.to_string(),
            });
        }
        siblings.push((net, node));
    }
}

fn checked_cidr(
    node: &Node,
    what: &'static str,
    errors: &mut Vec<ValidationError>,
) -> Option<Ipv4Net> {
    let text = node.properties.get("CidrBlock")?.as_str()?;
    match parse_cidr(text) {
        Ok(net) if (MIN_PREFIX..=MAX_PREFIX).contains(&net.prefix_len()) => Some(net),
        Ok(net) => {
            errors.push(ValidationError::MaskOutOfRange {
                path: node.path.clone(),
                what,
                cidr: net.to_string(),
                prefix: net.prefix_len(),
            });
            None
        }
        Err(reason) => {
            errors.push(ValidationError::MalformedCidr {
                path: node.path.clone(),
                value: text.to_owned(),
                reason,
            });
            None
        }
    }
}
