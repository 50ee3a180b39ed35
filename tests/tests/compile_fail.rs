//! A property that is not nullable cannot be set to `null`, and the key cannot be set at all: both
//! are compile errors, not runtime ones. The cases are in `ui/`, with the compiler's messages
//! beside them (`TRYBUILD=overwrite cargo test --test compile_fail` regenerates them).

#[test]
fn non_nullable_properties_and_the_key_cannot_be_nulled_or_set() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
