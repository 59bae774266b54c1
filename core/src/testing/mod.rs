//! Assertions for `cargo test`: count resources, find them by path, match properties with
//! readable failures, ask what traffic the security groups and subnet placement allow, and
//! check lint findings ([`AssertLint`]).
//!
//! ```
//! use stratus_core::prelude::*;
//! use stratus_core::testing::{Inspect, Match};
//!
//! let mut stack = Stack::new("prod", Environment::region("us-east-1"));
//! let vpc = Vpc::builder("vpc").cidr("10.0.0.0/16").build(&mut stack);
//! let web = SecurityGroup::builder("web-sg", &vpc).build(&mut stack);
//! stack.allow(Peer::any_ipv4(), &web, Port::HTTPS);
//!
//! let inspect = Inspect::new(&stack);
//! inspect.assert_count("AWS::EC2::Subnet", 6);
//! inspect.resource("vpc").assert_property("CidrBlock", Match::eq("10.0.0.0/16"));
//! // Nothing is placed in web-sg yet, so nothing is reachable through it.
//! assert!(!inspect.internet_can_reach(&web, Port::HTTPS));
//! ```

mod lint;
mod matchers;
mod permissions;
mod reach;

pub use lint::AssertLint;
pub use matchers::Match;

use petgraph::stable_graph::NodeIndex;

use crate::graph::Node;
use crate::handle::ResourceId;
use crate::stack::Stack;
use crate::value::Value;

/// A read-only view of a stack for assertions.
#[derive(Clone, Copy, Debug)]
pub struct Inspect<'a> {
    stack: &'a Stack,
}

impl<'a> Inspect<'a> {
    /// Inspects a stack.
    pub fn new(stack: &'a Stack) -> Self {
        Self { stack }
    }

    /// How many resources of a CloudFormation type.
    pub fn count(&self, type_name: &str) -> usize {
        self.stack.graph().by_type(type_name).count()
    }

    /// Asserts how many resources of a type there are; the failure lists those found.
    ///
    /// # Panics
    /// When the count differs.
    #[track_caller]
    pub fn assert_count(&self, type_name: &str, expected: usize) {
        let found: Vec<&str> = self
            .stack
            .graph()
            .by_type(type_name)
            .map(|(_, n)| n.path.as_str())
            .collect();
        assert!(
            found.len() == expected,
            "expected {expected} {type_name}, found {}{}{}",
            found.len(),
            if found.is_empty() { "" } else { ": " },
            found.join(", ")
        );
    }

    /// The resources of a type.
    pub fn all(&self, type_name: &str) -> Vec<ResourceView<'a>> {
        self.stack
            .graph()
            .by_type(type_name)
            .map(|(index, _)| self.view(index))
            .collect()
    }

    /// The resource at a path (`vpc/public-a` or `prod/vpc/public-a`), if any.
    pub fn find(&self, path: &str) -> Option<ResourceView<'a>> {
        self.stack.graph().find(path).map(|index| self.view(index))
    }

    /// The resource at a path.
    ///
    /// # Panics
    /// When there is none; the message lists the paths that start the same way.
    #[track_caller]
    pub fn resource(&self, path: &str) -> ResourceView<'a> {
        self.find(path).unwrap_or_else(|| {
            let stem = path.split('/').next().unwrap_or(path);
            let mut near: Vec<&str> = self
                .stack
                .graph()
                .nodes()
                .map(|(_, n)| n.path.within_stack())
                .filter(|p| p.starts_with(stem))
                .collect();
            near.sort_unstable();
            panic!(
                "no resource at {path}; resources under {stem}: {}",
                near.join(", ")
            )
        })
    }

    /// The resource behind a handle.
    pub fn get(&self, id: ResourceId) -> ResourceView<'a> {
        self.view(id.node())
    }

    /// Asserts that some resource of `type_name` matches every `(property, matcher)` pair; the
    /// failure shows each candidate and where it differs.
    ///
    /// # Panics
    /// When none matches.
    #[track_caller]
    pub fn assert_has_properties(&self, type_name: &str, expected: &[(&str, Match)]) {
        let mut reasons = Vec::new();
        for view in self.all(type_name) {
            let misses: Vec<String> = expected
                .iter()
                .filter_map(|(name, m)| view.check(name, m).err())
                .collect();
            if misses.is_empty() {
                return;
            }
            reasons.push(format!("  {}: {}", view.path(), misses.join("; ")));
        }
        panic!(
            "no {type_name} has all of the expected properties ({} candidates){}{}",
            reasons.len(),
            if reasons.is_empty() { "" } else { "\n" },
            reasons.join("\n")
        );
    }

    fn view(self, index: NodeIndex) -> ResourceView<'a> {
        ResourceView {
            stack: self.stack,
            index,
            node: self.stack.graph().node(index),
        }
    }

    pub(crate) fn stack(self) -> &'a Stack {
        self.stack
    }
}

/// One resource, for assertions.
#[derive(Clone, Copy, Debug)]
pub struct ResourceView<'a> {
    stack: &'a Stack,
    index: NodeIndex,
    node: &'a Node,
}

impl<'a> ResourceView<'a> {
    /// Its construct path.
    pub fn path(&self) -> &'a str {
        self.node.path.as_str()
    }

    /// Its CloudFormation type.
    pub fn type_name(&self) -> &'static str {
        self.node.type_name
    }

    /// A property's value.
    pub fn property(&self, name: &str) -> Option<&'a Value> {
        self.node.properties.get(name)
    }

    /// A tag of the resource itself (stack tags apply on top).
    pub fn tag(&self, key: &str) -> Option<&'a str> {
        self.node.tags.get(key).map(String::as_str)
    }

    /// The paths of what it depends on.
    pub fn dependencies(&self) -> Vec<&'a str> {
        let graph = self.stack.graph();
        graph
            .dependencies(self.index)
            .into_iter()
            .map(|(i, _)| graph.node(i).path.as_str())
            .collect()
    }

    /// Checks one property; the error says what was expected and what was found.
    pub fn check(&self, name: &str, matcher: &Match) -> Result<(), String> {
        matcher
            .check(self.stack, self.property(name))
            .map_err(|found| format!("{name}: expected {matcher}, found {found}"))
    }

    /// Asserts one property.
    ///
    /// # Panics
    /// When it does not match; the message names the resource, the property, what was
    /// expected and what was found.
    #[track_caller]
    pub fn assert_property(&self, name: &str, matcher: Match) -> &Self {
        if let Err(message) = self.check(name, &matcher) {
            panic!("{} ({}): {message}", self.path(), self.type_name());
        }
        self
    }
}
