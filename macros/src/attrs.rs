//! Parsing of `#[resource(...)]` attributes. Every problem is collected, then reported at once on
//! the exact span (serde's `Ctxt` habit).

use syn::spanned::Spanned;
use syn::{Attribute, Field, LitStr, Path};

/// How a resource type takes tags.
#[derive(Clone, Copy)]
pub(crate) enum TagStyle {
    List,
    AutoScaling,
    Map,
    None,
}

/// Container-level options of `#[derive(Resource)]`.
pub(crate) struct ContainerAttrs {
    pub(crate) type_name: Option<LitStr>,
    pub(crate) tags: TagStyle,
    pub(crate) tags_property: Option<LitStr>,
    pub(crate) krate: Path,
}

/// Field-level options.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<LitStr>,
    pub(crate) replace: bool,
    pub(crate) skip: bool,
}

/// Collects errors and combines them into one `syn::Error`.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

const CONTAINER_KEYS: &str = "`type`, `tags`, `tags_property`, `crate`";
const FIELD_KEYS: &str = "`rename`, `replace`, `skip`";

pub(crate) fn container(
    attrs: &[Attribute],
    allow_type: bool,
    errors: &mut Errors,
) -> ContainerAttrs {
    let mut out = ContainerAttrs {
        type_name: None,
        tags: TagStyle::List,
        tags_property: None,
        krate: syn::parse_quote!(::stratus),
    };
    for attr in attrs.iter().filter(|a| a.path().is_ident("resource")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            match key.as_str() {
                "type" if allow_type => out.type_name = Some(meta.value()?.parse()?),
                "tags" if allow_type => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.tags = match lit.value().as_str() {
                        "list" => TagStyle::List,
                        "asg" => TagStyle::AutoScaling,
                        "map" => TagStyle::Map,
                        "none" => TagStyle::None,
                        other => {
                            return Err(syn::Error::new(
                                lit.span(),
                                format!("unknown tag style `{other}`; expected \"list\", \"asg\", \"map\" or \"none\""),
                            ));
                        }
                    };
                }
                "tags_property" if allow_type => out.tags_property = Some(meta.value()?.parse()?),
                "crate" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.krate = lit.parse()?;
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown resource attribute `{key}`; expected one of {}",
                        if allow_type { CONTAINER_KEYS } else { "`crate`" }
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

pub(crate) fn field(field: &Field, errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("resource")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("replace") {
                out.replace = true;
            } else if meta.path.is_ident("skip") {
                out.skip = true;
            } else {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                return Err(meta.error(format!(
                    "unknown field attribute `{key}`; expected one of {FIELD_KEYS}"
                )));
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if out.skip && (out.replace || out.rename.is_some()) {
        errors.push(syn::Error::new(
            field.span(),
            "a skipped field is not a property: remove `rename`/`replace` or `skip`",
        ));
    }
    out
}
