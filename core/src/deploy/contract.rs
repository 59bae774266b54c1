//! What a provider promises about one resource type: the properties it implements, which of them
//! change in place, how each is compared with what the cloud reports, and how a resource of the
//! type is told apart from a stranger's. Providers publish these as data; the planner, the
//! refresh, `check` and the conformance suite read them.

use super::compare::Compare;
use super::provider::{Inputs, Json};

/// How a changed property is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// The provider changes it in place.
    InPlace,
    /// Changing it replaces the resource (CloudFormation's `createOnlyProperties`).
    Replace,
}

/// One property a provider implements for a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropertySpec {
    /// The CloudFormation property name.
    pub name: &'static str,
    /// Whether a change updates in place or replaces.
    pub update: Update,
    /// How the recorded value is compared with the live one (refresh, drift, import).
    pub compare: Compare,
    /// For an object or a list of objects, the nested fields the provider applies, as dotted
    /// paths below the property (`*` for the items of a list: `*.TargetGroupArn`); a listed
    /// path takes its whole value. Empty: the value is taken whole, unchecked.
    pub fields: &'static [&'static str],
    /// What the cloud holds when a declaration leaves the property out.
    pub absent: Absent,
    /// Another type of resource whose instances add elements to this list (a group's separate
    /// rule resources beside its inline rules).
    pub gathered: Option<Gathered>,
}

/// What the cloud holds for an in-place property a declaration leaves out. AWS keeps a value
/// an update does not mention, so removing a property from a declaration must send this value;
/// and a refresh compares an undeclared property with it, so a value changed outside Stratus
/// shows as drift even where nothing was declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absent {
    /// AWS's default, as JSON text (`"false"`, `"[]"`, `"\"/\""`).
    Default(&'static str),
    /// The handler's update clears it when a declaration leaves it out (a route's target,
    /// which the new target replaces).
    Cleared,
    /// No value resets it (AWS keeps the last one, or the property is required): a plan that
    /// removes it from a declaration is refused, asking for the value wanted instead.
    Kept,
}

/// Resources of another type that add elements to a list property of this one, each naming
/// this resource in `parent`: the live list is the declared one (or its default) plus one
/// element per such resource of the stack, its inputs without `parent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gathered {
    /// The contributing type (`AWS::EC2::SecurityGroupEgress`).
    pub type_name: &'static str,
    /// Its property holding this resource's physical id (`GroupId`).
    pub parent: &'static str,
}

impl PropertySpec {
    /// A property the provider updates in place, compared as declared.
    pub const fn updatable(name: &'static str) -> Self {
        Self {
            name,
            update: Update::InPlace,
            compare: Compare::Declared,
            fields: &[],
            absent: Absent::Kept,
            gathered: None,
        }
    }

    /// A property whose change replaces the resource, compared as declared.
    pub const fn create_only(name: &'static str) -> Self {
        Self {
            name,
            update: Update::Replace,
            compare: Compare::Declared,
            fields: &[],
            absent: Absent::Kept,
            gathered: None,
        }
    }

    /// The same property compared another way.
    #[must_use]
    pub const fn compared(self, compare: Compare) -> Self {
        Self { compare, ..self }
    }

    /// The same property, applying only these nested fields (see [`PropertySpec::fields`]):
    /// `check` refuses any other, which would otherwise be dropped silently.
    #[must_use]
    pub const fn with_fields(self, fields: &'static [&'static str]) -> Self {
        Self { fields, ..self }
    }

    /// The same property, which the cloud resets to `default` (JSON text) when a declaration
    /// leaves it out (see [`Absent`]).
    #[must_use]
    pub const fn resets_to(self, default: &'static str) -> Self {
        Self {
            absent: Absent::Default(default),
            ..self
        }
    }

    /// The same property, which the handler's update clears when a declaration leaves it out
    /// (see [`Absent::Cleared`]).
    #[must_use]
    pub const fn cleared_when_left_out(self) -> Self {
        Self {
            absent: Absent::Cleared,
            ..self
        }
    }

    /// The same list property, to which resources of `type_name` naming this one in `parent`
    /// add elements (see [`Gathered`]).
    #[must_use]
    pub const fn gathered_from(self, type_name: &'static str, parent: &'static str) -> Self {
        Self {
            gathered: Some(Gathered { type_name, parent }),
            ..self
        }
    }

    /// The value the cloud holds when a declaration leaves this property out, if one is known.
    pub fn default_value(&self) -> Option<Json> {
        match self.absent {
            // The texts are the provider's constants: one that does not parse is a bug there,
            // and is then treated as no known default (the removal is refused, never guessed).
            Absent::Default(text) => serde_json::from_str(text).ok(),
            Absent::Cleared | Absent::Kept => None,
        }
    }

    /// The first nested field of `value` this property does not apply, as a dotted path.
    fn unapplied(&self, value: &Json) -> Option<String> {
        if self.fields.is_empty() {
            return None;
        }
        unapplied_below(self.fields, "", value).map(|path| format!("{}.{path}", self.name))
    }
}

/// The first path below `prefix` in `value` that no field covers: a field covers itself and
/// everything under it; a path on the way to a field is walked into.
fn unapplied_below(fields: &[&str], prefix: &str, value: &Json) -> Option<String> {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    let covered = |path: &str| fields.contains(&path);
    let on_the_way = |path: &str| {
        fields.iter().any(|f| {
            f.strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.'))
        })
    };
    match value {
        Json::Object(map) => map.iter().find_map(|(key, inner)| {
            let path = join(key);
            if covered(&path) {
                None
            } else if on_the_way(&path) {
                unapplied_below(fields, &path, inner)
            } else {
                Some(path)
            }
        }),
        Json::Array(items) => {
            let path = join("*");
            if covered(&path) {
                return None;
            }
            items
                .iter()
                .find_map(|item| unapplied_below(fields, &path, item))
        }
        _ => None,
    }
}

/// How a resource of a type is recognised as this stack's, and what clashes with what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    /// The cloud assigns the id and two resources never clash (VPCs, subnets). The ownership
    /// tags, the intent's token among them, find what an interrupted create made.
    Generated,
    /// Unique by this property within the account and region. When the declaration leaves it
    /// unset the provider derives it from the intent's token, so an interrupted create is found
    /// again by name; a resource of that name without this intent's token is a stranger's.
    Named(&'static str),
    /// Unique by `name` among resources of the same `scope` (a security group's name within
    /// its VPC); otherwise as [`Identity::Named`].
    NamedIn {
        /// The property holding the name.
        name: &'static str,
        /// The property the name is unique within.
        scope: &'static str,
    },
    /// Takes no ownership tags: identified by `key` within the resource named by `parent`
    /// (a route by its table and destination). One that exists already is adopted only when its
    /// parent belongs to this stack and its live properties equal the declaration.
    Child {
        /// The property naming the parent resource.
        parent: &'static str,
        /// The properties that identify it; empty when its name derives from the token.
        key: &'static [&'static str],
    },
    /// Not the stack's to own: what a lookup reads (an image id, a hosted zone found by its
    /// domain) or content-addressed (a file asset in the account's asset bucket, shared by every
    /// stack). Create finds it, making only what is missing (an asset's upload); read reads it
    /// again; delete only forgets it. It takes no ownership tags and never clashes.
    Shared,
}

/// A provider's further check of a type's inputs: the reason it refuses them.
pub type Validate = fn(&Inputs) -> Result<(), String>;

/// A provider's contract for one resource type.
#[derive(Clone, Copy, Debug)]
pub struct TypeContract {
    /// The CloudFormation type name.
    pub type_name: &'static str,
    /// Every property the provider implements; any other is refused by `check`.
    pub properties: &'static [PropertySpec],
    /// How its resources are identified.
    pub identity: Identity,
    /// Whether deleting it can keep a final snapshot (`RemovalPolicy::Snapshot`).
    pub snapshot: bool,
    /// Further checks of the inputs, before any call (a value the provider cannot apply).
    pub validate: Option<Validate>,
    /// Attributes an in-place update changes (a launch template's `LatestVersionNumber`, an
    /// instance's `PublicIp` after a stop and start): while it is updated, they are unknown
    /// to what refers to them, which is then updated with the new values.
    pub updated_attributes: &'static [&'static str],
}

impl TypeContract {
    /// A contract with no snapshot support and no further checks.
    pub const fn new(
        type_name: &'static str,
        identity: Identity,
        properties: &'static [PropertySpec],
    ) -> Self {
        Self {
            type_name,
            properties,
            identity,
            snapshot: false,
            validate: None,
            updated_attributes: &[],
        }
    }

    /// The same contract, supporting final snapshots on delete.
    #[must_use]
    pub const fn with_snapshot(self) -> Self {
        Self {
            snapshot: true,
            ..self
        }
    }

    /// The same contract, naming the attributes an in-place update changes.
    #[must_use]
    pub const fn with_updated_attributes(self, attributes: &'static [&'static str]) -> Self {
        Self {
            updated_attributes: attributes,
            ..self
        }
    }

    /// The same contract with a further check of the inputs.
    #[must_use]
    pub const fn with_validation(self, validate: Validate) -> Self {
        Self {
            validate: Some(validate),
            ..self
        }
    }

    /// The spec of a property.
    pub fn property(&self, name: &str) -> Option<&PropertySpec> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// Whether changing `name` replaces the resource (true for a property it does not know).
    pub fn replaces_on(&self, name: &str) -> bool {
        self.property(name)
            .is_none_or(|p| p.update == Update::Replace)
    }

    /// The properties that update in place.
    pub fn updatable(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.properties
            .iter()
            .filter(|p| p.update == Update::InPlace)
            .map(|p| p.name)
    }

    /// Refuses inputs with a property the provider does not implement, or a value its
    /// validation rejects: applying them would silently ignore part of the declaration.
    ///
    /// ```
    /// use stratus_core::deploy::{Identity, PropertySpec, TypeContract};
    /// static PROPS: [PropertySpec; 1] = [PropertySpec::create_only("CidrBlock")];
    /// let vpc = TypeContract::new("AWS::EC2::VPC", Identity::Generated, &PROPS);
    /// let mut inputs = serde_json::Map::new();
    /// inputs.insert("CidrBlock".into(), "10.0.0.0/16".into());
    /// assert!(vpc.check(&inputs).is_ok());
    /// inputs.insert("Ipv6Pool".into(), "x".into());
    /// assert!(vpc.check(&inputs).unwrap_err().contains("Ipv6Pool"));
    /// ```
    pub fn check(&self, inputs: &Inputs) -> Result<(), String> {
        let unknown: Vec<&str> = inputs
            .keys()
            .filter(|k| self.property(k).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = self.properties.iter().map(|p| p.name).collect();
            return Err(format!(
                "{} property {} of {} is not implemented by this provider and would be ignored; \
                 remove it from the declaration (implemented: {})",
                if unknown.len() == 1 { "the" } else { "each" },
                unknown.join(", "),
                self.type_name,
                known.join(", ")
            ));
        }
        if let Some(path) = inputs
            .iter()
            .find_map(|(name, value)| self.property(name).and_then(|spec| spec.unapplied(value)))
        {
            let spec = self.property(path.split('.').next().unwrap_or_default());
            return Err(format!(
                "{path} of {} is not implemented by this provider and would be ignored; remove \
                 it from the declaration (implemented below {}: {})",
                self.type_name,
                spec.map_or("", |s| s.name),
                spec.map(|s| s.fields.join(", ")).unwrap_or_default()
            ));
        }
        match self.validate {
            Some(validate) => validate(inputs),
            None => Ok(()),
        }
    }

    /// Whether a replacement may create the new resource before deleting the old one: not when
    /// both would carry the same unique name or identity.
    pub fn create_before_delete(&self, old: &Inputs, new: &Inputs) -> bool {
        let same = |name: &str| {
            let before = old.get(name).filter(|v| !v.is_null());
            before.is_some() && before == new.get(name)
        };
        match self.identity {
            Identity::Generated | Identity::Shared => true,
            Identity::Named(property) => !same(property),
            Identity::NamedIn { name, scope } => !(same(name) && same(scope)),
            Identity::Child { key, .. } => key.is_empty() || !key.iter().all(|k| same(k)),
        }
    }
}

/// The name of a named resource as declared, when the declaration gives one.
pub fn declared_name<'a>(contract: &TypeContract, inputs: &'a Inputs) -> Option<&'a str> {
    match contract.identity {
        Identity::Named(property) | Identity::NamedIn { name: property, .. } => {
            inputs.get(property).and_then(Json::as_str)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static PROPS: [PropertySpec; 2] = [
        PropertySpec::create_only("GroupName"),
        PropertySpec::updatable("Description"),
    ];

    fn inputs(value: serde_json::Value) -> Inputs {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn named_types_delete_first_only_when_the_name_stays() {
        let contract = TypeContract::new("T::T::T", Identity::Named("GroupName"), &PROPS);
        let old = inputs(json!({"GroupName": "a"}));
        assert!(!contract.create_before_delete(&old, &inputs(json!({"GroupName": "a"}))));
        assert!(contract.create_before_delete(&old, &inputs(json!({"GroupName": "b"}))));
        assert!(contract.create_before_delete(&inputs(json!({})), &inputs(json!({}))));
        assert!(contract.replaces_on("GroupName"));
        assert!(!contract.replaces_on("Description"));
        assert!(contract.replaces_on("Unknown"));
    }

    #[test]
    fn names_unique_within_a_scope_clash_only_in_the_same_scope() {
        let contract = TypeContract::new(
            "T::T::T",
            Identity::NamedIn {
                name: "GroupName",
                scope: "Description",
            },
            &PROPS,
        );
        let old = inputs(json!({"GroupName": "a", "Description": "vpc-1"}));
        assert!(!contract.create_before_delete(&old, &old));
        assert!(contract.create_before_delete(
            &old,
            &inputs(json!({"GroupName": "a", "Description": "vpc-2"}))
        ));
    }

    #[test]
    fn children_delete_first_when_their_key_stays() {
        let contract = TypeContract::new(
            "T::T::T",
            Identity::Child {
                parent: "GroupName",
                key: &["GroupName"],
            },
            &PROPS,
        );
        let old = inputs(json!({"GroupName": "a"}));
        assert!(!contract.create_before_delete(&old, &old));
        assert!(contract.create_before_delete(&old, &inputs(json!({"GroupName": "b"}))));
    }

    #[test]
    fn nested_fields_the_provider_does_not_apply_are_refused_not_dropped() {
        static NESTED: [PropertySpec; 1] = [PropertySpec::updatable("DefaultActions")
            .with_fields(&["*.Type", "*.TargetGroupArn", "*.Meta.Kept"])];
        let contract = TypeContract::new("T::T::T", Identity::Generated, &NESTED);
        let forward =
            inputs(json!({"DefaultActions": [{"Type": "forward", "TargetGroupArn": "a"}]}));
        assert!(contract.check(&forward).is_ok());
        let kept = inputs(json!({"DefaultActions": [{"Meta": {"Kept": {"Any": 1}}}]}));
        assert!(contract.check(&kept).is_ok());
        let redirect = inputs(json!({"DefaultActions": [
            {"Type": "forward", "TargetGroupArn": "a"},
            {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}}
        ]}));
        let refusal = contract.check(&redirect).unwrap_err();
        assert!(
            refusal.contains("DefaultActions.*.RedirectConfig of T::T::T is not implemented"),
            "{refusal}"
        );
        let deeper = inputs(json!({"DefaultActions": [{"Meta": {"Dropped": 1}}]}));
        assert!(
            contract
                .check(&deeper)
                .unwrap_err()
                .contains("DefaultActions.*.Meta.Dropped")
        );
    }
}
