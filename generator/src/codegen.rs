//! The whole pipeline for a configuration: parse, resolve, select, lower, emit.
//!
//! Everything is generated in memory; nothing touches the disk here (see [`crate::write`]),
//! so an error in any version leaves the output as it was.

use std::path::Path;

use crate::config::{Config, VersionConfig};
use crate::csdl::Document;
use crate::emit::{self, File};
use crate::error::{Error, Result};
use crate::{ir, lower, parse, resolve, select};

/// Generates every configured version, as files relative to the output folder.
pub fn generate(config: &Config, config_dir: &Path) -> Result<Vec<File>> {
    let mut files = Vec::new();
    for version in &config.versions {
        files.extend(emit::emit_module(&lower_version(config, config_dir, version)?)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Generates every configured version as one self-contained source file each, returned as
/// `(module name, source)`. Used for test fixtures, which are compiled inline.
pub fn generate_single_files(config: &Config, config_dir: &Path) -> Result<Vec<(String, String)>> {
    config
        .versions
        .iter()
        .map(|version| {
            let module = lower_version(config, config_dir, version)?;
            Ok((version.module.clone(), emit::emit_single_file(&module)?))
        })
        .collect()
}

/// Reads one version's CSDL and lowers it.
///
/// The file is read as bytes and decoded by [`parse::parse_bytes`], so that text that is
/// not UTF-8 is reported at its line and column; the bytes are dropped once parsed.
fn lower_version(config: &Config, config_dir: &Path, version: &VersionConfig) -> Result<ir::Module> {
    let path = config_dir.join(&version.input);
    let bytes = std::fs::read(&path).map_err(|source| Error::Io { path, source })?;
    let document = parse::parse_bytes(&display_path(config_dir, &version.input), &bytes)?;
    drop(bytes);
    lower_document(&document, version, &config.runtime)
}

/// Runs parse, resolve, select and lower on one CSDL text; `file` names it in errors.
pub fn lower_text(file: &str, text: &str, version: &VersionConfig, runtime: &str) -> Result<ir::Module> {
    lower_document(&parse::parse_document(file, text)?, version, runtime)
}

/// Runs resolve, select and lower on an already parsed document (its `file` names it in
/// errors and in the preamble of the generated files).
pub fn lower_document(document: &Document, version: &VersionConfig, runtime: &str) -> Result<ir::Module> {
    let model = resolve::resolve(document, &version.fixups)?;
    let selection = select::select(&model, &version.roots, &version.paths)?;
    lower::lower(&model, &selection, version, runtime)
}

/// Generates one version from an already parsed document: the files of its module, relative
/// to the output folder, sorted by path.
pub fn generate_document(document: &Document, version: &VersionConfig, runtime: &str) -> Result<Vec<File>> {
    let mut files = emit::emit_module(&lower_document(document, version, runtime)?)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The input path as shown in errors and preambles: `metadata/v1.0.xml`.
fn display_path(config_dir: &Path, input: &Path) -> String {
    let dir = config_dir.file_name().map(|d| Path::new(d).join(input)).unwrap_or_else(|| input.to_owned());
    dir.to_string_lossy().replace('\\', "/")
}
