//! `#[derive(ToValue)]`: a nested property struct becomes a map value.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, spanned::Spanned};

use crate::attrs::{self, Errors};
use crate::case::pascal_case;

/// One property of a struct: its CloudFormation name, the field, and whether it forces replacement.
pub(crate) struct Property {
    pub(crate) name: String,
    pub(crate) ident: syn::Ident,
    pub(crate) replace: bool,
}

/// Reads the named fields of a struct into properties, collecting every attribute error.
pub(crate) fn properties(input: &DeriveInput, errors: &mut Errors) -> Vec<Property> {
    let Data::Struct(data) = &input.data else {
        errors.push(syn::Error::new(
            input.ident.span(),
            "only structs with named fields can be derived; write `ToValue` by hand for enums",
        ));
        return Vec::new();
    };
    let Fields::Named(fields) = &data.fields else {
        errors.push(syn::Error::new(
            data.fields.span(),
            "only structs with named fields can be derived: name each property",
        ));
        return Vec::new();
    };
    let mut seen = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for field in &fields.named {
        let options = attrs::field(field, errors);
        if options.skip {
            continue;
        }
        let ident = field.ident.clone().expect("named field");
        let name = options
            .rename
            .as_ref()
            .map_or_else(|| pascal_case(&ident.to_string()), syn::LitStr::value);
        if let Some(previous) = seen.insert(name.clone(), ident.to_string()) {
            errors.push(syn::Error::new(
                field.span(),
                format!("property `{name}` is also produced by field `{previous}`; rename one"),
            ));
        }
        out.push(Property {
            name,
            ident,
            replace: options.replace,
        });
    }
    out
}

/// Code that builds a `Properties` map from `self`.
pub(crate) fn build_map(krate: &syn::Path, props: &[Property]) -> TokenStream {
    let inserts = props.iter().map(|p| {
        let name = &p.name;
        let ident = &p.ident;
        quote! {
            map.insert_value(#name, #krate::value::ToValue::to_value(&self.#ident));
        }
    });
    quote! {
        let mut map = #krate::value::Properties::new();
        #(#inserts)*
        map
    }
}

pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let container = attrs::container(&input.attrs, false, &mut errors);
    let props = properties(input, &mut errors);
    for p in props.iter().filter(|p| p.replace) {
        errors.push(syn::Error::new(
            p.ident.span(),
            "`replace` belongs on the fields of a `#[derive(Resource)]` struct",
        ));
    }
    errors.finish()?;
    let krate = &container.krate;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let body = build_map(krate, &props);
    Ok(quote! {
        const _: () = {
            impl #impl_generics #krate::value::ToValue for #ident #ty_generics #where_clause {
                fn to_value(&self) -> #krate::value::Value {
                    { #body }.into_value()
                }
            }
        };
    })
}
