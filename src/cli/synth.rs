//! `synth`: templates, manifest and graphs written to a directory.

use std::io::Write;
use std::path::Path;

use stratus_core::App;
use stratus_core::asset;
use stratus_core::synth::{dot, manifest, template_json};

use super::{EXIT_FAILURE, VerbResult};

/// Validates, then writes `<stack>.template.json`, `<stack>.dot` and, when the stack has file
/// assets, `<stack>.assets.json` (each asset's hash, source, bucket and key) per stack, and
/// `manifest.json`. Nothing is written for an invalid app. (`graph --architecture` draws the
/// architecture diagram.)
pub(super) fn synth(app: &App, dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> VerbResult {
    if let Err(errors) = app.validate() {
        write!(err, "{errors}").map_err(|e| e.to_string())?;
        return Ok(EXIT_FAILURE);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: String, text: &str| -> Result<(), String> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    // Stacks are independent: render and write them on every core.
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let chunk = app.stacks().len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = app
            .stacks()
            .chunks(chunk)
            .map(|stacks| {
                scope.spawn(move || -> Result<(), String> {
                    for stack in stacks {
                        write(
                            format!("{}.template.json", stack.name()),
                            &template_json(stack),
                        )?;
                        write(format!("{}.dot", stack.name()), &dot(stack))?;
                        let assets = asset::manifest(stack);
                        if !assets.is_empty() {
                            let mut text =
                                serde_json::to_string_pretty(&assets).map_err(|e| e.to_string())?;
                            text.push('\n');
                            write(format!("{}.assets.json", stack.name()), &text)?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map_err(|_| "a synthesis thread panicked".to_owned())?
        })
    })?;
    let mut manifest_text =
        serde_json::to_string_pretty(&manifest(app)).map_err(|e| e.to_string())?;
    manifest_text.push('\n');
    write("manifest.json".into(), &manifest_text)?;
    let resources: usize = app.stacks().iter().map(|s| s.graph().len()).sum();
    writeln!(
        out,
        "synthesized {} stack(s), {resources} resources, to {}",
        app.stacks().len(),
        dir.display()
    )
    .map_err(|e| e.to_string())?;
    Ok(0)
}
