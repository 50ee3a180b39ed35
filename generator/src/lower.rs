//! Lower: the selected part of a resolved model into the [`ir`] of one Rust module.
//!
//! Every naming decision is made here, once: case conversion with `heck`, keyword
//! escaping, the names of generated helper types, and collision detection. Wire names are
//! kept exactly as the metadata writes them.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::config::VersionConfig;
use crate::csdl::{OperationKind, StructuredKind};
use crate::error::{Error, Result};
use crate::ir::{self, Doc, Method, RustType};
use crate::resolve::{Model, OperationDef, Primitive, TypeId, TypeKind, TypeRef};
use crate::select::{Segment, Selection};

/// Rust keywords (strict and reserved, 2024 edition) that cannot be field names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The Rust field name for a JSON property name: snake case, keywords get a trailing `_`.
pub fn field_name(wire: &str) -> String {
    let mut name = wire.to_snake_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// The Rust type or variant name for a CSDL name: upper camel case.
pub fn type_name(csdl: &str) -> String {
    let mut name = csdl.to_upper_camel_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// The Rust method name for a CSDL name.
pub fn method_name(csdl: &str) -> String {
    field_name(csdl)
}

/// Makes metadata text safe for rustdoc: escapes brackets and angle brackets (no
/// accidental links or HTML) and wraps bare URLs.
pub fn doc_lines(text: &str) -> Doc {
    text.lines()
        .map(|line| {
            let line = line.trim_end();
            let mut out = String::with_capacity(line.len() + 1);
            out.push(' ');
            // Whether the text written so far ends inside a backtick code span (an odd
            // number of backticks): kept up to date as text is written, so that each
            // line is read once whatever its length.
            let mut in_code = false;
            let mut rest = line;
            while !rest.is_empty() {
                if !in_code && (rest.starts_with("http://") || rest.starts_with("https://")) {
                    let end = rest.find(|c: char| c.is_whitespace() || c == ')').unwrap_or(rest.len());
                    let url = rest[..end].trim_end_matches(['.', ',', ';']);
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    in_code ^= url.matches('`').count() % 2 == 1;
                    rest = &rest[url.len()..];
                    continue;
                }
                let mut chars = rest.chars();
                let c = chars.next().unwrap_or_default();
                match c {
                    '[' | ']' | '<' | '>' if !in_code => {
                        out.push('\\');
                        out.push(c);
                    }
                    '`' => {
                        in_code = !in_code;
                        out.push(c);
                    }
                    _ => out.push(c),
                }
                rest = chars.as_str();
            }
            out
        })
        .collect()
}

/// Rustdoc lines of text the generator writes itself (trusted markdown, links included).
fn prose(text: &str) -> Doc {
    text.lines().map(|line| format!(" {}", line.trim_end())).collect()
}

/// The metadata's description, made safe for rustdoc, or the generator's own `fallback`.
fn doc_or(description: Option<&str>, fallback: impl FnOnce() -> String) -> Doc {
    match description {
        Some(d) => doc_lines(d),
        None => prose(&fallback()),
    }
}

/// Appends a paragraph of the generator's own text.
fn push_doc(doc: &mut Doc, text: &str) {
    doc.push(String::new());
    doc.extend(prose(text));
}

/// Lowers one version.
pub fn lower(model: &Model, selection: &Selection, version: &VersionConfig, runtime: &str) -> Result<ir::Module> {
    let mut l = Lowerer {
        model,
        selection,
        version,
        names: BTreeMap::new(),
        secrets: version.secrets.iter().cloned().collect(),
        unions: BTreeMap::new(),
    };
    l.plan_unions()?;
    let mut module = ir::Module {
        name: version.module.clone(),
        api_version: version.name.clone(),
        base_url: version.base_url.clone(),
        runtime: runtime.to_owned(),
        source: model.file.clone(),
        ..Default::default()
    };
    for &id in &selection.types {
        match &model.ty(id).kind {
            TypeKind::Enum(_) => module.enums.push(l.enumeration(id)?),
            TypeKind::Structured(_) => module.structs.push(l.structure(id)?),
            _ => {}
        }
    }
    module.unions = l.unions.values().cloned().collect();
    l.requests(&mut module)?;
    for secret in &l.secrets {
        let known = secret.split_once('/').is_some_and(|(t, p)| {
            model
                .lookup(t)
                .is_some_and(|id| model.all_properties(id).iter().any(|x| x.name == p))
        });
        if !known {
            return Err(Error::Model {
                context: format!("secret `{secret}`"),
                message: format!("{}: no such property", model.file),
            });
        }
    }
    Ok(module)
}

struct Lowerer<'a> {
    model: &'a Model,
    selection: &'a Selection,
    version: &'a VersionConfig,
    /// Module-level Rust names → what claimed them, for collision detection.
    names: BTreeMap<String, String>,
    secrets: BTreeSet<String>,
    /// Polymorphic enums by base type.
    unions: BTreeMap<TypeId, ir::Union>,
}

impl Lowerer<'_> {
    fn claim(&mut self, name: &str, what: String) -> Result<()> {
        if let Some(previous) = self.names.get(name) {
            return Err(Error::Model {
                context: format!("{} ({})", self.model.file, self.version.name),
                message: format!("the Rust name `{name}` is claimed by both {previous} and {what}"),
            });
        }
        self.names.insert(name.to_owned(), what);
        Ok(())
    }

    fn selected(&self, id: TypeId) -> bool {
        self.selection.types.contains(&id)
    }

    /// Decides which selected structured types are polymorphic: those with selected derived
    /// types that some selected property or operation uses.
    fn plan_unions(&mut self) -> Result<()> {
        for &id in &self.selection.types {
            if self.model.structured(id).is_none() {
                continue;
            }
            let derived: Vec<TypeId> = self
                .model
                .all_derived(id)
                .into_iter()
                .filter(|d| self.selected(*d))
                .collect();
            if derived.is_empty() || self.model.structured(id).map(|s| s.kind) != Some(StructuredKind::Complex) {
                continue;
            }
            let base = self.model.ty(id);
            let name = format!("Any{}", type_name(&base.name));
            self.claim(&name, format!("the polymorphic form of {}", base.qualified))?;
            let mut variants = vec![ir::UnionVariant {
                name: type_name(&base.name),
                qualified: base.qualified.clone(),
            }];
            variants.extend(derived.iter().map(|d| {
                let t = self.model.ty(*d);
                ir::UnionVariant {
                    name: type_name(&t.name),
                    qualified: t.qualified.clone(),
                }
            }));
            let mut doc = prose(&format!(
                "A `{}` or a type derived from it, told apart by `@odata.type`.",
                base.qualified
            ));
            push_doc(
                &mut doc,
                "The type annotation is matched with or without its leading `#` and ignoring case. A value \
                 without one, or of a derived type this crate does not know, is read as the declared type and \
                 keeps all of its properties.",
            );
            self.unions.insert(id, ir::Union { name, doc, variants });
        }
        Ok(())
    }

    fn rust_type(&self, r: TypeRef, context: &str) -> Result<RustType> {
        let t = self.model.ty(r.id);
        let single = match &t.kind {
            TypeKind::Primitive(p) | TypeKind::Definition(p) => primitive(*p),
            TypeKind::AnyStructured => RustType::Json,
            TypeKind::Enum(e) => {
                if e.is_flags {
                    RustType::Flags(type_name(&t.name))
                } else {
                    RustType::Enum(type_name(&t.name))
                }
            }
            TypeKind::Structured(_) => {
                if !self.selected(r.id) {
                    return Err(Error::Model {
                        context: context.to_owned(),
                        message: format!("uses `{}`, which is not selected", t.qualified),
                    });
                }
                match self.unions.get(&r.id) {
                    Some(u) => RustType::Union(u.name.clone()),
                    None => RustType::Struct(type_name(&t.name)),
                }
            }
        };
        Ok(if r.collection { RustType::Vec(Box::new(single)) } else { single })
    }

    fn enumeration(&mut self, id: TypeId) -> Result<ir::Enum> {
        let t = self.model.ty(id);
        let TypeKind::Enum(e) = &t.kind else { unreachable!("selected as an enum") };
        let name = type_name(&t.name);
        self.claim(&name, format!("enum type {}", t.qualified))?;
        let mut variants = Vec::with_capacity(e.members.len());
        let mut seen = BTreeMap::new();
        for m in &e.members {
            let v = type_name(&m.name);
            if let Some(previous) = seen.insert(v.clone(), m.name.clone()) {
                return Err(Error::Model {
                    context: format!("{}:{}: enum {}", self.model.file, m.pos, t.qualified),
                    message: format!("members `{previous}` and `{}` both become the variant `{v}`", m.name),
                });
            }
            variants.push(ir::Variant {
                doc: doc_or(m.description.as_deref(), || format!("The member `{}` (value {}).", m.name, m.value)),
                name: v,
                wire: m.name.clone(),
            });
        }
        let catch_all = ["Unknown", "Unrecognized", "UnknownMember"]
            .into_iter()
            .find(|c| !seen.contains_key(*c))
            .unwrap_or("UnknownValue")
            .to_owned();
        let mut doc = doc_or(t.description.as_deref(), || format!("The enum type `{}`.", t.qualified));
        if e.is_flags {
            push_doc(
                &mut doc,
                "A flags enum: a property of this type holds a set of members, written on the wire as one \
                 comma-separated string.",
            );
        }
        push_doc(
            &mut doc,
            &format!(
                "Forward compatible: a member this crate does not know is read as `{catch_all}` with its text, and \
                 written back unchanged. CSDL: `{}`.",
                t.qualified
            ),
        );
        Ok(ir::Enum {
            name,
            qualified: t.qualified.clone(),
            doc,
            flags: e.is_flags,
            variants,
            catch_all,
        })
    }

    fn fields(&self, id: TypeId) -> Result<Vec<ir::Field>> {
        let t = self.model.ty(id);
        let mut fields = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        seen.insert("odata_type".into(), "@odata.type".into());
        seen.insert("additional".into(), "(unknown properties)".into());
        for p in self.model.all_properties(id) {
            let owner = self
                .model
                .chain(id)
                .into_iter()
                .rev()
                .find(|c| self.model.structured(*c).is_some_and(|s| s.properties.iter().any(|x| x.name == p.name)))
                .unwrap_or(id);
            let owner_name = &self.model.ty(owner).qualified;
            if self.model.ty(p.ty.id).kind == TypeKind::Primitive(Primitive::Stream) {
                continue;
            }
            let name = field_name(&p.name);
            if let Some(previous) = seen.insert(name.clone(), p.name.clone()) {
                return Err(Error::Model {
                    context: format!("{}:{}: {}", self.model.file, p.pos, t.qualified),
                    message: format!("properties `{previous}` and `{}` both become the field `{name}`", p.name),
                });
            }
            let context = format!("{}:{}: property {}/{}", self.model.file, p.pos, t.qualified, p.name);
            fields.push(ir::Field {
                doc: doc_or(p.description.as_deref(), || format!("The `{}` property.", p.name)),
                ty: self.rust_type(p.ty, &context)?,
                wire: p.name.clone(),
                name,
                nullable: p.nullable,
                secret: self.secrets.contains(&format!("{owner_name}/{}", p.name))
                    || self.secrets.contains(&format!("{}/{}", t.qualified, p.name)),
                csdl_type: self.model.ty(p.ty.id).qualified.clone(),
            });
        }
        Ok(fields)
    }

    fn structure(&mut self, id: TypeId) -> Result<ir::Struct> {
        let t = self.model.ty(id);
        let Some(s) = self.model.structured(id) else { unreachable!("selected as structured") };
        let name = type_name(&t.name);
        let kind = match s.kind {
            StructuredKind::Entity => "entity type",
            StructuredKind::Complex => "complex type",
        };
        self.claim(&name, format!("{kind} {}", t.qualified))?;
        let mut doc = doc_or(t.description.as_deref(), || format!("The {kind} `{}`.", t.qualified));
        let mut facts = format!("CSDL: `{}`, {}", t.qualified, kind);
        if let Some(base) = s.base {
            facts.push_str(&format!(" derived from `{}`", self.model.ty(base).qualified));
        }
        if s.is_abstract {
            facts.push_str(" (abstract)");
        }
        facts.push_str(
            ". Every property is optional when read; unknown properties and instance annotations are kept in \
             `additional` and written back.",
        );
        push_doc(&mut doc, &facts);
        Ok(ir::Struct {
            name,
            csdl_name: t.name.clone(),
            base: s.base.map(|b| self.model.ty(b).qualified.clone()),
            qualified: t.qualified.clone(),
            doc,
            fields: self.fields(id)?,
        })
    }

    /// The Rust type of an entity as a whole value (a union if it is polymorphic).
    fn entity_type(&self, id: TypeId) -> Result<RustType> {
        self.rust_type(TypeRef { id, collection: false }, &self.model.ty(id).qualified)
    }

    fn requests(&mut self, module: &mut ir::Module) -> Result<()> {
        let selection = self.selection;
        let mut builders: BTreeMap<String, ir::Builder> = BTreeMap::new();
        let root = ir::Builder {
            name: "GraphRequestBuilder".into(),
            doc: {
                let mut d = prose(&format!("The service root of Microsoft Graph {}.", self.version.name));
                push_doc(
                    &mut d,
                    &format!(
                        "Requests start here; the default root is `{}`, and \
                         [`GraphRequestBuilder::with_base_url`] sets another (a national cloud, a test server).",
                        self.version.base_url
                    ),
                );
                d
            },
            template: String::new(),
            methods: Vec::new(),
        };
        self.claim("GraphRequestBuilder", "the service root".into())?;
        builders.insert(root.name.clone(), root);
        let mut patched = BTreeSet::new();
        for path in &selection.paths {
            let mut current = "GraphRequestBuilder".to_owned();
            let mut template = String::new();
            for segment in &path.segments {
                current = self.step(&mut builders, &current, &mut template, segment)?;
            }
            let last = path.last();
            let entity = last.entity();
            if last.is_collection() {
                self.collection_methods(module, &mut builders, &current, entity, &template)?;
                let item = self.step(&mut builders, &current, &mut template, &Segment::Key { ty: entity })?;
                self.entity_methods(module, &mut builders, &item, entity, &template, &mut patched)?;
            } else {
                self.entity_methods(module, &mut builders, &current, entity, &template, &mut patched)?;
            }
        }
        module.builders = builders.into_values().collect();
        for b in &mut module.builders {
            b.methods.sort_by_key(method_sort_key);
        }
        module.patches.sort_by(|a, b| a.name.cmp(&b.name));
        module.selects.sort_by(|a, b| a.name.cmp(&b.name));
        module.parameters.sort_by(|a, b| a.name.cmp(&b.name));
        module.operations.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Adds the navigation step `segment` to the builder `current` (whose URL template is
    /// `template`, extended here) and returns the builder it leads to, created if new.
    fn step(
        &mut self,
        builders: &mut BTreeMap<String, ir::Builder>,
        current: &str,
        template: &mut String,
        segment: &Segment,
    ) -> Result<String> {
        let (method, next) = match segment {
            Segment::Root { name, .. } | Segment::Navigation { name, .. } => {
                template.push('/');
                template.push_str(name);
                let next = format!("{}RequestBuilder", type_name(name));
                let m = Method::Segment {
                    name: method_name(name),
                    doc: prose(&format!("Navigates to `{template}`.")),
                    segment: name.clone(),
                    target: next.clone(),
                };
                (m, next)
            }
            Segment::Key { ty } => {
                let entity = &self.model.ty(*ty).name;
                template.push_str(&format!("/{{{entity}-id}}"));
                let next = format!("{}ItemRequestBuilder", type_name(entity));
                let m = Method::Key {
                    name: "by_id".into(),
                    doc: prose(&format!(
                        "Navigates to one `{entity}` by its key, `{template}`. The key is percent-encoded as one \
                         path segment."
                    )),
                    target: next.clone(),
                };
                (m, next)
            }
            Segment::Cast { ty } => {
                let t = self.model.ty(*ty);
                template.push('/');
                template.push_str(&t.qualified);
                let next = format!("As{}RequestBuilder", type_name(&t.name));
                let m = Method::Segment {
                    name: format!("as_{}", method_name(&t.name)),
                    doc: prose(&format!("Casts to the derived type `{}`: `{template}`.", t.qualified)),
                    segment: t.qualified.clone(),
                    target: next.clone(),
                };
                (m, next)
            }
        };
        self.add_method(builders, current, method);
        if !builders.contains_key(&next) {
            self.claim(&next, format!("the request builder of `{template}`"))?;
            builders.insert(
                next.clone(),
                ir::Builder {
                    name: next.clone(),
                    doc: prose(&format!("Requests on `{template}`.")),
                    template: template.clone(),
                    methods: Vec::new(),
                },
            );
        }
        Ok(next)
    }

    fn add_method(&self, builders: &mut BTreeMap<String, ir::Builder>, builder: &str, method: Method) {
        if let Some(b) = builders.get_mut(builder)
            && !b.methods.contains(&method)
        {
            b.methods.push(method);
        }
    }

    fn select_enum(&mut self, module: &mut ir::Module, entity: TypeId) -> Result<String> {
        let t = self.model.ty(entity);
        let name = format!("{}Property", type_name(&t.name));
        if module.selects.iter().any(|s| s.name == name) {
            return Ok(name);
        }
        self.claim(&name, format!("the $select names of {}", t.qualified))?;
        let variants = self
            .model
            .all_properties(entity)
            .into_iter()
            .filter(|p| self.model.ty(p.ty.id).kind != TypeKind::Primitive(Primitive::Stream))
            .map(|p| ir::Variant {
                name: type_name(&p.name),
                wire: p.name.clone(),
                doc: prose(&format!("`{}`", p.name)),
            })
            .collect();
        module.selects.push(ir::Select {
            name: name.clone(),
            target: type_name(&t.name),
            doc: prose(&format!(
                "The properties of `{}` that `$select` can name.",
                t.qualified
            )),
            variants,
        });
        Ok(name)
    }

    fn collection_methods(
        &mut self,
        module: &mut ir::Module,
        builders: &mut BTreeMap<String, ir::Builder>,
        builder: &str,
        entity: TypeId,
        template: &str,
    ) -> Result<()> {
        let t = self.model.ty(entity);
        let item = self.entity_type(entity)?;
        let select = self.select_enum(module, entity)?;
        let methods = vec![
            Method::List {
                doc: prose(&format!("Lists the `{}` objects: `GET {template}`.", t.name)),
                item: item.clone(),
                select,
            },
            Method::Count {
                doc: prose(&format!("Counts the `{}` objects: `GET {template}/$count`.", t.name)),
            },
            Method::Create {
                doc: prose(&format!("Creates a `{}`: `POST {template}`.", t.name)),
                entity: item,
            },
        ];
        for m in methods {
            self.add_method(builders, builder, m);
        }
        self.bound_operations(module, builders, builder, TypeRef { id: entity, collection: true }, template)
    }

    fn entity_methods(
        &mut self,
        module: &mut ir::Module,
        builders: &mut BTreeMap<String, ir::Builder>,
        builder: &str,
        entity: TypeId,
        template: &str,
        patched: &mut BTreeSet<TypeId>,
    ) -> Result<()> {
        let t = self.model.ty(entity);
        let ty = self.entity_type(entity)?;
        let select = self.select_enum(module, entity)?;
        let patch = format!("{}Patch", type_name(&t.name));
        if patched.insert(entity) {
            self.claim(&patch, format!("the update body of {}", t.qualified))?;
            let key = self.model.key(entity);
            let fields = self.fields(entity)?.into_iter().filter(|f| !key.contains(&f.wire)).collect();
            let mut doc = prose(&format!(
                "Changes to a `{}`, sent as the body of an update (`PATCH`).",
                t.qualified
            ));
            push_doc(
                &mut doc,
                "Only what is set is sent. A nullable property is a [`Patch`](rt::Patch) and can be set to an \
                 explicit `null`; a property that is not nullable is an `Option` and cannot. The key cannot be \
                 changed and is not here.",
            );
            module.patches.push(ir::Patch {
                name: patch.clone(),
                target: type_name(&t.name),
                qualified: t.qualified.clone(),
                doc,
                fields,
            });
        }
        let methods = vec![
            Method::Get {
                doc: prose(&format!("Reads the `{}`: `GET {template}`.", t.name)),
                entity: ty.clone(),
                select,
            },
            Method::Update {
                doc: prose(&format!(
                    "Updates the `{}` with the properties set in `patch`: `PATCH {template}`.",
                    t.name
                )),
                entity: ty,
                patch,
            },
            Method::Delete {
                doc: prose(&format!("Deletes the `{}`: `DELETE {template}`.", t.name)),
            },
        ];
        for m in methods {
            self.add_method(builders, builder, m);
        }
        self.bound_operations(module, builders, builder, TypeRef { id: entity, collection: false }, template)
    }

    fn bound_operations(
        &mut self,
        module: &mut ir::Module,
        builders: &mut BTreeMap<String, ir::Builder>,
        builder: &str,
        binding: TypeRef,
        template: &str,
    ) -> Result<()> {
        let ops: Vec<&OperationDef> = self
            .model
            .bound
            .get(&binding)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|id| self.selection.operations.contains(id))
            .map(|id| &self.model.operations[id.0])
            .collect();
        for op in ops {
            let alias = type_name(&op.name);
            let context = format!("{}:{}: operation {}", self.model.file, op.pos, op.qualified);
            if !module.operations.iter().any(|o| o.name == alias) {
                self.claim(&alias, format!("operation {}", op.qualified))?;
                let returns = match &op.return_type {
                    None => ir::Returns::Nothing,
                    Some(r) => {
                        let single = self.rust_type(TypeRef { id: r.ty.id, collection: false }, &context)?;
                        let structured = self.model.structured(r.ty.id).is_some();
                        match (r.ty.collection, structured) {
                            (true, _) => ir::Returns::Collection(single),
                            (false, true) => ir::Returns::Single(single),
                            (false, false) => ir::Returns::Value(single),
                        }
                    }
                };
                let verb = match op.kind {
                    OperationKind::Action => "action",
                    OperationKind::Function => "function",
                };
                let mut doc = doc_or(op.description.as_deref(), || format!("The {verb} `{}`.", op.qualified));
                push_doc(&mut doc, &format!("The request of the bound {verb} `{}`.", op.qualified));
                module.operations.push(ir::OperationAlias {
                    name: alias.clone(),
                    doc,
                    returns,
                });
            }
            let method = method_name(&op.name);
            let request = match op.kind {
                OperationKind::Action => "POST",
                OperationKind::Function => "GET",
            };
            let mut doc = doc_or(op.description.as_deref(), || format!("Calls `{}`.", op.qualified));
            match op.kind {
                OperationKind::Action => {
                    push_doc(&mut doc, &format!("`{request} {template}/{}`", op.name));
                    let parameters = if op.parameters.is_empty() {
                        None
                    } else {
                        let name = format!("{alias}Parameters");
                        if !module.parameters.iter().any(|p| p.name == name) {
                            self.claim(&name, format!("the parameters of {}", op.qualified))?;
                            let mut fields = Vec::new();
                            for p in &op.parameters {
                                fields.push(ir::Field {
                                    name: field_name(&p.name),
                                    wire: p.name.clone(),
                                    doc: doc_or(p.description.as_deref(), || format!("The `{}` parameter.", p.name)),
                                    ty: self.rust_type(p.ty, &context)?,
                                    nullable: p.nullable,
                                    secret: false,
                                    csdl_type: self.model.ty(p.ty.id).qualified.clone(),
                                });
                            }
                            module.parameters.push(ir::Parameters {
                                name: name.clone(),
                                doc: prose(&format!("The parameters of the action `{}`.", op.qualified)),
                                fields,
                            });
                        }
                        Some(name)
                    };
                    self.add_method(
                        builders,
                        builder,
                        Method::Action {
                            name: method,
                            doc,
                            segment: op.name.clone(),
                            operation: alias,
                            parameters,
                        },
                    );
                }
                OperationKind::Function => {
                    let shown: Vec<String> = op.parameters.iter().map(|p| format!("{0}={{{0}}}", p.name)).collect();
                    push_doc(&mut doc, &format!("`{request} {template}/{}({})`", op.name, shown.join(",")));
                    let mut arguments = Vec::new();
                    for p in &op.parameters {
                        let ty = self.rust_type(p.ty, &context)?;
                        if !matches!(
                            ty,
                            RustType::String
                                | RustType::Bool
                                | RustType::I16
                                | RustType::I32
                                | RustType::I64
                                | RustType::DateTimeOffset
                        ) {
                            return Err(Error::Model {
                                context: context.clone(),
                                message: format!(
                                    "parameter `{}`: functions with parameters of this type are not supported",
                                    p.name
                                ),
                            });
                        }
                        arguments.push(ir::Argument {
                            name: field_name(&p.name),
                            wire: p.name.clone(),
                            ty,
                        });
                    }
                    self.add_method(
                        builders,
                        builder,
                        Method::Function {
                            name: method,
                            doc,
                            segment: op.name.clone(),
                            operation: alias,
                            arguments,
                        },
                    );
                }
            }
        }
        Ok(())
    }
}

fn method_sort_key(m: &Method) -> (u8, String) {
    match m {
        Method::Segment { name, .. } | Method::Key { name, .. } => (0, name.clone()),
        Method::List { .. } => (1, "list".into()),
        Method::Count { .. } => (1, "count".into()),
        Method::Create { .. } => (1, "create".into()),
        Method::Get { .. } => (1, "get".into()),
        Method::Update { .. } => (1, "update".into()),
        Method::Delete { .. } => (1, "delete".into()),
        Method::Action { name, .. } | Method::Function { name, .. } => (2, name.clone()),
    }
}

fn primitive(p: Primitive) -> RustType {
    match p {
        Primitive::String
        | Primitive::Guid
        | Primitive::Binary
        | Primitive::Date
        | Primitive::Duration
        | Primitive::TimeOfDay
        | Primitive::Stream => RustType::String,
        Primitive::Boolean => RustType::Bool,
        Primitive::Byte => RustType::U8,
        Primitive::SByte => RustType::I8,
        Primitive::Int16 => RustType::I16,
        Primitive::Int32 => RustType::I32,
        Primitive::Int64 => RustType::I64,
        Primitive::Single => RustType::F32,
        Primitive::Double | Primitive::Decimal => RustType::F64,
        Primitive::DateTimeOffset => RustType::DateTimeOffset,
        Primitive::Untyped => RustType::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_snake_case_with_keywords_escaped() {
        assert_eq!(field_name("claimTokenManagementFromExternalMdm"), "claim_token_management_from_external_mdm");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("id"), "id");
        assert_eq!(field_name("@odata.type"), "odata_type");
        assert_eq!(field_name("3d"), "_3d");
    }

    #[test]
    fn type_names_are_upper_camel_case() {
        assert_eq!(type_name("vppToken"), "VppToken");
        assert_eq!(type_name("assignedToExternalMDM"), "AssignedToExternalMdm");
        assert_eq!(type_name("none"), "None");
        assert_eq!(type_name("default"), "Default");
        assert_eq!(type_name("depIOSEnrollmentProfile"), "DepIosEnrollmentProfile");
        assert_eq!(type_name("Self"), "Self_");
    }

    #[test]
    fn doc_lines_escape_markdown_and_wrap_urls() {
        assert_eq!(
            doc_lines("See [x] <b> at https://example.com/a. And `a[0]`"),
            vec![" See \\[x\\] \\<b\\> at <https://example.com/a>. And `a[0]`".to_owned()]
        );
        assert_eq!(doc_lines("two\nlines"), vec![" two".to_owned(), " lines".to_owned()]);
        assert_eq!(doc_lines("`https://a.test/x`"), vec![" `https://a.test/x`".to_owned()]);
    }
}
