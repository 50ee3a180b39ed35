//! Generates the synthetic CSDL fixtures of `fixtures/csdl/` into `$OUT_DIR/fixtures.rs`, one
//! module each, so that the tests compile (and use) exactly what the generator emits.

use std::path::Path;

use graph_vpptoken_codegen::codegen;
use graph_vpptoken_codegen::config::Config;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/csdl");
    println!("cargo::rerun-if-changed={}", dir.display());
    let config = Config::load(&dir.join("codegen.toml")).unwrap_or_else(|e| panic!("{e}"));
    let modules = codegen::generate_single_files(&config, &dir).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    for (name, code) in modules {
        out.push_str(&format!(
            "pub mod {name} {{\n#![allow(dead_code)]\n{code}}}\n\n"
        ));
    }
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}
