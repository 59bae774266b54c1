//! The network of the reference architecture, declared and checked as a user would.

use std::collections::BTreeSet;

use stratus::cfn::ec2::CfnVpc;
use stratus::prelude::*;

struct Network {
    stack: Stack,
    vpc: Vpc,
    groups: [SecurityGroup; 5],
}

/// 10.0.0.0/16, 3 AZs, 3 public + 3 private subnets, IGW, one NAT, routes, five security groups
/// wired with connections.
fn reference_network() -> Network {
    let mut stack = Stack::new("prod", Environment::aws("123456789012", "us-east-1"));
    stack.tag("Environment", "prod");
    let vpc = Vpc::builder("vpc")
        .name("project-x-vpc")
        .cidr("10.0.0.0/16")
        .max_azs(3)
        .subnet_groups([
            SubnetGroup::public("public"),
            SubnetGroup::private_with_egress("private").mask(24),
        ])
        .nat_gateways(1)
        .build(&mut stack);
    let lb = SecurityGroup::builder("lb-sg", &vpc)
        .name("project-x-lb-sg")
        .allow_all_outbound(false)
        .build(&mut stack);
    let app = SecurityGroup::builder("app-sg", &vpc)
        .name("project-x-logic-tier-sg")
        .build(&mut stack);
    let db = SecurityGroup::builder("db-sg", &vpc)
        .name("project-x-db-sg")
        .build(&mut stack);
    let efs = SecurityGroup::builder("efs-sg", &vpc)
        .name("project-x-efs-sg")
        .build(&mut stack);
    let bastion = SecurityGroup::builder("bastion-sg", &vpc)
        .name("project-x-bastion-sg")
        .build(&mut stack);
    stack
        .allow(Peer::any_ipv4(), &lb, Port::HTTP)
        .allow(lb, &app, Port::tcp(5000))
        .allow(app, &db, Port::MYSQL)
        .allow(app, &efs, Port::NFS)
        .allow(Peer::ipv4("203.0.113.10/32"), &bastion, Port::SSH)
        .allow(bastion, &app, Port::SSH);
    Network {
        stack,
        vpc,
        groups: [lb, app, db, efs, bastion],
    }
}

fn count(stack: &Stack, type_name: &str) -> usize {
    stack.graph().by_type(type_name).count()
}

#[test]
fn reference_network_is_valid() {
    let net = reference_network();
    net.stack.validate().unwrap();
}

#[test]
fn six_subnets_over_three_zones_without_overlap() {
    let net = reference_network();
    let subnets = net.vpc.subnets();
    assert_eq!(subnets.len(), 6);
    let zones: BTreeSet<_> = subnets.iter().map(|s| s.az.as_str()).collect();
    assert_eq!(
        zones,
        BTreeSet::from(["us-east-1a", "us-east-1b", "us-east-1c"])
    );
    let cidrs: Vec<String> = subnets.iter().map(|s| s.cidr.to_string()).collect();
    assert_eq!(
        cidrs,
        [
            "10.0.0.0/24",
            "10.0.1.0/24",
            "10.0.2.0/24",
            "10.0.8.0/24",
            "10.0.9.0/24",
            "10.0.10.0/24"
        ]
    );
    assert_eq!(net.vpc.public_subnets().len(), 3);
    assert_eq!(net.vpc.private_subnets().len(), 3);
}

#[test]
fn gateways_and_routes() {
    let net = reference_network();
    let stack = &net.stack;
    assert_eq!(count(stack, "AWS::EC2::InternetGateway"), 1);
    assert_eq!(count(stack, "AWS::EC2::VPCGatewayAttachment"), 1);
    assert_eq!(count(stack, "AWS::EC2::NatGateway"), 1);
    assert_eq!(count(stack, "AWS::EC2::EIP"), 1);
    // one public table, one private table per zone
    assert_eq!(count(stack, "AWS::EC2::RouteTable"), 4);
    assert_eq!(count(stack, "AWS::EC2::SubnetRouteTableAssociation"), 6);
    let routes: Vec<_> = stack
        .graph()
        .by_type("AWS::EC2::Route")
        .map(|(_, n)| n)
        .collect();
    assert_eq!(routes.len(), 4);
    let to_igw = routes
        .iter()
        .filter(|r| r.properties.get("GatewayId").is_some())
        .count();
    let to_nat = routes
        .iter()
        .filter(|r| r.properties.get("NatGatewayId").is_some())
        .count();
    assert_eq!((to_igw, to_nat), (1, 3));

    // The NAT gateway sits in a public subnet.
    let (nat, nat_node) = stack
        .graph()
        .by_type("AWS::EC2::NatGateway")
        .next()
        .unwrap();
    let subnet = nat_node
        .properties
        .get("SubnetId")
        .and_then(Value::as_ref_id)
        .unwrap();
    assert!(
        net.vpc
            .public_subnets()
            .iter()
            .any(|s| s.id().id() == subnet)
    );
    // Its EIP waits for the gateway attachment, which no property says.
    let (eip, _) = stack.graph().by_type("AWS::EC2::EIP").next().unwrap();
    assert!(
        stack
            .graph()
            .dependencies(nat)
            .iter()
            .any(|(d, _)| *d == eip)
    );
    let (attachment, _) = stack
        .graph()
        .by_type("AWS::EC2::VPCGatewayAttachment")
        .next()
        .unwrap();
    assert!(
        stack
            .graph()
            .dependencies(eip)
            .iter()
            .any(|(d, _)| *d == attachment)
    );
}

#[test]
fn dns_and_names() {
    let net = reference_network();
    let vpc = net.stack.node(net.vpc.id().id());
    assert_eq!(
        vpc.properties.get("EnableDnsHostnames"),
        Some(&Value::Bool(true))
    );
    assert_eq!(
        vpc.properties.get("CidrBlock").and_then(Value::as_str),
        Some("10.0.0.0/16")
    );
    assert_eq!(
        vpc.tags.get("Name").map(String::as_str),
        Some("project-x-vpc")
    );
    assert_eq!(vpc.path.as_str(), "prod/vpc");
    assert_eq!(vpc.path.logical_id(), "Vpc");
    let private_b = net.stack.graph().find("vpc/private-b").unwrap();
    assert_eq!(
        net.stack.graph().node(private_b).path.logical_id(),
        "VpcPrivateB"
    );
}

#[test]
fn connections_write_both_sides() {
    let net = reference_network();
    let [lb, app, db, ..] = net.groups;
    let stack = &net.stack;
    assert_eq!(count(stack, "AWS::EC2::SecurityGroup"), 5);
    assert_eq!(count(stack, "AWS::EC2::SecurityGroupIngress"), 6);
    // Only the load balancer restricts outbound traffic, so only its rule has an egress side.
    let egress: Vec<_> = stack
        .graph()
        .by_type("AWS::EC2::SecurityGroupEgress")
        .map(|(_, n)| n)
        .collect();
    assert_eq!(egress.len(), 1);
    assert_eq!(egress[0].path.as_str(), "prod/lb-sg/to-app-sg-tcp-5000");
    assert_eq!(
        egress[0].properties.get("FromPort"),
        Some(&Value::Int(5000))
    );

    let db_rule = stack
        .graph()
        .find("db-sg/from-app-sg-tcp-3306")
        .expect("db ingress rule");
    let rule = stack.graph().node(db_rule);
    assert_eq!(
        rule.properties.get("IpProtocol").and_then(Value::as_str),
        Some("tcp")
    );
    assert_eq!(rule.properties.get("ToPort"), Some(&Value::Int(3306)));
    // The rule depends on both groups: references became edges.
    let deps: Vec<_> = stack
        .graph()
        .dependencies(db_rule)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    assert!(deps.contains(&db.id().id().node()) && deps.contains(&app.id().id().node()));
    assert!(!deps.contains(&lb.id().id().node()));
}

#[test]
fn topological_order_creates_dependencies_first() {
    let net = reference_network();
    let graph = net.stack.graph();
    let order = graph.topological_order().unwrap();
    assert_eq!(order.len(), graph.len());
    let position = |i| order.iter().position(|x| *x == i).unwrap();
    for (dependency, dependent, _) in graph.edges() {
        assert!(position(dependency) < position(dependent));
    }
    assert!(
        graph.dependencies(order[0]).is_empty(),
        "the first resource depends on nothing"
    );
    let vpc = net.vpc.id().id().node();
    let subnet = net.vpc.subnets()[0].id.id().node();
    assert!(position(vpc) < position(subnet));
}

#[test]
fn adding_a_zone_or_a_group_keeps_existing_subnets() {
    let build = |zones: usize, extra_group: bool| {
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        let mut groups = vec![
            SubnetGroup::public("public"),
            SubnetGroup::private_with_egress("private"),
        ];
        if extra_group {
            groups.push(SubnetGroup::isolated("data").mask(26));
        }
        let vpc = Vpc::builder("vpc")
            .max_azs(zones)
            .subnet_groups(groups)
            .build(&mut stack);
        stack.validate().unwrap();
        vpc.subnets()
            .iter()
            .map(|s| (s.group.clone(), s.az.clone(), s.cidr))
            .collect::<Vec<_>>()
    };
    let before = build(3, false);
    let more_zones = build(4, false);
    let more_groups = build(3, true);
    for subnet in &before {
        assert!(
            more_zones.contains(subnet),
            "{subnet:?} renumbered when a zone was added"
        );
        assert!(
            more_groups.contains(subnet),
            "{subnet:?} renumbered when a group was added"
        );
    }
    assert_eq!(more_zones.len(), 8);
    assert_eq!(more_groups.len(), 9);
}

#[test]
fn explicit_cidrs_are_accepted() {
    let mut stack = Stack::new("prod", Environment::region("eu-west-1"));
    let vpc = Vpc::builder("vpc")
        .cidr("172.16.0.0/16")
        .max_azs(2)
        .subnet_groups([SubnetGroup::public("web").cidrs(["172.16.100.0/24", "172.16.101.0/24"])])
        .nat_gateways(0)
        .build(&mut stack);
    stack.validate().unwrap();
    let cidrs: Vec<_> = vpc.subnets().iter().map(|s| s.cidr.to_string()).collect();
    assert_eq!(cidrs, ["172.16.100.0/24", "172.16.101.0/24"]);
}

#[test]
fn references_become_edges_for_user_resources() {
    // A user-defined L1 type: reference fields become edges with no hand-written code.
    #[derive(Resource)]
    #[resource(type = "AWS::EC2::FlowLog")]
    struct FlowLog {
        #[resource(replace)]
        resource_id: Ref<CfnVpc>,
        resource_type: String,
        traffic_type: String,
    }
    let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut stack);
    let log = stack.add(
        "flow-log",
        FlowLog {
            resource_id: vpc.id(),
            resource_type: "VPC".into(),
            traffic_type: "ALL".into(),
        },
    );
    let node = stack.node(log.id());
    assert_eq!(node.type_name, "AWS::EC2::FlowLog");
    assert_eq!(node.replace_on, ["ResourceId"]);
    let deps = stack.graph().dependencies(log.id().node());
    assert_eq!(
        deps,
        [(vpc.id().id().node(), stratus::graph::EdgeKind::Reference)]
    );
    assert_eq!(
        stack.graph().dependents(vpc.id().id().node()).last(),
        Some(&log.id().node())
    );
}
