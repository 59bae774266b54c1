//! How each resource type is billed: one function per type, reading CloudFormation
//! properties, with the usage it assumes said in the line.

use std::fmt::Write as _;

use super::prices::PriceBook;
use super::resources::{Priced, Resources};
use super::{CostLine, Usage};

/// Types that cost nothing by themselves (what runs in or through them is priced elsewhere).
const FREE: &[&str] = &[
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::LaunchTemplate",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::AutoScaling::ScalingPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::InstanceProfile",
    "AWS::RDS::DBSubnetGroup",
    "AWS::EFS::MountTarget",
    "AWS::CertificateManager::Certificate",
    "AWS::Route53::RecordSet",
    "AWS::S3::BucketPolicy",
    "AWS::SecretsManager::RotationSchedule",
];

/// A line of a resource whose price is fixed by its configuration.
fn fixed(resource: &Priced, monthly: f64, description: String) -> CostLine {
    CostLine {
        path: resource.path.clone(),
        logical_id: resource.logical_id.clone(),
        type_name: resource.type_name.clone(),
        monthly_usd: monthly,
        max_monthly_usd: None,
        description,
        assumptions: Vec::new(),
        unknown: None,
    }
}

/// A line whose price is not in the book: it says so instead of guessing.
fn unknown(resource: &Priced, why: String) -> CostLine {
    CostLine {
        unknown: Some(why),
        ..fixed(resource, 0.0, String::new())
    }
}

/// The line of one resource: `None` for free types; an unknown line for types the estimator
/// does not model.
pub(super) fn line(
    book: &PriceBook,
    usage: &Usage,
    resources: &Resources,
    resource: &Priced,
) -> Option<CostLine> {
    let line = match resource.type_name.as_str() {
        t if FREE.contains(&t) => return None,
        // Lookups cost nothing; an asset is one small object in the asset bucket.
        t if crate::lookup::is_stratus_type(t) => return None,
        "AWS::AutoScaling::AutoScalingGroup" => auto_scaling_group(book, resources, resource),
        "AWS::EC2::Instance" => instance(book, resources, resource),
        "AWS::EC2::NatGateway" => nat_gateway(book, usage, resource),
        "AWS::EC2::EIP" => fixed(
            resource,
            book.ipv4_month(),
            "a public IPv4 address, by the hour".into(),
        ),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => load_balancer(book, usage, resource),
        "AWS::RDS::DBInstance" => database(book, resources, resource),
        "AWS::EFS::FileSystem" => usage_line(
            resource,
            usage.efs_gb * book.efs_standard_gb_month,
            format!("{} GB stored in EFS Standard", usage.efs_gb),
        ),
        "AWS::CloudFront::Distribution" => cloudfront(book, usage, resource),
        "AWS::Route53::HostedZone" => fixed(
            resource,
            book.route53_zone_month,
            "a hosted zone (queries to alias records of AWS resources are free)".into(),
        ),
        "AWS::SecretsManager::Secret" => fixed(
            resource,
            book.secret_month,
            "a secret (API calls extra)".into(),
        ),
        "AWS::WAFv2::WebACL" => web_acl(book, usage, resource),
        "AWS::S3::Bucket" => usage_line(
            resource,
            usage.s3_gb * book.s3_standard_gb_month,
            format!("{} GB stored in S3 Standard (requests extra)", usage.s3_gb),
        ),
        "AWS::EC2::FlowLog" => {
            let to_s3 = resource.text("LogDestinationType") == Some("s3");
            let per_gb = if to_s3 {
                book.vended_logs_s3_gb
            } else {
                book.vended_logs_cloudwatch_gb
            };
            usage_line(
                resource,
                usage.flow_logs_gb * per_gb,
                format!(
                    "{} GB of flow logs delivered to {}",
                    usage.flow_logs_gb,
                    if to_s3 { "S3" } else { "CloudWatch Logs" }
                ),
            )
        }
        "AWS::EC2::Volume" => {
            let gb = resource.number("Size").unwrap_or(0.0);
            let kind = resource.text("VolumeType").unwrap_or("gp2");
            fixed(
                resource,
                gb * book.ebs(kind),
                format!("{gb} GB of EBS {kind}"),
            )
        }
        other => unknown(
            resource,
            format!("no pricing model for {other}: not estimated"),
        ),
    };
    Some(line)
}

/// A line whose figure depends on usage, with the assumption stated.
fn usage_line(resource: &Priced, monthly: f64, assumption: String) -> CostLine {
    CostLine {
        assumptions: vec![assumption],
        ..fixed(resource, monthly, "usage-dependent".into())
    }
}

/// The instance type and root volume of a launch template: `(type, GB, volume type,
/// whether the size is assumed)`.
fn template_instance(template: &Priced) -> (Option<String>, f64, String, bool) {
    let instance_type = template
        .text("LaunchTemplateData.InstanceType")
        .map(str::to_owned);
    let root = template
        .at("LaunchTemplateData.BlockDeviceMappings")
        .and_then(|m| m.get(0))
        .and_then(|m| m.get("Ebs"));
    let size = root
        .and_then(|e| e.get("VolumeSize"))
        .and_then(serde_json::Value::as_f64);
    let kind = root
        .and_then(|e| e.get("VolumeType"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("gp3");
    (
        instance_type,
        size.unwrap_or(8.0),
        kind.to_owned(),
        size.is_none(),
    )
}

/// A month of one instance of a type with its root volume, or why it cannot be priced.
fn instance_month(
    book: &PriceBook,
    instance_type: Option<&str>,
    root_gb: f64,
    root_kind: &str,
) -> Result<f64, String> {
    let Some(instance_type) = instance_type else {
        return Err("its instance type is not known before deploy".into());
    };
    let hourly = book.ec2_hourly(instance_type).ok_or_else(|| {
        format!("no price for instance type {instance_type} in the price book: not estimated")
    })?;
    Ok(book.month(hourly) + root_gb * book.ebs(root_kind))
}

fn auto_scaling_group(book: &PriceBook, resources: &Resources, group: &Priced) -> CostLine {
    let template = resources.target(group.at("LaunchTemplate.LaunchTemplateId"));
    let Some(template) = template else {
        return unknown(
            group,
            "it launches from no launch template in this stack".into(),
        );
    };
    let (instance_type, root_gb, root_kind, assumed) = template_instance(template);
    let each = match instance_month(book, instance_type.as_deref(), root_gb, &root_kind) {
        Ok(each) => each,
        Err(why) => return unknown(group, why),
    };
    let min = group.number("MinSize").unwrap_or(0.0);
    let max = group.number("MaxSize").unwrap_or(min);
    let desired = group.number("DesiredCapacity").unwrap_or(min);
    let mut line = fixed(
        group,
        desired * each,
        format!(
            "{desired} × {} (+{root_gb} GB {root_kind} root volume each); {min} to {max} instances: ${:.2} to ${:.2}",
            instance_type.unwrap_or_default(),
            min * each,
            max * each
        ),
    );
    line.max_monthly_usd = Some(max * each);
    if assumed {
        line.assumptions.push(format!(
            "a root volume of {root_gb} GB (the image's default)"
        ));
    }
    line.assumptions
        .push("the desired count all month (scaling moves it between min and max)".into());
    line
}

fn instance(book: &PriceBook, resources: &Resources, instance: &Priced) -> CostLine {
    let template = resources.target(instance.at("LaunchTemplate.LaunchTemplateId"));
    let (template_type, root_gb, root_kind, assumed) =
        template.map_or_else(|| (None, 8.0, "gp3".to_owned(), true), template_instance);
    let instance_type = instance
        .text("InstanceType")
        .map(str::to_owned)
        .or(template_type);
    let mut monthly = match instance_month(book, instance_type.as_deref(), root_gb, &root_kind) {
        Ok(monthly) => monthly,
        Err(why) => return unknown(instance, why),
    };
    let public = resources
        .target(instance.at("SubnetId"))
        .is_some_and(|subnet| subnet.flag("MapPublicIpOnLaunch"));
    let mut description = format!(
        "{} (+{root_gb} GB {root_kind} root volume)",
        instance_type.unwrap_or_default()
    );
    if public {
        monthly += book.ipv4_month();
        description.push_str(" + a public IPv4 address");
    }
    let mut line = fixed(instance, monthly, description);
    if assumed {
        line.assumptions.push(format!(
            "a root volume of {root_gb} GB (the image's default)"
        ));
    }
    line
}

fn nat_gateway(book: &PriceBook, usage: &Usage, nat: &Priced) -> CostLine {
    let hours = book.month(book.nat_gateway_hour);
    let data = usage.nat_gb * book.nat_gateway_gb;
    CostLine {
        assumptions: vec![format!("{} GB processed a month", usage.nat_gb)],
        ..fixed(
            nat,
            hours + data,
            format!(
                "${hours:.2} of hours + ${data:.2} of data processing (its address is the EIP's line)"
            ),
        )
    }
}

fn load_balancer(book: &PriceBook, usage: &Usage, lb: &Priced) -> CostLine {
    let network = lb.text("Type") == Some("network");
    let (hour, lcu) = if network {
        (book.nlb_hour, book.nlb_lcu_hour)
    } else {
        (book.alb_hour, book.alb_lcu_hour)
    };
    let hours = book.month(hour);
    let capacity = book.month(lcu) * usage.load_balancer_lcu;
    let mut monthly = hours + capacity;
    let mut description = format!("${hours:.2} of hours + ${capacity:.2} of capacity units");
    let mut assumptions = vec![format!(
        "{} capacity unit(s) on average",
        usage.load_balancer_lcu
    )];
    if lb.text("Scheme") != Some("internal") {
        let zones = lb
            .at("Subnets")
            .and_then(serde_json::Value::as_array)
            .map_or(2, Vec::len);
        #[allow(clippy::cast_precision_loss)] // a handful of zones
        let addresses = zones as f64 * book.ipv4_month();
        monthly += addresses;
        let _ = write!(
            description,
            " + ${addresses:.2} for {zones} public IPv4 addresses"
        );
        assumptions.push("one public address per subnet".into());
    }
    CostLine {
        assumptions,
        ..fixed(lb, monthly, description)
    }
}

fn database(book: &PriceBook, resources: &Resources, db: &Priced) -> CostLine {
    let source = resources.target(db.at("SourceDBInstanceIdentifier"));
    let replica = db.at("SourceDBInstanceIdentifier").is_some();
    let engine = db
        .text("Engine")
        .or_else(|| source.and_then(|s| s.text("Engine")))
        .unwrap_or("mysql");
    let Some(class) = db.text("DBInstanceClass") else {
        return unknown(db, "its instance class is not known before deploy".into());
    };
    let Some(hourly) = book.rds_hourly(engine, class) else {
        return unknown(
            db,
            format!("no price for {engine} on {class} in the price book: not estimated"),
        );
    };
    let multi_az = db.flag("MultiAZ");
    let copies = if multi_az { 2.0 } else { 1.0 };
    // A replica's storage is its source's.
    let storage_from = if replica { source.unwrap_or(db) } else { db };
    let gb = storage_from.number("AllocatedStorage").unwrap_or(20.0);
    let kind = storage_from.text("StorageType").unwrap_or("gp2");
    let compute = book.month(hourly) * copies;
    let storage = gb * book.rds_storage(kind) * copies;
    let mut monthly = compute + storage;
    let mut description = format!(
        "{engine} {class}{}{}: ${compute:.2} of compute + ${storage:.2} for {gb} GB {kind}",
        if replica { ", read replica" } else { "" },
        if multi_az { ", Multi-AZ (×2)" } else { "" },
    );
    if db.flag("ManageMasterUserPassword") {
        monthly += book.secret_month;
        description.push_str(" + its master-password secret");
    }
    let mut line = fixed(db, monthly, description);
    line.assumptions
        .push("backups up to the database's size (free)".into());
    line
}

fn cloudfront(book: &PriceBook, usage: &Usage, cdn: &Priced) -> CostLine {
    let transfer = usage.cloudfront_gb * book.cloudfront_gb;
    let requests = usage.cloudfront_million_requests * 100.0 * book.cloudfront_https_per_10k;
    usage_line(
        cdn,
        transfer + requests,
        format!(
            "{} GB to viewers in North America/Europe and {} million HTTPS requests a month",
            usage.cloudfront_gb, usage.cloudfront_million_requests
        ),
    )
}

fn web_acl(book: &PriceBook, usage: &Usage, acl: &Priced) -> CostLine {
    let rules = acl
        .at("Rules")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    #[allow(clippy::cast_precision_loss)] // a handful of rules
    let fixed_part = book.waf_acl_month + rules as f64 * book.waf_rule_month;
    let requests = usage.waf_million_requests * book.waf_per_million_requests;
    CostLine {
        assumptions: vec![format!(
            "{} million requests inspected a month",
            usage.waf_million_requests
        )],
        ..fixed(
            acl,
            fixed_part + requests,
            format!(
                "a web ACL with {rules} rule(s): ${fixed_part:.2} + ${requests:.2} of requests"
            ),
        )
    }
}
