//! File assets in the account's asset bucket.

use stratus_core::asset::ASSET_TYPE;
use stratus_core::deploy::{Compare, Identity, PropertySpec, TypeContract};

static FILE_ASSET_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("ObjectKey"),
    PropertySpec::create_only("SourceHash"),
    PropertySpec::create_only("Packaging"),
    // Where the content is read from, on this machine: the cloud does not hold it. A moved
    // source updates in place, uploading again only if the object is missing.
    PropertySpec::updatable("SourcePath").compared(Compare::Ignore),
];

/// `Stratus::Asset::File`.
pub(crate) static FILE_ASSET: TypeContract =
    TypeContract::new(ASSET_TYPE, Identity::Shared, &FILE_ASSET_PROPERTIES);
