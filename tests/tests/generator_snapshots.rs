//! Snapshots of the code generated from the synthetic CSDL fixtures in `fixtures/csdl/`, one
//! per feature. The same code is compiled into this crate by `build.rs` (see `fixture_code.rs`).
//! Review changes with `cargo insta review`.

use std::path::Path;

use graph_vpptoken_codegen::codegen;
use graph_vpptoken_codegen::config::Config;

#[test]
fn every_fixture_matches_its_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/csdl");
    let config = Config::load(&dir.join("codegen.toml")).unwrap();
    let modules = codegen::generate_single_files(&config, &dir).unwrap();
    assert_eq!(modules.len(), 13, "one module per fixture");
    for (name, code) in modules {
        insta::assert_snapshot!(name, code);
    }
}

#[test]
fn generation_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/csdl");
    let config = Config::load(&dir.join("codegen.toml")).unwrap();
    let first = codegen::generate_single_files(&config, &dir).unwrap();
    let second = codegen::generate_single_files(&config, &dir).unwrap();
    assert_eq!(first, second);
}
