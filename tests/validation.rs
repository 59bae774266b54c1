//! Every validation class, with the message a user sees. Each names the construct path and the fix.

use stratus::cfn::ec2::{CfnSubnet, CfnVpc};
use stratus::prelude::*;
use stratus::{ValidationError, ValidationErrors};

fn stack() -> Stack {
    Stack::new("prod", Environment::region("us-east-1"))
}

fn errors(stack: &Stack) -> ValidationErrors {
    stack.validate().expect_err("the stack should be invalid")
}

fn messages(stack: &Stack) -> Vec<String> {
    errors(stack).iter().map(ToString::to_string).collect()
}

fn l1_subnet(stack: &mut Stack, id: &str, vpc: Ref<CfnVpc>, cidr: &str) {
    stack.add(
        id,
        CfnSubnet {
            cidr_block: Some(cidr.into()),
            ..CfnSubnet::new(vpc)
        },
    );
}

#[test]
fn subnet_outside_the_vpc() {
    let mut s = stack();
    let vpc = s.add(
        "vpc",
        CfnVpc {
            cidr_block: Some("10.0.0.0/16".into()),
            ..CfnVpc::default()
        },
    );
    l1_subnet(&mut s, "stray", vpc, "10.1.0.0/24");
    assert_eq!(
        messages(&s),
        [
            "prod/stray: subnet 10.1.0.0/24 lies outside vpc prod/vpc (10.0.0.0/16); choose a cidr inside 10.0.0.0/16"
        ]
    );
}

#[test]
fn explicit_group_outside_the_vpc() {
    let mut s = stack();
    Vpc::builder("vpc")
        .max_azs(1)
        .nat_gateways(0)
        .subnet_groups([SubnetGroup::public("web").cidrs(["10.9.0.0/24"])])
        .build(&mut s);
    let errors = errors(&s);
    assert!(
        matches!(&errors.0[..], [ValidationError::SubnetOutsideVpc { path, .. }] if path.as_str() == "prod/vpc/web"),
        "{errors}"
    );
}

#[test]
fn overlapping_subnets() {
    let mut s = stack();
    let vpc = s.add(
        "vpc",
        CfnVpc {
            cidr_block: Some("10.0.0.0/16".into()),
            ..CfnVpc::default()
        },
    );
    l1_subnet(&mut s, "a", vpc, "10.0.0.0/23");
    l1_subnet(&mut s, "b", vpc, "10.0.1.0/24");
    assert_eq!(
        messages(&s),
        [
            "prod/b: subnet 10.0.1.0/24 overlaps prod/a (10.0.0.0/23); give one of them a disjoint cidr"
        ]
    );
}

#[test]
fn overlapping_explicit_group_and_automatic_group() {
    let mut s = stack();
    Vpc::builder("vpc")
        .max_azs(1)
        .subnet_groups([
            SubnetGroup::public("public"),
            SubnetGroup::private_with_egress("app").cidrs(["10.0.0.0/24"]),
        ])
        .nat_gateways(1)
        .build(&mut s);
    let text = errors(&s).to_string();
    assert!(
        text.contains("prod/vpc/app: subnet 10.0.0.0/24 overlaps"),
        "{text}"
    );
}

#[test]
fn masks_outside_16_to_28() {
    let mut s = stack();
    let vpc = Vpc::builder("vpc")
        .cidr("10.0.0.0/8")
        .max_azs(1)
        .build(&mut s);
    l1_subnet(&mut s, "tiny", vpc.id(), "10.0.200.0/29");
    let all = messages(&s);
    assert!(
        all.contains(&"prod/vpc: vpc 10.0.0.0/8 has a /8 mask; AWS accepts /16 to /28, choose one in that range".into()),
        "{all:#?}"
    );
    assert!(
        all.contains(&"prod/tiny: subnet 10.0.200.0/29 has a /29 mask; AWS accepts /16 to /28, choose one in that range".into()),
        "{all:#?}"
    );
}

#[test]
fn address_space_exhausted() {
    let mut s = stack();
    Vpc::builder("vpc")
        .cidr("10.0.0.0/24")
        .max_azs(3)
        .subnet_groups([
            SubnetGroup::public("public").mask(26),
            SubnetGroup::isolated("data").mask(26),
        ])
        .nat_gateways(0)
        .build(&mut s);
    let all = messages(&s);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[0].starts_with("prod/vpc/public: no room in 10.0.0.0/24 for"),
        "{all:#?}"
    );
    assert!(all[0].contains("use a longer mask"), "{all:#?}");
}

#[test]
fn exhausted_by_the_third_group() {
    let mut s = stack();
    Vpc::builder("vpc")
        .max_azs(3)
        .subnet_groups([
            SubnetGroup::public("public").mask(20),
            SubnetGroup::private_with_egress("app").mask(20),
            SubnetGroup::isolated("data").mask(20),
        ])
        .nat_gateways(1)
        .build(&mut s);
    assert_eq!(
        messages(&s),
        [
            "prod/vpc/data: no room in 10.0.0.0/16 for a /17 (8 zones × /20); use a longer mask, fewer groups, \
          fewer reserved zones (.reserved_azs(n)), or a larger vpc block"
        ]
    );
}

#[test]
fn malformed_cidrs_say_what_was_meant() {
    let mut s = stack();
    Vpc::builder("vpc")
        .cidr("10.0.1.0/16")
        .max_azs(1)
        .build(&mut s);
    let sg = {
        let ok = Vpc::builder("vpc2").max_azs(1).build(&mut s);
        SecurityGroup::builder("bastion-sg", &ok).build(&mut s)
    };
    s.allow(Peer::ipv4("203.0.113.10"), &sg, Port::SSH);
    assert_eq!(
        messages(&s),
        [
            r#"prod/bastion-sg/from-203-0-113-10-tcp-22: malformed cidr "203.0.113.10": missing prefix length; did you mean 203.0.113.10/32?"#,
            r#"prod/vpc: malformed cidr "10.0.1.0/16": host bits are set; did you mean 10.0.0.0/16?"#,
        ]
    );
}

#[test]
fn fewer_zones_than_asked() {
    let mut s = Stack::new("prod", Environment::region("us-west-1"));
    Vpc::builder("vpc").max_azs(3).build(&mut s);
    assert_eq!(
        messages(&s),
        [
            "prod/vpc: asked for 3 availability zones but us-west-1 has 2 (us-west-1a, us-west-1c); ask for at most 2"
        ]
    );
}

#[test]
fn zones_of_another_region_or_no_region() {
    let mut s = stack();
    Vpc::builder("vpc")
        .azs(["us-east-1a", "eu-west-1a"])
        .build(&mut s);
    let text = errors(&s).to_string();
    assert!(
        text.contains(r#"zone "eu-west-1a" is not in region us-east-1"#),
        "{text}"
    );

    let mut agnostic = Stack::new("any", Environment::default());
    Vpc::builder("vpc").build(&mut agnostic);
    let text = errors(&agnostic).to_string();
    assert!(text.contains("the stack has no region"), "{text}");
}

#[test]
fn duplicate_and_invalid_ids() {
    let mut s = stack();
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut s);
    SecurityGroup::builder("app", &vpc).build(&mut s);
    SecurityGroup::builder("app", &vpc).build(&mut s);
    SecurityGroup::builder("my sg", &vpc).build(&mut s);
    assert_eq!(
        messages(&s),
        [
            "prod/app: duplicate id; ids must be unique within their scope, rename one of them",
            r#"prod/my sg: invalid id: ' ' is not allowed; use letters, digits and '-' (e.g. "my-sg")"#,
        ]
    );
}

#[test]
fn reversed_port_range() {
    let mut s = stack();
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut s);
    let sg = SecurityGroup::builder("app-sg", &vpc).build(&mut s);
    s.allow(Peer::any_ipv4(), &sg, Port::tcp_range(9000, 8000));
    assert_eq!(
        messages(&s),
        [
            "prod/app-sg/from-anywhere-tcp-9000-8000: port range 9000-8000 is reversed; write Port::tcp_range(8000, 9000)"
        ]
    );
}

#[test]
fn the_same_rule_twice_is_one_rule() {
    let mut s = stack();
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut s);
    let sg = SecurityGroup::builder("web", &vpc).build(&mut s);
    s.allow(Peer::any_ipv4(), &sg, Port::HTTPS)
        .allow(Peer::any_ipv4(), &sg, Port::HTTPS);
    s.validate().unwrap();
    assert_eq!(
        s.graph().by_type("AWS::EC2::SecurityGroupIngress").count(),
        1
    );
}

#[test]
fn too_many_tags() {
    let mut s = stack();
    for i in 0..49 {
        s.tag(format!("team-{i}"), "x");
    }
    let vpc = Vpc::builder("vpc")
        .name("net")
        .max_azs(1)
        .subnet_groups([SubnetGroup::isolated("data")])
        .build(&mut s);
    s.tag_resource(vpc.id().id(), "CostCentre", "42");
    let all = messages(&s);
    assert!(
        all.contains(
            &"prod/vpc: 51 tags (stack tags included) is over AWS's limit of 50; remove 1".into()
        ),
        "{all:#?}"
    );
}

#[test]
fn tag_keys_and_values_over_limits() {
    let mut s = stack();
    s.tag("k".repeat(129), "v");
    s.tag("owner", "v".repeat(257));
    s.tag("aws:cloudformation", "x");
    let all = messages(&s);
    assert_eq!(all.len(), 3, "{all:#?}");
    assert!(
        all.iter()
            .any(|m| m.contains("key is 129 characters; AWS allows at most 128")),
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|m| m.contains("value is 257 characters; AWS allows at most 256")),
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|m| m.contains(r#"keys starting with "aws:" are reserved"#)),
        "{all:#?}"
    );
    assert!(all.iter().all(|m| m.starts_with("prod: tag ")), "{all:#?}");
}

#[test]
fn names_over_aws_limits() {
    let mut s = stack();
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut s);
    SecurityGroup::builder("app-sg", &vpc)
        .name("n".repeat(256))
        .build(&mut s);
    let all = messages(&s);
    assert_eq!(all.len(), 1);
    assert!(
        all[0].starts_with("prod/app-sg: security group name"),
        "{all:#?}"
    );
    assert!(
        all[0].ends_with("is 256 characters; AWS allows at most 255, shorten it"),
        "{all:#?}"
    );
}

#[test]
fn dependency_cycle_names_every_resource_on_it() {
    let mut s = stack();
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut s);
    let a = SecurityGroup::builder("a", &vpc).build(&mut s);
    let b = SecurityGroup::builder("b", &vpc).build(&mut s);
    let c = SecurityGroup::builder("c", &vpc).build(&mut s);
    s.add_dependency(b.id().id(), a.id().id());
    s.add_dependency(c.id().id(), b.id().id());
    s.add_dependency(a.id().id(), c.id().id());
    let all = errors(&s);
    let Some(ValidationError::DependencyCycle { cycle }) = all.iter().next() else {
        panic!("{all}")
    };
    let mut on_cycle: Vec<&str> = cycle
        .iter()
        .map(stratus::path::ConstructPath::as_str)
        .collect();
    assert_eq!(
        on_cycle.first(),
        on_cycle.last(),
        "a cycle returns to its start"
    );
    on_cycle.pop();
    on_cycle.sort_unstable();
    assert_eq!(on_cycle, ["prod/a", "prod/b", "prod/c"]);
    assert!(all.to_string().contains(" -> "), "{all}");
}

#[test]
fn all_errors_are_collected_not_just_the_first() {
    let mut s = Stack::new("prod", Environment::region("us-west-1"));
    let vpc = Vpc::builder("vpc")
        .cidr("10.0.0.0/12")
        .max_azs(5)
        .build(&mut s);
    let sg = SecurityGroup::builder("sg", &vpc)
        .name("sg-bad")
        .build(&mut s);
    s.allow(Peer::ipv4("1.2.3.4/8"), &sg, Port::udp_range(60, 50));
    s.tag("aws:x", "y");
    let errors = errors(&s);
    assert!(errors.len() >= 4, "{errors}");
    assert!(
        errors
            .to_string()
            .starts_with(&format!("{} validation errors:", errors.len()))
    );
}

#[test]
fn handles_from_another_stack_are_reported() {
    let mut one = stack();
    let vpc = Vpc::builder("vpc").max_azs(1).build(&mut one);
    let mut two = Stack::new("other", Environment::region("us-east-1"));
    SecurityGroup::builder("sg", &vpc).build(&mut two);
    assert_eq!(
        messages(&two),
        [
            "other/sg: refers to a resource of another stack; cross-stack references are not supported, create it in this stack"
        ]
    );
}

#[test]
fn nat_gateway_needs_somewhere_to_live() {
    let mut s = stack();
    Vpc::builder("vpc")
        .max_azs(2)
        .subnet_groups([SubnetGroup::private_with_egress("app")])
        .build(&mut s);
    let text = errors(&s).to_string();
    assert!(
        text.contains("the vpc has no public subnet group to hold them"),
        "{text}"
    );
}
