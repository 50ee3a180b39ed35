//! Each case in `ui/` calls a method whose cargo feature is off; the compiler's messages are
//! beside it and must name the feature (`TRYBUILD=overwrite cargo test -p
//! vpptoken-feature-hints-client` regenerates them).

use std::path::Path;

#[test]
fn methods_of_a_feature_that_is_off_name_the_feature() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    drop(cases); // runs the cases

    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    for (case, feature) in [
        ("v1_0", "v1_0"),
        ("beta", "beta"),
        ("azure_identity", "azure-identity"),
    ] {
        let stderr = std::fs::read_to_string(ui.join(format!("{case}.stderr"))).unwrap();
        common::assert_names_feature(&stderr, feature);
    }
}

mod common {
    include!("../../hint_check.rs");
}
