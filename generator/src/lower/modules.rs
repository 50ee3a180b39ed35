//! CSDL namespaces become Rust modules.
//!
//! The namespace of the entity container (`microsoft.graph`) is the version's module itself,
//! so the vppToken types stay at `graph_vpptoken::v1_0::VppToken`; a document without a
//! container takes the longest common prefix of its namespaces instead (a document of one
//! namespace is all in the version's module). A namespace below it is a
//! module per further segment (`microsoft.graph.callRecords` → `v1_0::call_records`,
//! `microsoft.graph.partners.billing` → `v1_0::partners::billing`); any other namespace is a
//! module per segment from the top (`Org.Example` → `org::example`). Module names are snake
//! case, decided per parent module by the clash rule, and never one of the names the crate
//! itself uses beside them (`models`, `requests`, `schema`, `runtime`, `client`, `rt`, …), a
//! primitive type's name (a module `u8` would shadow the type) or its parent's name.

use std::collections::{BTreeMap, BTreeSet};

use super::renames::Renames;
use crate::error::{Error, Result};
use crate::ir::{self, ModPath};
use crate::names::{Case, Rank, Scope};
use crate::resolve::Model;
use crate::select::Selection;

/// Names a namespace module can never have.
const RESERVED: &[&str] = &[
    "models", "requests", "schema", "runtime", "client", "rt", "std", "core", "alloc", "serde", "serde_json", "http",
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    "f32", "f64",
];

/// The module of every namespace that has generated items.
pub(super) struct Modules {
    by_namespace: BTreeMap<String, ModPath>,
}

impl Modules {
    /// The module of a namespace.
    pub(super) fn of_namespace(&self, namespace: &str) -> ModPath {
        self.by_namespace.get(namespace).cloned().unwrap_or_default()
    }

    /// The module of a qualified name's namespace.
    pub(super) fn of(&self, qualified: &str) -> ModPath {
        let namespace = qualified.rsplit_once('.').map_or("", |(ns, _)| ns);
        self.of_namespace(namespace)
    }

    /// Every module below the version's, with intermediate ones, parents first.
    pub(super) fn namespaces(&self) -> Vec<ir::Namespace> {
        let mut all: BTreeMap<ModPath, String> = BTreeMap::new();
        for (ns, path) in &self.by_namespace {
            for depth in 1..path.len() {
                all.entry(path[..depth].to_vec()).or_default();
            }
            if !path.is_empty() {
                all.insert(path.clone(), ns.clone());
            }
        }
        all.into_iter()
            .map(|(module, namespace)| ir::Namespace { module, namespace })
            .collect()
    }
}

/// Decides the module of every namespace that holds a selected type or operation.
pub(super) fn plan(model: &Model, selection: &Selection, renames: &Renames, version_module: &str) -> Result<Modules> {
    let mut namespaces: BTreeSet<&str> = BTreeSet::new();
    let qualified = selection
        .types
        .iter()
        .map(|t| model.ty(*t).qualified.as_str())
        .chain(selection.operations.iter().map(|o| model.operations[o.0].qualified.as_str()));
    for q in qualified {
        namespaces.insert(q.rsplit_once('.').map_or("", |(ns, _)| ns));
    }
    let prefix = common_prefix(&namespaces);
    let default = model.container_namespace.as_deref().unwrap_or(&prefix);
    // The segments (wire names) of each namespace's module path.
    let mut wire_paths: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ns in &namespaces {
        let segments: Vec<&str> = if *ns == default {
            Vec::new()
        } else if let Some(rest) = ns.strip_prefix(default).and_then(|r| r.strip_prefix('.')).filter(|_| !default.is_empty()) {
            rest.split('.').collect()
        } else {
            ns.split('.').collect()
        };
        wire_paths.insert(ns, segments);
    }
    // Decide each module's name among its siblings, parents first.
    let mut decided: BTreeMap<Vec<&str>, String> = BTreeMap::new();
    let mut siblings: BTreeMap<Vec<&str>, BTreeSet<&str>> = BTreeMap::new();
    for segments in wire_paths.values() {
        for depth in 0..segments.len() {
            siblings.entry(segments[..depth].to_vec()).or_default().insert(segments[depth]);
        }
    }
    for (parent, children) in &siblings {
        let mut scope: Scope = Scope::new(Case::Snake, RESERVED);
        // A module named like its parent reads as a mistake (`security::security`).
        match parent.len() {
            0 => scope.reserve(version_module),
            _ => scope.reserve(decided[parent].clone()),
        }
        for child in children {
            let mut full = parent.clone();
            full.push(child);
            let key = full.join(".");
            let namespace = namespace_of(&full, &wire_paths);
            match namespace.and_then(|ns| renames.of_namespace(ns)) {
                Some(name) => scope.claim(key, name, Rank::Configured),
                None => scope.claim_wire(key, child),
            }
        }
        let names = scope.resolve().map_err(|e| Error::Model {
            context: format!("{}: namespaces", model.file),
            message: e.message,
        })?;
        for child in children {
            let mut full = parent.clone();
            full.push(child);
            let name = names[&full.join(".")].clone();
            decided.insert(full, name);
        }
    }
    let mut by_namespace = BTreeMap::new();
    for (ns, segments) in &wire_paths {
        let path: ModPath = (1..=segments.len()).map(|d| decided[&segments[..d].to_vec()].clone()).collect();
        by_namespace.insert((*ns).to_owned(), path);
    }
    Ok(Modules { by_namespace })
}

/// The namespace whose module path is exactly `segments`, if one is.
fn namespace_of<'a>(segments: &[&str], wire_paths: &BTreeMap<&'a str, Vec<&str>>) -> Option<&'a str> {
    wire_paths.iter().find(|(_, s)| s.as_slice() == segments).map(|(ns, _)| *ns)
}

/// The longest run of leading segments all namespaces share (`a.b` for `a.b` and `a.b.c`).
fn common_prefix(namespaces: &BTreeSet<&str>) -> String {
    let mut all = namespaces.iter().map(|ns| ns.split('.').collect::<Vec<_>>());
    let Some(mut prefix) = all.next() else { return String::new() };
    for segments in all {
        let shared = prefix.iter().zip(&segments).take_while(|(a, b)| a == b).count();
        prefix.truncate(shared);
    }
    prefix.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_prefix_is_made_of_whole_segments() {
        let set = |v: &[&'static str]| v.iter().copied().collect::<BTreeSet<&str>>();
        assert_eq!(common_prefix(&set(&["a.b", "a.b.c"])), "a.b");
        assert_eq!(common_prefix(&set(&["a.bc", "a.bd"])), "a");
        assert_eq!(common_prefix(&set(&["x"])), "x");
        assert_eq!(common_prefix(&set(&["x", "y"])), "");
    }
}
