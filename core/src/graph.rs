//! The resource graph: L1 nodes and dependency edges on a petgraph `StableDiGraph`.
//!
//! Edges point from a dependency to its dependent (`vpc → subnet`), so a topological order is a
//! creation order and its reverse a deletion order. Indices stay valid across removals.

use std::collections::{BTreeMap, HashMap, VecDeque};

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::error::ValidationError;
use crate::path::ConstructPath;
use crate::resource::TagStyle;
use crate::value::Properties;

/// One L1 resource in the graph.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its construct path.
    pub path: ConstructPath,
    /// Its CloudFormation logical id, derived from the path once.
    pub logical_id: String,
    /// Its CloudFormation type name.
    pub type_name: &'static str,
    /// Its properties, references included.
    pub properties: Properties,
    /// Properties whose change forces replacement.
    pub replace_on: &'static [&'static str],
    /// How it takes tags.
    pub tag_style: TagStyle,
    /// Tags of this resource alone (stack tags are added at synthesis).
    pub tags: BTreeMap<String, String>,
    /// What deleting or replacing it does (the type's default unless set).
    pub removal: crate::removal::RemovalPolicy,
}

/// Why one resource depends on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// A property refers to the dependency (becomes `Ref`/`Fn::GetAtt`).
    Reference,
    /// Declared without a reference (becomes `DependsOn`).
    Explicit,
}

/// The dependency graph of one stack.
#[derive(Clone, Debug, Default)]
pub struct ResourceGraph {
    graph: StableDiGraph<Node, EdgeKind>,
}

impl ResourceGraph {
    /// Adds a node; the caller (the stack) has checked the path is new.
    pub(crate) fn add(&mut self, node: Node) -> NodeIndex {
        self.graph.add_node(node)
    }

    /// Adds `dependent → dependency` unless an edge between them exists already.
    pub(crate) fn depend(&mut self, dependent: NodeIndex, dependency: NodeIndex, kind: EdgeKind) {
        if let Some(edge) = self.graph.find_edge(dependency, dependent) {
            // A reference subsumes an explicit dependency.
            if kind == EdgeKind::Reference {
                self.graph[edge] = EdgeKind::Reference;
            }
            return;
        }
        self.graph.add_edge(dependency, dependent, kind);
    }

    /// Replaces the reference edges into `dependent` by edges from `dependencies` (after its
    /// properties changed); explicit dependencies stay.
    pub(crate) fn set_references(&mut self, dependent: NodeIndex, dependencies: &[NodeIndex]) {
        let stale: Vec<_> = self
            .graph
            .edges_directed(dependent, Direction::Incoming)
            .filter(|e| *e.weight() == EdgeKind::Reference)
            .map(|e| e.id())
            .collect();
        for edge in stale {
            self.graph.remove_edge(edge);
        }
        for &dependency in dependencies {
            self.depend(dependent, dependency, EdgeKind::Reference);
        }
    }

    /// How many resources. O(1).
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// Whether the graph is empty.
    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// The node at an index.
    ///
    /// # Panics
    /// If the index is not of this graph (handles from this stack always are).
    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.graph[index]
    }

    pub(crate) fn node_mut(&mut self, index: NodeIndex) -> &mut Node {
        &mut self.graph[index]
    }

    /// All resources in insertion order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> {
        self.graph.node_indices().map(|i| (i, &self.graph[i]))
    }

    /// The resource at a path (full, e.g. `prod/vpc`, or within the stack, e.g. `vpc`).
    /// O(n): for tests and tools; builders keep handles instead.
    pub fn find(&self, path: &str) -> Option<NodeIndex> {
        self.nodes()
            .find(|(_, n)| n.path.as_str() == path || n.path.within_stack() == path)
            .map(|(i, _)| i)
    }

    /// Resources of a CloudFormation type, in insertion order.
    pub fn by_type<'a>(
        &'a self,
        type_name: &'a str,
    ) -> impl Iterator<Item = (NodeIndex, &'a Node)> {
        self.nodes().filter(move |(_, n)| n.type_name == type_name)
    }

    /// What a resource depends on directly, with the kind of each edge.
    pub fn dependencies(&self, index: NodeIndex) -> Vec<(NodeIndex, EdgeKind)> {
        let mut out: Vec<_> = self
            .graph
            .edges_directed(index, Direction::Incoming)
            .map(|e| (e.source(), *e.weight()))
            .collect();
        out.sort_by_key(|(i, _)| *i);
        out
    }

    /// What depends on a resource directly.
    pub fn dependents(&self, index: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<_> = self
            .graph
            .neighbors_directed(index, Direction::Outgoing)
            .collect();
        out.sort();
        out
    }

    /// The number of dependency edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// All edges as `(dependency, dependent, kind)`.
    pub fn edges(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex, EdgeKind)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (e.source(), e.target(), *e.weight()))
    }

    /// A creation order: every resource after all it depends on. O(V + E).
    ///
    /// # Errors
    /// [`ValidationError::DependencyCycle`] naming every resource on one cycle.
    pub fn topological_order(&self) -> Result<Vec<NodeIndex>, ValidationError> {
        petgraph::algo::toposort(&self.graph, None).map_err(|cycle| {
            ValidationError::DependencyCycle {
                cycle: self.cycle_through(cycle.node_id()),
            }
        })
    }

    /// The shortest cycle through `start`, as paths in dependency order, `start` repeated last.
    fn cycle_through(&self, start: NodeIndex) -> Vec<ConstructPath> {
        // toposort reports a node on a cycle; breadth-first search back to it finds the cycle.
        let mut previous: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            for next in self.graph.neighbors_directed(at, Direction::Outgoing) {
                if next == start {
                    let mut cycle = vec![at];
                    let mut cursor = at;
                    while cursor != start {
                        cursor = previous[&cursor];
                        cycle.push(cursor);
                    }
                    cycle.reverse();
                    cycle.push(start);
                    return cycle
                        .into_iter()
                        .map(|i| self.graph[i].path.clone())
                        .collect();
                }
                if let std::collections::hash_map::Entry::Vacant(e) = previous.entry(next) {
                    e.insert(at);
                    queue.push_back(next);
                }
            }
        }
        vec![self.graph[start].path.clone()]
    }
}
