//! Lookups of what already exists in the account, resolved at deploy time and recorded in state
//! (Terraform's data sources; CDK's `fromLookup` and SSM-parameter images).
//!
//! A lookup is a node of the graph like a resource, so what refers to it waits for it and its
//! value is kept in state with the rest; but it makes nothing: the provider reads the value when
//! the lookup is "created" and again on every refresh (so a new image shows in the next plan as
//! an update of what uses it), and deleting it only forgets it. In a CloudFormation template a
//! lookup is a parameter of an AWS-specific type, which CloudFormation resolves itself.

use crate::handle::{Attr, Ref, ResourceId};
use crate::path::suggest_id;
use crate::resource::{Resource, TagStyle};
use crate::stack::Stack;
use crate::value::{Properties, Value};

/// The type of an SSM parameter lookup (its `Value` attribute is the parameter's value).
pub const SSM_PARAMETER_TYPE: &str = "Stratus::Lookup::SsmParameter";

/// The type of a public hosted zone lookup by domain (its physical id is the zone's id).
pub const HOSTED_ZONE_TYPE: &str = "Stratus::Lookup::HostedZone";

/// Whether a type is Stratus's own (a lookup or an asset) rather than CloudFormation's.
///
/// ```
/// assert!(stratus_core::lookup::is_stratus_type("Stratus::Lookup::HostedZone"));
/// assert!(!stratus_core::lookup::is_stratus_type("AWS::Route53::HostedZone"));
/// ```
pub fn is_stratus_type(type_name: &str) -> bool {
    type_name.starts_with("Stratus::")
}

/// How a lookup appears in a CloudFormation template: a parameter of this type, with this
/// default (none: the deployer supplies it) and description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateParameter {
    /// The AWS-specific parameter type.
    pub type_name: &'static str,
    /// Its default value.
    pub default: Option<String>,
    /// What it is.
    pub description: String,
}

/// The template parameter standing for a lookup node, from its type and properties.
pub(crate) fn template_parameter(
    type_name: &str,
    properties: &Properties,
) -> Option<TemplateParameter> {
    let text = |name: &str| {
        properties
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    match type_name {
        SSM_PARAMETER_TYPE => Some(TemplateParameter {
            type_name: "AWS::SSM::Parameter::Value<String>",
            default: Some(text("Name").to_owned()),
            description: format!("the value of the SSM parameter {}", text("Name")),
        }),
        HOSTED_ZONE_TYPE => Some(TemplateParameter {
            type_name: "AWS::Route53::HostedZone::Id",
            default: None,
            description: format!(
                "the id of the public hosted zone of {} (Stratus looks it up at deploy)",
                text("DomainName")
            ),
        }),
        _ => None,
    }
}

/// The value of an SSM parameter, read at deploy.
#[derive(Clone, Debug)]
pub struct SsmParameterLookup {
    name: String,
}

impl Resource for SsmParameterLookup {
    const TYPE_NAME: &'static str = SSM_PARAMETER_TYPE;
    const REPLACE_ON: &'static [&'static str] = &["Name"];
    const TAGS: TagStyle = TagStyle::None;

    fn properties(&self) -> Properties {
        let mut properties = Properties::new();
        properties.insert_value("Name", Value::String(self.name.clone()));
        properties
    }
}

/// The value of the SSM parameter `name`, read at deploy (one lookup per parameter and stack,
/// however often it is asked for). The parameter's path shows in the construct path.
///
/// ```
/// use stratus_core::prelude::*;
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let a = stratus_core::lookup::ssm_parameter(&mut stack, "/aws/service/x");
/// let b = stratus_core::lookup::ssm_parameter(&mut stack, "/aws/service/x");
/// assert_eq!(a, b);
/// assert_eq!(stack.graph().len(), 1);
/// ```
pub fn ssm_parameter(stack: &mut Stack, name: &str) -> Attr<String> {
    let existing = stack.graph().nodes().find(|(_, node)| {
        node.type_name == SSM_PARAMETER_TYPE
            && node.properties.get("Name").and_then(Value::as_str) == Some(name)
    });
    if let Some((index, _)) = existing {
        return Attr::new(ResourceId::new(stack.id(), index), "Value");
    }
    // The parameter's path (AWS's public ones without their common prefix), its end kept when
    // it is too long for an id.
    let slug = suggest_id(name.trim_start_matches("/aws/service/"));
    let tail = &slug[slug.len().saturating_sub(crate::path::MAX_ID_LEN - 4)..];
    let id = format!("ssm-{}", tail.trim_start_matches('-'));
    let lookup: Ref<SsmParameterLookup> = stack.add(
        &id,
        SsmParameterLookup {
            name: name.to_owned(),
        },
    );
    lookup.attr("Value")
}

/// A public hosted zone found by its domain, at deploy.
#[derive(Clone, Debug)]
pub struct HostedZoneLookup {
    domain: String,
}

impl HostedZoneLookup {
    /// The lookup of the public zone of `domain`.
    pub(crate) fn new(domain: String) -> Self {
        Self { domain }
    }
}

impl Resource for HostedZoneLookup {
    const TYPE_NAME: &'static str = HOSTED_ZONE_TYPE;
    const REPLACE_ON: &'static [&'static str] = &["DomainName"];
    const TAGS: TagStyle = TagStyle::None;

    fn properties(&self) -> Properties {
        let mut properties = Properties::new();
        properties.insert_value("DomainName", Value::String(self.domain.clone()));
        properties
    }
}
