//! Synthesis: the outputs other tools read. A CloudFormation template per stack, a manifest of
//! the graph, the graph as DOT or Mermaid, and an architecture diagram (DOT, grouped by VPC,
//! zone and tier) that a layout engine turns into SVG.
//!
//! Every output is deterministic: the same program gives byte-identical files.

mod cloudformation;
mod diagram;
mod graph_text;
mod manifest;

pub(crate) use cloudformation::tags_json;
pub use cloudformation::{LogicalIds, template, template_json};
pub use diagram::architecture_dot;
pub use graph_text::{dot, mermaid};
pub use manifest::{Manifest, manifest};
