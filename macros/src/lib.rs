//! Derive macros for Stratus.
//!
//! `#[derive(Resource)]` turns a struct of typed fields into an L1 resource: its CloudFormation
//! type name, its properties (field names in `PascalCase`), which properties force replacement,
//! and, through the values of its fields, its references to other resources. `#[derive(ToValue)]`
//! does the same for nested property structs.
//!
//! The logic lives in modules on `proc_macro2` so it can be unit-tested; this file only bridges.

mod attrs;
mod case;
mod resource;
mod to_value;

use proc_macro::TokenStream;

/// Derives `stratus::resource::Resource` for a struct with named fields.
///
/// Container attributes: `#[resource(type = "AWS::EC2::VPC")]` (required), `tags = "list" |
/// "asg" | "none"` (default `"list"`), `tags_property = "FileSystemTags"` (default `"Tags"`),
/// `crate = "path"` (default `stratus`). Field attributes: `rename = "CfnName"`, `replace` (a
/// change to this property replaces the resource), `skip`.
#[proc_macro_derive(Resource, attributes(resource))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    resource::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `stratus::value::ToValue` for a struct with named fields: a map of its fields in
/// `PascalCase`, `None` fields left out. Field attributes: `rename = "CfnName"`, `skip`.
#[proc_macro_derive(ToValue, attributes(resource))]
pub fn derive_to_value(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    to_value::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
