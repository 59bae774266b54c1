//! Property values: plain data plus references to other resources.
//!
//! A [`Value`] is what a resource property holds. Besides JSON-like data it can hold a
//! [`Value::Ref`] or a [`Value::GetAtt`]: these are how references *become* graph edges, since the
//! stack walks every value it is given and adds an edge for each reference it finds.

use std::collections::BTreeMap;

use ipnet::Ipv4Net;

use crate::handle::{Attr, Ref, ResourceId};

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value; a property holding it is left out.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A map with sorted keys (so output is deterministic).
    Map(BTreeMap<String, Value>),
    /// The primary identifier of another resource (CloudFormation `Ref`).
    Ref(ResourceId),
    /// An attribute of another resource known only after deploy (`Fn::GetAtt`).
    GetAtt(ResourceId, &'static str),
    /// The base64 encoding of a value (`Fn::Base64`), e.g. user data.
    Base64(Box<Value>),
    /// Values joined into one string (`Fn::Join`), e.g. a script with deploy-time ids in it.
    Join(String, Vec<Value>),
}

impl Value {
    /// Every resource this value refers to, in order of appearance.
    pub fn references(&self) -> Vec<ResourceId> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references(&self, out: &mut Vec<ResourceId>) {
        match self {
            Value::Ref(id) | Value::GetAtt(id, _) => out.push(*id),
            Value::List(items) => items.iter().for_each(|v| v.collect_references(out)),
            Value::Map(map) => map.values().for_each(|v| v.collect_references(out)),
            Value::Base64(inner) => inner.collect_references(out),
            Value::Join(_, parts) => parts.iter().for_each(|v| v.collect_references(out)),
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_) => {}
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The list items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// The referenced resource, if this is a `Ref`.
    pub fn as_ref_id(&self) -> Option<ResourceId> {
        match self {
            Value::Ref(id) => Some(*id),
            _ => None,
        }
    }

    /// Looks up a key in a map value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }
}

impl std::fmt::Display for Value {
    /// A compact, readable rendering used in error messages and test failures.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Map(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Ref(id) => write!(f, "Ref({id})"),
            Value::GetAtt(id, attr) => write!(f, "GetAtt({id}.{attr})"),
            Value::Base64(inner) => write!(f, "Base64({inner})"),
            Value::Join(sep, parts) => {
                write!(f, "Join({sep:?}, ")?;
                Value::List(parts.clone()).fmt(f)?;
                f.write_str(")")
            }
        }
    }
}

/// The properties of one resource, keyed by CloudFormation property name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties(BTreeMap<&'static str, Value>);

impl Properties {
    /// An empty property map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts a value, leaving out `Value::Null` (an unset `Option`).
    pub fn insert_value(&mut self, name: &'static str, value: Value) {
        if value != Value::Null {
            self.0.insert(name, value);
        }
    }

    /// The value of a property.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The value of a property, to change in place.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.0.get_mut(name)
    }

    /// Removes a property; returns its value if it was set.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    /// All properties in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// Every resource referred to by any property.
    pub fn references(&self) -> Vec<ResourceId> {
        let mut out = Vec::new();
        for v in self.0.values() {
            v.collect_references(&mut out);
        }
        out
    }

    /// The properties as a map value.
    pub fn into_value(self) -> Value {
        Value::Map(self.0.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// Whether there are no properties.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Conversion of a field into a [`Value`]. Derive it for nested property structs with
/// `#[derive(ToValue)]`.
pub trait ToValue {
    /// This field as a value.
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToValue for &str {
    fn to_value(&self) -> Value {
        Value::String((*self).to_owned())
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_to_value!(u8, u16, u32, i32, i64);

impl ToValue for Ipv4Net {
    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(ToValue::to_value).collect())
    }
}

impl<T: ToValue> ToValue for BTreeMap<String, T> {
    fn to_value(&self) -> Value {
        Value::Map(
            self.iter()
                .map(|(k, v)| (k.clone(), v.to_value()))
                .collect(),
        )
    }
}

impl<T> ToValue for Ref<T> {
    fn to_value(&self) -> Value {
        Value::Ref(self.id())
    }
}

impl<T> ToValue for Attr<T> {
    fn to_value(&self) -> Value {
        Value::GetAtt(self.resource(), self.name())
    }
}

impl<T: ToValue> ToValue for Box<T> {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_properties_are_left_out() {
        let mut props = Properties::new();
        props.insert_value("A", None::<String>.to_value());
        props.insert_value("B", Some(3u16).to_value());
        assert_eq!(props.get("A"), None);
        assert_eq!(props.get("B"), Some(&Value::Int(3)));
    }

    #[test]
    fn display_is_compact() {
        let v = Value::List(vec![Value::Int(1), Value::String("a".into())]);
        assert_eq!(v.to_string(), r#"[1, "a"]"#);
    }
}
