//! Parses Microsoft's published Graph CSDL files with the generator's parser.
//!
//! The files are not part of the repository: set `VPPTOKEN_OFFICIAL_CSDL` to the
//! directory holding `v1.0/cleanMetadata.xml`, `v1.0/v1.0-Prod.csdl` and
//! `beta/beta_metadata.xml` (a relative path is taken from the workspace root). Without
//! the variable the test is skipped; with it, a missing file is a failure.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use graph_vpptoken_codegen::csdl::{Annotation, Document, Pos};
use graph_vpptoken_codegen::parse::parse_document;

const VARIABLE: &str = "VPPTOKEN_OFFICIAL_CSDL";
const FILES: [&str; 3] = [
    "v1.0/cleanMetadata.xml",
    "v1.0/v1.0-Prod.csdl",
    "beta/beta_metadata.xml",
];

/// The directory named by [`VARIABLE`], or `None` when it is unset or empty.
fn official_dir() -> Option<PathBuf> {
    let value = std::env::var_os(VARIABLE).filter(|value| !value.is_empty())?;
    let path = PathBuf::from(value);
    Some(if path.is_absolute() {
        path
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
    })
}

/// How many elements of each kind a document holds.
#[derive(Debug, Default)]
struct Counts {
    schemas: usize,
    entity_types: usize,
    complex_types: usize,
    enum_types: usize,
    enum_members: usize,
    properties: usize,
    navigation_properties: usize,
    actions: usize,
    functions: usize,
    parameters: usize,
    entity_sets: usize,
    singletons: usize,
    annotation_blocks: usize,
    annotations: usize,
    terms: usize,
    type_definitions: usize,
}

impl Counts {
    fn of(document: &Document) -> Self {
        let mut counts = Counts::default();
        let mut annotations = |list: &[Annotation]| counts.annotations += list.len();
        for schema in &document.schemas {
            for ty in schema.entity_types.iter().chain(&schema.complex_types) {
                annotations(&ty.annotations);
                for property in &ty.properties {
                    annotations(&property.annotations);
                }
                for property in &ty.navigation_properties {
                    annotations(&property.annotations);
                }
            }
            for ty in &schema.enum_types {
                annotations(&ty.annotations);
                for member in &ty.members {
                    annotations(&member.annotations);
                }
            }
            for definition in &schema.type_definitions {
                annotations(&definition.annotations);
            }
            for operation in schema.actions.iter().chain(&schema.functions) {
                annotations(&operation.annotations);
                for parameter in &operation.parameters {
                    annotations(&parameter.annotations);
                }
                if let Some(return_type) = &operation.return_type {
                    annotations(&return_type.annotations);
                }
            }
            for container in &schema.entity_containers {
                for set in &container.entity_sets {
                    annotations(&set.annotations);
                }
                for singleton in &container.singletons {
                    annotations(&singleton.annotations);
                }
            }
            for block in &schema.annotations {
                annotations(&block.annotations);
            }
        }
        for schema in &document.schemas {
            counts.schemas += 1;
            counts.entity_types += schema.entity_types.len();
            counts.complex_types += schema.complex_types.len();
            counts.enum_types += schema.enum_types.len();
            counts.enum_members += schema
                .enum_types
                .iter()
                .map(|t| t.members.len())
                .sum::<usize>();
            for ty in schema.entity_types.iter().chain(&schema.complex_types) {
                counts.properties += ty.properties.len();
                counts.navigation_properties += ty.navigation_properties.len();
            }
            counts.actions += schema.actions.len();
            counts.functions += schema.functions.len();
            counts.parameters += schema
                .actions
                .iter()
                .chain(&schema.functions)
                .map(|operation| operation.parameters.len())
                .sum::<usize>();
            for container in &schema.entity_containers {
                counts.entity_sets += container.entity_sets.len();
                counts.singletons += container.singletons.len();
            }
            counts.annotation_blocks += schema.annotations.len();
            counts.terms += schema.terms.len();
            counts.type_definitions += schema.type_definitions.len();
        }
        counts
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = [
            ("schemas", self.schemas),
            ("entity types", self.entity_types),
            ("complex types", self.complex_types),
            ("enum types", self.enum_types),
            ("enum members", self.enum_members),
            ("properties", self.properties),
            ("navigation properties", self.navigation_properties),
            ("actions", self.actions),
            ("functions", self.functions),
            ("parameters", self.parameters),
            ("entity sets", self.entity_sets),
            ("singletons", self.singletons),
            ("annotation blocks", self.annotation_blocks),
            ("annotations", self.annotations),
            ("terms", self.terms),
            ("type definitions", self.type_definitions),
        ];
        for (name, count) in rows {
            writeln!(f, "  {name:<22} {count:>6}")?;
        }
        Ok(())
    }
}

/// How often `needle` occurs in `text`: a parser-independent cross-check.
fn occurrences(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

fn check_document(file: &str, text: &str, document: &Document, counts: &Counts) {
    assert_eq!(document.file, file);
    assert_eq!(document.version, "4.0", "{file}: edmx:Edmx Version");
    assert!(
        counts.entity_types > 1000,
        "{file}: only {} entity types",
        counts.entity_types
    );
    assert!(counts.complex_types > 500, "{file}: {counts:?}");
    assert!(counts.enum_types > 500, "{file}: {counts:?}");
    assert!(counts.properties > 10_000, "{file}: {counts:?}");
    assert!(counts.actions > 500, "{file}: {counts:?}");
    assert!(counts.annotation_blocks > 1000, "{file}: {counts:?}");
    assert_eq!(
        counts.entity_types,
        occurrences(text, "<EntityType "),
        "{file}"
    );
    assert_eq!(
        counts.complex_types,
        occurrences(text, "<ComplexType "),
        "{file}"
    );
    assert_eq!(counts.enum_members, occurrences(text, "<Member "), "{file}");
    assert_eq!(counts.properties, occurrences(text, "<Property "), "{file}");
    assert_eq!(
        counts.annotation_blocks,
        occurrences(text, "<Annotations "),
        "{file}"
    );

    let graph = document
        .schemas
        .iter()
        .find(|schema| schema.namespace == "microsoft.graph")
        .unwrap_or_else(|| panic!("{file}: no `microsoft.graph` schema"));
    assert_eq!(graph.alias.as_deref(), Some("graph"), "{file}");
    assert_eq!(graph.entity_containers.len(), 1, "{file}");

    let vpp_token = graph
        .entity_types
        .iter()
        .find(|ty| ty.name == "vppToken")
        .unwrap_or_else(|| panic!("{file}: no entity type `vppToken`"));
    let token = vpp_token
        .properties
        .iter()
        .find(|property| property.name == "token")
        .unwrap_or_else(|| panic!("{file}: `vppToken` has no property `token`"));
    assert_eq!(token.type_name, "Edm.String", "{file}");
    assert!(vpp_token.pos < token.pos, "{file}");

    // Every line of the file holds at most one schema element, so positions of
    // consecutive entity types are strictly increasing.
    let positions: Vec<Pos> = graph.entity_types.iter().map(|ty| ty.pos).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{file}");
    assert!(
        positions.iter().all(|pos| pos.line > 1 && pos.column > 1),
        "{file}"
    );
}

#[test]
fn official_metadata_parses() {
    let Some(dir) = official_dir() else {
        eprintln!("skipped: {VARIABLE} is not set");
        return;
    };
    let missing: Vec<_> = FILES
        .iter()
        .map(|file| dir.join(file))
        .filter(|path| !path.is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "{VARIABLE}={}: missing {}",
        dir.display(),
        missing
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );

    for file in FILES {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let started = Instant::now();
        let document = parse_document(file, &text).unwrap_or_else(|error| panic!("{error}"));
        let elapsed: Duration = started.elapsed();
        let counts = Counts::of(&document);
        println!(
            "{file} ({} bytes, parsed in {:.1} ms):\n{counts}",
            text.len(),
            elapsed.as_secs_f64() * 1000.0
        );
        check_document(file, &text, &document, &counts);
    }
}

/// Annotation values are read whole on Microsoft's published v1.0 CSDL and found by their
/// full term. The expected figures were counted in `v1.0/cleanMetadata.xml` with grep:
/// `grep -c DerivedTypeConstraint` gives 36 (one annotation per line, all inline), and the
/// annotation on `deviceAppManagement/mobileApps` (line 14757 of that file) lists 21
/// `<String>` items, `microsoft.graph.iosVppApp` among them; the only block targeting
/// `microsoft.graph.GraphService/applicationTemplates` (line 30120) sets `Insertable` to
/// `false` in its `InsertRestrictions` record.
#[test]
fn official_annotations_are_read_whole() {
    use graph_vpptoken_codegen::csdl::AnnotationValue;
    use graph_vpptoken_codegen::resolve::{Target, resolve};

    const CONSTRAINT: &str = "Org.OData.Validation.V1.DerivedTypeConstraint";
    let Some(dir) = official_dir() else {
        eprintln!("skipped: {VARIABLE} is not set");
        return;
    };
    let file = "v1.0/cleanMetadata.xml";
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let document = parse_document(file, &text).unwrap_or_else(|error| panic!("{error}"));
    let model = resolve(&document, &[]).unwrap_or_else(|error| panic!("{error}"));

    let constraints: usize = model
        .annotations
        .values()
        .flatten()
        .filter(|annotation| annotation.term == CONSTRAINT)
        .count();
    assert_eq!(constraints, 36);

    let manager = model
        .lookup("microsoft.graph.deviceAppManagement")
        .expect("deviceAppManagement");
    let types = model
        .annotation(&Target::Property(manager, "mobileApps".into()), CONSTRAINT)
        .and_then(AnnotationValue::strings)
        .expect("a collection of strings on deviceAppManagement/mobileApps");
    assert_eq!(types.len(), 21);
    assert!(types.contains(&"microsoft.graph.iosVppApp"), "{types:?}");

    let templates = Target::Path(vec!["applicationTemplates".to_owned()]);
    let insertable = model
        .annotation(&templates, "Org.OData.Capabilities.V1.InsertRestrictions")
        .and_then(|restrictions| restrictions.record_property("Insertable"))
        .and_then(AnnotationValue::as_bool);
    assert_eq!(insertable, Some(false));
}
