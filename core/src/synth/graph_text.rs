//! The whole resource graph as DOT or Mermaid text. Edges point from a dependency to what
//! depends on it; dashed edges are explicit dependencies (`DependsOn`).

use std::fmt::Write;

use crate::graph::EdgeKind;
use crate::stack::Stack;

use super::cloudformation::LogicalIds;

/// The graph in Graphviz DOT.
///
/// ```
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// Vpc::builder("vpc").max_azs(1).nat_gateways(1).build(&mut stack);
/// let dot = stratus_core::synth::dot(&stack);
/// assert!(dot.contains("\"Vpc\" -> \"VpcPublicA\""));
/// ```
pub fn dot(stack: &Stack) -> String {
    let ids = LogicalIds::new(stack);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", stack.name());
    out.push_str(
        "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (index, node) in stack.graph().nodes() {
        let _ = writeln!(
            out,
            "  \"{}\" [label=\"{}\\n{}\"];",
            ids.get(index),
            node.path.within_stack(),
            node.type_name
        );
    }
    for (from, to, kind) in stack.graph().edges() {
        let style = if kind == EdgeKind::Explicit {
            " [style=dashed]"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\"{style};",
            ids.get(from),
            ids.get(to)
        );
    }
    out.push_str("}\n");
    out
}

/// The graph as a Mermaid flowchart.
///
/// ```
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// Vpc::builder("vpc").max_azs(1).nat_gateways(1).build(&mut stack);
/// assert!(stratus_core::synth::mermaid(&stack).starts_with("flowchart LR\n"));
/// ```
pub fn mermaid(stack: &Stack) -> String {
    let ids = LogicalIds::new(stack);
    let mut out = String::from("flowchart LR\n");
    for (index, node) in stack.graph().nodes() {
        let _ = writeln!(
            out,
            "  {}[\"{}<br/><small>{}</small>\"]",
            ids.get(index),
            node.path.within_stack(),
            node.type_name
        );
    }
    for (from, to, kind) in stack.graph().edges() {
        let arrow = if kind == EdgeKind::Explicit {
            "-.->"
        } else {
            "-->"
        };
        let _ = writeln!(out, "  {} {arrow} {}", ids.get(from), ids.get(to));
    }
    out
}
