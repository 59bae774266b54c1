//! EC2 networking: VPCs, subnets, internet gateways and their attachments, Elastic IPs, NAT
//! gateways, route tables, routes, associations, security groups and their rules.
//!
//! Taggable resources carry the ownership tags, so an interrupted create is found again by its
//! `stratus:token` tag (EC2 client tokens are not honoured everywhere, emulators included).
//! Untaggable ones (attachments, routes, associations, rules) are idempotent to create again:
//! "already exists" is adopted.

use std::collections::BTreeMap;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, DomainType, Filter, IpPermission, IpRange, NatGatewayState,
    ResourceType, Tag, TagSpecification, UserIdGroupPair,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::{id_pair, opt_bool, opt_i32, opt_string, string, tags};
use crate::names::generated;
use crate::wait::{Wait, poll};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &[
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::EIP",
    "AWS::EC2::NatGateway",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
];

fn tag_spec(kind: ResourceType, tags: &BTreeMap<String, String>) -> TagSpecification {
    let mut spec = TagSpecification::builder().resource_type(kind);
    for (key, value) in tags {
        spec = spec.tags(Tag::builder().key(key).value(value).build());
    }
    spec.build()
}

fn attrs(pairs: &[(&str, &str)]) -> Attributes {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Json::String((*v).to_owned())))
        .collect()
}

fn created(physical_id: &str, pairs: &[(&str, &str)]) -> Created {
    Created {
        physical_id: physical_id.to_owned(),
        attributes: attrs(pairs),
    }
}

fn missing(what: &str) -> ProviderError {
    ProviderError::new(ErrorKind::Other, format!("the response carried no {what}"))
}

fn boolean(value: bool) -> AttributeBooleanValue {
    AttributeBooleanValue::builder().value(value).build()
}

/// One security group rule, from `AWS::EC2::SecurityGroupIngress`/`Egress` inputs or a physical id.
#[derive(Clone, Debug, PartialEq)]
struct Rule {
    group: String,
    protocol: String,
    from: Option<i32>,
    to: Option<i32>,
    /// `cidr:<block>` or `sg:<group id>`.
    peer: String,
    description: Option<String>,
}

impl Rule {
    fn from_inputs(inputs: &Inputs, peer_group_key: &str) -> Result<Self, ProviderError> {
        let peer = match (
            opt_string(inputs, "CidrIp"),
            opt_string(inputs, peer_group_key),
        ) {
            (Some(cidr), _) => format!("cidr:{cidr}"),
            (None, Some(group)) => format!("sg:{group}"),
            (None, None) => {
                return Err(invalid(format!("a rule needs CidrIp or {peer_group_key}")));
            }
        };
        Ok(Self {
            group: string(inputs, "GroupId")?.to_owned(),
            protocol: string(inputs, "IpProtocol")?.to_owned(),
            from: opt_i32(inputs.get("FromPort")),
            to: opt_i32(inputs.get("ToPort")),
            peer,
            description: opt_string(inputs, "Description").map(str::to_owned),
        })
    }

    /// The physical id: every field that identifies the rule in the EC2 API.
    fn id(&self) -> String {
        let port = |p: Option<i32>| p.map_or_else(|| "-".to_owned(), |p| p.to_string());
        format!(
            "{}|{}|{}|{}|{}",
            self.group,
            self.protocol,
            port(self.from),
            port(self.to),
            self.peer
        )
    }

    fn parse(id: &str) -> Result<Self, ProviderError> {
        let parts: Vec<&str> = id.split('|').collect();
        let [group, protocol, from, to, peer] = parts[..] else {
            return Err(invalid(format!("{id} is not a rule id")));
        };
        let port = |p: &str| p.parse().ok();
        Ok(Self {
            group: group.into(),
            protocol: protocol.into(),
            from: port(from),
            to: port(to),
            peer: peer.into(),
            description: None,
        })
    }

    fn permission(&self) -> IpPermission {
        let mut permission = IpPermission::builder()
            .ip_protocol(&self.protocol)
            .set_from_port(self.from)
            .set_to_port(self.to);
        if let Some(cidr) = self.peer.strip_prefix("cidr:") {
            permission = permission.ip_ranges(
                IpRange::builder()
                    .cidr_ip(cidr)
                    .set_description(self.description.clone())
                    .build(),
            );
        } else if let Some(group) = self.peer.strip_prefix("sg:") {
            permission = permission.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(group)
                    .set_description(self.description.clone())
                    .build(),
            );
        }
        permission.build()
    }
}

fn is_duplicate(error: &ProviderError) -> bool {
    error.message.contains("Duplicate")
        || error.message.contains("AlreadyExists")
        || error.message.contains("already")
}

/// The allow-all egress rule AWS gives every new group.
fn default_egress(group: &str) -> Rule {
    Rule {
        group: group.to_owned(),
        protocol: "-1".into(),
        from: None,
        to: None,
        peer: "cidr:0.0.0.0/0".into(),
        description: None,
    }
}

pub(crate) async fn create(
    client: &Client,
    wait: &Wait,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    match request.type_name {
        "AWS::EC2::RouteTable"
        | "AWS::EC2::Route"
        | "AWS::EC2::SubnetRouteTableAssociation"
        | "AWS::EC2::SecurityGroup"
        | "AWS::EC2::SecurityGroupIngress"
        | "AWS::EC2::SecurityGroupEgress" => create_routing_or_security(client, request).await,
        _ => create_network(client, wait, request).await,
    }
}

/// VPCs, subnets, gateways, addresses.
#[allow(clippy::too_many_lines)] // one short arm per resource type, each an API call
async fn create_network(
    client: &Client,
    wait: &Wait,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    let tags = tags(inputs, "Tags", request.ownership);
    match request.type_name {
        "AWS::EC2::VPC" => {
            let out = client
                .create_vpc()
                .cidr_block(string(inputs, "CidrBlock")?)
                .tag_specifications(tag_spec(ResourceType::Vpc, &tags))
                .send()
                .await
                .map_err(classify)?;
            let vpc = out
                .vpc()
                .and_then(|v| v.vpc_id())
                .ok_or_else(|| missing("VPC id"))?
                .to_owned();
            set_vpc_dns(client, &vpc, inputs).await?;
            Ok(created(
                &vpc,
                &[("VpcId", &vpc), ("CidrBlock", string(inputs, "CidrBlock")?)],
            ))
        }
        "AWS::EC2::Subnet" => {
            let out = client
                .create_subnet()
                .vpc_id(string(inputs, "VpcId")?)
                .cidr_block(string(inputs, "CidrBlock")?)
                .set_availability_zone(opt_string(inputs, "AvailabilityZone").map(str::to_owned))
                .tag_specifications(tag_spec(ResourceType::Subnet, &tags))
                .send()
                .await
                .map_err(classify)?;
            let subnet = out
                .subnet()
                .and_then(|s| s.subnet_id())
                .ok_or_else(|| missing("subnet id"))?
                .to_owned();
            if opt_bool(inputs, "MapPublicIpOnLaunch") == Some(true) {
                client
                    .modify_subnet_attribute()
                    .subnet_id(&subnet)
                    .map_public_ip_on_launch(boolean(true))
                    .send()
                    .await
                    .map_err(classify)?;
            }
            Ok(created(&subnet, &[("SubnetId", &subnet)]))
        }
        "AWS::EC2::InternetGateway" => {
            let out = client
                .create_internet_gateway()
                .tag_specifications(tag_spec(ResourceType::InternetGateway, &tags))
                .send()
                .await
                .map_err(classify)?;
            let igw = out
                .internet_gateway()
                .and_then(|g| g.internet_gateway_id())
                .ok_or_else(|| missing("gateway id"))?
                .to_owned();
            Ok(created(&igw, &[("InternetGatewayId", &igw)]))
        }
        "AWS::EC2::VPCGatewayAttachment" => {
            let igw = string(inputs, "InternetGatewayId")?;
            let vpc = string(inputs, "VpcId")?;
            match client
                .attach_internet_gateway()
                .internet_gateway_id(igw)
                .vpc_id(vpc)
                .send()
                .await
                .map_err(classify)
            {
                Err(e) if !is_duplicate(&e) => return Err(e),
                _ => {}
            }
            Ok(created(&format!("{igw}|{vpc}"), &[]))
        }
        "AWS::EC2::EIP" => {
            let out = client
                .allocate_address()
                .domain(DomainType::Vpc)
                .tag_specifications(tag_spec(ResourceType::ElasticIp, &tags))
                .send()
                .await
                .map_err(classify)?;
            let allocation = out
                .allocation_id()
                .ok_or_else(|| missing("allocation id"))?
                .to_owned();
            let ip = out.public_ip().unwrap_or_default().to_owned();
            Ok(created(
                &allocation,
                &[("AllocationId", &allocation), ("PublicIp", &ip)],
            ))
        }
        "AWS::EC2::NatGateway" => {
            let out = client
                .create_nat_gateway()
                .subnet_id(string(inputs, "SubnetId")?)
                .set_allocation_id(opt_string(inputs, "AllocationId").map(str::to_owned))
                .client_token(request.token)
                .tag_specifications(tag_spec(ResourceType::Natgateway, &tags))
                .send()
                .await
                .map_err(classify)?;
            let nat = out
                .nat_gateway()
                .and_then(|n| n.nat_gateway_id())
                .ok_or_else(|| missing("NAT gateway id"))?
                .to_owned();
            wait_nat(client, wait, &nat, &NatGatewayState::Available).await?;
            Ok(created(&nat, &[("NatGatewayId", &nat)]))
        }
        other => Err(invalid(format!("ec2 does not handle {other}"))),
    }
}

/// Route tables, routes, associations, security groups and rules.
#[allow(clippy::too_many_lines)] // one short arm per resource type, each an API call
async fn create_routing_or_security(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    let tags = tags(inputs, "Tags", request.ownership);
    match request.type_name {
        "AWS::EC2::RouteTable" => {
            let out = client
                .create_route_table()
                .vpc_id(string(inputs, "VpcId")?)
                .tag_specifications(tag_spec(ResourceType::RouteTable, &tags))
                .send()
                .await
                .map_err(classify)?;
            let table = out
                .route_table()
                .and_then(|t| t.route_table_id())
                .ok_or_else(|| missing("route table id"))?
                .to_owned();
            Ok(created(&table, &[("RouteTableId", &table)]))
        }
        "AWS::EC2::Route" => {
            let table = string(inputs, "RouteTableId")?;
            let destination = string(inputs, "DestinationCidrBlock")?;
            let result = client
                .create_route()
                .route_table_id(table)
                .destination_cidr_block(destination)
                .set_gateway_id(opt_string(inputs, "GatewayId").map(str::to_owned))
                .set_nat_gateway_id(opt_string(inputs, "NatGatewayId").map(str::to_owned))
                .send()
                .await
                .map_err(classify);
            match result {
                Err(e) if !is_duplicate(&e) => Err(e),
                _ => Ok(created(&format!("{table}|{destination}"), &[])),
            }
        }
        "AWS::EC2::SubnetRouteTableAssociation" => {
            let out = client
                .associate_route_table()
                .subnet_id(string(inputs, "SubnetId")?)
                .route_table_id(string(inputs, "RouteTableId")?)
                .send()
                .await
                .map_err(classify)?;
            let association = out
                .association_id()
                .ok_or_else(|| missing("association id"))?
                .to_owned();
            Ok(created(&association, &[]))
        }
        "AWS::EC2::SecurityGroup" => {
            let name = opt_string(inputs, "GroupName").map_or_else(
                || generated(request.ownership, request.token, 255, false),
                str::to_owned,
            );
            let out = client
                .create_security_group()
                .group_name(name)
                .description(string(inputs, "GroupDescription")?)
                .set_vpc_id(opt_string(inputs, "VpcId").map(str::to_owned))
                .tag_specifications(tag_spec(ResourceType::SecurityGroup, &tags))
                .send()
                .await
                .map_err(classify)?;
            let group = out
                .group_id()
                .ok_or_else(|| missing("group id"))?
                .to_owned();
            sync_inline_egress(client, &group, inputs, None).await?;
            let vpc = opt_string(inputs, "VpcId").unwrap_or_default();
            Ok(created(&group, &[("GroupId", &group), ("VpcId", vpc)]))
        }
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            let ingress = request.type_name.ends_with("Ingress");
            let rule = Rule::from_inputs(
                inputs,
                if ingress {
                    "SourceSecurityGroupId"
                } else {
                    "DestinationSecurityGroupId"
                },
            )?;
            let result = if ingress {
                client
                    .authorize_security_group_ingress()
                    .group_id(&rule.group)
                    .ip_permissions(rule.permission())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(classify)
            } else {
                client
                    .authorize_security_group_egress()
                    .group_id(&rule.group)
                    .ip_permissions(rule.permission())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(classify)
            };
            match result {
                Err(e) if !is_duplicate(&e) => Err(e),
                _ => Ok(created(&rule.id(), &[])),
            }
        }
        other => Err(invalid(format!("ec2 does not handle {other}"))),
    }
}

async fn set_vpc_dns(client: &Client, vpc: &str, inputs: &Inputs) -> Result<(), ProviderError> {
    // One attribute per call, as the API requires.
    if let Some(on) = opt_bool(inputs, "EnableDnsSupport") {
        client
            .modify_vpc_attribute()
            .vpc_id(vpc)
            .enable_dns_support(boolean(on))
            .send()
            .await
            .map_err(classify)?;
    }
    if let Some(on) = opt_bool(inputs, "EnableDnsHostnames") {
        client
            .modify_vpc_attribute()
            .vpc_id(vpc)
            .enable_dns_hostnames(boolean(on))
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}

/// Makes the group's egress the inline `SecurityGroupEgress` list: AWS starts every group with
/// allow-all, which stays only when that is what is asked.
async fn sync_inline_egress(
    client: &Client,
    group: &str,
    inputs: &Inputs,
    old: Option<&Inputs>,
) -> Result<(), ProviderError> {
    let wanted = egress_rules(group, inputs);
    let current = match old {
        Some(old) => egress_rules(group, old),
        None => vec![default_egress(group)],
    };
    for rule in current
        .iter()
        .filter(|r| !wanted.iter().any(|w| w.id() == r.id()))
    {
        match client
            .revoke_security_group_egress()
            .group_id(group)
            .ip_permissions(rule.permission())
            .send()
            .await
            .map_err(classify)
        {
            Err(e) if e.kind != ErrorKind::NotFound && !e.message.contains("NotFound") => {
                return Err(e);
            }
            _ => {}
        }
    }
    for rule in wanted
        .iter()
        .filter(|w| !current.iter().any(|r| r.id() == w.id()))
    {
        match client
            .authorize_security_group_egress()
            .group_id(group)
            .ip_permissions(rule.permission())
            .send()
            .await
            .map_err(classify)
        {
            Err(e) if !is_duplicate(&e) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn egress_rules(group: &str, inputs: &Inputs) -> Vec<Rule> {
    let Some(list) = inputs.get("SecurityGroupEgress").and_then(Json::as_array) else {
        return vec![default_egress(group)];
    };
    list.iter()
        .filter_map(|rule| {
            let map = rule.as_object()?;
            let mut map = map.clone();
            map.insert("GroupId".into(), Json::String(group.to_owned()));
            Rule::from_inputs(&map, "DestinationSecurityGroupId").ok()
        })
        .collect()
}

async fn wait_nat(
    client: &Client,
    wait: &Wait,
    nat: &str,
    state: &NatGatewayState,
) -> Result<(), ProviderError> {
    poll(
        wait,
        "AWS::EC2::NatGateway",
        &format!("NAT gateway {nat} to be {state:?}"),
        || async {
            let out = client
                .describe_nat_gateways()
                .nat_gateway_ids(nat)
                .send()
                .await
                .map_err(classify)?;
            let current = out.nat_gateways().first().and_then(|n| n.state().cloned());
            match current {
                Some(NatGatewayState::Failed) => Err(ProviderError::new(
                    ErrorKind::Other,
                    format!("NAT gateway {nat} failed"),
                )),
                Some(s) => Ok((&s == state).then_some(())),
                None if *state == NatGatewayState::Deleted => Ok(Some(())),
                None => Ok(None),
            }
        },
    )
    .await
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
    changed: &[String],
) -> Result<Attributes, ProviderError> {
    let changed = |name: &str| changed.iter().any(|c| c == name);
    match type_name {
        "AWS::EC2::VPC" => set_vpc_dns(client, physical_id, inputs).await?,
        "AWS::EC2::Subnet" if changed("MapPublicIpOnLaunch") => {
            let on = opt_bool(inputs, "MapPublicIpOnLaunch").unwrap_or(false);
            client
                .modify_subnet_attribute()
                .subnet_id(physical_id)
                .map_public_ip_on_launch(boolean(on))
                .send()
                .await
                .map_err(classify)?;
        }
        "AWS::EC2::Route" => {
            let (table, destination) = id_pair(physical_id, "a route")?;
            client
                .replace_route()
                .route_table_id(table)
                .destination_cidr_block(destination)
                .set_gateway_id(opt_string(inputs, "GatewayId").map(str::to_owned))
                .set_nat_gateway_id(opt_string(inputs, "NatGatewayId").map(str::to_owned))
                .send()
                .await
                .map_err(classify)?;
        }
        "AWS::EC2::SecurityGroup" if changed("SecurityGroupEgress") => {
            // The previous list is not passed in; re-sync from what the group has now.
            let out = client
                .describe_security_groups()
                .group_ids(physical_id)
                .send()
                .await
                .map_err(classify)?;
            let group = out
                .security_groups()
                .first()
                .ok_or_else(|| ProviderError::new(ErrorKind::NotFound, physical_id.to_owned()))?;
            for permission in group.ip_permissions_egress() {
                client
                    .revoke_security_group_egress()
                    .group_id(physical_id)
                    .ip_permissions(permission.clone())
                    .send()
                    .await
                    .map_err(classify)?;
            }
            let empty = Inputs::new();
            let mut none = empty.clone();
            none.insert("SecurityGroupEgress".into(), Json::Array(Vec::new()));
            sync_inline_egress(client, physical_id, inputs, Some(&none)).await?;
        }
        _ => {}
    }
    if changed("Tags") {
        let tags = tags(inputs, "Tags", &BTreeMap::new());
        let mut request = client.create_tags().resources(physical_id);
        for (key, value) in &tags {
            request = request.tags(Tag::builder().key(key).value(value).build());
        }
        request.send().await.map_err(classify)?;
    }
    Ok(Attributes::new())
}

pub(crate) async fn delete(
    client: &Client,
    wait: &Wait,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::EC2::VPC" => client
            .delete_vpc()
            .vpc_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::Subnet" => client
            .delete_subnet()
            .subnet_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::InternetGateway" => client
            .delete_internet_gateway()
            .internet_gateway_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::VPCGatewayAttachment" => {
            let (igw, vpc) = id_pair(physical_id, "an attachment")?;
            client
                .detach_internet_gateway()
                .internet_gateway_id(igw)
                .vpc_id(vpc)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        "AWS::EC2::EIP" => client
            .release_address()
            .allocation_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::NatGateway" => {
            client
                .delete_nat_gateway()
                .nat_gateway_id(physical_id)
                .send()
                .await
                .map_err(classify)?;
            wait_nat(client, wait, physical_id, &NatGatewayState::Deleted).await
        }
        _ => delete_routing_or_security(client, type_name, physical_id).await,
    }
}

async fn delete_routing_or_security(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::EC2::RouteTable" => client
            .delete_route_table()
            .route_table_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::Route" => {
            let (table, destination) = id_pair(physical_id, "a route")?;
            client
                .delete_route()
                .route_table_id(table)
                .destination_cidr_block(destination)
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        "AWS::EC2::SubnetRouteTableAssociation" => client
            .disassociate_route_table()
            .association_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::SecurityGroup" => client
            .delete_security_group()
            .group_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::EC2::SecurityGroupIngress" => {
            let rule = Rule::parse(physical_id)?;
            client
                .revoke_security_group_ingress()
                .group_id(&rule.group)
                .ip_permissions(rule.permission())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        "AWS::EC2::SecurityGroupEgress" => {
            let rule = Rule::parse(physical_id)?;
            client
                .revoke_security_group_egress()
                .group_id(&rule.group)
                .ip_permissions(rule.permission())
                .send()
                .await
                .map(|_| ())
                .map_err(classify)
        }
        other => Err(invalid(format!("ec2 does not handle {other}"))),
    }
}

/// Whether a resource still exists (`None` when it does not).
pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    let gone = |e: ProviderError| {
        if e.kind == ErrorKind::NotFound {
            Ok(None)
        } else {
            Err(e)
        }
    };
    let found = |exists: bool| Ok(exists.then(Attributes::new));
    match type_name {
        "AWS::EC2::VPC" => match client
            .describe_vpcs()
            .vpc_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(!out.vpcs().is_empty()),
            Err(e) => gone(e),
        },
        "AWS::EC2::Subnet" => match client
            .describe_subnets()
            .subnet_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(!out.subnets().is_empty()),
            Err(e) => gone(e),
        },
        "AWS::EC2::InternetGateway" => match client
            .describe_internet_gateways()
            .internet_gateway_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(!out.internet_gateways().is_empty()),
            Err(e) => gone(e),
        },
        "AWS::EC2::SecurityGroup" => match client
            .describe_security_groups()
            .group_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(!out.security_groups().is_empty()),
            Err(e) => gone(e),
        },
        "AWS::EC2::NatGateway" => match client
            .describe_nat_gateways()
            .nat_gateway_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(
                out.nat_gateways()
                    .iter()
                    .any(|n| n.state() != Some(&NatGatewayState::Deleted)),
            ),
            Err(e) => gone(e),
        },
        "AWS::EC2::RouteTable" => match client
            .describe_route_tables()
            .route_table_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(!out.route_tables().is_empty()),
            Err(e) => gone(e),
        },
        "AWS::EC2::EIP" => match client
            .describe_addresses()
            .allocation_ids(physical_id)
            .send()
            .await
            .map_err(classify)
        {
            Ok(out) => found(!out.addresses().is_empty()),
            Err(e) => gone(e),
        },
        // Attachments, routes, associations and rules: recreating them is idempotent, so a
        // pending delete is simply repeated.
        _ => found(true),
    }
}

/// Finds what an interrupted create made, by its `stratus:token` tag.
pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
) -> Result<Option<Created>, ProviderError> {
    let filter = Filter::builder()
        .name("tag:stratus:token")
        .values(token)
        .build();
    let id = match type_name {
        "AWS::EC2::VPC" => client
            .describe_vpcs()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?
            .vpcs()
            .first()
            .and_then(|v| v.vpc_id().map(str::to_owned)),
        "AWS::EC2::Subnet" => client
            .describe_subnets()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?
            .subnets()
            .first()
            .and_then(|s| s.subnet_id().map(str::to_owned)),
        "AWS::EC2::InternetGateway" => client
            .describe_internet_gateways()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?
            .internet_gateways()
            .first()
            .and_then(|g| g.internet_gateway_id().map(str::to_owned)),
        "AWS::EC2::SecurityGroup" => client
            .describe_security_groups()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?
            .security_groups()
            .first()
            .and_then(|g| g.group_id().map(str::to_owned)),
        "AWS::EC2::NatGateway" => client
            .describe_nat_gateways()
            .filter(filter)
            .send()
            .await
            .map_err(classify)?
            .nat_gateways()
            .iter()
            .find(|n| n.state() != Some(&NatGatewayState::Deleted))
            .and_then(|n| n.nat_gateway_id().map(str::to_owned)),
        "AWS::EC2::RouteTable" => client
            .describe_route_tables()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?
            .route_tables()
            .first()
            .and_then(|t| t.route_table_id().map(str::to_owned)),
        "AWS::EC2::EIP" => client
            .describe_addresses()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?
            .addresses()
            .first()
            .and_then(|a| a.allocation_id().map(str::to_owned)),
        _ => None,
    };
    Ok(id.map(|id| {
        let key = match type_name {
            "AWS::EC2::SecurityGroup" => "GroupId",
            "AWS::EC2::EIP" => "AllocationId",
            _ => "Id",
        };
        created(&id, &[(key, &id)])
    }))
}
