//! Every resource of a type whose schema is known (`stratus::cfn`, for the enabled services)
//! checked against it in `validate()`: unknown and missing properties, types, enum values
//! (with "did you mean"), patterns, lengths, ranges, list sizes, `requiredXor` and
//! `dependentRequired`. Values known only at deploy (references, joins) are not judged.

use std::collections::HashMap;

use stratus_model::schema::{Kind, ObjectSchema, PropertySchema};

use crate::error::ValidationError;
use crate::path::ConstructPath;
use crate::stack::Stack;
use crate::value::Value;

/// Checks every resource of `stack` whose type has a schema.
pub(crate) fn check(stack: &Stack, errors: &mut Vec<ValidationError>) {
    let mut checker = Checker::default();
    // A construct whose builder reported a problem is told that one, in its own words, first.
    let reported: std::collections::HashSet<&ConstructPath> = stack
        .recorded_errors()
        .iter()
        .filter_map(ValidationError::path)
        .collect();
    for (_, node) in stack.graph().nodes() {
        if reported.contains(&node.path) {
            continue;
        }
        let Some(schema) = stratus_cfn::schema(node.type_name) else {
            continue;
        };
        let given: Vec<(&str, &Value)> = node.properties.iter().collect();
        checker.object(&node.path, "", schema, &given, errors);
    }
}

/// Compiled patterns, by source; `None` for a pattern this engine cannot run (look-around),
/// which is then not checked.
#[derive(Default)]
struct Checker {
    patterns: HashMap<&'static str, Option<regex_lite::Regex>>,
}

impl Checker {
    fn object(
        &mut self,
        path: &ConstructPath,
        at: &str,
        schema: &ObjectSchema,
        given: &[(&str, &Value)],
        errors: &mut Vec<ValidationError>,
    ) {
        let mut report = |property: String, problem: String, fix: String| {
            errors.push(ValidationError::Schema {
                path: path.clone(),
                property,
                problem,
                fix,
            });
        };
        let is_set = |name: &str| given.iter().any(|(n, _)| *n == name);
        for name in schema.required.iter().filter(|n| !is_set(n)) {
            report(
                join(at, name),
                format!("{} requires {name}", describe(at, schema)),
                format!("set {name}"),
            );
        }
        for group in schema.required_xor {
            let set: Vec<&str> = group.iter().copied().filter(|n| is_set(n)).collect();
            if set.len() != 1 {
                report(
                    if at.is_empty() {
                        group.join("|")
                    } else {
                        format!("{at}.{}", group.join("|"))
                    },
                    format!(
                        "exactly one of {} must be set, {} {}",
                        group.join(", "),
                        if set.is_empty() { "none" } else { "but" },
                        if set.is_empty() {
                            "is".to_owned()
                        } else {
                            format!("{} are", set.join(" and "))
                        }
                    ),
                    "set one of them".into(),
                );
            }
        }
        for (property, problem, fix) in alternatives(at, schema, &is_set) {
            report(property, problem, fix);
        }
        for (name, needs) in schema.dependent_required {
            if is_set(name) {
                for need in needs.iter().filter(|n| !is_set(n)) {
                    report(
                        join(at, need),
                        format!("{name} is set, which needs {need}"),
                        format!("set {need}, or leave {name} out"),
                    );
                }
            }
        }
        for (name, value) in given {
            let here = join(at, name);
            match schema.property(name) {
                Some(property) => self.value(path, &here, property, value, errors),
                None if schema.open => {}
                None => {
                    let names: Vec<&str> = schema.properties.iter().map(|p| p.name).collect();
                    errors.push(ValidationError::Schema {
                        path: path.clone(),
                        property: here,
                        problem: format!("{} has no property {name}", describe(at, schema)),
                        fix: match closest(name, &names) {
                            Some(near) => format!("did you mean {near}?"),
                            None => {
                                "remove it; see the type's documentation for its properties".into()
                            }
                        },
                    });
                }
            }
        }
    }

    fn value(
        &mut self,
        path: &ConstructPath,
        at: &str,
        schema: &PropertySchema,
        value: &Value,
        errors: &mut Vec<ValidationError>,
    ) {
        if matches!(
            value,
            Value::Ref(..) | Value::GetAtt(..) | Value::Join(..) | Value::Base64(..) | Value::Null
        ) {
            return;
        }
        let mut report = |problem: String, fix: String| {
            errors.push(ValidationError::Schema {
                path: path.clone(),
                property: at.to_owned(),
                problem,
                fix,
            });
        };
        match (&schema.kind, value) {
            (Kind::String, Value::List(_) | Value::Map(_)) => {
                report(
                    format!("expects a string, not {value}"),
                    "give a string".into(),
                );
            }
            (Kind::Integer, v) if !is_integer(v) => {
                report(
                    format!("expects an integer, not {v}"),
                    "give a whole number".into(),
                );
            }
            (Kind::Number, v) if !is_number(v) => {
                report(format!("expects a number, not {v}"), "give a number".into());
            }
            (Kind::Boolean, v) if !is_boolean(v) => {
                report(
                    format!("expects true or false, not {v}"),
                    "give a boolean".into(),
                );
            }
            (Kind::Enum(values), Value::String(s)) if !values.contains(&s.as_str()) => {
                report(
                    if values.len() <= 12 {
                        format!("{s:?} is not one of {}", values.join(", "))
                    } else {
                        format!("{s:?} is not one of the {} values it allows", values.len())
                    },
                    match closest(s, values) {
                        Some(near) => format!("did you mean {near}?"),
                        None if values.len() <= 12 => "use one of the values listed".into(),
                        None => "see the type's documentation for the values".into(),
                    },
                );
            }
            (Kind::Enum(_), v) if !matches!(v, Value::String(_)) => {
                report(
                    format!("expects one of its values, not {v}"),
                    "give a string".into(),
                );
            }
            (Kind::List(item), Value::List(items)) => {
                for (i, element) in items.iter().enumerate() {
                    self.value(path, &format!("{at}[{i}]"), item, element, errors);
                }
            }
            (Kind::List(_), v) => report(format!("expects a list, not {v}"), "give a list".into()),
            (Kind::Map(item), Value::Map(entries)) => {
                for (key, element) in entries {
                    self.value(path, &format!("{at}.{key}"), item, element, errors);
                }
            }
            (Kind::Map(_) | Kind::Object(_), v) if !matches!(v, Value::Map(_)) => {
                report(
                    format!("expects a map, not {v}"),
                    "give a map of properties".into(),
                );
            }
            (Kind::Object(object), Value::Map(entries)) => {
                let given: Vec<(&str, &Value)> =
                    entries.iter().map(|(k, v)| (k.as_str(), v)).collect();
                self.object(path, at, object, &given, errors);
            }
            // JSON takes anything; the rest is of its kind.
            _ => {}
        }
        self.limits(path, at, schema, value, errors);
    }

    fn limits(
        &mut self,
        path: &ConstructPath,
        at: &str,
        schema: &PropertySchema,
        value: &Value,
        errors: &mut Vec<ValidationError>,
    ) {
        let mut report = |problem: String, fix: String| {
            errors.push(ValidationError::Schema {
                path: path.clone(),
                property: at.to_owned(),
                problem,
                fix,
            });
        };
        if let Value::String(text) = value {
            let length = text.chars().count() as u64;
            if let Some(problem) = outside(length, schema.length, "characters") {
                report(
                    format!("{text:?} has {problem}"),
                    bounds_fix(schema.length, "characters"),
                );
            }
            if let Some(pattern) = schema.pattern
                && let Some(regex) = self.pattern(pattern)
                && !regex.is_match(text)
            {
                report(
                    format!("{text:?} does not match the pattern {pattern}"),
                    "give a value of that form".into(),
                );
            }
            if let Some((format, pattern)) = schema.format
                && let Some(regex) = self.pattern(pattern)
                && !regex.is_match(text)
            {
                report(
                    format!("{text:?} is not a {format} (a value matching {pattern})"),
                    format!("give a {format}, or a reference to the resource"),
                );
            }
        }
        if let Some(number) = as_number(value) {
            let (low, high) = schema.range;
            if low.is_some_and(|l| number < l) || high.is_some_and(|h| number > h) {
                report(
                    format!("{number} is outside {}", range_text(schema.range)),
                    format!("give a number in {}", range_text(schema.range)),
                );
            }
        }
        if let Value::List(items) = value
            && let Some(problem) = outside(items.len() as u64, schema.items, "items")
        {
            report(
                format!("the list has {problem}"),
                bounds_fix(schema.items, "items"),
            );
        }
    }

    fn pattern(&mut self, source: &'static str) -> Option<&regex_lite::Regex> {
        self.patterns
            .entry(source)
            .or_insert_with(|| {
                regex_lite::Regex::new(&stratus_model::schema::rust_syntax(source)).ok()
            })
            .as_ref()
    }
}

/// What `oneOf` and `anyOf` (alternatives of required properties) find wrong in an object:
/// (property path, problem, fix).
fn alternatives(
    at: &str,
    schema: &ObjectSchema,
    is_set: &dyn Fn(&str) -> bool,
) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut report = |property: String, problem: String, fix: String| {
        found.push((property, problem, fix));
    };
    let holds = |alternative: &[&str]| alternative.iter().all(|n| is_set(n));
    let list = |alternatives: &[&[&str]]| -> String {
        alternatives
            .iter()
            .map(|a| a.join(" and "))
            .collect::<Vec<_>>()
            .join(", or ")
    };
    let group_path = |alternatives: &[&[&str]]| {
        let names: Vec<&str> = alternatives
            .iter()
            .flat_map(|a| a.iter().copied())
            .collect();
        join(at, &names.join("|"))
    };
    if !schema.one_of.is_empty() {
        let held: Vec<&[&str]> = schema.one_of.iter().copied().filter(|a| holds(a)).collect();
        if held.len() != 1 {
            report(
                group_path(schema.one_of),
                if held.is_empty() {
                    format!(
                        "{} needs exactly one of: {}",
                        describe(at, schema),
                        list(schema.one_of)
                    )
                } else {
                    format!(
                        "only one of {} may be set, but {} are",
                        list(schema.one_of),
                        list(&held)
                    )
                },
                "set exactly one of them".into(),
            );
        }
    }
    if !schema.any_of.is_empty() && !schema.any_of.iter().any(|a| holds(a)) {
        report(
            group_path(schema.any_of),
            format!(
                "{} needs at least one of: {}",
                describe(at, schema),
                list(schema.any_of)
            ),
            "set one of them".into(),
        );
    }
    found
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

fn describe(at: &str, schema: &ObjectSchema) -> String {
    if at.is_empty() {
        schema.name.to_owned()
    } else {
        format!("{at} ({})", schema.name)
    }
}

fn is_integer(value: &Value) -> bool {
    match value {
        Value::Int(_) => true,
        Value::Float(f) => f.fract() == 0.0,
        Value::String(s) => s.trim().parse::<i64>().is_ok(),
        _ => false,
    }
}

fn is_number(value: &Value) -> bool {
    as_number(value).is_some()
}

fn is_boolean(value: &Value) -> bool {
    match value {
        Value::Bool(_) => true,
        Value::String(s) => matches!(s.as_str(), "true" | "false"),
        _ => false,
    }
}

#[allow(clippy::cast_precision_loss)] // compared with a schema's bounds, doubles in JSON
fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn outside(count: u64, (low, high): (Option<u64>, Option<u64>), unit: &str) -> Option<String> {
    if low.is_some_and(|l| count < l) {
        Some(format!(
            "{count} {unit}, fewer than {}",
            low.unwrap_or_default()
        ))
    } else if high.is_some_and(|h| count > h) {
        Some(format!(
            "{count} {unit}, more than {}",
            high.unwrap_or_default()
        ))
    } else {
        None
    }
}

fn bounds_fix((low, high): (Option<u64>, Option<u64>), unit: &str) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("give {l} to {h} {unit}"),
        (Some(l), None) => format!("give at least {l} {unit}"),
        (None, Some(h)) => format!("give at most {h} {unit}"),
        (None, None) => String::new(),
    }
}

fn range_text((low, high): (Option<f64>, Option<f64>)) -> String {
    format!(
        "{}..={}",
        low.map(|l| l.to_string()).unwrap_or_default(),
        high.map(|h| h.to_string()).unwrap_or_default()
    )
}

/// The candidate nearest to `given` (ignoring case), if near enough to be a typo.
fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = given.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(distance, c)| *distance <= (c.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_patterns_are_rewritten_for_the_engine() {
        assert_eq!(
            stratus_model::schema::rust_syntax(r"^[a-z]{1,5}\Z"),
            r"^[a-z]{1,5}\z"
        );
        assert_eq!(
            stratus_model::schema::rust_syntax(r"^[\u0020-\u007E]+$"),
            r"^[\x{0020}-\x{007E}]+$"
        );
        let regex =
            regex_lite::Regex::new(&stratus_model::schema::rust_syntax(r"^[\u0020-\u007E]+\Z"))
                .unwrap();
        assert!(regex.is_match("plain text"));
        assert!(!regex.is_match("tab\there"));
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let names = ["QueueName", "DelaySeconds", "FifoQueue"];
        assert_eq!(closest("QueueNam", &names), Some("QueueName"));
        assert_eq!(closest("queuename", &names), Some("QueueName"));
        assert_eq!(closest("Colour", &names), None);
    }
}
