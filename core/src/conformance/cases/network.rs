//! Cases of VPC networking: VPCs, subnets, gateways, addresses, route tables and routes.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use crate::conformance::{Case, Stranger, Variant};
use stratus_cfn::ec2::{
    CfnEip, CfnInternetGateway, CfnNatGateway, CfnRoute, CfnRouteTable, CfnSubnet,
    CfnSubnetRouteTableAssociation, CfnVpc, CfnVpcGatewayAttachment,
};

use super::{physical, stack, subnet, vpc};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::EC2::VPC",
            label: "",
            target: "vpc",
            build: |v| {
                let mut s = stack("conf-vpc");
                if v != Variant::Without {
                    s.add(
                        "vpc",
                        CfnVpc {
                            cidr_block: Some(
                                (if v == Variant::Replace {
                                    "10.1.0.0/16"
                                } else {
                                    "10.0.0.0/16"
                                })
                                .into(),
                            ),
                            enable_dns_support: Some((v != Variant::Update(1)).into()),
                            enable_dns_hostnames: Some((v == Variant::Update(0)).into()),
                            instance_tenancy: Some("default".into()),
                            ..CfnVpc::default()
                        },
                    );
                }
                s
            },
            updates: &[&["EnableDnsHostnames"], &["EnableDnsSupport"]],
            replace: Some("CidrBlock"),
            stranger: Stranger::NotApplicable("VPC ids are generated"),
        },
        Case {
            type_name: "AWS::EC2::Subnet",
            label: "",
            target: "subnet",
            build: |v| {
                let mut s = stack("conf-subnet");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                if v != Variant::Without {
                    s.add(
                        "subnet",
                        CfnSubnet {
                            cidr_block: Some(
                                (if v == Variant::Replace {
                                    "10.0.2.0/24"
                                } else {
                                    "10.0.1.0/24"
                                })
                                .into(),
                            ),
                            availability_zone: Some("us-east-1a".into()),
                            map_public_ip_on_launch: Some((v == Variant::Update(0)).into()),
                            ..CfnSubnet::new(vpc)
                        },
                    );
                }
                s
            },
            updates: &[&["MapPublicIpOnLaunch"]],
            replace: Some("CidrBlock"),
            stranger: Stranger::NotApplicable("subnet ids are generated"),
        },
        Case {
            type_name: "AWS::EC2::InternetGateway",
            label: "",
            target: "igw",
            build: |v| {
                let mut s = stack("conf-igw");
                if v != Variant::Without {
                    s.add("igw", CfnInternetGateway::default());
                }
                s
            },
            updates: &[],
            replace: None,
            stranger: Stranger::NotApplicable("gateway ids are generated"),
        },
        Case {
            type_name: "AWS::EC2::VPCGatewayAttachment",
            label: "",
            target: "attachment",
            build: |v| {
                let mut s = stack("conf-attach");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let other = self::vpc(&mut s, "other-vpc", "10.9.0.0/16");
                let igw = s.add("igw", CfnInternetGateway::default());
                if v != Variant::Without {
                    s.add(
                        "attachment",
                        CfnVpcGatewayAttachment {
                            internet_gateway_id: Some(igw.into()),
                            ..CfnVpcGatewayAttachment::new(if v == Variant::Replace {
                                other
                            } else {
                                vpc
                            })
                        },
                    );
                }
                s
            },
            updates: &[],
            replace: Some("VpcId"),
            stranger: Stranger::Changed(|inputs, state| {
                inputs.insert("VpcId".into(), physical(state, "OtherVpc"));
            }),
        },
        Case {
            type_name: "AWS::EC2::EIP",
            label: "",
            target: "eip",
            build: |v| {
                let mut s = stack("conf-eip");
                if v != Variant::Without {
                    s.add(
                        "eip",
                        CfnEip {
                            domain: Some("vpc".into()),
                            ..CfnEip::default()
                        },
                    );
                }
                s
            },
            updates: &[],
            replace: None,
            stranger: Stranger::NotApplicable("allocation ids are generated"),
        },
        Case {
            type_name: "AWS::EC2::NatGateway",
            label: "",
            target: "nat",
            build: |v| {
                let mut s = stack("conf-nat");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let a = subnet(&mut s, "public-a", vpc, "10.0.1.0/24", "a");
                let b = subnet(&mut s, "public-b", vpc, "10.0.2.0/24", "b");
                // The address goes with the gateway: an emulator keeps a deleted gateway's
                // address associated, so a new gateway gets a new one.
                if v != Variant::Without {
                    let eip = s.add(
                        "eip",
                        CfnEip {
                            domain: Some("vpc".into()),
                            ..CfnEip::default()
                        },
                    );
                    s.add(
                        "nat",
                        CfnNatGateway {
                            allocation_id: Some(eip.attr("AllocationId").into()),
                            subnet_id: Some((if v == Variant::Replace { b } else { a }).into()),
                            ..CfnNatGateway::default()
                        },
                    );
                }
                s
            },
            updates: &[],
            replace: Some("SubnetId"),
            stranger: Stranger::NotApplicable("NAT gateway ids are generated"),
        },
        Case {
            type_name: "AWS::EC2::RouteTable",
            label: "",
            target: "table",
            build: |v| {
                let mut s = stack("conf-rtb");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let other = self::vpc(&mut s, "other-vpc", "10.9.0.0/16");
                if v != Variant::Without {
                    s.add(
                        "table",
                        CfnRouteTable::new(if v == Variant::Replace { other } else { vpc }),
                    );
                }
                s
            },
            updates: &[],
            replace: Some("VpcId"),
            stranger: Stranger::NotApplicable("route table ids are generated"),
        },
        Case {
            type_name: "AWS::EC2::Route",
            label: "",
            target: "route",
            build: |v| {
                let mut s = stack("conf-route");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let public = subnet(&mut s, "public", vpc, "10.0.1.0/24", "a");
                let igw = s.add("igw", CfnInternetGateway::default());
                s.add(
                    "attachment",
                    CfnVpcGatewayAttachment {
                        internet_gateway_id: Some(igw.into()),
                        ..CfnVpcGatewayAttachment::new(vpc)
                    },
                );
                let eip = s.add(
                    "eip",
                    CfnEip {
                        domain: Some("vpc".into()),
                        ..CfnEip::default()
                    },
                );
                let nat = s.add(
                    "nat",
                    CfnNatGateway {
                        allocation_id: Some(eip.attr("AllocationId").into()),
                        subnet_id: Some(public.into()),
                        ..CfnNatGateway::default()
                    },
                );
                let table = s.add("table", CfnRouteTable::new(vpc));
                if v != Variant::Without {
                    let through_nat = v == Variant::Update(0);
                    s.add(
                        "route",
                        CfnRoute {
                            destination_cidr_block: Some(
                                (if v == Variant::Replace {
                                    "192.0.2.0/24"
                                } else {
                                    "0.0.0.0/0"
                                })
                                .into(),
                            ),
                            gateway_id: (!through_nat).then_some(igw).map(Into::into),
                            nat_gateway_id: through_nat.then_some(nat).map(Into::into),
                            ..CfnRoute::new(table)
                        },
                    );
                }
                s
            },
            updates: &[&["GatewayId", "NatGatewayId"]],
            replace: Some("DestinationCidrBlock"),
            stranger: Stranger::Changed(|inputs, state| {
                inputs.remove("GatewayId");
                inputs.insert("NatGatewayId".into(), physical(state, "Nat"));
            }),
        },
        Case {
            type_name: "AWS::EC2::SubnetRouteTableAssociation",
            label: "",
            target: "association",
            build: |v| {
                let mut s = stack("conf-assoc");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let subnet = subnet(&mut s, "subnet", vpc, "10.0.1.0/24", "a");
                let table = s.add("table", CfnRouteTable::new(vpc));
                let other = s.add("other-table", CfnRouteTable::new(vpc));
                if v != Variant::Without {
                    s.add(
                        "association",
                        CfnSubnetRouteTableAssociation::new(
                            if v == Variant::Replace { other } else { table },
                            subnet,
                        ),
                    );
                }
                s
            },
            updates: &[],
            replace: Some("RouteTableId"),
            stranger: Stranger::Changed(|inputs, state| {
                inputs.insert("RouteTableId".into(), physical(state, "OtherTable"));
            }),
        },
    ]
}
