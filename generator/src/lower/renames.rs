//! Names chosen in the configuration (`[[version.rename]]`), looked up by what they rename.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::config::VersionConfig;
use crate::error::{Error, Result};
use crate::resolve::{Model, TypeKind};

/// The configured renames of one version.
pub(super) struct Renames {
    by_target: BTreeMap<String, String>,
    /// Targets looked up so far, to report renames that name nothing.
    used: RefCell<BTreeSet<String>>,
}

impl Renames {
    pub(super) fn new(model: &Model, version: &VersionConfig) -> Result<Self> {
        let mut by_target = BTreeMap::new();
        for r in &version.renames {
            let valid = syn_ident(&r.name);
            if !valid {
                return Err(Error::Model {
                    context: format!("rename `{}`", r.target),
                    message: format!("`{}` is not a Rust identifier", r.name),
                });
            }
            if by_target.insert(r.target.clone(), r.name.clone()).is_some() {
                return Err(Error::Model {
                    context: format!("rename `{}`", r.target),
                    message: format!("{}: the target is renamed twice", model.file),
                });
            }
        }
        Ok(Renames {
            by_target,
            used: RefCell::new(BTreeSet::new()),
        })
    }

    /// The configured name for `target`, if any.
    pub(super) fn get(&self, target: &str) -> Option<&str> {
        let name = self.by_target.get(target)?;
        self.used.borrow_mut().insert(target.to_owned());
        Some(name)
    }

    /// Fails naming a rename whose target is not in the model. Renames of things that exist
    /// but are not generated for this version are fine.
    pub(super) fn check_all_used(&self, model: &Model) -> Result<()> {
        let used = self.used.borrow();
        for target in self.by_target.keys().filter(|t| !used.contains(*t)) {
            if !exists(model, target) {
                return Err(Error::Model {
                    context: format!("rename `{target}`"),
                    message: format!("{}: names no type, property, member, namespace, operation or generated request builder", model.file),
                });
            }
        }
        Ok(())
    }
}

/// Whether `target` names something in the model (whether or not it is generated).
fn exists(model: &Model, target: &str) -> bool {
    if let Some((ty, member)) = target.split_once('/')
        && !target.starts_with('/')
    {
        return model.lookup(ty).is_some_and(|id| match &model.ty(id).kind {
            TypeKind::Enum(e) => e.members.iter().any(|m| m.name == member),
            TypeKind::Structured(_) => model.all_properties(id).iter().any(|p| p.name == member),
            _ => false,
        });
    }
    let operation = target.split('(').next().unwrap_or(target);
    model.lookup(target).is_some()
        || model.operations.iter().any(|o| o.qualified == operation)
        || model.types.iter().any(|t| t.qualified.rsplit_once('.').is_some_and(|(ns, _)| ns == target))
}

/// Whether `name` is a plain (non-raw) Rust identifier in ASCII that is not a keyword.
fn syn_ident(name: &str) -> bool {
    name.is_ascii() && syn::parse_str::<syn::Ident>(name).is_ok() && !name.starts_with("r#")
}
