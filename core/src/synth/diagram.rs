//! The architecture diagram, as Graphviz DOT: the internet and the edge services outside, each
//! VPC as a box holding one box per availability zone (subnets, NAT gateways, single instances)
//! and one per tier (load balancers; compute; storage and databases). Solid red edges are the
//! traffic the security groups allow, labelled with the port; grey dashed edges are references
//! (a distribution's origin, a replica's source). Plumbing (routes, associations, rules, policies)
//! is left out: the full graph is [`super::dot`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use petgraph::stable_graph::NodeIndex;

use crate::graph::{Node, ResourceGraph};
use crate::stack::Stack;
use crate::topology::{Side, ingress, members, public_subnets, refs};
use crate::value::Value;

use super::cloudformation::LogicalIds;

/// Where a shown resource is drawn.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Edge,
    Identity,
    Vpc(NodeIndex),
    Zone(NodeIndex, String),
    Tier(NodeIndex, u8),
}

const TIERS: [&str; 3] = ["presentation tier", "logic tier", "data tier"];

/// The architecture diagram of a stack in DOT; render it with `dot -Tsvg`.
///
/// ```
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// Vpc::builder("vpc").max_azs(2).nat_gateways(1).build(&mut stack);
/// let dot = stratus_core::synth::architecture_dot(&stack);
/// assert!(dot.contains("subgraph \"cluster_Vpc_us-east-1a\""));
/// ```
pub fn architecture_dot(stack: &Stack) -> String {
    let graph = stack.graph();
    let ids = LogicalIds::new(stack);
    let public = public_subnets(graph);
    let places = places(graph);

    let mut out = String::new();
    let region = stack.env().region.as_deref().unwrap_or("any region");
    let _ = writeln!(out, "digraph \"{}\" {{", stack.name());
    let _ = writeln!(
        out,
        "  graph [fontname=\"Helvetica\", fontsize=12, compound=true, newrank=true, nodesep=0.35, ranksep=0.7, \
         label=\"{} ({region})\", labelloc=t];",
        stack.name()
    );
    out.push_str("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");

    let mut by_place: BTreeMap<&Place, Vec<NodeIndex>> = BTreeMap::new();
    for (index, place) in &places {
        by_place.entry(place).or_default().push(*index);
    }
    let node_line = |index: NodeIndex| {
        let node = graph.node(index);
        let (label, fill) = describe(graph, node, public.contains(&index));
        format!(
            "\"{}\" [label=\"{label}\", fillcolor=\"{fill}\"];",
            ids.get(index)
        )
    };

    // Outside any VPC.
    for (place, title) in [(Place::Edge, "edge"), (Place::Identity, "identity")] {
        if let Some(nodes) = by_place.get(&place) {
            let _ = writeln!(
                out,
                "  subgraph \"cluster_{title}\" {{ label=\"{title}\"; style=\"rounded,dashed\"; color=\"#999999\";"
            );
            for index in nodes {
                let _ = writeln!(out, "    {}", node_line(*index));
            }
            out.push_str("  }\n");
        }
    }
    // Each VPC with its zones and tiers.
    for (vpc, _) in graph.by_type("AWS::EC2::VPC") {
        let vpc_node = graph.node(vpc);
        let cidr = vpc_node
            .properties
            .get("CidrBlock")
            .and_then(Value::as_str)
            .unwrap_or("");
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{}\" {{ label=\"{} {cidr}\"; style=rounded; color=\"#3b6ea8\"; penwidth=1.5;",
            ids.get(vpc),
            vpc_node.path.within_stack()
        );
        for index in by_place.get(&Place::Vpc(vpc)).into_iter().flatten() {
            let _ = writeln!(out, "    {}", node_line(*index));
        }
        for (place, nodes) in &by_place {
            let (title, suffix) = match place {
                Place::Zone(v, zone) if *v == vpc => (zone.clone(), zone.clone()),
                Place::Tier(v, tier) if *v == vpc => {
                    (TIERS[usize::from(*tier)].to_owned(), format!("tier{tier}"))
                }
                _ => continue,
            };
            let _ = writeln!(
                out,
                "    subgraph \"cluster_{}_{suffix}\" {{ label=\"{title}\"; style=\"rounded,filled\"; fillcolor=\"#f5f8fc\"; color=\"#9bb4d3\";",
                ids.get(vpc)
            );
            for index in nodes {
                let _ = writeln!(out, "      {}", node_line(*index));
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }

    let shown: BTreeSet<NodeIndex> = places.keys().copied().collect();
    traffic_edges(graph, ids, &shown, &mut out);
    reference_edges(graph, ids, &shown, &mut out);
    out.push_str("}\n");
    out
}

/// Where each shown resource goes.
fn places(graph: &ResourceGraph) -> BTreeMap<NodeIndex, Place> {
    let subnet_vpc = |subnet: NodeIndex| {
        refs(graph.node(subnet).properties.get("VpcId"))
            .first()
            .copied()
    };
    let subnet_zone = |subnet: NodeIndex| {
        graph
            .node(subnet)
            .properties
            .get("AvailabilityZone")
            .and_then(Value::as_str)
            .unwrap_or("zone")
            .to_owned()
    };
    let vpc_of = |subnets: &[NodeIndex]| subnets.first().and_then(|s| subnet_vpc(*s));
    let mut out = BTreeMap::new();
    for (index, node) in graph.nodes() {
        let props = &node.properties;
        let place = match node.type_name {
            "AWS::EC2::Subnet" => subnet_vpc(index).map(|v| Place::Zone(v, subnet_zone(index))),
            "AWS::EC2::NatGateway" | "AWS::EC2::Instance" => refs(props.get("SubnetId"))
                .first()
                .and_then(|s| subnet_vpc(*s).map(|v| Place::Zone(v, subnet_zone(*s)))),
            "AWS::EC2::InternetGateway" => graph
                .dependents(index)
                .into_iter()
                .find_map(|d| refs(graph.node(d).properties.get("VpcId")).first().copied())
                .map(Place::Vpc),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                vpc_of(&refs(props.get("Subnets"))).map(|v| Place::Tier(v, 0))
            }
            "AWS::AutoScaling::AutoScalingGroup" => {
                vpc_of(&refs(props.get("VPCZoneIdentifier"))).map(|v| Place::Tier(v, 1))
            }
            "AWS::EFS::FileSystem" => {
                let mount_subnets: Vec<NodeIndex> = graph
                    .dependents(index)
                    .into_iter()
                    .flat_map(|m| refs(graph.node(m).properties.get("SubnetId")))
                    .collect();
                vpc_of(&mount_subnets).map(|v| Place::Tier(v, 2))
            }
            "AWS::RDS::DBInstance" => {
                let group = refs(props.get("DBSubnetGroupName"))
                    .first()
                    .copied()
                    .or_else(|| {
                        refs(props.get("SourceDBInstanceIdentifier"))
                            .first()
                            .and_then(|s| {
                                refs(graph.node(*s).properties.get("DBSubnetGroupName"))
                                    .first()
                                    .copied()
                            })
                    });
                group
                    .and_then(|g| vpc_of(&refs(graph.node(g).properties.get("SubnetIds"))))
                    .map(|v| Place::Tier(v, 2))
            }
            "AWS::CloudFront::Distribution"
            | "AWS::Route53::HostedZone"
            | "AWS::CertificateManager::Certificate" => Some(Place::Edge),
            "AWS::SecretsManager::Secret" | "AWS::IAM::Role" => Some(Place::Identity),
            _ => None,
        };
        if let Some(place) = place {
            out.insert(index, place);
        }
    }
    out
}

/// A node's label and fill colour.
fn describe(graph: &ResourceGraph, node: &Node, public_subnet: bool) -> (String, &'static str) {
    let name = node.path.within_stack();
    let props = &node.properties;
    let short_type = node.type_name.rsplit("::").next().unwrap_or(node.type_name);
    match node.type_name {
        "AWS::EC2::Subnet" => {
            let cidr = props.get("CidrBlock").and_then(Value::as_str).unwrap_or("");
            let kind = if public_subnet { "public" } else { "private" };
            (
                format!("{name}\\n{cidr} ({kind})"),
                if public_subnet { "#dff0d8" } else { "#d9e6f5" },
            )
        }
        "AWS::AutoScaling::AutoScalingGroup" => {
            let size = |p: &str| {
                props
                    .get(p)
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned()
            };
            let subnets: Vec<&str> = refs(props.get("VPCZoneIdentifier"))
                .iter()
                .map(|s| graph.node(*s).path.id())
                .collect();
            (
                format!(
                    "{name}\\nAutoScalingGroup {}/{}/{}\\nin {}",
                    size("MinSize"),
                    size("DesiredCapacity"),
                    size("MaxSize"),
                    subnets.join(", ")
                ),
                "#fff3d6",
            )
        }
        "AWS::RDS::DBInstance" => {
            let engine = props.get("Engine").and_then(Value::as_str).unwrap_or("");
            let role = if props.get("SourceDBInstanceIdentifier").is_some() {
                "read replica"
            } else if props.get("MultiAZ").and_then(Value::as_bool) == Some(true) {
                "Multi-AZ"
            } else {
                "single-AZ"
            };
            (format!("{name}\\nRDS {engine} ({role})"), "#f2e0f5")
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            let scheme = props.get("Scheme").and_then(Value::as_str).unwrap_or("");
            (format!("{name}\\nALB ({scheme})"), "#fde2cf")
        }
        "AWS::EFS::FileSystem" => (format!("{name}\\nEFS"), "#f2e0f5"),
        _ => (format!("{name}\\n{short_type}"), "#ffffff"),
    }
}

/// Traffic the rules allow, between shown members (mount targets drawn as their file system).
fn traffic_edges(
    graph: &ResourceGraph,
    ids: LogicalIds<'_>,
    shown: &BTreeSet<NodeIndex>,
    out: &mut String,
) {
    let drawn_as = |member: NodeIndex| -> Option<NodeIndex> {
        let node = graph.node(member);
        let target = if node.type_name == "AWS::EFS::MountTarget" {
            refs(node.properties.get("FileSystemId")).first().copied()?
        } else {
            member
        };
        shown.contains(&target).then_some(target)
    };
    let mut edges: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut sources: BTreeSet<String> = BTreeSet::new();
    for (group, _) in graph.by_type("AWS::EC2::SecurityGroup") {
        let targets: BTreeSet<NodeIndex> = members(graph, group)
            .iter()
            .filter_map(|m| drawn_as(m.node))
            .collect();
        for rule in ingress(graph, group) {
            let from: Vec<String> = match rule.side {
                Side::Cidr(net) => {
                    let label = if net.prefix_len() == 0 {
                        "internet".to_owned()
                    } else {
                        net.to_string()
                    };
                    sources.insert(label.clone());
                    vec![label]
                }
                Side::Group(source) => members(graph, source)
                    .iter()
                    .filter_map(|m| drawn_as(m.node))
                    .map(|n| ids.get(n).to_owned())
                    .collect(),
            };
            for source in &from {
                for target in &targets {
                    edges.insert((
                        source.clone(),
                        ids.get(*target).to_owned(),
                        rule.port.to_string(),
                    ));
                }
            }
        }
    }
    if !sources.is_empty() {
        out.push_str("  { rank=min;");
        for source in &sources {
            let _ = write!(out, " \"{source}\" [shape=ellipse, fillcolor=\"#eeeeee\"];");
        }
        out.push_str(" }\n");
    }
    for (from, to, port) in edges {
        let _ = writeln!(
            out,
            "  \"{from}\" -> \"{to}\" [color=\"#b03a2e\", fontcolor=\"#b03a2e\", label=\"{port}\"];"
        );
    }
}

/// References between shown resources that containment does not already say.
fn reference_edges(
    graph: &ResourceGraph,
    ids: LogicalIds<'_>,
    shown: &BTreeSet<NodeIndex>,
    out: &mut String,
) {
    let implied = ["AWS::EC2::VPC", "AWS::EC2::Subnet"];
    for (from, to, _) in graph.edges() {
        if shown.contains(&from)
            && shown.contains(&to)
            && !implied.contains(&graph.node(from).type_name)
        {
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [style=dashed, color=\"#888888\", arrowhead=open];",
                ids.get(to),
                ids.get(from)
            );
        }
    }
}
