//! [`AwsBehaviours`]: what AWS does that the emulator does not, played by the [`FaultProxy`]
//! between the SDK and moto with AWS's own error codes and messages. Each behaviour, its source
//! and its figure are listed in `providers/aws/BEHAVIOURS.md`; a time factor scales every delay
//! so that tests stay fast while keeping the order of events.
//!
//! The proxy learns what was made from the calls it forwards (their parameters and answers),
//! and asks the emulator itself what still maps public addresses in a VPC.
//!
//! [`FaultProxy`]: super::FaultProxy

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The behaviours and their delays (AWS's figures, before the time factor).
#[derive(Clone, Debug)]
pub struct AwsBehaviours {
    /// Multiplies every delay below (1.0: AWS's figures; 0.01: a hundred times faster).
    pub time_factor: f64,
    /// A new or changed instance profile is refused by EC2 (`RunInstances`) and Auto Scaling
    /// (`CreateAutoScalingGroup`, `UpdateAutoScalingGroup`) as "Invalid IAM Instance
    /// Profile" for this long.
    pub profile_propagation: Duration,
    /// A new security group or IAM role is "not found" to reads and to the calls that complete
    /// its create for this long.
    pub new_resource_invisible: Duration,
    /// After a load balancer is deleted, its network interfaces keep public addresses mapped
    /// in its VPC for this long: detaching the internet gateway is a dependency violation.
    pub interfaces_drain: Duration,
    /// After an auto scaling group is created or changed, its scaling activity refuses a
    /// delete (`ScalingActivityInProgress`) for this long.
    pub scaling_activity: Duration,
    /// A new DB instance is `creating`, and a modified one `available` for a moment, then
    /// `modifying` with `PendingModifiedValues`, for this long.
    pub database_transition: Duration,
    /// A new load balancer is `provisioning` (its DNS name not answering) for this long.
    pub balancer_provisioning: Duration,
    /// A new or changed CloudFront distribution is `InProgress` for this long.
    pub distribution_deploying: Duration,
}

impl Default for AwsBehaviours {
    fn default() -> Self {
        Self {
            time_factor: 1.0,
            profile_propagation: Duration::from_secs(120),
            new_resource_invisible: Duration::from_secs(5),
            interfaces_drain: Duration::from_secs(120),
            scaling_activity: Duration::from_secs(60),
            database_transition: Duration::from_secs(300),
            balancer_provisioning: Duration::from_secs(120),
            distribution_deploying: Duration::from_secs(240),
        }
    }
}

impl AwsBehaviours {
    /// AWS's figures scaled by `factor`.
    pub fn scaled(factor: f64) -> Self {
        Self {
            time_factor: factor,
            ..Self::default()
        }
    }

    fn after(&self, delay: Duration) -> Duration {
        delay.mul_f64(self.time_factor)
    }
}

/// What the proxy remembers to play the behaviours.
#[derive(Debug, Default)]
pub(super) struct Memory {
    /// Instance profiles by name: when last made or given a role.
    profiles: HashMap<String, Instant>,
    /// New security groups by id, IAM roles by name: when made.
    new: HashMap<String, Instant>,
    /// When a load balancer was last deleted.
    balancer_deleted: Option<Instant>,
    /// Auto scaling groups by name: when last created or changed.
    scaling: HashMap<String, Instant>,
    /// DB instances by identifier: when created, when last modified.
    databases: HashMap<String, (Instant, DatabaseChange)>,
    /// Load balancers by name: when created.
    balancers: HashMap<String, Instant>,
    /// CloudFront distributions by id: when created or last changed.
    distributions: HashMap<String, Instant>,
    /// What was refused, by behaviour, for the tests to see that it happened.
    pub(super) refused: HashMap<&'static str, usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DatabaseChange {
    Created,
    Modified,
}

/// One request as the behaviours see it.
pub(super) struct Request<'a> {
    /// `ec2`, `iam`, `autoscaling`…
    pub(super) service: &'a str,
    /// `RunInstances`…
    pub(super) action: &'a str,
    /// Its form parameters, decoded.
    pub(super) form: &'a [(String, String)],
}

impl Request<'_> {
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn params_starting(&self, prefix: &str) -> impl Iterator<Item = &str> {
        self.form
            .iter()
            .filter(move |(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.as_str())
    }
}

/// An AWS error to answer with instead of forwarding.
pub(super) struct Refusal {
    pub(super) status: u16,
    pub(super) code: &'static str,
    pub(super) message: String,
}

/// Whether AWS would refuse this request now. `mapped_public_addresses` asks the emulator
/// whether a VPC still maps public addresses (only called for a gateway detach).
pub(super) fn refuse(
    behaviours: &AwsBehaviours,
    memory: &mut Memory,
    request: &Request<'_>,
    mapped_public_addresses: impl FnOnce(&str) -> bool,
) -> Option<Refusal> {
    let now = Instant::now();
    let young = |when: Option<&Instant>, delay: Duration| {
        when.is_some_and(|t| now.duration_since(*t) < behaviours.after(delay))
    };
    let refusal = match (request.service, request.action) {
        // EC2 and Auto Scaling do not see a new instance profile yet, named directly or
        // through a launch template (the proxy cannot read a template's data: any recent
        // profile counts, which is harsher than AWS, never kinder).
        ("ec2", "RunInstances")
        | ("autoscaling", "CreateAutoScalingGroup" | "UpdateAutoScalingGroup") => {
            let uses_profile = request.params_starting("IamInstanceProfile").next().is_some()
                || request.params_starting("LaunchTemplate").next().is_some();
            let recent = memory
                .profiles
                .iter()
                .find(|(_, made)| young(Some(made), behaviours.profile_propagation))
                .map(|(name, _)| name.clone());
            match (uses_profile, recent) {
                (true, Some(name)) if request.service == "ec2" => Some(Refusal {
                    status: 400,
                    code: "InvalidParameterValue",
                    message: format!(
                        "Value ({name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"
                    ),
                }),
                (true, Some(name)) => Some(Refusal {
                    status: 400,
                    code: "ValidationError",
                    message: format!(
                        "You must use a valid fully-formed launch template. Value ({name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"
                    ),
                }),
                _ => None,
            }
        }
        // A new security group is not found yet by id.
        (
            "ec2",
            "DescribeSecurityGroups"
            | "RevokeSecurityGroupEgress"
            | "AuthorizeSecurityGroupEgress"
            | "AuthorizeSecurityGroupIngress",
        ) => request
            .params_starting("GroupId")
            .find(|id| young(memory.new.get(*id), behaviours.new_resource_invisible))
            .map(|id| Refusal {
                status: 400,
                code: "InvalidGroup.NotFound",
                message: format!("The security group '{id}' does not exist"),
            }),
        // A new role is not found yet by name.
        ("iam", "GetRole" | "AttachRolePolicy" | "ListAttachedRolePolicies" | "ListRoleTags") => {
            request
                .param("RoleName")
                .filter(|name| young(memory.new.get(*name), behaviours.new_resource_invisible))
                .map(|name| Refusal {
                    status: 404,
                    code: "NoSuchEntity",
                    message: format!("The role with name {name} cannot be found."),
                })
        }
        // Public addresses still mapped in the VPC: a balancer, an instance or a NAT gateway
        // there, or a balancer's interfaces still draining.
        ("ec2", "DetachInternetGateway") => {
            let vpc = request.param("VpcId").unwrap_or_default().to_owned();
            let draining = young(memory.balancer_deleted.as_ref(), behaviours.interfaces_drain);
            (draining || mapped_public_addresses(&vpc)).then(|| Refusal {
                status: 400,
                code: "DependencyViolation",
                message: format!(
                    "Network {vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway."
                ),
            })
        }
        ("autoscaling", "DeleteAutoScalingGroup") => request
            .param("AutoScalingGroupName")
            .filter(|name| young(memory.scaling.get(*name), behaviours.scaling_activity))
            .map(|name| Refusal {
                status: 400,
                code: "ScalingActivityInProgress",
                message: format!(
                    "An activity is in progress on auto scaling group {name} and it cannot be deleted until that activity completes."
                ),
            }),
        _ => None,
    };
    if let Some(refusal) = &refusal {
        *memory.refused.entry(refusal.code).or_default() += 1;
    }
    refusal
}

/// Remembers what a forwarded request made, from its parameters and its answer.
pub(super) fn remember(memory: &mut Memory, request: &Request<'_>, answer: &str) {
    let now = Instant::now();
    match (request.service, request.action) {
        ("iam", "CreateInstanceProfile" | "AddRoleToInstanceProfile") => {
            if let Some(name) = request.param("InstanceProfileName") {
                memory.profiles.insert(name.to_owned(), now);
            }
        }
        ("iam", "CreateRole") => {
            if let Some(name) = request.param("RoleName") {
                memory.new.insert(name.to_owned(), now);
            }
        }
        ("ec2", "CreateSecurityGroup") => {
            if let Some(id) = between(answer, "<groupId>", "</groupId>") {
                memory.new.insert(id.to_owned(), now);
            }
        }
        ("elasticloadbalancing", "DeleteLoadBalancer") => memory.balancer_deleted = Some(now),
        ("autoscaling", "CreateAutoScalingGroup" | "UpdateAutoScalingGroup") => {
            if let Some(name) = request.param("AutoScalingGroupName") {
                memory.scaling.insert(name.to_owned(), now);
            }
        }
        ("elasticloadbalancing", "CreateLoadBalancer") => {
            if let Some(name) = request.param("Name") {
                memory.balancers.insert(name.to_owned(), now);
            }
        }
        // CreateDistributionWithTags (POST) and UpdateDistribution (PUT) answer with the
        // distribution; a tag call answers with nothing.
        ("cloudfront", "POST" | "PUT") if answer.contains("<Distribution") => {
            if let Some(id) = between(answer, "<Id>", "</Id>") {
                memory.distributions.insert(id.to_owned(), now);
            }
        }
        ("rds", "CreateDBInstance" | "CreateDBInstanceReadReplica" | "ModifyDBInstance") => {
            if let Some(id) = request.param("DBInstanceIdentifier") {
                let change = if request.action == "ModifyDBInstance" {
                    DatabaseChange::Modified
                } else {
                    DatabaseChange::Created
                };
                memory
                    .databases
                    .insert(id.to_ascii_lowercase(), (now, change));
            }
        }
        _ => {}
    }
}

const AVAILABLE: &str = "<DBInstanceStatus>available</DBInstanceStatus>";
const PENDING: &str =
    "<PendingModifiedValues><DBInstanceClass>db.pending</DBInstanceClass></PendingModifiedValues>";

/// The answer as AWS would give it now: a DB instance made or modified less than
/// [`AwsBehaviours::database_transition`] ago is `creating`, or `modifying` with a pending
/// class (after a first moment still `available`, as RDS answers right after the call).
pub(super) fn rewrite(
    behaviours: &AwsBehaviours,
    memory: &mut Memory,
    request: &Request<'_>,
    answer: &str,
) -> Option<String> {
    match (request.service, request.action) {
        ("rds", "DescribeDBInstances") => {}
        ("elasticloadbalancing", "DescribeLoadBalancers") => {
            return provisioning(behaviours, memory, answer);
        }
        ("cloudfront", "GET") => return deploying(behaviours, memory, answer),
        _ => return None,
    }
    let id = between(answer, "<DBInstanceIdentifier>", "</DBInstanceIdentifier>")?;
    let (when, change) = *memory.databases.get(&id.to_ascii_lowercase())?;
    let age = when.elapsed();
    let window = behaviours.after(behaviours.database_transition);
    if age >= window || !answer.contains(AVAILABLE) {
        return None;
    }
    let without_pending = strip_element(answer, "PendingModifiedValues");
    let rewritten = match change {
        DatabaseChange::Created => without_pending.replacen(
            AVAILABLE,
            "<DBInstanceStatus>creating</DBInstanceStatus>",
            1,
        ),
        // Right after ModifyDBInstance RDS still says `available`, the change pending.
        DatabaseChange::Modified if age < window / 10 => {
            without_pending.replacen(AVAILABLE, &format!("{AVAILABLE}{PENDING}"), 1)
        }
        DatabaseChange::Modified => without_pending.replacen(
            AVAILABLE,
            &format!("<DBInstanceStatus>modifying</DBInstanceStatus>{PENDING}"),
            1,
        ),
    };
    *memory.refused.entry("database transition").or_default() += 1;
    Some(rewritten)
}

/// A describe of one balancer made less than [`AwsBehaviours::balancer_provisioning`] ago,
/// as AWS answers it: `provisioning`, not yet `active`.
fn provisioning(behaviours: &AwsBehaviours, memory: &mut Memory, answer: &str) -> Option<String> {
    if answer.matches("<LoadBalancerName>").count() != 1 {
        return None;
    }
    let name = between(answer, "<LoadBalancerName>", "</LoadBalancerName>")?;
    let made = memory.balancers.get(name)?;
    if made.elapsed() >= behaviours.after(behaviours.balancer_provisioning) {
        return None;
    }
    let active = "<Code>active</Code>";
    answer.contains(active).then(|| {
        *memory.refused.entry("balancer provisioning").or_default() += 1;
        answer.replacen(active, "<Code>provisioning</Code>", 1)
    })
}

/// A distribution made or changed less than [`AwsBehaviours::distribution_deploying`] ago, as
/// CloudFront answers it: `InProgress`, not yet `Deployed`.
fn deploying(behaviours: &AwsBehaviours, memory: &mut Memory, answer: &str) -> Option<String> {
    let id = between(answer, "<Id>", "</Id>")?;
    let changed = memory.distributions.get(id)?;
    if changed.elapsed() >= behaviours.after(behaviours.distribution_deploying) {
        return None;
    }
    let deployed = "<Status>Deployed</Status>";
    answer.contains(deployed).then(|| {
        *memory.refused.entry("distribution deploying").or_default() += 1;
        answer.replacen(deployed, "<Status>InProgress</Status>", 1)
    })
}

/// `text` without its `<name>…</name>` or `<name/>` elements.
fn strip_element(text: &str, name: &str) -> String {
    let mut out = text.replace(&format!("<{name}/>"), "");
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    while let Some(start) = out.find(&open) {
        let Some(end) = out[start..].find(&close) else {
            break;
        };
        out.replace_range(start..start + end + close.len(), "");
    }
    out
}

/// The text between the first `open` and the next `close`.
pub(super) fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

/// Whether the emulator's answers show public addresses mapped in `vpc`: an internet-facing
/// balancer, a running instance with a public address, or an available NAT gateway.
pub(super) fn maps_public_addresses(
    vpc: &str,
    balancers: &str,
    instances: &str,
    nat_gateways: &str,
) -> bool {
    let balancer = balancers.split("<member>").any(|member| {
        member.contains(&format!("<VpcId>{vpc}</VpcId>"))
            && member.contains("<Scheme>internet-facing</Scheme>")
    });
    balancer || instances.contains("<ipAddress>") || nat_gateways.contains("<natGatewayId>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(service: &'a str, action: &'a str, form: &'a [(String, String)]) -> Request<'a> {
        Request {
            service,
            action,
            form,
        }
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_new_profile_is_refused_by_ec2_until_it_has_propagated() {
        let behaviours = AwsBehaviours {
            profile_propagation: Duration::from_millis(50),
            ..AwsBehaviours::default()
        };
        let mut memory = Memory::default();
        let made = form(&[("InstanceProfileName", "app")]);
        remember(
            &mut memory,
            &request("iam", "CreateInstanceProfile", &made),
            "",
        );
        let run = form(&[("LaunchTemplate.LaunchTemplateId", "lt-1")]);
        let refused = refuse(
            &behaviours,
            &mut memory,
            &request("ec2", "RunInstances", &run),
            |_| false,
        )
        .unwrap();
        assert_eq!(refused.code, "InvalidParameterValue");
        assert!(refused.message.contains("Invalid IAM Instance Profile"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(
            refuse(
                &behaviours,
                &mut memory,
                &request("ec2", "RunInstances", &run),
                |_| false
            )
            .is_none()
        );
    }

    #[test]
    fn a_gateway_is_not_detached_while_addresses_are_mapped_or_draining() {
        let behaviours = AwsBehaviours::scaled(0.0);
        let mut memory = Memory::default();
        let detach = form(&[("VpcId", "vpc-1"), ("InternetGatewayId", "igw-1")]);
        let refused = refuse(
            &behaviours,
            &mut memory,
            &request("ec2", "DetachInternetGateway", &detach),
            |vpc| vpc == "vpc-1",
        )
        .unwrap();
        assert_eq!(refused.code, "DependencyViolation");
        assert!(
            refuse(
                &behaviours,
                &mut memory,
                &request("ec2", "DetachInternetGateway", &detach),
                |_| false
            )
            .is_none()
        );
        let balancers = "<member><LoadBalancerArn>a</LoadBalancerArn><Scheme>internet-facing</Scheme><VpcId>vpc-1</VpcId></member>";
        assert!(maps_public_addresses("vpc-1", balancers, "", ""));
        assert!(!maps_public_addresses("vpc-2", balancers, "", ""));
        assert!(maps_public_addresses(
            "vpc-2",
            "",
            "",
            "<natGatewayId>nat-1</natGatewayId>"
        ));
    }
}
