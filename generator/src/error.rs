//! Errors of every stage, each carrying where it happened.

use std::fmt;
use std::path::PathBuf;

use crate::csdl::Pos;

/// A place in an input file: `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub pos: Pos,
}

impl Location {
    pub fn new(file: impl Into<String>, pos: Pos) -> Self {
        Self { file: file.into(), pos }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.pos.line, self.pos.column)
    }
}

/// Everything that can stop a generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input or output file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The configuration file is not valid TOML or does not match the schema.
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },

    /// No configuration file was named and none was found (see [`crate::config::find`]).
    #[error(
        "no configuration file: looked for {} in {} and every folder above it (name one with --config PATH)",
        crate::config::FILE_NAMES.join(" and "),
        .start.display()
    )]
    ConfigNotFound {
        /// The folder the search started in.
        start: PathBuf,
    },

    /// The XML is not well formed (unclosed tag, bad attribute, bad encoding, …).
    #[error("{location}: malformed XML: {message}")]
    Xml { location: Location, message: String },

    /// The XML is well formed but is not valid CSDL: a required attribute is missing or
    /// has a bad value, or an element stands where CSDL does not allow it.
    #[error("{location}: <{element}>: {message}")]
    Csdl {
        location: Location,
        element: String,
        message: String,
    },

    /// The CSDL is valid XML but its meaning is broken: an unknown type reference, a
    /// cyclic base type, a duplicate name, …
    #[error("{location}: {element}: {message}")]
    Resolve {
        location: Location,
        /// The element and name concerned, e.g. `Property vppToken/state`.
        element: String,
        message: String,
    },

    /// The configuration names something the metadata does not have, or two generated
    /// names collide.
    #[error("{context}: {message}")]
    Model { context: String, message: String },

    /// The emitted tokens do not form valid Rust (a generator bug).
    #[error("generated code for {file} does not parse: {message}")]
    Emit { file: String, message: String },

    /// Writing the generated files failed part-way. Every file already replaced was put back
    /// from its backup and every staged file removed, except the files `unrestored` names
    /// (their backups are left beside them).
    #[error("{path}: {source}; {}", restore_note(.unrestored))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        /// Files, relative to the output folder, whose previous contents could not be put back.
        unrestored: Vec<String>,
    },

    /// `--check` found staged files or backups that an interrupted write left behind, relative
    /// to the output folder.
    #[error(
        "an interrupted write left {} behind: run `cargo xtask codegen` to finish it (a backup holds a file's previous contents)",
        .files.join(", ")
    )]
    Torn { files: Vec<String> },

    /// `--check` found files that differ from a fresh generation.
    #[error("generated files are stale (run `cargo xtask codegen`): {}", .files.join(", "))]
    Stale { files: Vec<String> },
}

fn restore_note(unrestored: &[String]) -> String {
    if unrestored.is_empty() {
        "nothing was changed".to_owned()
    } else {
        format!("not put back: {} (their backups are beside them)", unrestored.join(", "))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
