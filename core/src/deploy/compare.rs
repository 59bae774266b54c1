//! Comparing what a stack recorded with what the cloud reports, property by property, the way
//! AWS returns values: defaults it fills in, numbers CloudFormation writes as strings, lists whose
//! order it does not keep, policy documents as text, the tags it or Stratus adds. Only what the
//! stack declares is compared: a live field the declaration leaves out is the cloud's default,
//! not drift.

use std::collections::BTreeMap;

use super::provider::Json;

/// How a property's recorded value is compared with the live one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Equal as declared: objects by the keys the declaration has (live extras are defaults),
    /// lists in order, scalars loosely (`"2"` equals `2`, `"true"` equals `true`).
    Declared,
    /// A list whose order the cloud does not keep.
    Unordered,
    /// A list of which every declared element must be live; live extras belong to other
    /// resources (inline egress rules beside separate rule resources).
    Subset,
    /// A JSON document, possibly held as text (IAM policies): statement, action, resource and
    /// principal lists are sets, and a single value equals a list of one.
    Document,
    /// `{Key, Value}` tags, as a map; ownership (`stratus:`) and AWS (`aws:`) tags left out.
    Tags,
    /// A name AWS stores in lower case (RDS instance and subnet group identifiers): equal
    /// ignoring ASCII case.
    IgnoreCase,
    /// DNS names, alone or inside an object (a record's alias target): equal ignoring ASCII
    /// case and a trailing dot, as Route 53 stores `example.com.` for `Example.com`.
    DnsName,
    /// An engine version AWS upgrades in place (RDS automatic minor version upgrades): the
    /// declared version, or a later one of the same line (`8.4.9` matches `8.4.10`, `17.9`
    /// matches `17.10`, `8.4` matches `8.4.3`), never an earlier one or another line.
    MinorUpgrades,
    /// Never compared: write-only (a generated secret's options) or moved by the cloud at run
    /// time (an auto scaling group's desired capacity).
    Ignore,
}

/// Whether the live value matches the recorded one.
///
/// ```
/// use serde_json::json;
/// use stratus_core::deploy::{Compare, matches};
/// assert!(matches(Compare::Declared, &json!("6"), Some(&json!(6))));
/// assert!(matches(Compare::Declared, &json!({"A": 1}), Some(&json!({"A": 1, "Default": true}))));
/// assert!(!matches(Compare::Declared, &json!("6"), Some(&json!("10"))));
/// assert!(matches(Compare::Unordered, &json!(["a", "b"]), Some(&json!(["b", "a"]))));
/// assert!(matches(Compare::Tags,
///     &json!([{"Key": "Env", "Value": "prod"}]),
///     Some(&json!([{"Key": "stratus:stack", "Value": "x"}, {"Key": "Env", "Value": "prod"}]))));
/// ```
pub fn matches(compare: Compare, declared: &Json, live: Option<&Json>) -> bool {
    match compare {
        Compare::Ignore => true,
        Compare::Declared => declared_eq(declared, live),
        Compare::Unordered => match (declared, live) {
            (Json::Array(d), Some(Json::Array(l))) => d.len() == l.len() && contains_all(l, d),
            _ => declared_eq(declared, live),
        },
        Compare::Subset => match (declared, live) {
            (Json::Array(d), Some(Json::Array(l))) => contains_all(l, d),
            (Json::Array(d), None | Some(Json::Null)) => d.is_empty(),
            _ => declared_eq(declared, live),
        },
        Compare::Document => {
            live.is_some_and(|l| canonical_document(declared) == canonical_document(l))
        }
        Compare::Tags => tag_map(Some(declared)) == tag_map(live),
        Compare::IgnoreCase => match (declared, live) {
            (Json::String(d), Some(Json::String(l))) => d.eq_ignore_ascii_case(l),
            _ => declared_eq(declared, live),
        },
        Compare::DnsName => dns_eq(declared, live),
        Compare::MinorUpgrades => match (declared, live) {
            (Json::String(d), Some(Json::String(l))) => same_line_or_later(d, l),
            _ => declared_eq(declared, live),
        },
    }
}

/// Equal as DNS names: strings ignoring case and one trailing dot; objects by declared keys.
fn dns_eq(declared: &Json, live: Option<&Json>) -> bool {
    match (declared, live) {
        (Json::String(d), Some(Json::String(l))) => d
            .trim_end_matches('.')
            .eq_ignore_ascii_case(l.trim_end_matches('.')),
        (Json::Object(d), Some(Json::Object(l))) => {
            d.iter().all(|(key, value)| dns_eq(value, l.get(key)))
        }
        _ => declared_eq(declared, live),
    }
}

/// Whether `live` is `declared` or a later version of its line: every component but the last
/// equal, the last not smaller (numerically); a declared prefix (`8.4`) matches any of its
/// versions.
fn same_line_or_later(declared: &str, live: &str) -> bool {
    if declared == live {
        return true;
    }
    let d: Vec<&str> = declared.split('.').collect();
    let l: Vec<&str> = live.split('.').collect();
    if l.len() > d.len() {
        return l.starts_with(&d);
    }
    if l.len() != d.len() {
        return false;
    }
    let (d_last, d_line) = d.split_last().expect("split yields one part at least");
    let (l_last, l_line) = l.split_last().expect("split yields one part at least");
    let number = |s: &str| s.parse::<u64>().ok();
    d_line == l_line && matches!((number(d_last), number(l_last)), (Some(d), Some(l)) if l >= d)
}

/// What a refresh records for a property whose live value does not match: the live value in the
/// shape the stack declares it (only the declared keys of an object, only the declared elements
/// still present of a subset list), so that a plan shows the difference to put back.
/// `None` when the property is gone.
pub fn refreshed(compare: Compare, declared: &Json, live: Option<&Json>) -> Option<Json> {
    match compare {
        Compare::Ignore => Some(declared.clone()),
        Compare::Declared => Some(project(declared, live?)),
        Compare::Subset => match (declared, live) {
            (Json::Array(d), Some(Json::Array(l))) => Some(Json::Array(
                d.iter()
                    .filter(|item| l.iter().any(|x| declared_eq(item, Some(x))))
                    .cloned()
                    .collect(),
            )),
            (_, live) => live.cloned(),
        },
        Compare::Tags => {
            let tags = tag_map(live);
            Some(Json::Array(
                tags.into_iter()
                    .map(|(key, value)| {
                        let mut tag = serde_json::Map::new();
                        tag.insert("Key".into(), Json::String(key));
                        tag.insert("Value".into(), Json::String(value.0));
                        if let Some(propagate) = value.1 {
                            tag.insert("PropagateAtLaunch".into(), Json::Bool(propagate));
                        }
                        Json::Object(tag)
                    })
                    .collect(),
            ))
        }
        Compare::Unordered
        | Compare::Document
        | Compare::IgnoreCase
        | Compare::DnsName
        | Compare::MinorUpgrades => live.cloned(),
    }
}

/// `live` reduced to the keys `declared` has, recursively.
fn project(declared: &Json, live: &Json) -> Json {
    match (declared, live) {
        (Json::Object(d), Json::Object(l)) => Json::Object(
            d.iter()
                .filter_map(|(key, value)| Some((key.clone(), project(value, l.get(key)?))))
                .collect(),
        ),
        (Json::Array(d), Json::Array(l)) if d.len() == l.len() => {
            Json::Array(d.iter().zip(l).map(|(d, l)| project(d, l)).collect())
        }
        _ => live.clone(),
    }
}

/// Every element of `wanted` matched by a distinct element of `have`.
fn contains_all(have: &[Json], wanted: &[Json]) -> bool {
    let mut used = vec![false; have.len()];
    wanted.iter().all(|w| {
        let found = have
            .iter()
            .enumerate()
            .find(|(i, h)| !used[*i] && declared_eq(w, Some(h)));
        found.is_some_and(|(i, _)| {
            used[i] = true;
            true
        })
    })
}

/// The declared-subset equality of [`Compare::Declared`].
pub(crate) fn declared_eq(declared: &Json, live: Option<&Json>) -> bool {
    match (declared, live) {
        (Json::Null, None | Some(Json::Null)) => true,
        (Json::Array(d), None | Some(Json::Null)) => d.is_empty(),
        (Json::Object(d), Some(Json::Object(l))) => {
            d.iter().all(|(key, value)| declared_eq(value, l.get(key)))
        }
        (Json::Array(d), Some(Json::Array(l))) => {
            d.len() == l.len() && d.iter().zip(l).all(|(d, l)| declared_eq(d, Some(l)))
        }
        (Json::Object(_) | Json::Array(_), Some(_)) | (_, None) => false,
        (d, Some(l)) => scalar_eq(d, l),
    }
}

/// Scalars as CloudFormation treats them: `"2"` is `2`, `"true"` is `true`, `2.0` is `2`.
fn scalar_eq(a: &Json, b: &Json) -> bool {
    if a == b {
        return true;
    }
    let number = |v: &Json| match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return (x - y).abs() < f64::EPSILON;
    }
    match (a, b) {
        (Json::Bool(x), Json::String(s)) | (Json::String(s), Json::Bool(x)) => {
            s.eq_ignore_ascii_case(&x.to_string())
        }
        _ => false,
    }
}

/// Tags by key, `(value, propagate at launch)`, without `stratus:` and `aws:` keys.
fn tag_map(tags: Option<&Json>) -> BTreeMap<String, (String, Option<bool>)> {
    let scalar = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    tags.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            let key = tag.get("Key")?.as_str()?;
            if key.starts_with("stratus:") || key.starts_with("aws:") {
                return None;
            }
            let value = tag.get("Value").map(scalar).unwrap_or_default();
            let propagate = tag.get("PropagateAtLaunch").and_then(|p| match p {
                Json::Bool(b) => Some(*b),
                Json::String(s) => s.parse().ok(),
                _ => None,
            });
            Some((key.to_owned(), (value, propagate)))
        })
        .collect()
}

/// Keys of an IAM-style document whose values are sets, a single value meaning a set of one.
const SET_KEYS: &[&str] = &[
    "Statement",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
];

/// A document in a canonical form: text parsed, set-valued keys as sorted lists.
fn canonical_document(value: &Json) -> Json {
    match value {
        Json::String(text) => match serde_json::from_str::<Json>(text) {
            Ok(parsed @ (Json::Object(_) | Json::Array(_))) => canonical_document(&parsed),
            _ => value.clone(),
        },
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(key, value)| {
                    let canonical = canonical_document(value);
                    let canonical = if SET_KEYS.contains(&key.as_str()) {
                        let mut items = match canonical {
                            Json::Array(items) => items,
                            single => vec![single],
                        };
                        items.sort_by_key(ToString::to_string);
                        items.dedup();
                        Json::Array(items)
                    } else {
                        canonical
                    };
                    (key.clone(), canonical)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(canonical_document).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declared_objects_ignore_live_defaults_but_not_missing_keys() {
        let declared = json!({"HttpTokens": "required", "HttpPutResponseHopLimit": 1});
        let live = json!({"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"});
        assert!(matches(Compare::Declared, &declared, Some(&live)));
        assert!(!matches(
            Compare::Declared,
            &declared,
            Some(&json!({"HttpTokens": "required"}))
        ));
        assert!(matches(Compare::Declared, &json!([]), None));
        assert!(!matches(Compare::Declared, &json!("x"), None));
        assert!(matches(
            Compare::Declared,
            &json!(true),
            Some(&json!("true"))
        ));
        assert!(!matches(
            Compare::Declared,
            &json!("yes"),
            Some(&json!(true))
        ));
    }

    #[test]
    fn subsets_allow_extras_and_refresh_keeps_what_is_left() {
        let declared = json!([{"IpProtocol": "tcp", "FromPort": 443}]);
        let live = json!([{"IpProtocol": "tcp", "FromPort": 443, "CidrIp": "0.0.0.0/0"}, {"IpProtocol": "-1"}]);
        assert!(matches(Compare::Subset, &declared, Some(&live)));
        assert!(!matches(
            Compare::Subset,
            &declared,
            Some(&json!([{"IpProtocol": "-1"}]))
        ));
        assert_eq!(
            refreshed(
                Compare::Subset,
                &declared,
                Some(&json!([{"IpProtocol": "-1"}]))
            ),
            Some(json!([]))
        );
    }

    #[test]
    fn documents_compare_as_sets_and_parse_text() {
        let declared = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["b", "a"], "Resource": "*"}]});
        let live = json!(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["a","b"],"Resource":["*"]}}"#
        );
        assert!(matches(Compare::Document, &declared, Some(&live)));
        let other = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "a", "Resource": "*"}]});
        assert!(!matches(Compare::Document, &declared, Some(&other)));
    }

    #[test]
    fn refresh_projects_live_values_onto_the_declared_shape() {
        let declared = json!({"A": 1, "B": {"C": 2}});
        let live = json!({"A": 5, "B": {"C": 2, "D": 3}, "E": 4});
        assert_eq!(
            refreshed(Compare::Declared, &declared, Some(&live)),
            Some(json!({"A": 5, "B": {"C": 2}}))
        );
        assert_eq!(refreshed(Compare::Declared, &declared, None), None);
        assert_eq!(
            refreshed(
                Compare::Tags,
                &json!([]),
                Some(
                    &json!([{"Key": "stratus:token", "Value": "t"}, {"Key": "Team", "Value": "a"}])
                )
            ),
            Some(json!([{"Key": "Team", "Value": "a"}]))
        );
    }

    #[test]
    fn names_aws_folds_to_lower_case_match_whatever_case_was_declared() {
        let live = json!("projectx-db");
        assert!(matches(
            Compare::IgnoreCase,
            &json!("ProjectX-DB"),
            Some(&live)
        ));
        assert!(!matches(
            Compare::Declared,
            &json!("ProjectX-DB"),
            Some(&live)
        ));
        assert!(!matches(
            Compare::IgnoreCase,
            &json!("other-db"),
            Some(&live)
        ));
    }

    #[test]
    fn dns_names_ignore_case_and_the_trailing_dot_inside_objects_too() {
        assert!(matches(
            Compare::DnsName,
            &json!("App.Example.com"),
            Some(&json!("app.example.com."))
        ));
        let declared = json!({"DNSName": "D111.CloudFront.net", "HostedZoneId": "Z2FDTNDATAQYW2"});
        let live = json!({"DNSName": "d111.cloudfront.net.", "HostedZoneId": "Z2FDTNDATAQYW2", "EvaluateTargetHealth": false});
        assert!(matches(Compare::DnsName, &declared, Some(&live)));
        let moved = json!({"DNSName": "d222.cloudfront.net.", "HostedZoneId": "Z2FDTNDATAQYW2"});
        assert!(!matches(Compare::DnsName, &declared, Some(&moved)));
    }

    #[test]
    fn an_automatic_minor_upgrade_is_no_drift_and_a_downgrade_or_new_line_is() {
        let up = |d: &str, l: &str| matches(Compare::MinorUpgrades, &json!(d), Some(&json!(l)));
        assert!(up("8.4.9", "8.4.9"));
        assert!(up("8.4.9", "8.4.10"));
        assert!(up("17.9", "17.10"));
        assert!(up("8.4", "8.4.3"));
        assert!(!up("8.4.9", "8.4.8"));
        assert!(!up("8.0.40", "8.4.3"));
        assert!(!up("17.9", "16.12"));
        assert!(!up("16.6", "17.6"));
        assert!(!up("8.4.3", "8.4"));
    }
}
