//! `generated/` must be exactly what the generator writes from `metadata/` today: the same
//! check as `cargo xtask codegen --check`, so a stale or hand-edited file fails the tests.

use std::path::Path;

use graph_vpptoken_codegen::config::Config;
use graph_vpptoken_codegen::{Error, codegen, write};

#[test]
fn generated_crate_is_up_to_date() {
    let config_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/codegen.toml");
    let config = Config::load(&config_path).unwrap();
    let config_dir = config_path.parent().unwrap();
    let files = codegen::generate(&config, config_dir).unwrap();
    assert!(files.len() >= 8, "two versions, four files each");
    match write::sync(&config_dir.join(&config.output), &files, true) {
        Ok(report) => assert_eq!(report.len(), files.len()),
        Err(Error::Stale { files }) => panic!(
            "generated files are stale: {}; run `cargo xtask codegen` and review the diff",
            files.join(", ")
        ),
        Err(e) => panic!("{e}"),
    }
}
