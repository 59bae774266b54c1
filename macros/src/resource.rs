//! `#[derive(Resource)]`: an L1 resource from a struct of typed fields.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::attrs::{self, Errors, TagStyle};
use crate::to_value::{build_map, properties};

pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let container = attrs::container(&input.attrs, true, &mut errors);
    let props = properties(input, &mut errors);
    if container.type_name.is_none() {
        errors.push(syn::Error::new(
            input.ident.span(),
            "missing `#[resource(type = \"AWS::Service::Type\")]`: name the CloudFormation type",
        ));
    }
    if let Some(lit) = &container.type_name {
        let value = lit.value();
        if value.split("::").count() != 3 || value.split("::").any(str::is_empty) {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "`{value}` is not a CloudFormation type name; expected `Vendor::Service::Type`"
                ),
            ));
        }
    }
    errors.finish()?;

    let krate = &container.krate;
    let ident = &input.ident;
    let type_name = container.type_name.expect("checked above");
    let tags_property = container
        .tags_property
        .map_or_else(|| "Tags".to_owned(), |lit| lit.value());
    let tag_style = match container.tags {
        TagStyle::List => quote!(#krate::resource::TagStyle::List(#tags_property)),
        TagStyle::AutoScaling => quote!(#krate::resource::TagStyle::AutoScaling(#tags_property)),
        TagStyle::Map => quote!(#krate::resource::TagStyle::Map(#tags_property)),
        TagStyle::None => quote!(#krate::resource::TagStyle::None),
    };
    let replace = props.iter().filter(|p| p.replace).map(|p| p.name.as_str());
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let body = build_map(krate, &props);
    Ok(quote! {
        const _: () = {
            impl #impl_generics #krate::resource::Resource for #ident #ty_generics #where_clause {
                const TYPE_NAME: &'static str = #type_name;
                const REPLACE_ON: &'static [&'static str] = &[#(#replace),*];
                const TAGS: #krate::resource::TagStyle = #tag_style;

                fn properties(&self) -> #krate::value::Properties {
                    #body
                }
            }
        };
    })
}
