//! The reference three-tier stack (`shared/reference/three-tier.md`), as a user writes it.
//!
//! Run: `cargo run --example three_tier` (validates the stack and lists its resources), or add a
//! verb: `cargo run --example three_tier -- validate`.

use std::process::ExitCode;

use stratus::prelude::*;

/// The presentation-tier network: VPC, subnets, gateways, routes and the security groups.
fn build() -> Stack {
    let mut stack = Stack::new("project-x", Environment::region("us-east-1"));
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

    let lb_sg = SecurityGroup::builder("lb-sg", &vpc)
        .name("project-x-lb-sg")
        .description("load balancer: HTTP from anywhere")
        .allow_all_outbound(false)
        .build(&mut stack);
    let app_sg = SecurityGroup::builder("app-sg", &vpc)
        .name("project-x-logic-tier-sg")
        .description("logic tier: Flask on 5000 from the load balancer only")
        .build(&mut stack);
    let db_sg = SecurityGroup::builder("db-sg", &vpc)
        .name("project-x-db-sg")
        .build(&mut stack);
    let efs_sg = SecurityGroup::builder("efs-sg", &vpc)
        .name("project-x-efs-sg")
        .build(&mut stack);
    let bastion_sg = SecurityGroup::builder("bastion-sg", &vpc)
        .name("project-x-bastion-sg")
        .build(&mut stack);

    stack
        .allow(Peer::any_ipv4(), &lb_sg, Port::HTTP)
        .allow(lb_sg, &app_sg, Port::tcp(5000))
        .allow(app_sg, &db_sg, Port::MYSQL)
        .allow(app_sg, &efs_sg, Port::NFS)
        .allow(Peer::ipv4("203.0.113.10/32"), &bastion_sg, Port::SSH);
    stack
}

fn main() -> ExitCode {
    let mut app = App::new();
    app.add_stack(build());
    if std::env::args().len() > 1 {
        return stratus::cli::run(&app);
    }
    match app.validate() {
        Ok(()) => {
            for stack in app.stacks() {
                println!(
                    "stack {}: {} resources, valid",
                    stack.name(),
                    stack.graph().len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{errors}");
            ExitCode::FAILURE
        }
    }
}
