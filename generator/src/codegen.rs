//! The whole pipeline for a configuration: parse, resolve, select, lower, emit.
//!
//! Everything is generated in memory; nothing touches the disk here (see [`crate::write`]),
//! so an error in any version leaves the output as it was.

use std::path::Path;

use crate::config::{Config, VersionConfig};
use crate::emit::{self, File};
use crate::error::{Error, Result};
use crate::{ir, lower, parse, resolve, select};

/// Generates every configured version, as files relative to the output folder.
pub fn generate(config: &Config, config_dir: &Path) -> Result<Vec<File>> {
    let mut files = Vec::new();
    for version in &config.versions {
        let path = config_dir.join(&version.input);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let shown = display_path(config_dir, &version.input);
        let module = lower_text(&shown, &text, version, &config.runtime)?;
        files.extend(emit::emit_module(&module)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Generates every configured version as one self-contained source file each, returned as
/// `(module name, source)`. Used for test fixtures, which are compiled inline.
pub fn generate_single_files(config: &Config, config_dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for version in &config.versions {
        let path = config_dir.join(&version.input);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let shown = display_path(config_dir, &version.input);
        let module = lower_text(&shown, &text, version, &config.runtime)?;
        out.push((version.module.clone(), emit::emit_single_file(&module)?));
    }
    Ok(out)
}

/// Runs parse, resolve, select and lower on one CSDL text; `file` names it in errors.
pub fn lower_text(file: &str, text: &str, version: &VersionConfig, runtime: &str) -> Result<ir::Module> {
    let document = parse::parse_document(file, text)?;
    let model = resolve::resolve(&document, &version.fixups)?;
    let selection = select::select(&model, &version.roots, &version.paths)?;
    lower::lower(&model, &selection, version, runtime)
}

/// The input path as shown in errors and preambles: `metadata/v1.0.xml`.
fn display_path(config_dir: &Path, input: &Path) -> String {
    let dir = config_dir.file_name().map(|d| Path::new(d).join(input)).unwrap_or_else(|| input.to_owned());
    dir.to_string_lossy().replace('\\', "/")
}
