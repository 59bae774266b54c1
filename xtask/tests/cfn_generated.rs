//! The committed `cfn/` is exactly what the pinned cfn-lint's schemas generate. Needs that
//! cfn-lint (`.ci/run` installs it); without it the test fails saying how to install it.

use std::path::Path;

#[test]
fn the_committed_l1_types_are_what_the_pinned_schemas_generate() {
    let schemas = xtask::cfn::installed_schemas().unwrap_or_else(|e| panic!("{e}"));
    let generated = xtask::cfn::generate(&schemas).unwrap_or_else(|e| panic!("{e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cfn");
    let differences = xtask::differences(&root, &generated.files);
    assert!(
        differences.is_empty(),
        "cfn/ differs from what the schemas generate: {differences:?}; run `cargo xtask cfn`"
    );
    // Every resource type of the table, none lost on the way.
    assert_eq!(generated.types, 1583);
    let structs = generated
        .files
        .values()
        .map(|text| text.matches("#[derive(::stratus_macros::Resource").count())
        .sum::<usize>();
    assert_eq!(structs, generated.types, "one L1 struct per type");
}

#[test]
fn a_changed_generated_file_is_reported() {
    let schemas = xtask::cfn::installed_schemas().unwrap_or_else(|e| panic!("{e}"));
    let generated = xtask::cfn::generate(&schemas).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    xtask::write_all(dir.path(), &generated.files).unwrap();
    assert!(xtask::differences(dir.path(), &generated.files).is_empty());
    let sqs = dir.path().join("src/sqs.rs");
    let text = std::fs::read_to_string(&sqs).unwrap();
    std::fs::write(&sqs, text.replace("pub queue_name", "pub queue_nom")).unwrap();
    std::fs::write(dir.path().join("src/stray.rs"), "").unwrap();
    assert_eq!(
        xtask::differences(dir.path(), &generated.files),
        ["src/sqs.rs", "src/stray.rs (not generated)"]
    );
}
