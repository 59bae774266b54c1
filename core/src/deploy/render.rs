//! Plans for people: one line per changed resource with its changed properties, then
//! security-group and IAM changes in their own tables (as `cdk diff` shows them).

use std::fmt::Write;

use super::plan::{Action, Change, Plan};
use super::provider::Json;
use super::refresh::DriftStatus;
use super::resolve::{UNKNOWN, is_unknown};
use crate::removal::RemovalPolicy;

const RESET: &str = "\x1b[0m";

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}{RESET}")
    } else {
        text.to_owned()
    }
}

/// The first unknown's description inside a value.
fn first_unknown(value: &Json) -> Option<&str> {
    match value {
        Json::Object(map) => map
            .get(UNKNOWN)
            .and_then(Json::as_str)
            .or_else(|| map.values().find_map(first_unknown)),
        Json::Array(items) => items.iter().find_map(first_unknown),
        _ => None,
    }
}

/// A value in one line; unknowns as "(known after apply)".
fn show(value: Option<&Json>) -> String {
    match value {
        None => "(none)".into(),
        Some(v) if is_unknown(v) => match first_unknown(v) {
            Some(what) => format!("(known after apply: {what})"),
            None => "(known after apply)".into(),
        },
        Some(v) => {
            let text = v.to_string();
            if text.len() > 120 {
                format!(
                    "{}…",
                    &text[..text.char_indices().nth(117).map_or(text.len(), |(i, _)| i)]
                )
            } else {
                text
            }
        }
    }
}

/// ` (account A, region R)`, or what of it is known.
fn where_it_goes(account: Option<&str>, region: Option<&str>) -> String {
    match (account, region) {
        (Some(account), Some(region)) => format!(" (account {account}, region {region})"),
        (None, Some(region)) => format!(" (region {region})"),
        (Some(account), None) => format!(" (account {account})"),
        (None, None) => String::new(),
    }
}

impl Plan {
    /// The plan as text; ANSI colours when `color`.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let s = self.summary;
        let _ = writeln!(
            out,
            "Stack {}{}: {} to create, {} to update, {} to replace, {} to delete, {} unchanged{}",
            self.stack,
            where_it_goes(self.account.as_deref(), self.region.as_deref()),
            s.create,
            s.update,
            s.replace,
            s.delete,
            s.unchanged,
            if s.policy > 0 {
                format!(", {} removal policies to record", s.policy)
            } else {
                String::new()
            }
        );
        for change in &self.changes {
            if let Some(before) = change.removal_before {
                let head = format!("~ {} {}", change.logical_id, change.type_name);
                let _ = writeln!(
                    out,
                    "  {}  removal policy {before:?} -> {:?} (recorded, no call)",
                    paint(color, "33", &head),
                    change.removal
                );
            }
        }
        for change in self.changes.iter().filter(|c| c.action != Action::NoOp) {
            let (symbol, code, word) = match &change.action {
                Action::Create => ("+", "32", "create".to_owned()),
                Action::Update => ("~", "33", "update".to_owned()),
                Action::Replace { because } => (
                    "±",
                    "35",
                    format!(
                        "replace (because {} changes){}",
                        because.join(", "),
                        match change.removal {
                            RemovalPolicy::Destroy => "",
                            RemovalPolicy::Retain => " (the old one stays in the cloud)",
                            RemovalPolicy::Snapshot => " (the old one after a final snapshot)",
                        }
                    ),
                ),
                Action::Delete => ("-", "31", format!("delete{}", removal_note(change.removal))),
                Action::DeleteRetired { physical_id } => (
                    "-",
                    "31",
                    format!(
                        "delete replaced {physical_id}{}",
                        removal_note(change.removal)
                    ),
                ),
                Action::NoOp => continue,
            };
            let head = format!("{symbol} {} {}", change.logical_id, change.type_name);
            let _ = writeln!(out, "  {}  {word}", paint(color, code, &head));
            if let Some(why) = change.disruption() {
                let _ = writeln!(
                    out,
                    "      {}",
                    paint(color, "1;35", &format!("disruptive: {why}"))
                );
            }
            if matches!(change.action, Action::Update | Action::Replace { .. }) {
                for property in &change.properties {
                    let _ = writeln!(
                        out,
                        "      {}: {} -> {}",
                        property.name,
                        show(property.before.as_ref()),
                        show(property.after.as_ref())
                    );
                }
            }
        }
        security_table(self, &mut out);
        iam_table(self, &mut out);
        drift_section(self, &mut out);
        if !self.has_changes() {
            out.push_str("  no changes\n");
        }
        for loss in &self.data_loss {
            let what = loss.path.as_deref().unwrap_or(&loss.logical_id);
            let line = format!(
                "! {what} ({}) would be {}d without a snapshot: its data is lost. Keep it with a \
                 removal policy (Snapshot or Retain), or pass --allow-data-loss {} to proceed",
                loss.type_name, loss.action, loss.logical_id
            );
            let _ = writeln!(out, "{}", paint(color, "1;31", &line));
        }
        out
    }
}

/// How a delete treats the resource, when not a plain delete.
fn removal_note(removal: RemovalPolicy) -> &'static str {
    match removal {
        RemovalPolicy::Destroy => "",
        RemovalPolicy::Retain => " (kept: removal policy Retain leaves it in the cloud)",
        RemovalPolicy::Snapshot => " (after a final snapshot)",
    }
}

/// What the refresh found changed outside Stratus.
fn drift_section(plan: &Plan, out: &mut String) {
    if plan.drift.is_empty() {
        return;
    }
    out.push_str("Changed outside Stratus (the plan puts them back):\n");
    for drift in &plan.drift {
        match &drift.status {
            DriftStatus::Deleted => {
                let _ = writeln!(
                    out,
                    "  - {} {} {} was deleted",
                    drift.logical_id, drift.type_name, drift.physical_id
                );
            }
            DriftStatus::Modified { properties } => {
                for property in properties {
                    let _ = writeln!(
                        out,
                        "  ~ {}.{}: recorded {}, live {}",
                        drift.logical_id,
                        property.name,
                        show(Some(&property.recorded)),
                        show(property.live.as_ref())
                    );
                }
            }
        }
    }
}

fn sign(change: &Change) -> Option<&'static str> {
    match change.action {
        Action::Create => Some("+"),
        Action::Delete | Action::DeleteRetired { .. } => Some("-"),
        Action::Replace { .. } | Action::Update => Some("~"),
        Action::NoOp => None,
    }
}

fn security_table(plan: &Plan, out: &mut String) {
    let mut rows = Vec::new();
    for change in &plan.changes {
        let (direction, peer_key) = match change.type_name.as_str() {
            "AWS::EC2::SecurityGroupIngress" => ("in", "SourceSecurityGroupId"),
            "AWS::EC2::SecurityGroupEgress" => ("out", "DestinationSecurityGroupId"),
            _ => continue,
        };
        let Some(sign) = sign(change) else { continue };
        let get = |name: &str| {
            change
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.after.as_ref().or(p.before.as_ref()))
        };
        if change.properties.is_empty() {
            rows.push(format!("  {sign} {:<40} {direction:<4}", change.logical_id));
            continue;
        }
        let ports = match (
            get("IpProtocol").and_then(Json::as_str),
            get("FromPort"),
            get("ToPort"),
        ) {
            (Some("-1"), _, _) => "all traffic".to_owned(),
            (Some(proto), Some(from), Some(to)) if from == to => format!("{proto} {from}"),
            (Some(proto), Some(from), Some(to)) => format!("{proto} {from}-{to}"),
            (proto, _, _) => proto.unwrap_or("?").to_owned(),
        };
        let peer = get("CidrIp")
            .or_else(|| get(peer_key))
            .map_or_else(|| "?".to_owned(), |v| show(Some(v)));
        rows.push(format!(
            "  {sign} {:<40} {direction:<4} {ports:<14} {peer}",
            show(get("GroupId"))
        ));
    }
    if !rows.is_empty() {
        let _ = writeln!(
            out,
            "Security group changes:\n  ± {:<40} dir  {:<14} peer",
            "group", "port"
        );
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
}

fn iam_table(plan: &Plan, out: &mut String) {
    let mut rows = Vec::new();
    for change in &plan.changes {
        if !matches!(
            change.type_name.as_str(),
            "AWS::IAM::RolePolicy" | "AWS::IAM::Role" | "AWS::IAM::InstanceProfile"
        ) {
            continue;
        }
        let Some(sign) = sign(change) else { continue };
        let detail = change
            .properties
            .iter()
            .find(|p| p.name == "PolicyDocument" || p.name == "AssumeRolePolicyDocument")
            .map(|p| show(p.after.as_ref()))
            .unwrap_or_default();
        rows.push(format!(
            "  {sign} {:<30} {:<24} {detail}",
            change.logical_id,
            change.type_name.trim_start_matches("AWS::IAM::")
        ));
    }
    if !rows.is_empty() {
        out.push_str("IAM changes:\n  ± resource                       kind                     statements\n");
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
}
