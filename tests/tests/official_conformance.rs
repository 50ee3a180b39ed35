//! `metadata/` is written by hand from the API's facts; this test runs the whole pipeline on
//! Microsoft's published CSDL (from `VPPTOKEN_OFFICIAL_CSDL`, as `official_metadata.rs`) with
//! the same roots and paths, and checks that both give the same Rust: the same types, fields
//! (wire names, Rust types, nullability), enum members, request builders and operations.
//! Descriptions may differ. Known differences are listed by name with their reason, and the
//! test fails if a listed difference disappears.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use graph_vpptoken_codegen::config::{Config, VersionConfig};
use graph_vpptoken_codegen::{codegen, ir};

const VARIABLE: &str = "VPPTOKEN_OFFICIAL_CSDL";

/// Differences between the published CSDL and the service as it is today.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "beta",
        "field VppToken.appleDeviceAppDeliveryProtocolType: AppleDeviceDeliveryProtocol nullable=false",
        "added to the service in 2026; the newest published beta CSDL is from 2021",
    ),
    (
        "beta",
        "enum AppleDeviceDeliveryProtocol: default,mobileDeviceManagement,declarativeDeviceManagement,unknownFutureValue",
        "added to the service in 2026; the newest published beta CSDL is from 2021",
    ),
    (
        "beta",
        "select VppTokenProperty: AppleDeviceAppDeliveryProtocolType",
        "follows from the new property",
    ),
    (
        "beta",
        "field VppTokenPatch.appleDeviceAppDeliveryProtocolType: AppleDeviceDeliveryProtocol nullable=false",
        "follows from the new property",
    ),
];

fn official_dir() -> Option<PathBuf> {
    let value = std::env::var_os(VARIABLE).filter(|v| !v.is_empty())?;
    let path = PathBuf::from(value);
    Some(if path.is_absolute() {
        path
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
    })
}

/// Everything about a module that must not depend on which CSDL it came from, one line each.
fn shape(module: &ir::Module) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    let field = |owner: &str, f: &ir::Field| {
        format!("field {owner}.{}: {} nullable={}", f.wire, f.ty, f.nullable)
    };
    for s in &module.structs {
        lines.insert(format!("struct {} ({})", s.name, s.qualified));
        lines.extend(s.fields.iter().map(|f| field(&s.name, f)));
    }
    for e in &module.enums {
        let members: Vec<_> = e.variants.iter().map(|v| v.wire.as_str()).collect();
        lines.insert(format!("enum {}: {}", e.name, members.join(",")));
    }
    for u in &module.unions {
        let variants: Vec<_> = u.variants.iter().map(|v| v.qualified.as_str()).collect();
        lines.insert(format!("union {}: {}", u.name, variants.join(",")));
    }
    for p in &module.patches {
        lines.extend(p.fields.iter().map(|f| field(&p.name, f)));
    }
    for s in &module.selects {
        lines.extend(
            s.variants
                .iter()
                .map(|v| format!("select {}: {}", s.name, v.name)),
        );
    }
    for p in &module.parameters {
        lines.extend(p.fields.iter().map(|f| field(&p.name, f)));
    }
    for o in &module.operations {
        lines.insert(format!("operation {}: {:?}", o.name, o.returns));
    }
    for b in &module.builders {
        lines.insert(format!("builder {} {}", b.name, b.template));
        for m in &b.methods {
            let mut m = m.clone();
            strip_doc(&mut m);
            lines.insert(format!("method {}: {:?}", b.name, m));
        }
    }
    lines
}

fn strip_doc(m: &mut ir::Method) {
    match m {
        ir::Method::Segment { doc, .. }
        | ir::Method::Key { doc, .. }
        | ir::Method::List { doc, .. }
        | ir::Method::Count { doc, .. }
        | ir::Method::Create { doc, .. }
        | ir::Method::Get { doc, .. }
        | ir::Method::Update { doc, .. }
        | ir::Method::Delete { doc }
        | ir::Method::Action { doc, .. }
        | ir::Method::Function { doc, .. } => doc.clear(),
    }
}

fn lower(file: &Path, version: &VersionConfig) -> ir::Module {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut version = version.clone();
    // Fix-ups target descriptions written for `metadata/`; descriptions are not compared.
    version.fixups.clear();
    codegen::lower_text(
        &file.display().to_string(),
        &text,
        &version,
        "crate::runtime",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn official_csdl_generates_the_same_rust_as_metadata() {
    let Some(official) = official_dir() else {
        println!("skipped: {VARIABLE} is not set");
        return;
    };
    let config_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/codegen.toml");
    let config = Config::load(&config_path).unwrap();
    let ours_dir = config_path.parent().unwrap();
    let cases = [
        ("v1_0", "v1.0/cleanMetadata.xml"),
        ("v1_0", "v1.0/v1.0-Prod.csdl"),
        ("beta", "beta/beta_metadata.xml"),
    ];
    let mut seen_known = BTreeSet::new();
    for (module, official_file) in cases {
        let version = config.versions.iter().find(|v| v.module == module).unwrap();
        let path = official.join(official_file);
        assert!(
            path.is_file(),
            "{VARIABLE} is set but {} is missing",
            path.display()
        );
        let theirs = shape(&lower(&path, version));
        let ours = shape(&lower(&ours_dir.join(&version.input), version));
        let mut unexplained = Vec::new();
        for line in ours.symmetric_difference(&theirs) {
            let side = if ours.contains(line) {
                "only in metadata/"
            } else {
                "only in the official CSDL"
            };
            match KNOWN_DIFFERENCES
                .iter()
                .find(|(m, l, _)| *m == module && l == line)
            {
                Some(known) if side == "only in metadata/" => {
                    seen_known.insert(known.1);
                }
                _ => unexplained.push(format!("{side}: {line}")),
            }
        }
        println!(
            "{official_file}: {} shape lines compared with {}",
            theirs.len(),
            version.input.display()
        );
        assert!(
            unexplained.is_empty(),
            "{official_file} differs from metadata/:\n{}",
            unexplained.join("\n")
        );
    }
    for (_, line, reason) in KNOWN_DIFFERENCES {
        assert!(
            seen_known.contains(line),
            "known difference no longer seen, remove it from the list: {line} ({reason})"
        );
    }
}
