//! Each case in `ui/` sends a request without the cargo feature `client`; the compiler's
//! messages are beside it and must name the feature (`TRYBUILD=overwrite cargo test -p
//! vpptoken-feature-hints-runtime` regenerates them).

use std::path::Path;

#[test]
fn sending_without_the_client_names_the_feature() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    drop(cases); // runs the cases

    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    for case in ["send", "stream"] {
        let stderr = std::fs::read_to_string(ui.join(format!("{case}.stderr"))).unwrap();
        common::assert_names_feature(&stderr, "client");
    }
}

mod common {
    include!("../../hint_check.rs");
}
