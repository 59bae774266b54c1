//! `graph`: one stack's graph as DOT, Mermaid or an SVG architecture diagram.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use stratus_core::App;
use stratus_core::synth::{architecture_dot, dot, mermaid};

use super::{Format, Renderer, VerbResult, pick};

pub(super) fn graph(
    app: &App,
    format: Format,
    renderer: Renderer,
    architecture: bool,
    stack: Option<&str>,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> VerbResult {
    let stack = pick(app, stack)?;
    let text = match format {
        Format::Dot if architecture => architecture_dot(stack),
        Format::Dot => dot(stack),
        Format::Mermaid => mermaid(stack),
        Format::Svg => render_svg(&architecture_dot(stack), renderer)?,
    };
    match file {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => out.write_all(text.as_bytes()).map_err(|e| e.to_string())?,
    }
    Ok(0)
}

/// Lays out DOT as SVG: in process by default (layout-rs, no system package; it draws the
/// nodes and edges but not Graphviz's clusters), or with Graphviz `dot` when asked.
pub(crate) fn render_svg(dot_text: &str, renderer: Renderer) -> Result<String, String> {
    match renderer {
        Renderer::Builtin => render_builtin(dot_text),
        Renderer::Graphviz => render_graphviz(dot_text),
    }
}

/// Lays out DOT with layout-rs, in process.
fn render_builtin(dot_text: &str) -> Result<String, String> {
    use layout::backends::svg::SVGWriter;
    use layout::gv::{DotParser, GraphBuilder};

    let mut parser = DotParser::new(dot_text);
    let graph = parser
        .process()
        .map_err(|e| format!("the built-in renderer cannot read the diagram: {e}"))?;
    // layout-rs asserts on shapes it cannot place; a diagram is not worth a crash.
    std::panic::catch_unwind(move || {
        let mut builder = GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let mut svg = SVGWriter::new();
        visual.do_it(false, false, false, &mut svg);
        svg.finalize()
    })
    .map_err(|_| "the built-in renderer failed on this diagram: try --renderer graphviz".into())
}

/// Lays out DOT with Graphviz `dot -Tsvg`.
fn render_graphviz(dot_text: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run Graphviz `dot` ({e}); install it (Debian: apt-get install graphviz)"
            )
        })?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(dot_text.as_bytes())
        .map_err(|e| format!("cannot feed `dot`: {e}"))?;
    let output = child
        .wait_with_output()
        .map_err(|e| format!("`dot` failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`dot` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("`dot` wrote invalid UTF-8: {e}"))
}
