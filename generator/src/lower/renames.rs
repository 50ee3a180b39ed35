//! Names chosen in the configuration (`[[version.rename]]`), resolved once against the model
//! into typed targets and looked up by what they rename.
//!
//! A target is written as text in the configuration: `ns.type`, `ns.type/property`,
//! `ns.enumType/member`, a namespace `ns`, an operation `ns.operation` or
//! `ns.operation(param,…)` (one overload, by its parameter names), or a URL template
//! `/things/{thing-id}` for a request builder. [`Renames::new`] reads every target into the
//! [`Target`]s it names and refuses one that names nothing in the model; builder templates
//! are checked against the builders that exist with [`Renames::check_builders`].

use std::collections::{BTreeMap, BTreeSet};

use crate::config::VersionConfig;
use crate::error::{Error, Result};
use crate::resolve::{Model, TypeId, TypeKind};

/// What a configured rename renames.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Target {
    /// An enum, entity or complex type.
    Type(TypeId),
    /// A property of a structured type (declared or inherited), or a member of an enum type.
    Member(TypeId, String),
    /// A namespace (its module).
    Namespace(String),
    /// Every overload of an operation, by qualified name.
    Operation(String),
    /// One overload of an operation: qualified name and parameter names in order.
    Overload(String, Vec<String>),
    /// The request builder of a URL template.
    Builder(String),
}

/// The configured renames of one version.
pub(super) struct Renames {
    by_target: BTreeMap<Target, String>,
    /// The configuration's text of each builder target, for errors.
    builders: BTreeMap<String, String>,
}

impl Renames {
    /// Reads every configured target; one that names nothing in the model, a name that is
    /// not a Rust identifier, and a target renamed twice are refused.
    pub(super) fn new(model: &Model, version: &VersionConfig) -> Result<Self> {
        let mut by_target = BTreeMap::new();
        let mut builders = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for r in &version.renames {
            let error = |message: String| Error::Model { context: format!("rename `{}`", r.target), message };
            if !syn_ident(&r.name) {
                return Err(error(format!("`{}` is not a Rust identifier", r.name)));
            }
            if !seen.insert(r.target.as_str()) {
                return Err(error(format!("{}: the target is renamed twice", model.file)));
            }
            let targets = targets(model, &r.target);
            if targets.is_empty() {
                return Err(error(format!(
                    "{}: names no type, property, member, namespace, operation or generated request builder",
                    model.file
                )));
            }
            for target in targets {
                if let Target::Builder(template) = &target {
                    builders.insert(template.clone(), r.target.clone());
                }
                by_target.insert(target, r.name.clone());
            }
        }
        Ok(Renames { by_target, builders })
    }

    /// The configured name of `target`, if any.
    pub(super) fn get(&self, target: &Target) -> Option<&str> {
        self.by_target.get(target).map(String::as_str)
    }

    /// The configured name of a type.
    pub(super) fn of_type(&self, id: TypeId) -> Option<&str> {
        self.get(&Target::Type(id))
    }

    /// The configured name of a property or enum member of `owner`.
    pub(super) fn of_member(&self, owner: TypeId, name: &str) -> Option<&str> {
        self.get(&Target::Member(owner, name.to_owned()))
    }

    /// The configured name of a namespace's module.
    pub(super) fn of_namespace(&self, namespace: &str) -> Option<&str> {
        self.get(&Target::Namespace(namespace.to_owned()))
    }

    /// The configured name of an operation's method: the overload's own, else the operation's.
    pub(super) fn of_operation(&self, qualified: &str, parameters: &[String]) -> Option<&str> {
        self.get(&Target::Overload(qualified.to_owned(), parameters.to_vec()))
            .or_else(|| self.get(&Target::Operation(qualified.to_owned())))
    }

    /// The configured name of the request builder of `template`.
    pub(super) fn of_builder(&self, template: &str) -> Option<&str> {
        self.get(&Target::Builder(template.to_owned()))
    }

    /// Fails naming a builder rename whose template is none of `templates`.
    pub(super) fn check_builders<'a>(&self, model: &Model, templates: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let templates: BTreeSet<&str> = templates.into_iter().collect();
        match self.builders.iter().find(|(template, _)| !templates.contains(template.as_str())) {
            Some((_, written)) => Err(Error::Model {
                context: format!("rename `{written}`"),
                message: format!(
                    "{}: names no type, property, member, namespace, operation or generated request builder",
                    model.file
                ),
            }),
            None => Ok(()),
        }
    }
}

/// Everything the configured text `written` names in the model (a builder template names a
/// builder until [`Renames::check_builders`] says otherwise).
fn targets(model: &Model, written: &str) -> Vec<Target> {
    if written.starts_with('/') {
        return vec![Target::Builder(written.to_owned())];
    }
    let mut out = Vec::new();
    if let Some((ty, member)) = written.split_once('/') {
        let named = model.lookup(ty).is_some_and(|id| match &model.ty(id).kind {
            TypeKind::Enum(e) => e.members.iter().any(|m| m.name == member),
            TypeKind::Structured(_) => model.all_properties(id).iter().any(|p| p.name == member),
            _ => false,
        });
        if let (true, Some(id)) = (named, model.lookup(ty)) {
            out.push(Target::Member(id, member.to_owned()));
        }
        return out;
    }
    if let Some((name, rest)) = written.split_once('(') {
        let parameters: Vec<String> =
            rest.trim_end_matches(')').split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
        let overload = |o: &&crate::resolve::OperationDef| {
            o.qualified == name
                && o.parameters.iter().map(|p| p.name.as_str()).eq(parameters.iter().map(String::as_str))
        };
        if model.operations.iter().any(|o| overload(&o)) {
            out.push(Target::Overload(name.to_owned(), parameters));
        }
        return out;
    }
    if let Some(id) =
        model.lookup(written).filter(|&id| matches!(model.ty(id).kind, TypeKind::Enum(_) | TypeKind::Structured(_)))
    {
        out.push(Target::Type(id));
    }
    if model.operations.iter().any(|o| o.qualified == written) {
        out.push(Target::Operation(written.to_owned()));
    }
    if model.types.iter().any(|t| t.qualified.rsplit_once('.').is_some_and(|(ns, _)| ns == written)) {
        out.push(Target::Namespace(written.to_owned()));
    }
    out
}

/// Whether `name` is a plain (non-raw) Rust identifier in ASCII that is not a keyword.
fn syn_ident(name: &str) -> bool {
    name.is_ascii() && syn::parse_str::<syn::Ident>(name).is_ok() && !name.starts_with("r#")
}
