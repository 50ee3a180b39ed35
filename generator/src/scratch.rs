//! The whole-schema check: a CSDL file generated with every type and every container path as
//! its configuration, written as a standalone scratch crate that can then be linted like the
//! real one.
//!
//! The input is not edited and nothing is skipped: the roots are every `EntityType` and
//! `ComplexType` of every schema, the paths every `EntitySet` and `Singleton` of every entity
//! container. The scratch crate (`target/whole-schema/` by default) has its own `[workspace]`
//! table, depends on `graph-vpptoken` by path for the hand-written runtime
//! (`pub use graph_vpptoken::runtime;`) and holds one module per version, each behind a cargo
//! feature of the same name (both on by default), so that one version can be checked alone.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::codegen;
use crate::config::VersionConfig;
use crate::csdl::Document;
use crate::emit::File;
use crate::error::{Error, Result};

/// The runtime path of the generated modules: the scratch crate re-exports the runtime of
/// `graph-vpptoken` at its root.
pub const RUNTIME: &str = "crate::runtime";

/// The name of the scratch crate's package.
pub const PACKAGE: &str = "graph-whole-schema";

/// One API version of Microsoft's published CSDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficialVersion {
    /// As Graph spells it in URLs: `v1.0`, `beta`.
    pub name: &'static str,
    /// The Rust module and cargo feature: `v1_0`, `beta`.
    pub module: &'static str,
    /// The file, relative to the folder named by `VPPTOKEN_OFFICIAL_CSDL`.
    pub file: &'static str,
    /// The default service root.
    pub service_root: &'static str,
}

/// The published versions the check covers.
pub const OFFICIAL_VERSIONS: [OfficialVersion; 2] = [
    OfficialVersion {
        name: "v1.0",
        module: "v1_0",
        file: "v1.0/cleanMetadata.xml",
        service_root: "https://graph.microsoft.com/v1.0",
    },
    OfficialVersion {
        name: "beta",
        module: "beta",
        file: "beta/beta_metadata.xml",
        service_root: "https://graph.microsoft.com/beta",
    },
];

/// Every `EntityType` and `ComplexType` of `document`, by qualified name, sorted and without
/// duplicates.
pub fn all_roots(document: &Document) -> Vec<String> {
    let mut roots = BTreeSet::new();
    for schema in &document.schemas {
        for ty in schema.entity_types.iter().chain(&schema.complex_types) {
            roots.insert(format!("{}.{}", schema.namespace, ty.name));
        }
    }
    roots.into_iter().collect()
}

/// Every `EntitySet` and `Singleton` of every entity container of `document`, as container
/// paths (their names), sorted and without duplicates.
pub fn all_paths(document: &Document) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for container in document.schemas.iter().flat_map(|s| &s.entity_containers) {
        paths.extend(container.entity_sets.iter().map(|s| s.name.clone()));
        paths.extend(container.singletons.iter().map(|s| s.name.clone()));
    }
    paths.into_iter().collect()
}

/// The configuration of one version with every type as a root and every container child as
/// a path; no secrets, no fix-ups.
pub fn whole_schema_version(document: &Document, version: &OfficialVersion) -> VersionConfig {
    VersionConfig {
        name: version.name.to_owned(),
        module: version.module.to_owned(),
        input: version.file.into(),
        service_root: version.service_root.to_owned(),
        roots: all_roots(document),
        paths: all_paths(document),
        secrets: Vec::new(),
        fixups: Vec::new(),
        renames: Vec::new(),
    }
}

/// The same version with the roots and paths of a configured version instead (not its
/// secrets or fix-ups, which are written for `metadata/`): what generates today.
pub fn with_configured_roots(mut version: VersionConfig, configured: &VersionConfig) -> VersionConfig {
    version.roots.clone_from(&configured.roots);
    version.paths.clone_from(&configured.paths);
    version
}

/// Keeps the first `limit` roots and the first `limit` paths (both are sorted), to grow the
/// checked part of a schema step by step.
pub fn truncate(version: &mut VersionConfig, limit: usize) {
    version.roots.truncate(limit);
    version.paths.truncate(limit);
}

/// One version generated, with what it cost.
#[derive(Debug)]
pub struct Generated {
    /// The module's files, relative to the scratch crate's `src/`.
    pub files: Vec<File>,
    /// Wall time of resolve, select, lower and emit (the document is parsed already).
    pub elapsed: Duration,
    /// Peak resident set size of the process after the generation, in KiB (see
    /// [`peak_rss_kib`]); `None` where the platform does not tell.
    pub peak_rss_kib: Option<u64>,
}

/// Generates `version` from `document` into module files, timing it.
pub fn generate(document: &Document, version: &VersionConfig) -> Result<Generated> {
    let started = Instant::now();
    let files = codegen::generate_document(document, version, RUNTIME)?;
    let elapsed = started.elapsed();
    Ok(Generated { files, elapsed, peak_rss_kib: peak_rss_kib() })
}

/// The peak resident set size of this process in KiB (`VmHWM` of `/proc/self/status`), or
/// `None` where there is no such file.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line["VmHWM:".len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Resets the peak resident set size to the current one (Linux: `5` to
/// `/proc/self/clear_refs`), so that [`peak_rss_kib`] measures what follows. Returns whether
/// it worked; where it did not, the peak is the process's since its start.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Copies the lock file `source` into the scratch crate `out` unless it has one already or
/// `source` does not exist: it pins the scratch crate's dependencies to the versions of the
/// workspace that holds the runtime crate (and lets it build offline); cargo trims it on
/// first use.
pub fn copy_lock_file(source: &Path, out: &Path) -> Result<()> {
    let lock = out.join("Cargo.lock");
    if lock.exists() || !source.is_file() {
        return Ok(());
    }
    std::fs::copy(source, &lock).map(drop).map_err(|e| Error::Io { path: lock, source: e })
}

/// The scratch crate's own files: `Cargo.toml` and `src/lib.rs`, declaring `modules`
/// (each behind a feature of its name). `generated_crate` is the folder of `graph-vpptoken`.
pub fn crate_files(generated_crate: &Path, modules: &[&str]) -> Vec<File> {
    let serde = "serde = { version = \"1\", features = [\"derive\"] }\n";
    scratch_crate(PACKAGE, "`cargo xtask whole-schema`", generated_crate, modules, RUNTIME, serde)
}

/// The files of a crate as a user of the generator writes it: `Cargo.toml` and `src/lib.rs`
/// for `modules` generated with the runtime path `runtime` (each behind a feature of its name,
/// all on by default), depending on nothing but `graph-vpptoken` (the folder
/// `generated_crate`, without default features). With the runtime path [`RUNTIME`] the crate
/// re-exports the runtime at its root, as the whole-schema crate does; with any other
/// (such as [`DEFAULT_RUNTIME`](crate::config::DEFAULT_RUNTIME)) it has no runtime of its own.
pub fn user_crate_files(package: &str, generated_crate: &Path, modules: &[&str], runtime: &str) -> Vec<File> {
    scratch_crate(package, "a test of the generator", generated_crate, modules, runtime, "")
}

fn scratch_crate(
    package: &str,
    made_by: &str,
    generated_crate: &Path,
    modules: &[&str],
    runtime: &str,
    other_dependencies: &str,
) -> Vec<File> {
    let features: Vec<String> = modules.iter().map(|m| format!("\"{m}\"")).collect();
    let mut manifest = format!(
        "# @generated by {made_by}. Not part of the workspace.\n\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [workspace]\n\
         \n\
         [features]\n\
         default = [{}]\n",
        features.join(", ")
    );
    for module in modules {
        manifest.push_str(&format!("{module} = []\n"));
    }
    let path = generated_crate.to_string_lossy().replace('\\', "/");
    manifest.push_str(&format!(
        "\n[dependencies]\n\
         graph-vpptoken = {{ path = \"{path}\", default-features = false }}\n\
         {other_dependencies}\
         \n\
         [profile.dev.package.\"*\"]\n\
         debug = false\n"
    ));
    let mut lib = format!(
        "// @generated by {made_by}.\n\n\
         //! Modules generated from CSDL, in a crate of their own.\n\
         #![forbid(unsafe_code)]\n"
    );
    if runtime == RUNTIME {
        lib.push_str("\npub use graph_vpptoken::runtime;\n");
    }
    for module in modules {
        lib.push_str(&format!("\n#[cfg(feature = \"{module}\")]\npub mod {module};\n"));
    }
    vec![
        File { path: "Cargo.toml".into(), contents: manifest },
        File { path: "src/lib.rs".into(), contents: lib },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_document;

    /// Two schemas, declared out of order, with two containers, enum types, operations and
    /// imports that must not be picked.
    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="z.second" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<ComplexType Name="zeta" /><EntityType Name="alpha"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<EntityContainer Name="other"><EntitySet Name="alphas" EntityType="z.second.alpha" /><Singleton Name="me" Type="z.second.alpha" /></EntityContainer>
</Schema>
<Schema Namespace="a.first" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EnumType Name="colour"><Member Name="red" /></EnumType>
<EntityType Name="thing"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<ComplexType Name="box" /><TypeDefinition Name="label" UnderlyingType="Edm.String" />
<Action Name="act" IsBound="true"><Parameter Name="b" Type="a.first.thing" /></Action>
<EntityContainer Name="main"><Singleton Name="root" Type="a.first.thing" /><EntitySet Name="things" EntityType="a.first.thing" />
<EntitySet Name="alphas" EntityType="z.second.alpha" /><ActionImport Name="doIt" Action="a.first.act" /></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    #[test]
    fn picks_every_structured_type_and_container_child_sorted() {
        let document = parse_document("whole.xml", CSDL).unwrap();
        let version = whole_schema_version(&document, &OFFICIAL_VERSIONS[1]);
        assert_eq!(version.roots, ["a.first.box", "a.first.thing", "z.second.alpha", "z.second.zeta"]);
        assert_eq!(version.paths, ["alphas", "me", "root", "things"]);
        assert_eq!((version.name.as_str(), version.module.as_str()), ("beta", "beta"));
        assert!(version.secrets.is_empty() && version.fixups.is_empty());
        let configured = VersionConfig { roots: vec!["a.first.thing".into()], paths: vec!["root".into()], ..version.clone() };
        let narrowed = with_configured_roots(version.clone(), &configured);
        assert_eq!((narrowed.roots.as_slice(), narrowed.paths.as_slice()), (&configured.roots[..], &configured.paths[..]));
        let mut limited = version.clone();
        truncate(&mut limited, 2);
        assert_eq!(limited.roots, ["a.first.box", "a.first.thing"]);
        assert_eq!(limited.paths, ["alphas", "me"]);
    }

    #[test]
    fn scratch_crate_declares_each_module_behind_its_feature() {
        let files = crate_files(Path::new("/w/generated"), &["v1_0", "beta"]);
        let manifest = &files[0].contents;
        assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
        assert!(manifest.contains("default = [\"v1_0\", \"beta\"]"), "{manifest}");
        assert!(manifest.contains("graph-vpptoken = { path = \"/w/generated\", default-features = false }"));
        let lib = &files[1].contents;
        assert!(lib.starts_with("// @generated"), "{lib}");
        assert!(lib.contains("pub use graph_vpptoken::runtime;"));
        assert!(lib.contains("#[cfg(feature = \"beta\")]\npub mod beta;"));
    }

    #[test]
    fn a_user_crate_depends_on_graph_vpptoken_alone() {
        let files = user_crate_files("mine", Path::new("/w/generated"), &["enums"], "::graph_vpptoken::runtime");
        let manifest = &files[0].contents;
        assert!(manifest.contains("name = \"mine\""), "{manifest}");
        let dependencies = manifest.split("[dependencies]\n").nth(1).unwrap().split("\n\n").next().unwrap();
        assert_eq!(dependencies, "graph-vpptoken = { path = \"/w/generated\", default-features = false }");
        let lib = &files[1].contents;
        assert!(!lib.contains("runtime"), "{lib}");
        assert!(lib.contains("#[cfg(feature = \"enums\")]\npub mod enums;"), "{lib}");
    }

    #[test]
    fn peak_memory_is_read_and_reset_where_proc_exists() {
        let Some(before) = peak_rss_kib() else { return };
        let big = vec![1u8; 64 << 20];
        let peak = peak_rss_kib().unwrap();
        assert!(peak >= before.max(64 << 10), "{before} KiB, then {peak} KiB with 64 MiB more");
        drop(std::hint::black_box(big));
        if reset_peak_rss() {
            assert!(peak_rss_kib().unwrap() < peak);
        }
    }
}
