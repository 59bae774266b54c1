//! The verbs about recorded state: `outputs`, `drift`, `import`, `force-unlock`.

use std::io::Write;

use stratus_core::deploy::{ApplyOptions, Drift, DriftStatus};

use super::VerbResult;
use super::deploy::{Context, EXIT_CHANGES, engine_error, runtime};

/// `outputs`: the outputs recorded by the last deploy.
pub(super) fn outputs(ctx: &Context<'_>, json: bool, out: &mut dyn Write) -> VerbResult {
    let runtime = runtime()?;
    let mut all = serde_json::Map::new();
    for stack in ctx.stacks()? {
        // Reading outputs needs no provider.
        let backend = ctx.state.backend(stack.name(), &runtime)?;
        let state = runtime
            .block_on(backend.load())
            .map_err(|e| e.to_string())?;
        let outputs = state.map(|s| s.outputs).unwrap_or_default();
        all.insert(
            stack.name().to_owned(),
            serde_json::to_value(&outputs).map_err(|e| e.to_string())?,
        );
    }
    if json {
        writeln!(out, "{:#}", serde_json::Value::Object(all)).map_err(|e| e.to_string())?;
    } else {
        for (stack, outputs) in &all {
            writeln!(out, "{stack}").map_err(|e| e.to_string())?;
            for (id, value) in outputs.as_object().into_iter().flatten() {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                writeln!(out, "  {id} = {text}").map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(0)
}

/// `resources`: what the last deploy recorded, one line per resource: logical id, type,
/// physical id and construct path.
pub(super) fn resources(ctx: &Context<'_>, json: bool, out: &mut dyn Write) -> VerbResult {
    let runtime = runtime()?;
    let mut all = serde_json::Map::new();
    for stack in ctx.stacks()? {
        let backend = ctx.state.backend(stack.name(), &runtime)?;
        let state = runtime
            .block_on(backend.load())
            .map_err(|e| e.to_string())?;
        let rows: Vec<serde_json::Value> = state
            .iter()
            .flat_map(|s| &s.resources)
            .map(|(id, r)| {
                serde_json::json!({
                    "logical_id": id,
                    "type": r.type_name,
                    "physical_id": r.physical_id,
                    "path": r.path,
                })
            })
            .collect();
        all.insert(stack.name().to_owned(), serde_json::Value::Array(rows));
    }
    if json {
        writeln!(out, "{:#}", serde_json::Value::Object(all)).map_err(|e| e.to_string())?;
        return Ok(0);
    }
    for (stack, rows) in &all {
        let rows = rows.as_array().map(Vec::as_slice).unwrap_or_default();
        writeln!(out, "{stack} ({} resources recorded)", rows.len()).map_err(|e| e.to_string())?;
        for row in rows {
            writeln!(
                out,
                "  {:<36} {:<42} {}",
                row["logical_id"].as_str().unwrap_or_default(),
                row["type"].as_str().unwrap_or_default(),
                row["physical_id"].as_str().unwrap_or_default()
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(0)
}

/// `drift`: what differs between recorded state and the cloud, property by property.
pub(super) fn drift(
    ctx: &Context<'_>,
    json: bool,
    detailed: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let mut all = Vec::new();
    for stack in ctx.stacks()? {
        let deployer = ctx.deployer(stack, ApplyOptions::default(), &runtime, err)?;
        let drift = runtime
            .block_on(deployer.drift(stack.name()))
            .map_err(|e| engine_error(stack.name(), e))?;
        all.push(drift);
    }
    if json {
        let text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        for drift in &all {
            write!(out, "{}", render(drift)).map_err(|e| e.to_string())?;
        }
    }
    let drifted = all.iter().any(Drift::has_drift);
    Ok(if detailed && drifted { EXIT_CHANGES } else { 0 })
}

/// Drift for people: one block per resource that differs.
fn render(drift: &Drift) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Stack {}: {} of {} resources differ from the cloud",
        drift.stack,
        drift.resources.len(),
        drift.checked
    );
    for resource in &drift.resources {
        match &resource.status {
            DriftStatus::Deleted => {
                let _ = writeln!(
                    text,
                    "  - {} {} {}: deleted outside Stratus",
                    resource.logical_id, resource.type_name, resource.physical_id
                );
            }
            DriftStatus::Modified { properties } => {
                let _ = writeln!(
                    text,
                    "  ~ {} {} {}",
                    resource.logical_id, resource.type_name, resource.physical_id
                );
                for property in properties {
                    let live = property
                        .live
                        .as_ref()
                        .map_or_else(|| "(none)".to_owned(), ToString::to_string);
                    let _ = writeln!(
                        text,
                        "      {}: recorded {}, live {live}",
                        property.name, property.recorded
                    );
                }
            }
        }
    }
    if drift.resources.is_empty() {
        text.push_str("  no drift\n");
    } else {
        text.push_str("  `plan` shows how the next deploy puts them back\n");
    }
    text
}

/// `import`: record an existing resource as the one declared at a path.
pub(super) fn import(
    ctx: &Context<'_>,
    path: &str,
    physical_id: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> VerbResult {
    let runtime = runtime()?;
    let stacks = ctx.stacks()?;
    // The stack whose path the construct path starts with, or the only one selected.
    let stack = stacks
        .iter()
        .find(|s| path.starts_with(&format!("{}/", s.name())))
        .or_else(|| (stacks.len() == 1).then(|| &stacks[0]))
        .ok_or_else(|| {
            format!("{path}: start the path with its stack's name, or choose one with --stack")
        })?;
    let deployer = ctx.deployer(stack, ApplyOptions::default(), &runtime, err)?;
    let imported = runtime
        .block_on(deployer.import(stack, path, physical_id))
        .map_err(|e| engine_error(stack.name(), e))?;
    writeln!(
        out,
        "imported {} {} as {}{}",
        imported.type_name,
        imported.physical_id,
        imported.logical_id,
        if imported.tagged {
            ", tagged as this stack's"
        } else {
            ""
        }
    )
    .map_err(|e| e.to_string())?;
    Ok(0)
}

/// `force-unlock`: remove a stale lock.
pub(super) fn force_unlock(ctx: &Context<'_>, out: &mut dyn Write) -> VerbResult {
    let runtime = runtime()?;
    for stack in ctx.stacks()? {
        let backend = ctx.state.backend(stack.name(), &runtime)?;
        match runtime
            .block_on(backend.force_unlock())
            .map_err(|e| e.to_string())?
        {
            Some(holder) => writeln!(out, "{}: removed the lock held for {holder}", stack.name()),
            None => writeln!(out, "{}: was not locked", stack.name()),
        }
        .map_err(|e| e.to_string())?;
    }
    Ok(0)
}
