//! [`Val<T>`]: a typed property that holds a literal or a reference.
//!
//! Generated L1 types declare every property as a `Val<T>`, so a property can take a literal of
//! its type, an [`Attr<T>`] of another resource, a [`Ref`] where the property is a string (the
//! primary identifier CloudFormation's `Ref` returns), or a [`Val::join`]. References stay
//! graph edges: the stack finds them in the value.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use crate::handle::{Attr, Ref};
use crate::value::{ToValue, Value};

/// A property of type `T`: a literal, or a value known at deploy.
///
/// ```
/// use stratus_model::{Json, Val, Value};
///
/// let name: Val<String> = "logs".into();
/// let retention: Val<i64> = 7.into();
/// let zones: Val<Vec<String>> = vec!["us-east-1a", "us-east-1b"].into();
/// let policy: Val<Json> = Value::Map(Default::default()).into();
/// assert_eq!(name.value().as_str(), Some("logs"));
/// assert_eq!(retention.value().as_i64(), Some(7));
/// assert_eq!(zones.value().as_list().map(<[_]>::len), Some(2));
/// assert!(policy.value().as_map().is_some());
/// ```
pub struct Val<T> {
    value: Value,
    _type: PhantomData<fn() -> T>,
}

/// The type of a property the schema leaves open (an arbitrary JSON document, or a value of
/// several types): any [`Value`] converts into `Val<Json>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Json {}

/// A generated string enum. A `&str` converts into its `Val` too, for a value the schema
/// does not list yet: `validate()` checks it against the schema.
pub trait StringEnum: Copy + 'static {
    /// The value CloudFormation takes.
    fn as_str(self) -> &'static str;
}

impl<E: StringEnum> From<&str> for Val<E> {
    fn from(text: &str) -> Self {
        Self::unchecked(text)
    }
}

impl<T> Val<T> {
    /// Any value, typed as `T` without a check here. `validate()` still checks it against the
    /// type's schema where one is known. The escape hatch for values Rust cannot type, such as
    /// an enum value newer than the schema.
    pub fn unchecked(value: impl ToValue) -> Self {
        Self {
            value: value.to_value(),
            _type: PhantomData,
        }
    }

    /// The value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The value, owned.
    pub fn into_value(self) -> Value {
        self.value
    }
}

impl Val<String> {
    /// `parts` joined by `separator` at deploy (`Fn::Join`), e.g. an ARN built from a
    /// reference.
    pub fn join(separator: &str, parts: impl IntoIterator<Item = Val<String>>) -> Self {
        Self::unchecked(Value::Join(
            separator.to_owned(),
            parts.into_iter().map(Val::into_value).collect(),
        ))
    }
}

impl<T> Clone for Val<T> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> PartialEq for Val<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> fmt::Debug for Val<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<T> ToValue for Val<T> {
    fn to_value(&self) -> Value {
        self.value.clone()
    }
}

impl From<&str> for Val<String> {
    fn from(text: &str) -> Self {
        Self::unchecked(text)
    }
}

impl From<String> for Val<String> {
    fn from(text: String) -> Self {
        Self::unchecked(text)
    }
}

impl From<&String> for Val<String> {
    fn from(text: &String) -> Self {
        Self::unchecked(text.clone())
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl From<$t> for Val<i64> {
            fn from(n: $t) -> Self {
                Self::unchecked(Value::Int(i64::from(n)))
            }
        }
    )*};
}
integers!(i64, i32, u32, u16, u8);

macro_rules! floats {
    ($($t:ty),*) => {$(
        impl From<$t> for Val<f64> {
            // A property's number: JSON numbers are doubles anyway.
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn from(n: $t) -> Self {
                Self::unchecked(Value::Float(n as f64))
            }
        }
    )*};
}
floats!(f64, i64, i32, u32, u16, u8);

impl From<bool> for Val<bool> {
    fn from(flag: bool) -> Self {
        Self::unchecked(flag)
    }
}

impl<T> From<Attr<T>> for Val<T> {
    fn from(attr: Attr<T>) -> Self {
        Self::unchecked(attr)
    }
}

/// CloudFormation's `Ref` of any resource is a string (its primary identifier).
impl<R> From<Ref<R>> for Val<String> {
    fn from(reference: Ref<R>) -> Self {
        Self::unchecked(reference)
    }
}

impl<T, E> From<Vec<T>> for Val<Vec<E>>
where
    T: Into<Val<E>>,
{
    fn from(items: Vec<T>) -> Self {
        Self::unchecked(Value::List(
            items.into_iter().map(|i| i.into().into_value()).collect(),
        ))
    }
}

impl<T, E> From<BTreeMap<String, T>> for Val<BTreeMap<String, E>>
where
    T: Into<Val<E>>,
{
    fn from(entries: BTreeMap<String, T>) -> Self {
        Self::unchecked(Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k, v.into().into_value()))
                .collect(),
        ))
    }
}

impl From<Value> for Val<Json> {
    fn from(value: Value) -> Self {
        Self::unchecked(value)
    }
}

impl From<&str> for Val<Json> {
    fn from(text: &str) -> Self {
        Self::unchecked(text)
    }
}

impl From<String> for Val<Json> {
    fn from(text: String) -> Self {
        Self::unchecked(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle::{ResourceId, StackId};
    use petgraph::stable_graph::NodeIndex;

    #[test]
    fn references_stay_references() {
        let id = ResourceId::new(StackId::next(), NodeIndex::new(3));
        let arn: Attr<String> = Attr::new(id, "Arn");
        let by_attr: Val<String> = arn.into();
        let by_ref: Val<String> = Ref::<()>::new(id).into();
        let list: Val<Vec<String>> = vec![by_attr.clone(), "literal".into()].into();
        assert_eq!(by_attr.value().references(), vec![id]);
        assert_eq!(by_ref.value(), &Value::Ref(id));
        assert_eq!(list.value().references(), vec![id]);
    }

    #[test]
    fn numbers_convert_to_their_kind() {
        let float: Val<f64> = 2.into();
        let int: Val<i64> = 2u16.into();
        assert_eq!(float.value(), &Value::Float(2.0));
        assert_eq!(int.value(), &Value::Int(2));
    }

    #[test]
    fn join_keeps_its_parts() {
        let joined = Val::join("-", ["a".into(), "b".into()]);
        assert_eq!(
            joined.value(),
            &Value::Join(
                "-".into(),
                vec![Value::String("a".into()), Value::String("b".into())]
            )
        );
    }
}
