//! The generator's output must not depend on declaration order: a document reordered by
//! `shuffle` (schemas, the elements of each schema, container children, properties and
//! navigation properties, overloads) generates the same files, byte for byte, as the document
//! as written.
//!
//! Cases: the repository's own `metadata/`, and Microsoft's published CSDL (from
//! `VPPTOKEN_OFFICIAL_CSDL`, as `official_metadata.rs`) with the configured roots and paths,
//! or, when `VPPTOKEN_WHOLE_SCHEMA=1`, with every type and path (see `cargo xtask
//! whole-schema`).

use std::path::{Path, PathBuf};

use graph_vpptoken_codegen::config::{Config, VersionConfig};
use graph_vpptoken_codegen::csdl::Document;
use graph_vpptoken_codegen::emit::File;
use graph_vpptoken_codegen::shuffle::{self, Parts};
use graph_vpptoken_codegen::{codegen, parse, scratch};

const OFFICIAL: &str = "VPPTOKEN_OFFICIAL_CSDL";
const WHOLE_SCHEMA: &str = "VPPTOKEN_WHOLE_SCHEMA";

fn official_dir() -> Option<PathBuf> {
    let value = std::env::var_os(OFFICIAL).filter(|v| !v.is_empty())?;
    let path = PathBuf::from(value);
    Some(if path.is_absolute() {
        path
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
    })
}

fn whole_schema() -> bool {
    std::env::var(WHOLE_SCHEMA).is_ok_and(|v| v == "1")
}

fn config() -> (Config, PathBuf) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/codegen.toml");
    (
        Config::load(&path).unwrap(),
        path.parent().unwrap().to_owned(),
    )
}

fn parse_file(path: &Path, name: &str) -> Document {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse::parse_document(name, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Where two generations first differ: the file and the first differing line of each.
fn first_difference(expected: &[File], actual: &[File]) -> Option<String> {
    let paths = |files: &[File]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    if paths(expected) != paths(actual) {
        return Some(format!(
            "files {:?} became {:?}",
            paths(expected),
            paths(actual)
        ));
    }
    let differing: Vec<_> = expected
        .iter()
        .zip(actual)
        .filter(|(e, a)| e.contents != a.contents)
        .collect();
    let (e, a) = differing.first()?;
    let line = e
        .contents
        .lines()
        .zip(a.contents.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    let at = |text: &str| {
        text.lines()
            .nth(line)
            .unwrap_or("<end of file>")
            .trim()
            .to_owned()
    };
    let names: Vec<_> = differing.iter().map(|(e, _)| e.path.as_str()).collect();
    Some(format!(
        "{} differ; first {} line {}: `{}` became `{}`",
        names.join(", "),
        e.path,
        line + 1,
        at(&e.contents),
        at(&a.contents)
    ))
}

/// Generates `document` as written and reordered with `parts` by each seed; returns the
/// differences, one line per seed that changed the output.
fn differences(
    document: &Document,
    version: &VersionConfig,
    runtime: &str,
    parts: Parts,
    seeds: u64,
) -> Vec<String> {
    let generate = |d: &Document| {
        codegen::generate_document(d, version, runtime).unwrap_or_else(|e| panic!("{e}"))
    };
    let expected = generate(document);
    (1..=seeds)
        .filter_map(|seed| {
            let difference = first_difference(
                &expected,
                &generate(&shuffle::shuffle(document, seed, parts)),
            )?;
            Some(format!(
                "{} ({}), seed {seed}: {difference}",
                document.file, version.name
            ))
        })
        .collect()
}

/// Every part but the order of properties, one at a time and together.
const ORDER_FREE: [(&str, Parts); 6] = [
    (
        "schemas",
        Parts {
            schemas: true,
            ..Parts::NONE
        },
    ),
    (
        "elements",
        Parts {
            elements: true,
            ..Parts::NONE
        },
    ),
    (
        "containers",
        Parts {
            containers: true,
            ..Parts::NONE
        },
    ),
    (
        "overloads",
        Parts {
            overloads: true,
            ..Parts::NONE
        },
    ),
    (
        "annotations",
        Parts {
            annotations: true,
            ..Parts::NONE
        },
    ),
    (
        "all but members",
        Parts {
            members: false,
            ..Parts::ALL
        },
    ),
];

/// The order of properties and navigation properties, alone and with everything else.
const MEMBERS: [(&str, Parts); 2] = [
    (
        "members",
        Parts {
            members: true,
            ..Parts::NONE
        },
    ),
    ("all", Parts::ALL),
];

fn assert_same_output(
    cases: &[(Document, VersionConfig)],
    runtime: &str,
    parts: &[(&str, Parts)],
    seeds: u64,
) {
    let mut failures = Vec::new();
    for (document, version) in cases {
        assert_ne!(
            &shuffle::shuffle(document, 1, Parts::ALL),
            document,
            "the shuffle moves something"
        );
        for (name, parts) in parts {
            let found = differences(document, version, runtime, *parts, seeds);
            failures.extend(found.into_iter().map(|d| format!("{name}: {d}")));
        }
    }
    assert!(
        failures.is_empty(),
        "the output depends on declaration order:\n{}",
        failures.join("\n")
    );
}

fn metadata_cases() -> Vec<(Document, VersionConfig)> {
    let (config, dir) = config();
    config
        .versions
        .iter()
        .map(|v| {
            (
                parse_file(
                    &dir.join(&v.input),
                    &format!("metadata/{}", v.input.display()),
                ),
                v.clone(),
            )
        })
        .collect()
}

/// The published files with the configured roots and paths (no fix-ups: they are written
/// for `metadata/`), or with every type and path when [`WHOLE_SCHEMA`] is `1`.
fn official_cases() -> Option<Vec<(Document, VersionConfig)>> {
    let Some(dir) = official_dir() else {
        println!("skipped: {OFFICIAL} is not set");
        return None;
    };
    let (config, _) = config();
    let cases = scratch::OFFICIAL_VERSIONS
        .iter()
        .map(|official| {
            let document = parse_file(&dir.join(official.file), official.file);
            let mut version = scratch::whole_schema_version(&document, official);
            if !whole_schema() {
                let configured = config
                    .versions
                    .iter()
                    .find(|v| v.module == official.module)
                    .unwrap();
                version = scratch::with_configured_roots(version, configured);
            }
            (document, version)
        })
        .collect();
    Some(cases)
}

#[test]
fn metadata_output_does_not_depend_on_the_order_of_schemas_elements_containers_or_overloads() {
    assert_same_output(&metadata_cases(), &config().0.runtime, &ORDER_FREE, 8);
}

#[test]
fn metadata_output_does_not_depend_on_the_order_of_properties() {
    assert_same_output(&metadata_cases(), &config().0.runtime, &MEMBERS, 8);
}

/// Seeds and parts for the published files: the whole schema takes long to generate, so it
/// gets fewer seeds and the parts together only.
fn official_plan<'a>(parts: &'a [(&'a str, Parts)]) -> (&'a [(&'a str, Parts)], u64) {
    if whole_schema() {
        (&parts[parts.len() - 1..], 2)
    } else {
        (parts, 4)
    }
}

#[test]
fn official_output_does_not_depend_on_the_order_of_schemas_elements_containers_or_overloads() {
    let Some(cases) = official_cases() else {
        return;
    };
    let (parts, seeds) = official_plan(&ORDER_FREE);
    assert_same_output(&cases, scratch::RUNTIME, parts, seeds);
}

#[test]
fn official_output_does_not_depend_on_the_order_of_properties() {
    let Some(cases) = official_cases() else {
        return;
    };
    let (parts, seeds) = official_plan(&MEMBERS);
    assert_same_output(&cases, scratch::RUNTIME, parts, seeds);
}
