//! `manifest.json`: what synthesis wrote and the graph of each stack, for other tools.

use petgraph::stable_graph::NodeIndex;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::app::App;
use crate::graph::{EdgeKind, ResourceGraph};
use crate::stack::Stack;

/// The manifest of an app, ready to serialize: per stack, its template file, environment,
/// resources (logical id, path, type, what each depends on) and edge counts.
///
/// ```
/// use stratus_core::prelude::*;
/// let mut app = App::new();
/// app.add_stack(Stack::new("prod", Environment::region("us-east-1")));
/// let json = serde_json::to_value(stratus_core::synth::manifest(&app)).unwrap();
/// assert_eq!(json["stacks"][0]["template"], "prod.template.json");
/// ```
pub fn manifest(app: &App) -> Manifest<'_> {
    Manifest {
        version: 1,
        stacks: app.stacks().iter().map(StackEntry::new).collect(),
    }
}

/// The manifest of an app.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    version: u32,
    stacks: Vec<StackEntry<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StackEntry<'a> {
    name: &'a str,
    template: String,
    account: Option<&'a str>,
    region: Option<&'a str>,
    resources: Resources<'a>,
    edges: usize,
    explicit_edges: usize,
}

impl<'a> StackEntry<'a> {
    fn new(stack: &'a Stack) -> Self {
        let graph = stack.graph();
        Self {
            name: stack.name(),
            template: format!("{}.template.json", stack.name()),
            account: stack.env().account.as_deref(),
            region: stack.env().region.as_deref(),
            resources: Resources(graph),
            edges: graph.edge_count(),
            explicit_edges: graph
                .edges()
                .filter(|(_, _, k)| *k == EdgeKind::Explicit)
                .count(),
        }
    }
}

#[derive(Debug)]
struct Resources<'a>(&'a ResourceGraph);

impl Serialize for Resources<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (index, node) in self.0.nodes() {
            seq.serialize_element(&Resource {
                logical_id: &node.logical_id,
                path: node.path.as_str(),
                r#type: node.type_name,
                depends_on: DependsOn(self.0, index),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<'a> {
    logical_id: &'a str,
    path: &'a str,
    r#type: &'static str,
    depends_on: DependsOn<'a>,
}

struct DependsOn<'a>(&'a ResourceGraph, NodeIndex);

impl Serialize for DependsOn<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let dependencies = self.0.dependencies(self.1);
        let mut seq = serializer.serialize_seq(Some(dependencies.len()))?;
        for (dependency, _) in dependencies {
            seq.serialize_element(&self.0.node(dependency).logical_id)?;
        }
        seq.end()
    }
}
