//! Lower: the selected part of a resolved model into the [`ir`] of one Rust module.
//!
//! The passes, each in a module of its own:
//!
//! | pass | module | decides |
//! |---|---|---|
//! | renames, secrets | `renames`, here | the configured targets, each read once into a typed key and refused if it names nothing |
//! | namespaces | `modules` | the Rust module of each CSDL namespace |
//! | places | `requests::walk` | the URL templates the configured paths reach, and what each offers |
//! | models | `models` | enums, structs, polymorphic unions, every field and variant name, chained setters of the types a place creates |
//! | requests | `requests` | request builders, bound operations and their overloads, update bodies, `$select` names, parameters |
//! | recursion | `recursion` | which fields are boxed so that no type contains itself |
//!
//! Every identifier is decided by [`crate::names`] in a scope that knows what the generated
//! code itself uses; names at module level are decided in three phases (CSDL types, then the
//! polymorphic unions, then the request side's types), each phase unable to take a name an
//! earlier one holds. Each pass reads what earlier ones return, never what they left in the
//! module, and every claim is keyed by what it stands for (a type, a template, a request
//! type), so a decision is looked up by that key, not by a formatted string. Descriptions become rustdoc through `docs` ([`doc_lines`], [`visible`]).
//! Wire names are kept exactly.

mod docs;
mod models;
mod modules;
mod recursion;
mod renames;
mod requests;

use std::collections::{BTreeMap, BTreeSet};

pub use docs::{doc_lines, visible};

use crate::config::VersionConfig;
use crate::error::{Error, Result};
use crate::ir::{self, ItemRef, ModPath};
use crate::names::{Case, Clash, Rank, Scope};
use crate::resolve::{Model, TypeId};
use crate::select::Selection;

/// The name of the request builder at the service root.
pub const ROOT_BUILDER: &str = "GraphRequestBuilder";

/// Lowers one version.
pub fn lower(model: &Model, selection: &Selection, version: &VersionConfig, runtime: &str) -> Result<ir::Module> {
    let renames = renames::Renames::new(model, version)?;
    let secrets = secrets(model, &version.secrets)?;
    let modules = modules::plan(model, selection, &renames, &version.module)?;
    let mut names = ModuleNames::new(&modules);
    names.reserve(&[], ROOT_BUILDER);
    let cx = Context {
        model,
        selection,
        version,
        renames: &renames,
        modules: &modules,
        secrets,
        selected_types: selection.types.iter().copied().collect(),
        selected_operations: selection.operations.iter().copied().collect(),
    };
    let places = requests::walk(&cx);
    renames.check_builders(model, places.keys().map(String::as_str))?;
    let types = models::plan(&cx, &mut names)?;
    let created = models::created(&cx, &types, requests::created(&places));
    let mut module = ir::Module {
        name: version.module.clone(),
        api_version: version.name.clone(),
        service_root: version.service_root.clone(),
        runtime: runtime.to_owned(),
        source: model.file.clone(),
        namespaces: modules.namespaces(),
        ..Default::default()
    };
    models::lower(&cx, &types, &created, &mut module)?;
    requests::lower(&cx, &types, &places, &mut names, &mut module)?;
    recursion::box_cycles(&mut module);
    Ok(module)
}

/// What every pass reads.
struct Context<'a> {
    model: &'a Model,
    selection: &'a Selection,
    version: &'a VersionConfig,
    renames: &'a renames::Renames,
    modules: &'a modules::Modules,
    /// Configured secrets: a property, by the type it is named on and its name.
    secrets: BTreeSet<(TypeId, String)>,
    /// The selection's types and operations, for look-ups.
    selected_types: BTreeSet<TypeId>,
    selected_operations: BTreeSet<crate::resolve::OperationId>,
}

impl Context<'_> {
    /// An error about the model as lowered for this version.
    fn clash(&self, message: impl std::fmt::Display) -> Error {
        Error::Model {
            context: format!("{} ({})", self.model.file, self.version.name),
            message: message.to_string(),
        }
    }

    /// An error at a place in the input.
    fn error_at(&self, pos: crate::csdl::Pos, element: impl std::fmt::Display, message: impl std::fmt::Display) -> Error {
        Error::Model {
            context: format!("{}:{pos}: {element}", self.model.file),
            message: message.to_string(),
        }
    }
}

/// The names taken at module level, per module, phase after phase.
struct ModuleNames {
    taken: BTreeMap<ModPath, BTreeSet<String>>,
}

/// One claim of a module-level name, by a key of the caller's choosing (`K`) that the
/// decision is returned under.
struct ItemClaim<K> {
    key: K,
    /// What the claim stands for, unique in the version (`patch:ns.vppToken`): the text
    /// whose hash suffixes a name that loses a clash, and that errors show.
    identity: String,
    module: ModPath,
    plain: String,
    rank: Rank,
    /// The CSDL name behind the claim, when it is one (for the conventional-spelling rule).
    wire: Option<String>,
    /// For a derived name: whether the name it derives from is conventionally spelled.
    conventional: bool,
}

impl ModuleNames {
    fn new(modules: &modules::Modules) -> Self {
        let mut taken: BTreeMap<ModPath, BTreeSet<String>> = BTreeMap::new();
        for ns in modules.namespaces() {
            taken.entry(ns.module).or_default();
        }
        taken.entry(Vec::new()).or_default();
        ModuleNames { taken }
    }

    fn reserve(&mut self, module: &[String], name: &str) {
        self.taken.entry(module.to_vec()).or_default().insert(name.to_owned());
    }

    /// Decides one phase of claims against what earlier phases took; returns the items by
    /// the claims' keys.
    fn phase<K: Ord>(&mut self, claims: Vec<ItemClaim<K>>) -> std::result::Result<BTreeMap<K, ItemRef>, Clash> {
        let mut scopes: BTreeMap<ModPath, Scope> = BTreeMap::new();
        let mut keys: BTreeMap<String, K> = BTreeMap::new();
        for c in claims {
            let scope = scopes.entry(c.module.clone()).or_insert_with(|| {
                let taken = self.taken.get(&c.module).cloned().unwrap_or_default();
                let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
                Scope::new(Case::Pascal, &taken)
            });
            match (&c.wire, c.rank) {
                (Some(wire), Rank::Csdl) => scope.claim_wire(c.identity.clone(), wire),
                _ => scope.claim_spelled(c.identity.clone(), c.plain, c.rank, c.conventional),
            }
            if keys.insert(c.identity.clone(), c.key).is_some() {
                return Err(Clash { message: format!("`{}` is claimed twice", c.identity) });
            }
        }
        let mut out = BTreeMap::new();
        for (module, scope) in scopes {
            for (identity, name) in scope.resolve()? {
                self.taken.entry(module.clone()).or_default().insert(name.clone());
                if let Some(key) = keys.remove(&identity) {
                    out.insert(key, ItemRef { module: module.clone(), name });
                }
            }
        }
        Ok(out)
    }
}

/// The configured secrets (`qualified.Type/property`), each of which must name a property
/// of the model.
fn secrets(model: &Model, configured: &[String]) -> Result<BTreeSet<(TypeId, String)>> {
    let mut out = BTreeSet::new();
    for secret in configured {
        let known = secret.split_once('/').and_then(|(t, p)| {
            let id = model.lookup(t)?;
            model.all_properties(id).iter().any(|x| x.name == p).then(|| (id, p.to_owned()))
        });
        let Some(key) = known else {
            return Err(Error::Model {
                context: format!("secret `{secret}`"),
                message: format!("{}: no such property", model.file),
            });
        };
        out.insert(key);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::codegen::lower_text;
    use crate::config::{Rename, VersionConfig};
    use crate::ir;

    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="thing"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /><Property Name="label" Type="Edm.String" /><Property Name="kind" Type="n.kind" /></EntityType>
<EnumType Name="kind"><Member Name="a" Value="0" /></EnumType>
<Function Name="find" IsBound="true"><Parameter Name="b" Type="Collection(n.thing)" /><Parameter Name="q" Type="Edm.String" /><ReturnType Type="Collection(n.thing)" /></Function>
<Function Name="find" IsBound="true"><Parameter Name="b" Type="Collection(n.thing)" /><Parameter Name="q" Type="Edm.Int32" /><ReturnType Type="Collection(n.thing)" /></Function>
<EntityContainer Name="c"><EntitySet Name="things" EntityType="n.thing" /></EntityContainer>
</Schema>
<Schema Namespace="n.extra" xmlns="http://docs.oasis-open.org/odata/ns/edm"><ComplexType Name="note" /></Schema>
</edmx:DataServices></edmx:Edmx>"#;

    fn version(renames: &[(&str, &str)], roots: &[&str]) -> VersionConfig {
        VersionConfig {
            name: "v".into(),
            module: "v".into(),
            input: "in.xml".into(),
            service_root: "https://example.test/v".into(),
            roots: roots.iter().map(|r| (*r).to_owned()).collect(),
            paths: vec![],
            secrets: vec![],
            fixups: vec![],
            renames: renames
                .iter()
                .map(|(t, n)| Rename {
                    target: (*t).to_owned(),
                    name: (*n).to_owned(),
                })
                .collect(),
        }
    }

    fn lower(v: &VersionConfig, csdl: &str) -> crate::Result<ir::Module> {
        lower_text("in.xml", csdl, v, "crate::runtime")
    }

    #[test]
    fn renames_name_types_fields_members_modules_and_builders() {
        let mut v = version(
            &[
                ("n.thing", "Widget"),
                ("n.thing/label", "title"),
                ("n.kind/a", "Alpha"),
                ("n.extra", "additions"),
                ("/things", "WidgetsRequestBuilder"),
            ],
            &["n.thing", "n.extra.note"],
        );
        v.paths = vec!["things".into()];
        let csdl = CSDL.replace(r#"<Function Name="find" IsBound="true"><Parameter Name="b" Type="Collection(n.thing)" /><Parameter Name="q" Type="Edm.Int32" /><ReturnType Type="Collection(n.thing)" /></Function>"#, "");
        let m = lower(&v, &csdl).unwrap();
        let thing = m.structs.iter().find(|s| s.qualified == "n.thing").unwrap();
        assert_eq!(thing.name, "Widget");
        assert!(thing.fields.iter().any(|f| f.name == "title" && f.wire == "label"));
        assert_eq!(m.enums[0].variants[0].name, "Alpha");
        let note = m.structs.iter().find(|s| s.qualified == "n.extra.note").unwrap();
        assert_eq!(note.module, ["additions"]);
        assert!(m.builders.iter().any(|b| b.name == "WidgetsRequestBuilder" && b.template == "/things"));
        assert!(m.patches.iter().any(|p| p.name == "WidgetPatch"));
    }

    #[test]
    fn a_rename_of_nothing_or_two_renames_to_one_name_are_refused() {
        let err = lower(&version(&[("n.nothing", "X")], &["n.thing"]), CSDL).unwrap_err().to_string();
        assert!(err.contains("rename `n.nothing`"), "{err}");
        let err = lower(&version(&[("n.thing", "Same"), ("n.kind", "Same")], &["n.thing"]), CSDL)
            .unwrap_err()
            .to_string();
        assert!(err.contains("the configured name `Same`"), "{err}");
        let err = lower(&version(&[("n.thing", "not an ident")], &["n.thing"]), CSDL).unwrap_err().to_string();
        assert!(err.contains("is not a Rust identifier"), "{err}");
    }

    #[test]
    fn a_rename_of_an_unknown_overload_or_template_is_refused_and_one_of_an_unselected_type_is_not() {
        let mut v = version(&[("n.find(b,nope)", "x")], &["n.thing"]);
        v.paths = vec!["things".into()];
        let err = lower(&v, CSDL).unwrap_err().to_string();
        assert!(err.contains("rename `n.find(b,nope)`"), "{err}");
        let mut v = version(&[("/things/{thing-id}/nothing", "NothingRequestBuilder")], &["n.thing"]);
        v.paths = vec!["things".into()];
        let err = lower(&v, CSDL).unwrap_err().to_string();
        assert!(err.contains("rename `/things/{thing-id}/nothing`"), "{err}");
        let m = lower(&version(&[("n.extra.note", "Remark"), ("n.find( q )", "find_text")], &["n.kind"]), CSDL).unwrap();
        assert!(m.structs.is_empty(), "only the enum is selected");
    }

    #[test]
    fn overloads_no_url_can_tell_apart_are_refused_with_their_location() {
        let mut v = version(&[], &["n.thing"]);
        v.paths = vec!["things".into()];
        let err = lower(&v, CSDL).unwrap_err().to_string();
        assert!(err.starts_with("in.xml:6:1: Function n.find"), "{err}");
        assert!(err.contains("cannot be told apart"), "{err}");
    }
}
