//! The generator's configuration (`codegen.toml`; this workspace's is `metadata/codegen.toml`).
//!
//! [`find`] locates it the way cargo locates `Cargo.toml`: in the current folder or its
//! nearest ancestor that has one. Paths inside it are relative to the file itself.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The Rust path by which generated code reaches the hand-written runtime. Default (when
    /// the file does not name one): [`DEFAULT_RUNTIME`], the runtime of the `graph-vpptoken`
    /// crate, which the generated crate then depends on. The `graph-vpptoken` crate itself
    /// uses `crate::runtime`.
    #[serde(default = "default_runtime")]
    pub runtime: String,
    /// The output folder, relative to the configuration file.
    pub output: PathBuf,
    /// One entry per API version, emitted as one module each.
    #[serde(rename = "version")]
    pub versions: Vec<VersionConfig>,
}

/// The runtime path of a configuration that names none: the public, versioned runtime of the
/// `graph-vpptoken` crate (see its `runtime` module for the contract).
pub const DEFAULT_RUNTIME: &str = "::graph_vpptoken::runtime";

fn default_runtime() -> String {
    DEFAULT_RUNTIME.to_owned()
}

/// The configuration files [`find`] looks for in each folder, in this order.
pub const FILE_NAMES: [&str; 2] = ["codegen.toml", "metadata/codegen.toml"];

/// The configuration file for a run started in `start`: the first of [`FILE_NAMES`] in
/// `start`, else in its parent, and so on up to the root of the file system.
///
/// `start` should be absolute (the current directory); a relative one is searched only as
/// far up as it goes, and then in the current directory.
pub fn find(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Error::ConfigNotFound { start: start.to_owned() })
}

/// One API version.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VersionConfig {
    /// The API version as Graph spells it in URLs: `v1.0`, `beta`.
    pub name: String,
    /// The Rust module (and cargo feature) name: `v1_0`, `beta`.
    pub module: String,
    /// The CSDL file, relative to the configuration file.
    pub input: PathBuf,
    /// The default service root: the URL of the API version, under which every resource
    /// path lies, e.g. `https://graph.microsoft.com/v1.0`. The key was formerly `base_url`,
    /// which is still read.
    #[serde(alias = "base_url")]
    pub service_root: String,
    /// Qualified names of the types whose closure is generated.
    pub roots: Vec<String>,
    /// Container paths to generate request code for, e.g. `deviceAppManagement/vppTokens`.
    /// Segments are singletons or entity sets, then navigation properties; a segment may be
    /// a type cast (`microsoft.graph.iosVppApp`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Properties whose values are secrets, as `qualified.Type/property`.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Corrections of known defects in the metadata.
    #[serde(default, rename = "fixup")]
    pub fixups: Vec<Fixup>,
    /// Rust names chosen by hand for generated items.
    #[serde(default, rename = "rename")]
    pub renames: Vec<Rename>,
}

/// A Rust name chosen by hand, which wins over the generator's own (see the `names` module).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// What to rename: a type (`ns.Type`), a property or enum member (`ns.Type/name`), a
    /// namespace's module (`ns`), a bound operation's method (`ns.operation`,
    /// every overload; `ns.operation(p1,p2)` for the overload with those parameters), or a
    /// request builder (its URL template, `/deviceAppManagement/vppTokens/{vppToken-id}`).
    pub target: String,
    /// The Rust identifier to use, spelled as Rust wants it for that item.
    pub name: String,
}

/// A correction of the metadata, applied after parsing and before resolution.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fixup {
    /// `qualified.Type`, `qualified.Type/property` or `qualified.Enum/member`.
    pub target: String,
    /// Why the metadata is wrong (kept for the reader of the configuration).
    pub reason: String,
    /// Replaces the target's description.
    pub description: Option<String>,
    /// Replaces the property's `Nullable`.
    pub nullable: Option<bool>,
}

impl Config {
    /// Reads and validates the configuration file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(path, &text)
    }

    /// Parses configuration text; `path` is used only in error messages.
    pub fn from_toml(path: &Path, text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let mut modules = std::collections::BTreeSet::new();
        for v in &config.versions {
            if !modules.insert(&v.module) {
                return Err(Error::Config {
                    path: path.to_owned(),
                    message: format!("module `{}` is configured twice", v.module),
                });
            }
            if v.roots.is_empty() {
                return Err(Error::Config {
                    path: path.to_owned(),
                    message: format!("version `{}` has no roots", v.name),
                });
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_minimal_configuration() {
        let text = r#"
            runtime = "crate::runtime"
            output = "../generated/src"
            [[version]]
            name = "v1.0"
            module = "v1_0"
            input = "v1.0.xml"
            service_root = "https://graph.microsoft.com/v1.0"
            roots = ["microsoft.graph.vppToken"]
            secrets = ["microsoft.graph.vppToken/token"]
            [[version.fixup]]
            target = "microsoft.graph.vppToken/countryOrRegion"
            reason = "copied description"
            description = "The country or region."
        "#;
        let c = Config::from_toml(Path::new("c.toml"), text).unwrap();
        assert_eq!(c.versions[0].module, "v1_0");
        assert_eq!(c.versions[0].fixups[0].description.as_deref(), Some("The country or region."));
        assert!(c.versions[0].paths.is_empty());
        assert_eq!(c.versions[0].service_root, "https://graph.microsoft.com/v1.0");
    }

    #[test]
    fn reads_the_former_base_url_key_as_the_service_root() {
        let text = "runtime='r'\noutput='o'\n[[version]]\nname='a'\nmodule='m'\ninput='i'\n\
                    base_url='https://example.test/v'\nroots=['r']\n";
        let c = Config::from_toml(Path::new("c.toml"), text).unwrap();
        assert_eq!(c.versions[0].service_root, "https://example.test/v");
        let both = text.replace("roots=", "service_root='https://example.test/w'\nroots=");
        let err = Config::from_toml(Path::new("c.toml"), &both).unwrap_err().to_string();
        assert!(err.contains("service_root"), "{err}");
    }

    #[test]
    fn the_runtime_defaults_to_graph_vpptoken() {
        let text = "output = 'o'\n[[version]]\nname='a'\nmodule='m'\ninput='i'\nbase_url='u'\nroots=['r']\n";
        let c = Config::from_toml(Path::new("c.toml"), text).unwrap();
        assert_eq!(c.runtime, "::graph_vpptoken::runtime");
        let c = Config::from_toml(Path::new("c.toml"), &format!("runtime = 'crate::runtime'\n{text}")).unwrap();
        assert_eq!(c.runtime, "crate::runtime");
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("graph-vpptoken-codegen-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn find_looks_in_the_folder_then_its_ancestors() {
        let root = temp_dir("find");
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(root.join("a/metadata")).unwrap();
        std::fs::write(root.join("a/metadata/codegen.toml"), "").unwrap();
        assert_eq!(find(&deep).unwrap(), root.join("a/metadata/codegen.toml"));
        // `codegen.toml` beside wins over `metadata/codegen.toml` in the same folder, and a
        // nearer folder over a farther one.
        std::fs::write(root.join("a/codegen.toml"), "").unwrap();
        assert_eq!(find(&deep).unwrap(), root.join("a/codegen.toml"));
        std::fs::create_dir_all(root.join("a/b/metadata")).unwrap();
        std::fs::write(root.join("a/b/metadata/codegen.toml"), "").unwrap();
        assert_eq!(find(&deep).unwrap(), root.join("a/b/metadata/codegen.toml"));
        // A folder named `codegen.toml` is not a configuration.
        std::fs::create_dir_all(deep.join("codegen.toml")).unwrap();
        assert_eq!(find(&deep).unwrap(), root.join("a/b/metadata/codegen.toml"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn find_names_what_it_looked_for() {
        let root = temp_dir("none");
        let err = find(&root).unwrap_err().to_string();
        assert!(err.contains("codegen.toml and metadata/codegen.toml"), "{err}");
        assert!(err.contains(&root.display().to_string()), "{err}");
        assert!(err.contains("--config"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn rejects_unknown_keys_naming_the_file() {
        let err = Config::from_toml(Path::new("c.toml"), "runtime = \"x\"\noutput=\"o\"\nbogus = 1\nversion = []")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml:"), "{err}");
        assert!(err.contains("bogus"), "{err}");
    }

    #[test]
    fn rejects_duplicate_modules() {
        let v = "[[version]]\nname='a'\nmodule='m'\ninput='i'\nservice_root='u'\nroots=['r']\n";
        let text = format!("runtime='r'\noutput='o'\n{v}{v}");
        let err = Config::from_toml(Path::new("c.toml"), &text).unwrap_err().to_string();
        assert!(err.contains("module `m` is configured twice"), "{err}");
    }
}
