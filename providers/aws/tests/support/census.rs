//! Counting what the emulator holds with describe calls written here, not through the provider:
//! resources of a type that carry a stack's ownership tags for a logical id, or, for types that
//! take no tags, whether the recorded one is there.

#![allow(dead_code, unreachable_pub)] // each test uses a part; `pub` is for them

use aws_config::SdkConfig;
use aws_sdk_ec2::types::Filter;

/// The value of a tag in a list of `(key, value)` pairs.
fn tagged(tags: &[(String, String)], stack: &str, logical_id: &str) -> bool {
    let has = |k: &str, v: &str| tags.iter().any(|(key, value)| key == k && value == v);
    has("stratus:stack", stack) && has("stratus:logical-id", logical_id)
}

fn owned_filters(stack: &str, logical_id: &str) -> [Filter; 2] {
    [
        Filter::builder()
            .name("tag:stratus:stack")
            .values(stack)
            .build(),
        Filter::builder()
            .name("tag:stratus:logical-id")
            .values(logical_id)
            .build(),
    ]
}

/// How many resources of `type_name` the emulator holds for a stack's logical id.
#[allow(clippy::too_many_lines)] // one short arm per type, each a describe call
pub async fn count(
    config: &SdkConfig,
    type_name: &str,
    stack: &str,
    logical_id: &str,
    recorded: &str,
) -> Result<usize, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let ec2 = aws_sdk_ec2::Client::new(config);
    let [by_stack, by_logical] = owned_filters(stack, logical_id);
    let n = match type_name {
        "AWS::EC2::VPC" => ec2
            .describe_vpcs()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .vpcs()
            .len(),
        "AWS::EC2::Subnet" => ec2
            .describe_subnets()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .subnets()
            .len(),
        "AWS::EC2::InternetGateway" => ec2
            .describe_internet_gateways()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .internet_gateways()
            .len(),
        "AWS::EC2::EIP" => ec2
            .describe_addresses()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .addresses()
            .len(),
        "AWS::EC2::NatGateway" => ec2
            .describe_nat_gateways()
            .filter(by_stack)
            .filter(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .nat_gateways()
            .iter()
            .filter(|n| n.state().is_some_and(|s| s.as_str() != "deleted"))
            .count(),
        "AWS::EC2::RouteTable" => ec2
            .describe_route_tables()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .route_tables()
            .len(),
        "AWS::EC2::SecurityGroup" => ec2
            .describe_security_groups()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .security_groups()
            .len(),
        "AWS::EC2::LaunchTemplate" => ec2
            .describe_launch_templates()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .launch_templates()
            .len(),
        "AWS::EC2::Instance" => ec2
            .describe_instances()
            .filters(by_stack)
            .filters(by_logical)
            .send()
            .await
            .map_err(|x| e(&x))?
            .reservations()
            .iter()
            .flat_map(aws_sdk_ec2::types::Reservation::instances)
            .filter(|i| {
                i.state()
                    .and_then(|s| s.name())
                    .is_some_and(|n| n.as_str() != "terminated")
            })
            .count(),
        "AWS::EC2::VPCGatewayAttachment" => {
            let (igw, vpc) = recorded.split_once('|').ok_or("an attachment id")?;
            ec2.describe_internet_gateways()
                .internet_gateway_ids(igw)
                .send()
                .await
                .map_err(|x| e(&x))?
                .internet_gateways()
                .iter()
                .flat_map(aws_sdk_ec2::types::InternetGateway::attachments)
                .filter(|a| a.vpc_id() == Some(vpc))
                .count()
        }
        "AWS::EC2::Route" => {
            let (table, destination) = recorded.split_once('|').ok_or("a route id")?;
            ec2.describe_route_tables()
                .route_table_ids(table)
                .send()
                .await
                .map_err(|x| e(&x))?
                .route_tables()
                .iter()
                .flat_map(aws_sdk_ec2::types::RouteTable::routes)
                .filter(|r| r.destination_cidr_block() == Some(destination))
                .count()
        }
        "AWS::EC2::SubnetRouteTableAssociation" => ec2
            .describe_route_tables()
            .filters(
                Filter::builder()
                    .name("association.route-table-association-id")
                    .values(recorded)
                    .build(),
            )
            .send()
            .await
            .map_err(|x| e(&x))?
            .route_tables()
            .len(),
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => ec2
            .describe_security_group_rules()
            .filters(
                Filter::builder()
                    .name("security-group-rule-id")
                    .values(recorded)
                    .build(),
            )
            .send()
            .await
            .map_err(|x| e(&x))?
            .security_group_rules()
            .len(),
        _ => return count_other(config, type_name, stack, logical_id, recorded).await,
    };
    Ok(n)
}

/// The services other than EC2.
#[allow(clippy::too_many_lines)] // one short arm per type, each a describe call
async fn count_other(
    config: &SdkConfig,
    type_name: &str,
    stack: &str,
    logical_id: &str,
    recorded: &str,
) -> Result<usize, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let pairs = |tags: Vec<(String, String)>| tagged(&tags, stack, logical_id);
    let n = match type_name {
        "AWS::AutoScaling::AutoScalingGroup" => aws_sdk_autoscaling::Client::new(config)
            .describe_auto_scaling_groups()
            .send()
            .await
            .map_err(|x| e(&x))?
            .auto_scaling_groups()
            .iter()
            .filter(|g| {
                pairs(
                    g.tags()
                        .iter()
                        .filter_map(|t| {
                            Some((
                                t.key()?.to_owned(),
                                t.value().unwrap_or_default().to_owned(),
                            ))
                        })
                        .collect(),
                )
            })
            .count(),
        "AWS::AutoScaling::ScalingPolicy" => {
            let (group, name) = recorded.split_once('|').ok_or("a policy id")?;
            aws_sdk_autoscaling::Client::new(config)
                .describe_policies()
                .auto_scaling_group_name(group)
                .policy_names(name)
                .send()
                .await
                .map_err(|x| e(&x))?
                .scaling_policies()
                .len()
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer"
        | "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            let elb = aws_sdk_elasticloadbalancingv2::Client::new(config);
            let arns: Vec<String> = if type_name.ends_with("LoadBalancer") {
                elb.describe_load_balancers()
                    .send()
                    .await
                    .map_err(|x| e(&x))?
                    .load_balancers()
                    .iter()
                    .filter_map(|l| l.load_balancer_arn().map(str::to_owned))
                    .collect()
            } else {
                elb.describe_target_groups()
                    .send()
                    .await
                    .map_err(|x| e(&x))?
                    .target_groups()
                    .iter()
                    .filter_map(|t| t.target_group_arn().map(str::to_owned))
                    .collect()
            };
            let mut n = 0;
            for arn in arns {
                let tags = elb
                    .describe_tags()
                    .resource_arns(arn)
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                let tags = tags
                    .tag_descriptions()
                    .iter()
                    .flat_map(aws_sdk_elasticloadbalancingv2::types::TagDescription::tags)
                    .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
                    .collect();
                n += usize::from(pairs(tags));
            }
            n
        }
        "AWS::ElasticLoadBalancingV2::Listener" => {
            let out = aws_sdk_elasticloadbalancingv2::Client::new(config)
                .describe_listeners()
                .listener_arns(recorded)
                .send()
                .await;
            out.map_or(0, |o| o.listeners().len())
        }
        "AWS::EFS::FileSystem" => aws_sdk_efs::Client::new(config)
            .describe_file_systems()
            .send()
            .await
            .map_err(|x| e(&x))?
            .file_systems()
            .iter()
            .filter(|f| {
                pairs(
                    f.tags()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().to_owned()))
                        .collect(),
                )
            })
            .count(),
        "AWS::EFS::MountTarget" => {
            let out = aws_sdk_efs::Client::new(config)
                .describe_mount_targets()
                .mount_target_id(recorded)
                .send()
                .await;
            out.map_or(0, |o| o.mount_targets().len())
        }
        "AWS::RDS::DBInstance" => aws_sdk_rds::Client::new(config)
            .describe_db_instances()
            .send()
            .await
            .map_err(|x| e(&x))?
            .db_instances()
            .iter()
            .filter(|d| {
                pairs(
                    d.tag_list()
                        .iter()
                        .filter_map(|t| {
                            Some((
                                t.key()?.to_owned(),
                                t.value().unwrap_or_default().to_owned(),
                            ))
                        })
                        .collect(),
                )
            })
            .count(),
        _ => return count_rest(config, type_name, stack, logical_id, recorded).await,
    };
    Ok(n)
}

/// RDS subnet groups, IAM, Secrets Manager, Route 53, ACM, CloudFront.
#[allow(clippy::too_many_lines)] // one short arm per type, each a describe call
async fn count_rest(
    config: &SdkConfig,
    type_name: &str,
    stack: &str,
    logical_id: &str,
    recorded: &str,
) -> Result<usize, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let pairs = |tags: Vec<(String, String)>| tagged(&tags, stack, logical_id);
    let mut n = 0;
    match type_name {
        "AWS::RDS::DBSubnetGroup" => {
            let rds = aws_sdk_rds::Client::new(config);
            let groups = rds
                .describe_db_subnet_groups()
                .send()
                .await
                .map_err(|x| e(&x))?;
            for group in groups.db_subnet_groups() {
                let tags = rds
                    .list_tags_for_resource()
                    .resource_name(group.db_subnet_group_arn().unwrap_or_default())
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                n += usize::from(pairs(
                    tags.tag_list()
                        .iter()
                        .filter_map(|t| {
                            Some((
                                t.key()?.to_owned(),
                                t.value().unwrap_or_default().to_owned(),
                            ))
                        })
                        .collect(),
                ));
            }
        }
        "AWS::IAM::Role" => {
            let iam = aws_sdk_iam::Client::new(config);
            let roles = iam.list_roles().send().await.map_err(|x| e(&x))?;
            for role in roles.roles() {
                let tags = iam
                    .list_role_tags()
                    .role_name(role.role_name())
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                n += usize::from(pairs(
                    tags.tags()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().to_owned()))
                        .collect(),
                ));
            }
        }
        "AWS::IAM::InstanceProfile" => {
            let iam = aws_sdk_iam::Client::new(config);
            let profiles = iam
                .list_instance_profiles()
                .send()
                .await
                .map_err(|x| e(&x))?;
            for profile in profiles.instance_profiles() {
                let full = iam
                    .get_instance_profile()
                    .instance_profile_name(profile.instance_profile_name())
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                let tags = full
                    .instance_profile()
                    .map(|p| {
                        p.tags()
                            .iter()
                            .map(|t| (t.key().to_owned(), t.value().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                n += usize::from(pairs(tags));
            }
        }
        "AWS::IAM::RolePolicy" => {
            let (role, policy) = recorded.split_once('|').ok_or("a role policy id")?;
            let out = aws_sdk_iam::Client::new(config)
                .get_role_policy()
                .role_name(role)
                .policy_name(policy)
                .send()
                .await;
            n = usize::from(out.is_ok());
        }
        "AWS::SecretsManager::Secret" => {
            let secrets = aws_sdk_secretsmanager::Client::new(config)
                .list_secrets()
                .send()
                .await
                .map_err(|x| e(&x))?;
            n = secrets
                .secret_list()
                .iter()
                .filter(|s| s.deleted_date().is_none())
                .filter(|s| {
                    pairs(
                        s.tags()
                            .iter()
                            .filter_map(|t| {
                                Some((
                                    t.key()?.to_owned(),
                                    t.value().unwrap_or_default().to_owned(),
                                ))
                            })
                            .collect(),
                    )
                })
                .count();
        }
        "AWS::Route53::HostedZone" => {
            let route53 = aws_sdk_route53::Client::new(config);
            let zones = route53
                .list_hosted_zones()
                .send()
                .await
                .map_err(|x| e(&x))?;
            for zone in zones.hosted_zones() {
                let tags = route53
                    .list_tags_for_resource()
                    .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
                    .resource_id(zone.id().trim_start_matches("/hostedzone/"))
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                let tags = tags
                    .resource_tag_set()
                    .map(aws_sdk_route53::types::ResourceTagSet::tags)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|t| {
                        Some((
                            t.key()?.to_owned(),
                            t.value().unwrap_or_default().to_owned(),
                        ))
                    })
                    .collect();
                n += usize::from(pairs(tags));
            }
        }
        "AWS::Route53::RecordSet" => {
            let parts: Vec<&str> = recorded.split('|').collect();
            let [zone, name, kind] = parts[..] else {
                return Err(format!("{recorded} is not a record id"));
            };
            let records = aws_sdk_route53::Client::new(config)
                .list_resource_record_sets()
                .hosted_zone_id(zone)
                .send()
                .await
                .map_err(|x| e(&x))?;
            n = records
                .resource_record_sets()
                .iter()
                .filter(|r| {
                    r.name().trim_end_matches('.') == name.trim_end_matches('.')
                        && r.r#type().as_str() == kind
                })
                .count();
        }
        "AWS::CertificateManager::Certificate" => {
            let acm = aws_sdk_acm::Client::new(config);
            let list = acm.list_certificates().send().await.map_err(|x| e(&x))?;
            for summary in list.certificate_summary_list() {
                let tags = acm
                    .list_tags_for_certificate()
                    .certificate_arn(summary.certificate_arn().unwrap_or_default())
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                n += usize::from(pairs(
                    tags.tags()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
                        .collect(),
                ));
            }
        }
        "AWS::CloudFront::Distribution" => {
            let cloudfront = aws_sdk_cloudfront::Client::new(config);
            let list = cloudfront
                .list_distributions()
                .send()
                .await
                .map_err(|x| e(&x))?;
            for summary in list
                .distribution_list()
                .map(aws_sdk_cloudfront::types::DistributionList::items)
                .unwrap_or_default()
            {
                let tags = cloudfront
                    .list_tags_for_resource()
                    .resource(summary.arn())
                    .send()
                    .await
                    .map_err(|x| e(&x))?;
                n += usize::from(pairs(
                    tags.tags()
                        .map(aws_sdk_cloudfront::types::Tags::items)
                        .unwrap_or_default()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
                        .collect(),
                ));
            }
        }
        // Not the stack's: what matters is that the recorded one is there.
        "Stratus::Asset::File" => {
            let (bucket, key) = recorded
                .strip_prefix("s3://")
                .and_then(|r| r.split_once('/'))
                .ok_or_else(|| format!("{recorded} is not an s3:// URL"))?;
            let found = stratus_aws::s3_client(config)
                .head_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await;
            n = usize::from(found.is_ok());
        }
        "Stratus::Lookup::SsmParameter" => {
            let found = aws_sdk_ssm::Client::new(config)
                .get_parameter()
                .name(recorded)
                .send()
                .await;
            n = usize::from(found.is_ok());
        }
        "Stratus::Lookup::HostedZone" => {
            let found = aws_sdk_route53::Client::new(config)
                .get_hosted_zone()
                .id(recorded)
                .send()
                .await;
            n = usize::from(found.is_ok());
        }
        other => return Err(format!("the census does not count {other}")),
    }
    Ok(n)
}
