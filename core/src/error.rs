//! Validation errors. Every variant names the construct path and says what would fix it; a
//! stack's validation collects all of them ([`ValidationErrors`]) rather than stopping at the first.

use std::fmt;

use crate::path::ConstructPath;

/// One problem found in a stack before any API call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A construct id that is not allowed.
    #[error("{path}: invalid id: {reason}")]
    InvalidId {
        /// Where.
        path: ConstructPath,
        /// Why, and what to use instead.
        reason: String,
    },
    /// Two constructs with the same path.
    #[error("{path}: duplicate id; ids must be unique within their scope, rename one of them")]
    DuplicateId {
        /// The repeated path.
        path: ConstructPath,
    },
    /// Two paths that map to the same CloudFormation logical id.
    #[error(
        "{path}: logical id {logical_id} is also produced by {other}; rename one of the two constructs"
    )]
    LogicalIdCollision {
        /// Where.
        path: ConstructPath,
        /// The logical id both produce.
        logical_id: String,
        /// The other construct.
        other: ConstructPath,
    },
    /// A CIDR that does not parse or has host bits set.
    #[error("{path}: malformed cidr {value:?}: {reason}")]
    MalformedCidr {
        /// Where.
        path: ConstructPath,
        /// What was given.
        value: String,
        /// Why, and the likely intended value.
        reason: String,
    },
    /// A VPC or subnet prefix length AWS does not accept.
    #[error(
        "{path}: {what} {cidr} has a /{prefix} mask; AWS accepts /16 to /28, choose one in that range"
    )]
    MaskOutOfRange {
        /// Where.
        path: ConstructPath,
        /// "vpc" or "subnet".
        what: &'static str,
        /// The CIDR.
        cidr: String,
        /// Its prefix length.
        prefix: u8,
    },
    /// A subnet whose block is not inside its VPC's block.
    #[error(
        "{path}: subnet {cidr} lies outside vpc {vpc} ({vpc_cidr}); choose a cidr inside {vpc_cidr}"
    )]
    SubnetOutsideVpc {
        /// The subnet.
        path: ConstructPath,
        /// Its CIDR.
        cidr: String,
        /// The VPC.
        vpc: ConstructPath,
        /// The VPC's CIDR.
        vpc_cidr: String,
    },
    /// Two subnets of one VPC whose blocks overlap.
    #[error(
        "{path}: subnet {cidr} overlaps {other} ({other_cidr}); give one of them a disjoint cidr"
    )]
    SubnetOverlap {
        /// One subnet.
        path: ConstructPath,
        /// Its CIDR.
        cidr: String,
        /// The other subnet.
        other: ConstructPath,
        /// Its CIDR.
        other_cidr: String,
    },
    /// The VPC block has no room left for a subnet group.
    #[error("{path}: no room in {vpc_cidr} for {needed}; {fix}")]
    AddressSpaceExhausted {
        /// The subnet group.
        path: ConstructPath,
        /// The VPC's CIDR.
        vpc_cidr: String,
        /// What could not be placed.
        needed: String,
        /// What would make it fit.
        fix: String,
    },
    /// More availability zones asked for than the region offers.
    #[error(
        "{path}: asked for {asked} availability zones but {region} has {available} ({azs}); ask for at most {available}"
    )]
    NotEnoughAzs {
        /// Where.
        path: ConstructPath,
        /// How many were asked for.
        asked: usize,
        /// How many the region has.
        available: usize,
        /// The region.
        region: String,
        /// Its zones.
        azs: String,
    },
    /// An availability zone not in the stack's region, or no region to pick zones from.
    #[error("{path}: {reason}")]
    AvailabilityZone {
        /// Where.
        path: ConstructPath,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A port range whose start is after its end.
    #[error("{path}: port range {from}-{to} is reversed; write Port::tcp_range({to}, {from})")]
    BadPortRange {
        /// The rule.
        path: ConstructPath,
        /// First port given.
        from: u16,
        /// Last port given.
        to: u16,
    },
    /// A resource with more tags than AWS allows.
    #[error(
        "{path}: {count} tags (stack tags included) is over AWS's limit of 50; remove {excess}"
    )]
    TooManyTags {
        /// Where.
        path: ConstructPath,
        /// How many tags it would carry.
        count: usize,
        /// How many must go.
        excess: usize,
    },
    /// A tag key or value AWS rejects.
    #[error("{path}: tag {key:?}: {reason}")]
    InvalidTag {
        /// Where.
        path: ConstructPath,
        /// The key (truncated when too long).
        key: String,
        /// What is wrong and the limit.
        reason: String,
    },
    /// A name longer than the AWS limit for its kind.
    #[error("{path}: {what} {value:?} is {len} characters; AWS allows at most {max}, shorten it")]
    NameTooLong {
        /// Where.
        path: ConstructPath,
        /// Which name, e.g. "security group name".
        what: &'static str,
        /// The name.
        value: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A value outside what AWS or the construct accepts.
    #[error("{path}: {problem}; {fix}")]
    InvalidValue {
        /// Where.
        path: ConstructPath,
        /// What is wrong.
        problem: String,
        /// What would fix it.
        fix: String,
    },
    /// A dependency cycle; lists every resource on it.
    #[error("dependency cycle: {}; remove one of these dependencies", render_cycle(.cycle))]
    DependencyCycle {
        /// The resources on the cycle, in dependency order, first repeated at the end.
        cycle: Vec<ConstructPath>,
    },
    /// A handle from another stack.
    #[error(
        "{path}: refers to a resource of another stack; cross-stack references are not supported, create it in this stack"
    )]
    ForeignReference {
        /// The resource holding the reference.
        path: ConstructPath,
    },
    /// A property the resource type's CloudFormation schema does not allow.
    #[error("{path}: {property}: {problem}; {fix}")]
    Schema {
        /// The resource.
        path: ConstructPath,
        /// The property path within it (`A.B[0].C`).
        property: String,
        /// What is wrong.
        problem: String,
        /// What would fix it.
        fix: String,
    },
    /// A property override whose path cannot be followed.
    #[error("{path}: cannot override {property}: {reason}")]
    InvalidOverride {
        /// The overridden resource.
        path: ConstructPath,
        /// The property path as given (`A.B.0.C`).
        property: String,
        /// Why, and what would work.
        reason: String,
    },
    /// Two rules, outputs or similar that would be the same thing twice.
    #[error("{path}: {what} is declared twice; remove the repeated declaration")]
    Duplicate {
        /// Where.
        path: ConstructPath,
        /// What is repeated.
        what: String,
    },
}

impl ValidationError {
    /// The construct the error is about (the first one on a cycle).
    pub fn path(&self) -> Option<&ConstructPath> {
        match self {
            Self::InvalidId { path, .. }
            | Self::DuplicateId { path }
            | Self::LogicalIdCollision { path, .. }
            | Self::MalformedCidr { path, .. }
            | Self::MaskOutOfRange { path, .. }
            | Self::SubnetOutsideVpc { path, .. }
            | Self::SubnetOverlap { path, .. }
            | Self::AddressSpaceExhausted { path, .. }
            | Self::NotEnoughAzs { path, .. }
            | Self::AvailabilityZone { path, .. }
            | Self::BadPortRange { path, .. }
            | Self::TooManyTags { path, .. }
            | Self::InvalidTag { path, .. }
            | Self::NameTooLong { path, .. }
            | Self::InvalidValue { path, .. }
            | Self::ForeignReference { path }
            | Self::InvalidOverride { path, .. }
            | Self::Schema { path, .. }
            | Self::Duplicate { path, .. } => Some(path),
            Self::DependencyCycle { cycle } => cycle.first(),
        }
    }
}

fn render_cycle(cycle: &[ConstructPath]) -> String {
    cycle
        .iter()
        .map(ConstructPath::as_str)
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// All problems found in a stack or app, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    /// The errors.
    pub fn iter(&self) -> impl Iterator<Item = &ValidationError> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} validation error{}:", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
