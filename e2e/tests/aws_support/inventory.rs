//! Everything the emulator holds, counted by kind with describe and list calls written here
//! (not through the provider): VPCs, subnets, routes, rules, instances, groups, listeners,
//! mount targets, databases, snapshots, roles, policies, secrets, zones, records, certificates,
//! distributions. Compared with the count after a clean run, it shows any duplicate or orphan,
//! tagged or not, including what AWS makes on the side (a VPC's main route table, an instance
//! launched by a group).

use std::collections::BTreeMap;

use aws_config::SdkConfig;

/// Counts by kind (`ec2:vpc`, `elb:listener`, …).
pub type Inventory = BTreeMap<String, i64>;

/// What `after` holds more (or less) than `before`, kinds with no difference left out.
pub fn difference(after: &Inventory, before: &Inventory) -> Inventory {
    let mut kinds: Vec<&String> = after.keys().chain(before.keys()).collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .filter_map(|kind| {
            let delta = after.get(kind).unwrap_or(&0) - before.get(kind).unwrap_or(&0);
            (delta != 0).then(|| (kind.clone(), delta))
        })
        .collect()
}

fn len<T>(items: &[T]) -> i64 {
    i64::try_from(items.len()).unwrap_or(i64::MAX)
}

/// Everything the emulator holds, by kind.
pub async fn take(config: &SdkConfig) -> Result<Inventory, String> {
    let mut counts = Inventory::new();
    ec2(config, &mut counts).await?;
    compute(config, &mut counts).await?;
    load_balancing(config, &mut counts).await?;
    data(config, &mut counts).await?;
    identity(config, &mut counts).await?;
    edge(config, &mut counts).await?;
    Ok(counts)
}

fn e(error: impl std::fmt::Debug) -> String {
    format!("{error:?}")
}

async fn ec2(config: &SdkConfig, counts: &mut Inventory) -> Result<(), String> {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let vpcs = ec2.describe_vpcs().send().await.map_err(e)?;
    counts.insert("ec2:vpc".into(), len(vpcs.vpcs()));
    let subnets = ec2.describe_subnets().send().await.map_err(e)?;
    counts.insert("ec2:subnet".into(), len(subnets.subnets()));
    let gateways = ec2.describe_internet_gateways().send().await.map_err(e)?;
    counts.insert(
        "ec2:internet-gateway".into(),
        len(gateways.internet_gateways()),
    );
    counts.insert(
        "ec2:internet-gateway-attachment".into(),
        gateways
            .internet_gateways()
            .iter()
            .map(|g| len(g.attachments()))
            .sum(),
    );
    let addresses = ec2.describe_addresses().send().await.map_err(e)?;
    counts.insert("ec2:elastic-ip".into(), len(addresses.addresses()));
    let nats = ec2.describe_nat_gateways().send().await.map_err(e)?;
    counts.insert(
        "ec2:nat-gateway".into(),
        len(&nats
            .nat_gateways()
            .iter()
            .filter(|n| {
                !matches!(
                    n.state(),
                    Some(
                        aws_sdk_ec2::types::NatGatewayState::Deleted
                            | aws_sdk_ec2::types::NatGatewayState::Deleting
                    )
                )
            })
            .collect::<Vec<_>>()),
    );
    let tables = ec2.describe_route_tables().send().await.map_err(e)?;
    counts.insert("ec2:route-table".into(), len(tables.route_tables()));
    counts.insert(
        "ec2:route".into(),
        tables.route_tables().iter().map(|t| len(t.routes())).sum(),
    );
    counts.insert(
        "ec2:route-table-association".into(),
        tables
            .route_tables()
            .iter()
            .map(|t| len(t.associations()))
            .sum(),
    );
    let groups = ec2.describe_security_groups().send().await.map_err(e)?;
    counts.insert("ec2:security-group".into(), len(groups.security_groups()));
    let mut rules = 0;
    let mut token = None;
    loop {
        let page = ec2
            .describe_security_group_rules()
            .set_next_token(token)
            .send()
            .await
            .map_err(e)?;
        rules += len(page.security_group_rules());
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
        }
    }
    counts.insert("ec2:security-group-rule".into(), rules);
    let templates = ec2.describe_launch_templates().send().await.map_err(e)?;
    counts.insert(
        "ec2:launch-template".into(),
        len(templates.launch_templates()),
    );
    instances(&ec2, counts).await?;
    Ok(())
}

/// Instances not terminated, and apart those stopped.
async fn instances(ec2: &aws_sdk_ec2::Client, counts: &mut Inventory) -> Result<(), String> {
    let reservations = ec2.describe_instances().send().await.map_err(e)?;
    let live = reservations
        .reservations()
        .iter()
        .flat_map(aws_sdk_ec2::types::Reservation::instances)
        .filter(|i| {
            !matches!(
                i.state().and_then(|s| s.name()),
                Some(
                    aws_sdk_ec2::types::InstanceStateName::Terminated
                        | aws_sdk_ec2::types::InstanceStateName::ShuttingDown
                )
            )
        })
        .count();
    counts.insert("ec2:instance".into(), i64::try_from(live).unwrap_or(0));
    // An instance a type change stopped and never started again is still "held": counted apart,
    // so that a run resumed after a crash between the stop and the start shows it.
    let stopped = reservations
        .reservations()
        .iter()
        .flat_map(aws_sdk_ec2::types::Reservation::instances)
        .filter(|i| {
            matches!(
                i.state().and_then(|s| s.name()),
                Some(
                    aws_sdk_ec2::types::InstanceStateName::Stopped
                        | aws_sdk_ec2::types::InstanceStateName::Stopping
                )
            )
        })
        .count();
    if stopped > 0 {
        counts.insert(
            "ec2:instance (stopped)".into(),
            i64::try_from(stopped).unwrap_or(0),
        );
    }
    Ok(())
}

async fn compute(config: &SdkConfig, counts: &mut Inventory) -> Result<(), String> {
    let autoscaling = aws_sdk_autoscaling::Client::new(config);
    let groups = autoscaling
        .describe_auto_scaling_groups()
        .send()
        .await
        .map_err(e)?;
    counts.insert(
        "autoscaling:group".into(),
        len(groups.auto_scaling_groups()),
    );
    let policies = autoscaling.describe_policies().send().await.map_err(e)?;
    counts.insert(
        "autoscaling:policy".into(),
        len(policies.scaling_policies()),
    );
    Ok(())
}

async fn load_balancing(config: &SdkConfig, counts: &mut Inventory) -> Result<(), String> {
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(config);
    let balancers = elb.describe_load_balancers().send().await.map_err(e)?;
    counts.insert("elb:load-balancer".into(), len(balancers.load_balancers()));
    let mut listeners = 0;
    for balancer in balancers.load_balancers() {
        listeners += len(elb
            .describe_listeners()
            .set_load_balancer_arn(balancer.load_balancer_arn().map(str::to_owned))
            .send()
            .await
            .map_err(e)?
            .listeners());
    }
    counts.insert("elb:listener".into(), listeners);
    let groups = elb.describe_target_groups().send().await.map_err(e)?;
    counts.insert("elb:target-group".into(), len(groups.target_groups()));
    Ok(())
}

async fn data(config: &SdkConfig, counts: &mut Inventory) -> Result<(), String> {
    let efs = aws_sdk_efs::Client::new(config);
    let systems = efs.describe_file_systems().send().await.map_err(e)?;
    counts.insert("efs:file-system".into(), len(systems.file_systems()));
    let mut mounts = 0;
    for system in systems.file_systems() {
        mounts += len(efs
            .describe_mount_targets()
            .file_system_id(system.file_system_id())
            .send()
            .await
            .map_err(e)?
            .mount_targets());
    }
    counts.insert("efs:mount-target".into(), mounts);
    let rds = aws_sdk_rds::Client::new(config);
    let instances = rds.describe_db_instances().send().await.map_err(e)?;
    counts.insert("rds:instance".into(), len(instances.db_instances()));
    let groups = rds.describe_db_subnet_groups().send().await.map_err(e)?;
    counts.insert("rds:subnet-group".into(), len(groups.db_subnet_groups()));
    let snapshots = rds.describe_db_snapshots().send().await.map_err(e)?;
    counts.insert("rds:snapshot".into(), len(snapshots.db_snapshots()));
    let secrets = aws_sdk_secretsmanager::Client::new(config)
        .list_secrets()
        .send()
        .await
        .map_err(e)?;
    counts.insert("secretsmanager:secret".into(), len(secrets.secret_list()));
    Ok(())
}

async fn identity(config: &SdkConfig, counts: &mut Inventory) -> Result<(), String> {
    let iam = aws_sdk_iam::Client::new(config);
    let roles = iam.list_roles().max_items(1000).send().await.map_err(e)?;
    counts.insert("iam:role".into(), len(roles.roles()));
    let (mut inline, mut attached) = (0, 0);
    for role in roles.roles() {
        inline += len(iam
            .list_role_policies()
            .role_name(role.role_name())
            .send()
            .await
            .map_err(e)?
            .policy_names());
        attached += len(iam
            .list_attached_role_policies()
            .role_name(role.role_name())
            .send()
            .await
            .map_err(e)?
            .attached_policies());
    }
    counts.insert("iam:role-inline-policy".into(), inline);
    counts.insert("iam:role-attached-policy".into(), attached);
    let profiles = iam
        .list_instance_profiles()
        .max_items(1000)
        .send()
        .await
        .map_err(e)?;
    counts.insert(
        "iam:instance-profile".into(),
        len(profiles.instance_profiles()),
    );
    Ok(())
}

async fn edge(config: &SdkConfig, counts: &mut Inventory) -> Result<(), String> {
    let route53 = aws_sdk_route53::Client::new(config);
    let zones = route53.list_hosted_zones().send().await.map_err(e)?;
    counts.insert("route53:zone".into(), len(zones.hosted_zones()));
    let mut records = 0;
    for zone in zones.hosted_zones() {
        records += len(route53
            .list_resource_record_sets()
            .hosted_zone_id(zone.id())
            .send()
            .await
            .map_err(e)?
            .resource_record_sets());
    }
    counts.insert("route53:record".into(), records);
    let certificates = aws_sdk_acm::Client::new(config)
        .list_certificates()
        .send()
        .await
        .map_err(e)?;
    counts.insert(
        "acm:certificate".into(),
        len(certificates.certificate_summary_list()),
    );
    let distributions = aws_sdk_cloudfront::Client::new(config)
        .list_distributions()
        .send()
        .await
        .map_err(e)?;
    counts.insert(
        "cloudfront:distribution".into(),
        distributions
            .distribution_list()
            .map_or(0, |l| len(l.items())),
    );
    Ok(())
}
