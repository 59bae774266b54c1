//! [`Vpc`]: a VPC with subnets carved per zone, an internet gateway, NAT gateways and routes.

use ipnet::Ipv4Net;

use crate::error::ValidationError;
use crate::handle::{Ref, ResourceId};
use crate::path::ConstructPath;
use crate::region::availability_zones;
use crate::stack::Stack;
use stratus_cfn::ec2::{
    CfnInternetGateway, CfnNatGateway, CfnRoute, CfnRouteTable, CfnSubnet,
    CfnSubnetRouteTableAssociation, CfnVpc, CfnVpcGatewayAttachment,
};

use super::cidr::{GroupRequest, PlanError, parse_cidr, plan_subnets};
use super::nat::NatGateway;
use super::subnet::{
    Isolated, PrivateWithEgress, Public, Subnet, SubnetInfo, SubnetSelection, SubnetType,
};

/// A group of subnets of one type, one subnet per availability zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetGroup {
    name: String,
    subnet_type: SubnetType,
    placement: Placement,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Placement {
    Mask(u8),
    Cidrs(Vec<String>),
}

impl SubnetGroup {
    /// Public subnets, default mask /24.
    pub fn public(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            subnet_type: SubnetType::Public,
            placement: Placement::Mask(24),
        }
    }

    /// Private subnets with egress through NAT, default mask /20 (room for many instances).
    pub fn private_with_egress(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            subnet_type: SubnetType::PrivateWithEgress,
            placement: Placement::Mask(20),
        }
    }

    /// Isolated subnets, default mask /24.
    pub fn isolated(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            subnet_type: SubnetType::Isolated,
            placement: Placement::Mask(24),
        }
    }

    /// The prefix length of each subnet (AWS accepts /16 to /28).
    #[must_use]
    pub fn mask(mut self, prefix_len: u8) -> Self {
        self.placement = Placement::Mask(prefix_len);
        self
    }

    /// Explicit blocks, one per zone in zone order, instead of automatic carving.
    #[must_use]
    pub fn cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.placement = Placement::Cidrs(cidrs.into_iter().map(Into::into).collect());
        self
    }
}

#[derive(Clone, Debug)]
enum Zones {
    Max(usize, bool),
    Named(Vec<String>),
}

/// A VPC and its network: subnets, internet gateway, NAT gateways, route tables and routes.
///
/// ```
/// use stratus_core::prelude::*;
///
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let vpc = Vpc::builder("vpc")
///     .name("project-x-vpc")
///     .cidr("10.0.0.0/16")
///     .max_azs(3)
///     .subnet_groups([SubnetGroup::public("public"), SubnetGroup::private_with_egress("private").mask(24)])
///     .nat_gateways(1)
///     .build(&mut stack);
/// assert_eq!(vpc.private_subnets().len(), 3);
/// assert_eq!(vpc.subnets()[0].cidr.to_string(), "10.0.0.0/24");
/// stack.validate().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Vpc {
    id: Ref<CfnVpc>,
    path: ConstructPath,
    cidr: Option<Ipv4Net>,
    azs: Vec<String>,
    subnets: Vec<SubnetInfo>,
    internet_gateway: Option<Ref<CfnInternetGateway>>,
    gateway_attachment: Option<Ref<CfnVpcGatewayAttachment>>,
    public_route_table: Option<Ref<CfnRouteTable>>,
    private_route_tables: Vec<Ref<CfnRouteTable>>,
    nat_gateways: Vec<Ref<CfnNatGateway>>,
}

impl Vpc {
    /// Starts a VPC.
    ///
    /// Defaults: `10.0.0.0/16`; DNS support and host names on; up to 3 zones of the stack's
    /// region; groups `public` (/24) and `private` (private with egress, /20); one NAT gateway per
    /// zone when a private-with-egress group exists; zones reserved in each group's block = the
    /// region's zone count rounded up to a power of two (so adding a zone never renumbers).
    pub fn builder(id: &str) -> VpcBuilder {
        VpcBuilder {
            id: id.to_owned(),
            name: None,
            cidr: "10.0.0.0/16".into(),
            dns_support: true,
            dns_hostnames: true,
            zones: Zones::Max(3, false),
            groups: vec![
                SubnetGroup::public("public"),
                SubnetGroup::private_with_egress("private"),
            ],
            nat_gateways: None,
            reserved_azs: None,
        }
    }

    /// The L1 VPC.
    pub fn id(&self) -> Ref<CfnVpc> {
        self.id
    }

    /// The construct path.
    pub fn path(&self) -> &ConstructPath {
        &self.path
    }

    /// The VPC block, if it parsed.
    pub fn cidr(&self) -> Option<Ipv4Net> {
        self.cidr
    }

    /// The availability zones used.
    pub fn azs(&self) -> &[String] {
        &self.azs
    }

    /// Every subnet, group by group, zone by zone.
    pub fn subnets(&self) -> &[SubnetInfo] {
        &self.subnets
    }

    fn of_type(&self, t: SubnetType) -> impl Iterator<Item = &SubnetInfo> {
        self.subnets.iter().filter(move |s| s.subnet_type == t)
    }

    /// The public subnets.
    pub fn public_subnets(&self) -> Vec<Subnet<Public>> {
        self.of_type(SubnetType::Public)
            .map(|s| Subnet::new(s.id))
            .collect()
    }

    /// The private subnets with egress.
    pub fn private_subnets(&self) -> Vec<Subnet<PrivateWithEgress>> {
        self.of_type(SubnetType::PrivateWithEgress)
            .map(|s| Subnet::new(s.id))
            .collect()
    }

    /// The isolated subnets.
    pub fn isolated_subnets(&self) -> Vec<Subnet<Isolated>> {
        self.of_type(SubnetType::Isolated)
            .map(|s| Subnet::new(s.id))
            .collect()
    }

    /// The subnets a selection names. Subnets named explicitly that are not this VPC's are
    /// returned with an unknown zone, so that validation can report them.
    pub fn select(&self, selection: &SubnetSelection) -> Vec<SubnetInfo> {
        match selection {
            SubnetSelection::Type(t) => self.of_type(*t).cloned().collect(),
            SubnetSelection::Group(name) => self
                .subnets
                .iter()
                .filter(|s| &s.group == name)
                .cloned()
                .collect(),
            SubnetSelection::Subnets(ids) => ids
                .iter()
                .filter_map(|id| self.subnets.iter().find(|s| s.id == *id).cloned())
                .collect(),
        }
    }

    /// Resolves where a construct at `path` goes, reporting a selection that names no subnet, or
    /// names a subnet of another VPC.
    pub(crate) fn place(
        &self,
        stack: &mut Stack,
        path: &ConstructPath,
        selection: &SubnetSelection,
    ) -> Vec<SubnetInfo> {
        let mut placed = self.select(selection);
        if let SubnetSelection::Subnets(ids) = selection {
            let missing: Vec<Ref<CfnSubnet>> = ids
                .iter()
                .filter(|id| !placed.iter().any(|p| p.id == **id))
                .copied()
                .collect();
            for id in &missing {
                if id.id().stack() != stack.id() {
                    stack.report(ValidationError::ForeignReference { path: path.clone() });
                    continue;
                }
                let node = stack.node(id.id());
                let vpc = node
                    .properties
                    .get("VpcId")
                    .and_then(crate::Value::as_ref_id);
                if vpc == Some(self.id.id()) {
                    placed.push(SubnetInfo {
                        id: *id,
                        subnet_type: SubnetType::Isolated,
                        group: String::new(),
                        az: node
                            .properties
                            .get("AvailabilityZone")
                            .and_then(crate::Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        cidr: node
                            .properties
                            .get("CidrBlock")
                            .and_then(crate::Value::as_str)
                            .and_then(|c| parse_cidr(c).ok())
                            .unwrap_or_default(),
                    });
                } else {
                    let subnet_path = node.path.clone();
                    stack.report(ValidationError::InvalidValue {
                        path: path.clone(),
                        problem: format!(
                            "subnet {subnet_path} belongs to another vpc than {}",
                            self.path
                        ),
                        fix: format!("place it in subnets of {}", self.path),
                    });
                }
            }
        }
        if placed.is_empty() {
            let available: Vec<String> = self
                .subnets
                .iter()
                .map(|s| s.group.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!(
                    "the subnet selection {selection:?} matches no subnet of {}",
                    self.path
                ),
                fix: format!(
                    "select one of the vpc's subnet groups: {}",
                    available.join(", ")
                ),
            });
        }
        placed
    }

    /// The zone of one of this VPC's subnets.
    pub fn az_of(&self, subnet: Ref<CfnSubnet>) -> Option<&str> {
        self.subnets
            .iter()
            .find(|s| s.id == subnet)
            .map(|s| s.az.as_str())
    }

    /// The internet gateway, when the VPC has public subnets.
    pub fn internet_gateway(&self) -> Option<Ref<CfnInternetGateway>> {
        self.internet_gateway
    }

    /// The route table of the public subnets.
    pub fn public_route_table(&self) -> Option<Ref<CfnRouteTable>> {
        self.public_route_table
    }

    /// The route tables of the private subnets, one per zone.
    pub fn private_route_tables(&self) -> &[Ref<CfnRouteTable>] {
        &self.private_route_tables
    }

    /// The NAT gateways.
    pub fn nat_gateways(&self) -> &[Ref<CfnNatGateway>] {
        &self.nat_gateways
    }

    /// Logs all of the VPC's traffic (accepted and rejected) to an S3 bucket, given by ARN,
    /// as `<vpc path>/flow-log`.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    ///
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// vpc.log_flows_to_s3(&mut stack, "arn:aws:s3:::acme-flow-logs");
    /// assert_eq!(stack.graph().by_type("AWS::EC2::FlowLog").count(), 1);
    /// ```
    pub fn log_flows_to_s3(
        &self,
        stack: &mut Stack,
        bucket_arn: impl Into<stratus_model::Val<String>>,
    ) -> Ref<stratus_cfn::ec2::CfnFlowLog> {
        use stratus_cfn::ec2::flow_log::{LogDestinationType, ResourceType, TrafficType};
        let path = self.path.clone();
        stack.add_child(
            &path,
            "flow-log",
            stratus_cfn::ec2::CfnFlowLog {
                log_destination: Some(bucket_arn.into()),
                log_destination_type: Some(LogDestinationType::S3.into()),
                traffic_type: Some(TrafficType::All.into()),
                ..stratus_cfn::ec2::CfnFlowLog::new(self.id(), ResourceType::Vpc)
            },
        )
    }
}

/// Builds a [`Vpc`].
#[must_use = "call .build(&mut stack) to add the VPC"]
#[derive(Clone, Debug)]
pub struct VpcBuilder {
    id: String,
    name: Option<String>,
    cidr: String,
    dns_support: bool,
    dns_hostnames: bool,
    zones: Zones,
    groups: Vec<SubnetGroup>,
    nat_gateways: Option<usize>,
    reserved_azs: Option<usize>,
}

impl VpcBuilder {
    /// The `Name` tag (and the prefix of its subnets' names).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The IPv4 block (AWS accepts /16 to /28). Default `10.0.0.0/16`.
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.cidr = cidr.into();
        self
    }

    /// Whether instances get DNS host names (default on).
    pub fn dns_hostnames(mut self, on: bool) -> Self {
        self.dns_hostnames = on;
        self
    }

    /// Whether the VPC's DNS server answers (default on).
    pub fn dns_support(mut self, on: bool) -> Self {
        self.dns_support = on;
        self
    }

    /// Uses the first `n` zones of the region; more than the region has is an error.
    pub fn max_azs(mut self, n: usize) -> Self {
        self.zones = Zones::Max(n, true);
        self
    }

    /// Uses these zones, in this order.
    pub fn azs<S: Into<String>>(mut self, azs: impl IntoIterator<Item = S>) -> Self {
        self.zones = Zones::Named(azs.into_iter().map(Into::into).collect());
        self
    }

    /// Replaces the subnet groups. Groups are placed in this order; append new groups at the end
    /// so that existing subnets keep their blocks.
    pub fn subnet_groups(mut self, groups: impl IntoIterator<Item = SubnetGroup>) -> Self {
        self.groups = groups.into_iter().collect();
        self
    }

    /// How many NAT gateways (placed in the first public subnets, private zones routed to them
    /// round-robin).
    pub fn nat_gateways(mut self, n: usize) -> Self {
        self.nat_gateways = Some(n);
        self
    }

    /// How many zones each automatic group reserves room for (rounded up to a power of two).
    pub fn reserved_azs(mut self, n: usize) -> Self {
        self.reserved_azs = Some(n);
        self
    }

    /// Adds the VPC and its network to the stack. Problems are recorded and reported by
    /// [`Stack::validate`]; building always returns a handle.
    pub fn build(self, stack: &mut Stack) -> Vpc {
        let path = stack.claim(&stack.path().clone(), &self.id);
        let region_azs = stack.env().region.as_deref().and_then(availability_zones);
        let azs = self.resolve_zones(stack, &path, region_azs);
        let cidr = parse_cidr(&self.cidr).ok();
        let id = stack.add_at(
            path.clone(),
            CfnVpc {
                cidr_block: Some(self.cidr.clone().into()),
                enable_dns_support: Some(self.dns_support.into()),
                enable_dns_hostnames: Some(self.dns_hostnames.into()),
                ..CfnVpc::default()
            },
        );
        let display_name = self.name.clone().unwrap_or_else(|| path.to_string());
        stack.check_name_len(&path, "vpc name", &display_name, 256);
        stack.tag_resource(id.id(), "Name", display_name.clone());
        let mut vpc = Vpc {
            id,
            path: path.clone(),
            cidr,
            azs: azs.clone(),
            subnets: Vec::new(),
            internet_gateway: None,
            gateway_attachment: None,
            public_route_table: None,
            private_route_tables: Vec::new(),
            nat_gateways: Vec::new(),
        };
        let reserved = self
            .reserved_azs
            .unwrap_or_else(|| region_azs.map_or(8, <[&str]>::len).max(azs.len()));
        if let Some(cidr) = cidr {
            self.add_subnets(stack, &mut vpc, cidr, reserved, &display_name);
        }
        self.add_routing(stack, &mut vpc);
        vpc
    }

    fn resolve_zones(
        &self,
        stack: &mut Stack,
        path: &ConstructPath,
        region_azs: Option<&[&str]>,
    ) -> Vec<String> {
        let region = stack.env().region.clone();
        match (&self.zones, region_azs) {
            (Zones::Named(names), _) => {
                if names.is_empty() {
                    stack.report(ValidationError::AvailabilityZone {
                        path: path.clone(),
                        reason: "no availability zones given; name at least one".into(),
                    });
                }
                if let (Some(region), Some(known)) = (&region, region_azs) {
                    for name in names.iter().filter(|n| !known.contains(&n.as_str())) {
                        stack.report(ValidationError::AvailabilityZone {
                            path: path.clone(),
                            reason: format!(
                                "zone {name:?} is not in region {region}; available: {}",
                                known.join(", ")
                            ),
                        });
                    }
                }
                for (i, name) in names.iter().enumerate() {
                    if names[..i].contains(name) {
                        stack.report(ValidationError::Duplicate {
                            path: path.clone(),
                            what: format!("zone {name}"),
                        });
                    }
                }
                names.clone()
            }
            (Zones::Max(n, explicit), Some(known)) => {
                if *explicit && *n > known.len() {
                    stack.report(ValidationError::NotEnoughAzs {
                        path: path.clone(),
                        asked: *n,
                        available: known.len(),
                        region: region.clone().unwrap_or_default(),
                        azs: known.join(", "),
                    });
                }
                if *n == 0 {
                    stack.report(ValidationError::AvailabilityZone {
                        path: path.clone(),
                        reason: "max_azs(0) leaves no zone for subnets; ask for at least 1".into(),
                    });
                }
                known.iter().take(*n).map(|z| (*z).to_owned()).collect()
            }
            (Zones::Max(..), None) => {
                let reason = match &region {
                    Some(r) => format!("region {r} is not in Stratus's zone table; name the zones with .azs([...])"),
                    None => "the stack has no region, so zones cannot be chosen; set Environment::region(..) or name the zones with .azs([...])".into(),
                };
                stack.report(ValidationError::AvailabilityZone {
                    path: path.clone(),
                    reason,
                });
                Vec::new()
            }
        }
    }

    fn add_subnets(
        &self,
        stack: &mut Stack,
        vpc: &mut Vpc,
        cidr: Ipv4Net,
        reserved: usize,
        display_name: &str,
    ) {
        let zones = vpc.azs.len();
        let mut requests = Vec::new();
        for group in &self.groups {
            let request = match &group.placement {
                Placement::Mask(mask) => GroupRequest::Mask(*mask),
                Placement::Cidrs(texts) => {
                    let mut blocks = Vec::new();
                    for text in texts {
                        match parse_cidr(text) {
                            Ok(net) => blocks.push(net),
                            Err(reason) => stack.report(ValidationError::MalformedCidr {
                                path: vpc.path.child(&group.name),
                                value: text.clone(),
                                reason,
                            }),
                        }
                    }
                    GroupRequest::Explicit(blocks)
                }
            };
            requests.push(request);
        }
        let plan = plan_subnets(cidr, &requests, zones, reserved);
        for (group, result) in self.groups.iter().zip(plan) {
            let group_path = vpc.path.child(&group.name);
            match result {
                Ok(blocks) => {
                    for (az, block) in vpc.azs.clone().iter().zip(blocks) {
                        let suffix = zone_suffix(az);
                        let subnet_id = format!("{}-{suffix}", group.name);
                        let subnet = stack.add_child(
                            &vpc.path,
                            &subnet_id,
                            CfnSubnet {
                                cidr_block: Some(block.to_string().into()),
                                availability_zone: Some(az.into()),
                                map_public_ip_on_launch: Some(
                                    (group.subnet_type == SubnetType::Public).into(),
                                ),
                                ..CfnSubnet::new(vpc.id)
                            },
                        );
                        stack.tag_resource(
                            subnet.id(),
                            "Name",
                            format!("{display_name}-{subnet_id}"),
                        );
                        vpc.subnets.push(SubnetInfo {
                            id: subnet,
                            subnet_type: group.subnet_type,
                            group: group.name.clone(),
                            az: az.clone(),
                            cidr: block,
                        });
                    }
                }
                Err(error) => stack.report(plan_error(error, &group_path, cidr, &self.groups)),
            }
        }
    }

    fn add_routing(&self, stack: &mut Stack, vpc: &mut Vpc) {
        let path = vpc.path.clone();
        let public: Vec<SubnetInfo> = vpc.of_type(SubnetType::Public).cloned().collect();
        let has_public_group = self
            .groups
            .iter()
            .any(|g| g.subnet_type == SubnetType::Public);
        let has_private_group = self
            .groups
            .iter()
            .any(|g| g.subnet_type == SubnetType::PrivateWithEgress);

        let mut attachment_id: Option<ResourceId> = None;
        if has_public_group {
            let igw = stack.add_child(&path, "igw", CfnInternetGateway::default());
            let attachment = stack.add_child(
                &path,
                "igw-attachment",
                CfnVpcGatewayAttachment {
                    internet_gateway_id: Some(igw.into()),
                    ..CfnVpcGatewayAttachment::new(vpc.id)
                },
            );
            attachment_id = Some(attachment.id());
            let table = stack.add_child(&path, "public-rt", CfnRouteTable::new(vpc.id));
            let route = stack.add_child(
                &path,
                "public-default-route",
                CfnRoute {
                    destination_cidr_block: Some("0.0.0.0/0".into()),
                    gateway_id: Some(igw.into()),
                    ..CfnRoute::new(table)
                },
            );
            // The route needs the gateway attached, which no property says.
            stack.add_dependency(route.id(), attachment.id());
            for subnet in &public {
                associate(stack, &path, subnet, table);
                stack
                    .internet_attachments
                    .insert(subnet.id.id(), attachment.id());
            }
            vpc.internet_gateway = Some(igw);
            vpc.gateway_attachment = Some(attachment);
            vpc.public_route_table = Some(table);
        }

        let first_public_group = self
            .groups
            .iter()
            .find(|g| g.subnet_type == SubnetType::Public);
        let nat_hosts: Vec<&SubnetInfo> = public
            .iter()
            .filter(|s| Some(&s.group) == first_public_group.map(|g| &g.name))
            .collect();
        let wanted = self
            .nat_gateways
            .unwrap_or(if has_private_group { vpc.azs.len() } else { 0 });
        if has_private_group && wanted == 0 {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: "private-with-egress subnets need a NAT gateway, and nat_gateways is 0"
                    .into(),
                fix: "set nat_gateways(1) or more, or make the group isolated".into(),
            });
        }
        if wanted > 0 && !has_public_group {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("{wanted} NAT gateway(s) asked for, but the vpc has no public subnet group to hold them"),
                fix: "add SubnetGroup::public(..) or set nat_gateways(0)".into(),
            });
        } else if wanted > nat_hosts.len() && !nat_hosts.is_empty() {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!(
                    "{wanted} NAT gateways asked for, but there are only {} public subnets",
                    nat_hosts.len()
                ),
                fix: format!("ask for at most {} NAT gateways", nat_hosts.len()),
            });
        }
        for host in nat_hosts.iter().take(wanted) {
            let mut builder = NatGateway::builder(
                &format!("nat-{}", zone_suffix(&host.az)),
                Subnet::new(host.id),
            )
            .under(path.clone());
            if let Some(attachment) = attachment_id {
                builder = builder.after(attachment);
            }
            vpc.nat_gateways.push(builder.build(stack));
        }

        add_private_routing(stack, vpc);
    }
}

/// Private subnets route to the NAT gateways (one table per zone, zones shared round-robin over
/// the gateways); isolated subnets share one table with no route out.
fn add_private_routing(stack: &mut Stack, vpc: &mut Vpc) {
    let path = vpc.path.clone();
    let private: Vec<SubnetInfo> = vpc
        .of_type(SubnetType::PrivateWithEgress)
        .cloned()
        .collect();
    let isolated: Vec<SubnetInfo> = vpc.of_type(SubnetType::Isolated).cloned().collect();
    if !private.is_empty() {
        for (i, az) in vpc.azs.clone().iter().enumerate() {
            let table = stack.add_child(
                &path,
                &format!("private-rt-{}", zone_suffix(az)),
                CfnRouteTable::new(vpc.id),
            );
            if let Some(nat) = vpc.nat_gateways.get(i % vpc.nat_gateways.len().max(1)) {
                stack.add_child(
                    &path,
                    &format!("private-default-route-{}", zone_suffix(az)),
                    CfnRoute {
                        destination_cidr_block: Some("0.0.0.0/0".into()),
                        nat_gateway_id: Some((*nat).into()),
                        ..CfnRoute::new(table)
                    },
                );
            }
            for subnet in private.iter().filter(|s| &s.az == az) {
                associate(stack, &path, subnet, table);
            }
            vpc.private_route_tables.push(table);
        }
    }
    if !isolated.is_empty() {
        let table = stack.add_child(&path, "isolated-rt", CfnRouteTable::new(vpc.id));
        for subnet in &isolated {
            associate(stack, &path, subnet, table);
        }
    }
}

fn associate(
    stack: &mut Stack,
    vpc_path: &ConstructPath,
    subnet: &SubnetInfo,
    table: Ref<CfnRouteTable>,
) {
    let subnet_id = stack.node(subnet.id.id()).path.id().to_owned();
    stack.add_child(
        vpc_path,
        &format!("{subnet_id}-rta"),
        CfnSubnetRouteTableAssociation::new(table, subnet.id),
    );
}

/// `us-east-1b` → `b`; a name without a region prefix is used whole, made id-safe.
fn zone_suffix(az: &str) -> String {
    let tail = az.rsplit('-').next().unwrap_or(az);
    let letters: String = tail.chars().skip_while(char::is_ascii_digit).collect();
    let suffix = if letters.is_empty() { tail } else { &letters };
    suffix
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn plan_error(
    error: PlanError,
    group_path: &ConstructPath,
    vpc_cidr: Ipv4Net,
    groups: &[SubnetGroup],
) -> ValidationError {
    let vpc = vpc_cidr.to_string();
    match error {
        PlanError::Exhausted { needed, .. } => ValidationError::AddressSpaceExhausted {
            path: group_path.clone(),
            vpc_cidr: vpc,
            needed,
            fix: "use a longer mask, fewer groups, fewer reserved zones (.reserved_azs(n)), or a larger vpc block".into(),
        },
        PlanError::MaskTooShort { mask, group } => {
            let name = &groups[group].name;
            ValidationError::AddressSpaceExhausted {
                path: group_path.clone(),
                vpc_cidr: vpc,
                needed: format!("group {name}'s /{mask} subnets with their reserved zones"),
                fix: "use a longer mask (a larger prefix length) or fewer reserved zones (.reserved_azs(n))".into(),
            }
        }
        PlanError::TooManyZones { zones, reserved } => ValidationError::InvalidValue {
            path: group_path.clone(),
            problem: format!("{zones} zones but only {reserved} reserved per subnet group"),
            fix: format!("set .reserved_azs({zones}) or more (this renumbers automatic subnets)"),
        },
        PlanError::Outside { cidr, .. } => ValidationError::SubnetOutsideVpc {
            path: group_path.clone(),
            cidr: cidr.to_string(),
            vpc: group_path.parent_or_self(),
            vpc_cidr: vpc,
        },
        PlanError::Overlap { cidr, with, .. } => ValidationError::SubnetOverlap {
            path: group_path.clone(),
            cidr: cidr.to_string(),
            other: group_path.parent_or_self(),
            other_cidr: format!("{with}, placed before it"),
        },
        PlanError::MissingBlocks { given, .. } => ValidationError::InvalidValue {
            path: group_path.clone(),
            problem: format!("{given} explicit cidr(s) for more zones"),
            fix: "give one cidr per availability zone".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::zone_suffix;

    #[test]
    fn zone_suffixes() {
        assert_eq!(zone_suffix("us-east-1a"), "a");
        assert_eq!(zone_suffix("eu-west-1c"), "c");
        assert_eq!(zone_suffix("use1-az4"), "az4");
    }
}
