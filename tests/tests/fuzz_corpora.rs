//! The fuzz targets of `tests/fuzz/` on stable: every target's body over its seeds (made from
//! the fixtures) and over the inputs saved under `tests/fuzz/regressions/<target>/` (each
//! one an input that once failed, kept as a regression test).
//!
//! With `VPPTOKEN_FUZZ_CORPUS=<folder>`, `writes_the_seed_corpora` also writes each target's
//! seeds and saved inputs to `<folder>/<target>/`, the corpora `cargo fuzz run` starts from
//! (see README.md, "Fuzzing").

use std::path::{Path, PathBuf};

#[path = "../fuzz/src/lib.rs"]
mod fuzz;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_owned()
}

/// The seeds and the saved inputs of `target`.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut inputs = fuzz::seeds(target, &root());
    let saved = root().join("tests/fuzz/regressions").join(target);
    if let Ok(entries) = std::fs::read_dir(&saved) {
        for entry in entries {
            let path = entry.expect("a readable folder").path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            inputs.push((
                format!("regression-{name}"),
                std::fs::read(&path).expect("a readable file"),
            ));
        }
    }
    inputs
}

fn replay(target: &str) {
    let inputs = corpus(target);
    assert!(!inputs.is_empty(), "{target} has no seeds");
    for (name, data) in inputs {
        if let Err(panic) = std::panic::catch_unwind(|| fuzz::run(target, &data)) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("");
            panic!("{target} fails on {name}: {message}");
        }
    }
}

#[test]
fn csdl_pipeline_seeds() {
    replay("csdl_pipeline");
}

#[test]
fn models_v1_0_seeds() {
    replay("models_v1_0");
}

#[test]
fn models_beta_seeds() {
    replay("models_beta");
}

#[test]
fn responses_seeds() {
    replay("responses");
}

#[test]
fn xml_differential_seeds() {
    replay("xml_differential");
}

#[test]
fn every_target_is_replayed() {
    assert_eq!(
        fuzz::TARGETS,
        [
            "csdl_pipeline",
            "models_v1_0",
            "models_beta",
            "responses",
            "xml_differential"
        ]
    );
    for target in fuzz::TARGETS {
        let source = root()
            .join("tests/fuzz/fuzz_targets")
            .join(format!("{target}.rs"));
        assert!(source.is_file(), "{} is missing", source.display());
    }
}

#[test]
fn writes_the_seed_corpora() {
    let Some(folder) = std::env::var_os("VPPTOKEN_FUZZ_CORPUS") else {
        return;
    };
    for target in fuzz::TARGETS {
        let dir = Path::new(&folder).join(target);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for (name, data) in corpus(target) {
            let path = dir.join(format!("seed-{name}"));
            std::fs::write(&path, data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
