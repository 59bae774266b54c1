//! [`Match`]: what a property is expected to be.

use std::fmt;

use crate::handle::ResourceId;
use crate::stack::Stack;
use crate::value::{ToValue, Value};

/// An expectation about one property value.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Match {
    /// Equal to this value.
    Eq(Value),
    /// Not set.
    Absent,
    /// Set to anything.
    Present,
    /// A list of exactly this many items.
    Len(usize),
    /// A `Ref` or `GetAtt` to this resource.
    RefTo(ResourceId),
    /// A list every item of which refers to one of these resources, all of them covered.
    RefsExactly(Vec<ResourceId>),
    /// A map containing these entries (others allowed).
    Contains(Vec<(String, Match)>),
}

impl Match {
    /// Equal to a value.
    pub fn eq(value: impl ToValue) -> Self {
        Self::Eq(value.to_value())
    }

    /// Not set.
    pub fn absent() -> Self {
        Self::Absent
    }

    /// Set.
    pub fn present() -> Self {
        Self::Present
    }

    /// A list of `n` items.
    pub fn len(n: usize) -> Self {
        Self::Len(n)
    }

    /// Refers to `resource`.
    pub fn ref_to(resource: impl Into<ResourceId>) -> Self {
        Self::RefTo(resource.into())
    }

    /// A list referring to exactly these resources, in any order.
    pub fn refs_exactly<R: Into<ResourceId>>(resources: impl IntoIterator<Item = R>) -> Self {
        let mut ids: Vec<ResourceId> = resources.into_iter().map(Into::into).collect();
        ids.sort();
        Self::RefsExactly(ids)
    }

    /// A map with these entries.
    pub fn contains<K: Into<String>>(entries: impl IntoIterator<Item = (K, Match)>) -> Self {
        Self::Contains(entries.into_iter().map(|(k, m)| (k.into(), m)).collect())
    }

    /// Checks a value; the error renders what was found.
    pub(crate) fn check(&self, stack: &Stack, found: Option<&Value>) -> Result<(), String> {
        let render =
            |v: Option<&Value>| v.map_or_else(|| "nothing".to_owned(), |v| render(stack, v));
        let ok = match (self, found) {
            (Self::Absent, None) | (Self::Present, Some(_)) => true,
            (Self::Eq(expected), Some(v)) => expected == v,
            (Self::Len(n), Some(Value::List(items))) => items.len() == *n,
            (Self::RefTo(id), Some(v)) => {
                matches!(v, Value::Ref(r) | Value::GetAtt(r, _) if r == id)
            }
            (Self::RefsExactly(ids), Some(Value::List(items))) => {
                let mut found: Vec<ResourceId> = items.iter().flat_map(Value::references).collect();
                found.sort();
                found.dedup();
                &found == ids
            }
            (Self::Contains(entries), Some(Value::Map(map))) => {
                for (key, matcher) in entries {
                    if let Err(inner) = matcher.check(stack, map.get(key)) {
                        return Err(format!("{} (at {key}: {inner})", render(found)));
                    }
                }
                true
            }
            _ => false,
        };
        if ok { Ok(()) } else { Err(render(found)) }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Eq(v) => write!(f, "{v}"),
            Self::Absent => f.write_str("nothing"),
            Self::Present => f.write_str("a value"),
            Self::Len(n) => write!(f, "a list of {n}"),
            Self::RefTo(id) => write!(f, "a reference to {id}"),
            Self::RefsExactly(ids) => {
                let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
                write!(f, "references to exactly [{}]", ids.join(", "))
            }
            Self::Contains(entries) => {
                let parts: Vec<String> = entries.iter().map(|(k, m)| format!("{k}: {m}")).collect();
                write!(f, "a map with {{{}}}", parts.join(", "))
            }
        }
    }
}

/// A value with references shown as the paths they point to.
pub(crate) fn render(stack: &Stack, value: &Value) -> String {
    let path = |id: &ResourceId| {
        if id.stack() == stack.id() {
            stack.graph().node(id.node()).path.to_string()
        } else {
            id.to_string()
        }
    };
    match value {
        Value::Ref(id) => format!("Ref({})", path(id)),
        Value::GetAtt(id, attr) => format!("GetAtt({}.{attr})", path(id)),
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| render(stack, v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", render(stack, v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}
