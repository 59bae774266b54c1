//! CloudFormation templates, serialized straight from the graph (no intermediate JSON tree:
//! at 100,000 resources building and freeing that tree cost more than the rest of synthesis).

use std::collections::BTreeSet;

use petgraph::stable_graph::NodeIndex;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value as Json;

use crate::asset::{self, ASSET_TYPE};
use crate::graph::{EdgeKind, Node, ResourceGraph};
use crate::lookup::{TemplateParameter, is_stratus_type, template_parameter};
use crate::resource::TagStyle;
use crate::stack::Stack;
use crate::value::Value;

/// Logical ids by graph node, for the text outputs.
#[derive(Clone, Copy, Debug)]
pub struct LogicalIds<'a>(&'a ResourceGraph);

impl<'a> LogicalIds<'a> {
    /// The logical ids of a stack's resources.
    pub fn new(stack: &'a Stack) -> Self {
        Self(stack.graph())
    }

    /// The logical id of a node.
    ///
    /// # Panics
    /// If the node is not of this stack.
    pub fn get(self, index: NodeIndex) -> &'a str {
        &self.0.node(index).logical_id
    }
}

/// The stack as a CloudFormation template (a JSON value; [`template_json`] writes text).
///
/// # Panics
/// Never: every value serializes (the `expect` states an invariant).
///
/// ```
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// Vpc::builder("vpc").max_azs(2).nat_gateways(1).build(&mut stack);
/// let template = stratus_core::synth::template(&stack);
/// assert_eq!(template["Resources"]["VpcPublicA"]["Properties"]["VpcId"], serde_json::json!({"Ref": "Vpc"}));
/// ```
pub fn template(stack: &Stack) -> Json {
    serde_json::to_value(Template(stack)).expect("a template always serializes")
}

/// The template as pretty-printed JSON with a final newline. Deterministic: resources in
/// declaration order, every other map's keys sorted.
///
/// # Panics
/// Never: writing to memory cannot fail.
pub fn template_json(stack: &Stack) -> String {
    let mut bytes = Vec::with_capacity(stack.graph().len() * 512);
    serde_json::to_writer_pretty(&mut bytes, &Template(stack))
        .expect("writing to memory cannot fail");
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// Serializes a template: resources in declaration order, other keys sorted.
struct Template<'a>(&'a Stack);

impl Serialize for Template<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let stack = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
        map.serialize_entry(
            "Description",
            &format!("Stack {} (synthesized by Stratus)", stack.name()),
        )?;
        if !stack.outputs().is_empty() {
            map.serialize_entry("Outputs", &Outputs(stack))?;
        }
        let parameters = Parameters::of(stack);
        if !parameters.0.is_empty() {
            map.serialize_entry("Parameters", &parameters)?;
        }
        map.serialize_entry("Resources", &Resources(stack))?;
        map.end()
    }
}

struct Outputs<'a>(&'a Stack);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.0.graph();
        let mut outputs: Vec<_> = self.0.outputs().iter().collect();
        outputs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut map = serializer.serialize_map(Some(outputs.len()))?;
        for output in outputs {
            struct Entry<'a>(&'a crate::stack::Output, &'a ResourceGraph);
            impl Serialize for Entry<'_> {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    let mut map = serializer.serialize_map(None)?;
                    if let Some(description) = &self.0.description {
                        map.serialize_entry("Description", description)?;
                    }
                    map.serialize_entry("Value", &Cfn(&self.0.value, self.1))?;
                    map.end()
                }
            }
            map.serialize_entry(&output.id, &Entry(output, graph))?;
        }
        map.end()
    }
}

/// The lookups, as parameters of AWS-specific types that CloudFormation resolves.
struct Parameters<'a>(Vec<(&'a str, TemplateParameter)>);

impl<'a> Parameters<'a> {
    fn of(stack: &'a Stack) -> Self {
        let mut parameters: Vec<_> = stack
            .graph()
            .nodes()
            .filter_map(|(_, node)| {
                template_parameter(node.type_name, &node.properties)
                    .map(|p| (node.logical_id.as_str(), p))
            })
            .collect();
        parameters.sort_by(|a, b| a.0.cmp(b.0));
        Self(parameters)
    }
}

impl Serialize for Parameters<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (logical_id, parameter) in &self.0 {
            let mut entry = serde_json::Map::new();
            if let Some(default) = &parameter.default {
                entry.insert("Default".into(), default.clone().into());
            }
            entry.insert("Description".into(), parameter.description.clone().into());
            entry.insert("Type".into(), parameter.type_name.into());
            map.serialize_entry(logical_id, &entry)?;
        }
        map.end()
    }
}

struct Resources<'a>(&'a Stack);

impl Serialize for Resources<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.0.graph();
        // Declaration order: deterministic for a given program, like CDK's, and a sequential walk
        // over the graph's storage (sorting by logical id made the walk random at 100k nodes).
        let mut map = serializer.serialize_map(None)?;
        // Lookups and assets are Stratus's: parameters, and values written where referred to.
        for (index, node) in graph.nodes().filter(|(_, n)| !is_stratus_type(n.type_name)) {
            map.serialize_entry(
                &node.logical_id,
                &Resource {
                    stack: self.0,
                    index,
                    node,
                },
            )?;
        }
        map.end()
    }
}

struct Resource<'a> {
    stack: &'a Stack,
    index: NodeIndex,
    node: &'a Node,
}

impl Serialize for Resource<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.stack.graph();
        let depends_on: BTreeSet<&str> = graph
            .dependencies(self.index)
            .into_iter()
            .filter(|(_, kind)| *kind == EdgeKind::Explicit)
            .map(|(dependency, _)| graph.node(dependency))
            .filter(|dependency| !is_stratus_type(dependency.type_name))
            .map(|dependency| dependency.logical_id.as_str())
            .collect();
        let mut map = serializer.serialize_map(None)?;
        // What deleting or replacing it does, when not CloudFormation's default (Delete).
        let removal = (self.node.removal != crate::removal::RemovalPolicy::Destroy)
            .then(|| self.node.removal.cloudformation());
        if let Some(policy) = removal {
            map.serialize_entry("DeletionPolicy", policy)?;
        }
        if !depends_on.is_empty() {
            map.serialize_entry("DependsOn", &depends_on)?;
        }
        map.serialize_entry("Metadata", &Metadata(self.node))?;
        let tags = Tags::of(self.stack, self.node);
        if !self.node.properties.is_empty() || tags.is_some() {
            map.serialize_entry(
                "Properties",
                &Properties {
                    node: self.node,
                    graph,
                    tags,
                },
            )?;
        }
        map.serialize_entry("Type", self.node.type_name)?;
        if let Some(policy) = removal {
            map.serialize_entry("UpdateReplacePolicy", policy)?;
        }
        map.end()
    }
}

struct Metadata<'a>(&'a Node);

impl Serialize for Metadata<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("stratus:path", self.0.path.as_str())?;
        map.end()
    }
}

struct Properties<'a> {
    node: &'a Node,
    graph: &'a ResourceGraph,
    tags: Option<Tags<'a>>,
}

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let mut tags = self.tags.as_ref();
        for (name, value) in self.node.properties.iter() {
            // The tags property goes in its sorted place.
            if let Some(t) = tags.filter(|t| t.property < name) {
                map.serialize_entry(t.property, t)?;
                tags = None;
            }
            map.serialize_entry(name, &Cfn(value, self.graph))?;
        }
        if let Some(t) = tags {
            map.serialize_entry(t.property, t)?;
        }
        map.end()
    }
}

/// The tags property of a resource as JSON (name, list), for the engine's resolved inputs.
pub(crate) fn tags_json(stack: &Stack, node: &Node) -> Option<(&'static str, Json)> {
    Tags::of(stack, node).map(|t| {
        (
            t.property,
            serde_json::to_value(&t).expect("tags serialize"),
        )
    })
}

/// The tags of a resource: stack tags, then its own (which win), sorted by key.
struct Tags<'a> {
    property: &'static str,
    propagate: bool,
    /// `{key: value}` rather than a list of `{Key, Value}`.
    as_map: bool,
    stack: &'a Stack,
    node: &'a Node,
}

impl<'a> Tags<'a> {
    fn of(stack: &'a Stack, node: &'a Node) -> Option<Self> {
        let (property, propagate, as_map) = match node.tag_style {
            TagStyle::List(property) => (property, false, false),
            TagStyle::AutoScaling(property) => (property, true, false),
            TagStyle::Map(property) => (property, false, true),
            TagStyle::None => return None,
        };
        (!stack.tags().is_empty() || !node.tags.is_empty()).then_some(Self {
            property,
            propagate,
            as_map,
            stack,
            node,
        })
    }
}

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut merged: std::collections::BTreeMap<&str, &str> = self
            .stack
            .tags()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        merged.extend(self.node.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if self.as_map {
            return merged.serialize(serializer);
        }
        let mut seq = serializer.serialize_seq(Some(merged.len()))?;
        for (key, value) in merged {
            seq.serialize_element(&Tag {
                key,
                value,
                propagate: self.propagate,
            })?;
        }
        seq.end()
    }
}

struct Tag<'a> {
    key: &'a str,
    value: &'a str,
    propagate: bool,
}

impl Serialize for Tag<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Key", self.key)?;
        if self.propagate {
            map.serialize_entry("PropagateAtLaunch", &true)?;
        }
        map.serialize_entry("Value", self.value)?;
        map.end()
    }
}

/// A value in CloudFormation's JSON, references as intrinsic functions.
struct Cfn<'a>(&'a Value, &'a ResourceGraph);

impl Serialize for Cfn<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.1;
        let logical = |id: &crate::handle::ResourceId| graph.node(id.node()).logical_id.as_str();
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => serializer.serialize_i64(*i),
            Value::Float(x) => serializer.serialize_f64(*x),
            Value::String(s) => serializer.serialize_str(s),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Cfn(item, graph))?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, &Cfn(value, graph))?;
                }
                map.end()
            }
            Value::Ref(id) if graph.node(id.node()).type_name == ASSET_TYPE => {
                asset::template_value(&graph.node(id.node()).properties, None).serialize(serializer)
            }
            Value::GetAtt(id, attribute) if graph.node(id.node()).type_name == ASSET_TYPE => {
                asset::template_value(&graph.node(id.node()).properties, Some(attribute))
                    .serialize(serializer)
            }
            // A lookup is a parameter: its value (an attribute here) is the parameter's `Ref`.
            Value::GetAtt(id, _) if is_stratus_type(graph.node(id.node()).type_name) => {
                Cfn(&Value::Ref(*id), graph).serialize(serializer)
            }
            Value::Ref(id) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("Ref", logical(id))?;
                map.end()
            }
            Value::GetAtt(id, attribute) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("Fn::GetAtt", &[logical(id), attribute])?;
                map.end()
            }
            Value::Base64(inner) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("Fn::Base64", &Cfn(inner, graph))?;
                map.end()
            }
            Value::Join(separator, parts) => {
                struct Parts<'a>(&'a [Value], &'a ResourceGraph);
                impl Serialize for Parts<'_> {
                    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                        for part in self.0 {
                            seq.serialize_element(&Cfn(part, self.1))?;
                        }
                        seq.end()
                    }
                }
                struct Args<'a>(&'a str, Parts<'a>);
                impl Serialize for Args<'_> {
                    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        let mut seq = serializer.serialize_seq(Some(2))?;
                        seq.serialize_element(self.0)?;
                        seq.serialize_element(&self.1)?;
                        seq.end()
                    }
                }
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("Fn::Join", &Args(separator, Parts(parts, graph)))?;
                map.end()
            }
        }
    }
}
