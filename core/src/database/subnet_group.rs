//! [`DbSubnetGroup`]: the subnets a database may live in, in at least two zones.

use std::collections::BTreeSet;

use crate::error::ValidationError;
use crate::handle::Ref;
use crate::net::{SubnetSelection, Vpc};
use crate::path::ConstructPath;
use crate::stack::Stack;
use stratus_cfn::rds::CfnDbSubnetGroup;

/// A handle to a DB subnet group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbSubnetGroup {
    id: Ref<CfnDbSubnetGroup>,
}

impl DbSubnetGroup {
    /// Starts a subnet group over the selected subnets of `vpc`.
    pub fn builder(id: &str, vpc: &Vpc, subnets: SubnetSelection) -> DbSubnetGroupBuilder {
        DbSubnetGroupBuilder {
            id: id.to_owned(),
            vpc: vpc.clone(),
            subnets,
            description: None,
            parent: None,
        }
    }

    /// The L1 subnet group.
    pub fn id(self) -> Ref<CfnDbSubnetGroup> {
        self.id
    }
}

/// Builds a [`DbSubnetGroup`].
#[must_use = "call .build(&mut stack) to add the subnet group"]
#[derive(Clone, Debug)]
pub struct DbSubnetGroupBuilder {
    id: String,
    vpc: Vpc,
    subnets: SubnetSelection,
    description: Option<String>,
    parent: Option<ConstructPath>,
}

impl DbSubnetGroupBuilder {
    /// What it is for (default: its path).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    pub(crate) fn under(mut self, parent: ConstructPath) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Adds the subnet group.
    pub fn build(self, stack: &mut Stack) -> DbSubnetGroup {
        let parent = self.parent.clone().unwrap_or_else(|| stack.path().clone());
        let path = stack.claim(&parent, &self.id);
        let placed = self.vpc.place(stack, &path, &self.subnets);
        let zones: BTreeSet<&str> = placed.iter().map(|s| s.az.as_str()).collect();
        if !placed.is_empty() && zones.len() < 2 {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("a DB subnet group in {} availability zone", zones.len()),
                fix: "RDS needs subnets in at least two zones; use a vpc with max_azs(2) or more"
                    .into(),
            });
        }
        let description = self.description.unwrap_or_else(|| path.to_string());
        let id = stack.add_at(
            path,
            CfnDbSubnetGroup::new(description, placed.iter().map(|s| s.id).collect::<Vec<_>>()),
        );
        DbSubnetGroup { id }
    }
}
