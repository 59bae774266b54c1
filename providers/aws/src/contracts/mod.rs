//! What stratus-aws promises for each resource type it manages: the properties it implements,
//! which of them change in place, how each is compared with what AWS reports, and how its
//! resources are told apart from a stranger's. Pure data with no SDK behind it, compiled whatever
//! the features: the handlers return these, and an in-process test cloud keeps the same ones
//! (`stratus_aws::contract`).

use stratus_core::deploy::TypeContract;

pub(crate) mod acm;
pub(crate) mod assets;
pub(crate) mod autoscaling;
pub(crate) mod cloudfront;
pub(crate) mod ec2;
pub(crate) mod efs;
pub(crate) mod elb;
pub(crate) mod iam;
pub(crate) mod lookup;
pub(crate) mod rds;
pub(crate) mod route53;
pub(crate) mod secrets;

/// Every contract, in service order.
pub(crate) static ALL: &[&TypeContract] = &[
    &ec2::VPC,
    &ec2::SUBNET,
    &ec2::INTERNET_GATEWAY,
    &ec2::GATEWAY_ATTACHMENT,
    &ec2::EIP,
    &ec2::NAT_GATEWAY,
    &ec2::ROUTE_TABLE,
    &ec2::ROUTE,
    &ec2::ROUTE_TABLE_ASSOCIATION,
    &ec2::SECURITY_GROUP,
    &ec2::SECURITY_GROUP_INGRESS,
    &ec2::SECURITY_GROUP_EGRESS,
    &ec2::LAUNCH_TEMPLATE,
    &ec2::INSTANCE,
    &autoscaling::AUTO_SCALING_GROUP,
    &autoscaling::SCALING_POLICY,
    &elb::LOAD_BALANCER,
    &elb::TARGET_GROUP,
    &elb::LISTENER,
    &efs::FILE_SYSTEM,
    &efs::MOUNT_TARGET,
    &rds::DB_SUBNET_GROUP,
    &rds::DB_INSTANCE,
    &iam::ROLE,
    &iam::ROLE_POLICY,
    &iam::INSTANCE_PROFILE,
    &secrets::SECRET,
    &route53::HOSTED_ZONE,
    &route53::RECORD_SET,
    &acm::CERTIFICATE,
    &cloudfront::DISTRIBUTION,
    &lookup::SSM_PARAMETER,
    &lookup::HOSTED_ZONE,
    &assets::FILE_ASSET,
];

#[cfg(test)]
mod tests {
    use stratus_core::deploy::{TypeContract, Update};

    /// The start of a type's row in `TYPES.md`: its name, what changes in place, what replaces.
    fn row(contract: &TypeContract) -> String {
        let names = |update: Update| {
            let names: Vec<&str> = contract
                .properties
                .iter()
                .filter(|p| p.update == update)
                .map(|p| p.name)
                .collect();
            if names.is_empty() {
                "-".to_owned()
            } else {
                names.join(", ")
            }
        };
        format!(
            "| `{}` | {} | {} |",
            contract.type_name,
            names(Update::InPlace),
            names(Update::Replace)
        )
    }

    /// `TYPES.md` lists every type with its in-place and replacing properties as the contracts
    /// say them (how a resource is found is prose, after them).
    #[test]
    fn types_md_is_true_to_the_contracts() {
        let doc = include_str!("../../TYPES.md");
        let rows: Vec<String> = super::ALL.iter().map(|c| row(c)).collect();
        let missing: Vec<&String> = rows
            .iter()
            .filter(|row| !doc.lines().any(|line| line.starts_with(row.as_str())))
            .collect();
        assert!(
            missing.is_empty(),
            "TYPES.md lacks or misstates these rows:\n{}",
            missing
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let listed = doc.lines().filter(|l| l.starts_with("| `")).count();
        assert_eq!(
            listed,
            rows.len(),
            "TYPES.md lists types the contracts do not have"
        );
    }
}
