//! The model side: an enum per enum type, a struct per entity and complex type, and a
//! polymorphic union per complex type with selected derived types.
//!
//! Field order is the base type's fields first, each type's own sorted by wire name; enum
//! members are in value order; union variants are the base type, then the derived types by
//! qualified name. None of it depends on the order of the declarations.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::docs::{doc_or, prose, push_doc};
use super::{Context, ItemClaim, ModuleNames};
use crate::csdl::StructuredKind;
use crate::error::Result;
use crate::ir::{self, ItemRef, RustType};
use crate::names::{self, Case, ClaimKey, Rank, Scope};
use crate::resolve::{Primitive, TypeId, TypeKind, TypeRef};

/// The catch-all variant of every enum, which keeps members this crate does not know.
pub const CATCH_ALL: &str = "UnknownValue";

/// Methods the generated code calls on a model value, or that it defines on a type that is
/// created through a selected path, besides the setters of its properties: a setter must not
/// take their names (an inherent `clone` would shadow `Clone::clone`).
const MODEL_METHODS_RESERVED: &[&str] = &[
    "new", "odata_type", "clone", "clone_from", "eq", "ne", "fmt", "default", "serialize", "deserialize",
];

/// Fields every model struct (and update body) has beside the properties.
const STRUCT_RESERVED: &[&str] = &["odata_type", "additional"];

/// The decided names of the model's types.
pub(super) struct Types {
    /// Enums and structs.
    pub names: BTreeMap<TypeId, ItemRef>,
    /// Polymorphic unions, by base type.
    pub unions: BTreeMap<TypeId, ItemRef>,
}

impl Types {
    /// The Rust type of a reference (a `Vec` for a collection).
    pub fn rust_type(&self, cx: &Context, r: TypeRef, context: &str) -> Result<RustType> {
        let t = cx.model.ty(r.id);
        let single = match &t.kind {
            TypeKind::Primitive(p) | TypeKind::Definition(p) => primitive(*p),
            TypeKind::AnyStructured => RustType::Json,
            TypeKind::Enum(e) => {
                let name = self.names[&r.id].clone();
                if e.is_flags { RustType::Flags(name) } else { RustType::Enum(name) }
            }
            TypeKind::Structured(_) => match (self.unions.get(&r.id), self.names.get(&r.id)) {
                (Some(u), _) => RustType::Union(u.clone()),
                (None, Some(s)) => RustType::Struct(s.clone()),
                (None, None) => return Err(cx.clash(format!("{context}: uses `{}`, which is not selected", t.qualified))),
            },
        };
        Ok(if r.collection { RustType::Vec(Box::new(single)) } else { single })
    }

    /// The Rust type of an entity as a whole value (a union if it is polymorphic).
    pub fn entity(&self, cx: &Context, id: TypeId) -> Result<RustType> {
        self.rust_type(cx, TypeRef { id, collection: false }, &cx.model.ty(id).qualified)
    }
}

/// Decides the names of the selected types (phase 1) and of the unions (phase 2).
pub(super) fn plan(cx: &Context, names: &mut ModuleNames) -> Result<Types> {
    let mut claims = Vec::new();
    for &id in &cx.selection.types {
        let t = cx.model.ty(id);
        if !matches!(t.kind, TypeKind::Enum(_) | TypeKind::Structured(_)) {
            continue;
        }
        let (plain, rank) = match cx.renames.of_type(id) {
            Some(name) => (name.to_owned(), Rank::Configured),
            None => (String::new(), Rank::Csdl),
        };
        claims.push(ItemClaim {
            key: id,
            identity: t.qualified.clone(),
            module: cx.modules.of(&t.qualified),
            plain,
            rank,
            wire: Some(t.name.clone()),
            conventional: true,
        });
    }
    let names_of_types = names.phase(claims).map_err(|e| cx.clash(e.message))?;
    let mut claims = Vec::new();
    for id in union_bases(cx) {
        let t = cx.model.ty(id);
        claims.push(ItemClaim {
            key: id,
            identity: format!("any:{}", t.qualified),
            module: cx.modules.of(&t.qualified),
            plain: format!("Any{}", names_of_types[&id].name),
            rank: Rank::Derived,
            wire: None,
            conventional: names::is_conventional(&t.name),
        });
    }
    let unions = names.phase(claims).map_err(|e| cx.clash(e.message))?;
    Ok(Types {
        names: names_of_types,
        unions,
    })
}

/// The structs that get chained setters: those created through a selected path (`entities`,
/// the entity types of the collections a `POST` goes to), and for one read as a union, every
/// type of its union: `VppToken::new().apple_id(…)`. Other types get none, which keeps the
/// output of a whole schema small.
pub(super) fn created(cx: &Context, types: &Types, entities: impl IntoIterator<Item = TypeId>) -> BTreeSet<TypeId> {
    let mut out = BTreeSet::new();
    for e in entities {
        out.insert(e);
        if types.unions.contains_key(&e) {
            out.extend(cx.model.all_derived(e).into_iter().filter(|d| cx.selected_types.contains(d)));
        }
    }
    out
}

/// The selected complex types with selected derived types: they are read as unions.
fn union_bases(cx: &Context) -> Vec<TypeId> {
    cx.selection
        .types
        .iter()
        .copied()
        .filter(|&id| {
            cx.model.structured(id).is_some_and(|s| s.kind == StructuredKind::Complex)
                && cx.model.all_derived(id).iter().any(|d| cx.selected_types.contains(d))
        })
        .collect()
}

/// Lowers every selected enum, struct and union into `module`; the structs in `created` get
/// chained setters.
pub(super) fn lower(cx: &Context, types: &Types, created: &BTreeSet<TypeId>, module: &mut ir::Module) -> Result<()> {
    for &id in &cx.selection.types {
        match &cx.model.ty(id).kind {
            TypeKind::Enum(_) => module.enums.push(enumeration(cx, types, id)?),
            TypeKind::Structured(_) => module.structs.push(structure(cx, types, id, created.contains(&id))?),
            _ => {}
        }
    }
    for (&id, item) in &types.unions {
        module.unions.push(union(cx, types, id, item)?);
    }
    module.unions.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    Ok(())
}

fn enumeration(cx: &Context, types: &Types, id: TypeId) -> Result<ir::Enum> {
    let t = cx.model.ty(id);
    let TypeKind::Enum(e) = &t.kind else { unreachable!("selected as an enum") };
    let mut members: Vec<_> = e.members.iter().collect();
    members.sort_by(|a, b| (a.value, &a.name).cmp(&(b.value, &b.name)));
    let mut scope: Scope = Scope::new(Case::Pascal, &[CATCH_ALL]);
    for m in &members {
        match cx.renames.of_member(id, &m.name) {
            Some(name) => scope.claim(m.name.clone(), name, Rank::Configured),
            None => scope.claim_wire(m.name.clone(), &m.name),
        }
    }
    let names = scope
        .resolve()
        .map_err(|e| cx.error_at(t.pos, format!("EnumType {}", t.qualified), e.message))?;
    let variants = members
        .iter()
        .map(|m| ir::Variant {
            doc: doc_or(m.description.as_deref(), || format!("The member `{}` (value {}).", m.name, m.value)),
            name: names[&m.name].clone(),
            wire: m.name.clone(),
        })
        .collect();
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
            "Forward compatible: a member this crate does not know is read as `{CATCH_ALL}` with its text, and \
             written back unchanged. CSDL: `{}`.",
            t.qualified
        ),
    );
    let item = &types.names[&id];
    Ok(ir::Enum {
        module: item.module.clone(),
        name: item.name.clone(),
        qualified: t.qualified.clone(),
        doc,
        flags: e.is_flags,
        variants,
        catch_all: CATCH_ALL.to_owned(),
    })
}

/// The fields of a structured type (inherited first; each type's own by wire name), named in
/// one scope. Stream properties are left out (they are not part of the JSON).
pub(super) fn fields(cx: &Context, types: &Types, id: TypeId) -> Result<Vec<ir::Field>> {
    let t = cx.model.ty(id);
    let mut props = Vec::new();
    for owner in cx.model.chain(id) {
        let Some(s) = cx.model.structured(owner) else { continue };
        let mut own: Vec<_> = s.properties.iter().collect();
        own.sort_by(|a, b| a.name.cmp(&b.name));
        props.extend(own.into_iter().map(|p| (owner, p)));
    }
    props.retain(|(_, p)| cx.model.ty(p.ty.id).kind != TypeKind::Primitive(Primitive::Stream));
    let mut scope: Scope = Scope::new(Case::Snake, STRUCT_RESERVED);
    for (owner, p) in &props {
        let renamed = cx.renames.of_member(id, &p.name).or_else(|| cx.renames.of_member(*owner, &p.name));
        match renamed {
            Some(name) => scope.claim(p.name.clone(), name, Rank::Configured),
            None => scope.claim_wire(p.name.clone(), &p.name),
        }
    }
    let names = scope
        .resolve()
        .map_err(|e| cx.error_at(t.pos, format!("type {}", t.qualified), e.message))?;
    let mut fields = Vec::with_capacity(props.len());
    for (owner, p) in props {
        let context = format!("{}:{}: property {}/{}", cx.model.file, p.pos, t.qualified, p.name);
        fields.push(ir::Field {
            doc: doc_or(p.description.as_deref(), || format!("The `{}` property.", p.name)),
            ty: types.rust_type(cx, p.ty, &context)?,
            wire: p.name.clone(),
            name: names[&p.name].clone(),
            nullable: p.nullable,
            secret: [owner, id].into_iter().any(|o| cx.secrets.contains(&(o, p.name.clone()))),
            csdl_type: cx.model.ty(p.ty.id).qualified.clone(),
            setter: None,
        });
    }
    Ok(fields)
}

fn structure(cx: &Context, types: &Types, id: TypeId, created: bool) -> Result<ir::Struct> {
    let t = cx.model.ty(id);
    let Some(s) = cx.model.structured(id) else { unreachable!("selected as structured") };
    let kind = match s.kind {
        StructuredKind::Entity => "entity type",
        StructuredKind::Complex => "complex type",
    };
    let mut doc = doc_or(t.description.as_deref(), || format!("The {kind} `{}`.", t.qualified));
    let mut facts = format!("CSDL: `{}`, {}", t.qualified, kind);
    if let Some(base) = s.base {
        facts.push_str(&format!(" derived from `{}`", cx.model.ty(base).qualified));
    }
    if s.is_abstract {
        facts.push_str(" (abstract)");
    }
    facts.push_str(
        ". Every property is optional when read; unknown properties and instance annotations are kept in \
         `additional` and written back.",
    );
    push_doc(&mut doc, &facts);
    let item = &types.names[&id];
    let mut fields = fields(cx, types, id)?;
    if created {
        give_setters(cx, &t.qualified, &mut fields)?;
    }
    Ok(ir::Struct {
        module: item.module.clone(),
        name: item.name.clone(),
        csdl_name: t.name.clone(),
        base: s.base.map(|b| cx.model.ty(b).qualified.clone()),
        qualified: t.qualified.clone(),
        doc,
        fields,
        created,
    })
}

/// A chained setter for each field of a created struct, named as its field unless that is
/// a method every model value has.
fn give_setters(cx: &Context, qualified: &str, fields: &mut [ir::Field]) -> Result<()> {
    let mut scope: Scope<SetterKey> = Scope::new(Case::Snake, MODEL_METHODS_RESERVED);
    for f in fields.iter() {
        scope.claim(SetterKey::Set(f.wire.clone()), f.name.clone(), Rank::Csdl);
    }
    let mut names = scope.resolve().map_err(|e| cx.clash(format!("type {qualified}: {}", e.message)))?;
    for f in fields {
        f.setter = names.remove(&SetterKey::Set(f.wire.clone())).map(|set| ir::Setter { set, null: None });
    }
    Ok(())
}

/// A setter method of a field, keyed by the field's wire name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SetterKey {
    /// Sets a value.
    Set(String),
    /// Sets `null`.
    Null(String),
}

impl ClaimKey for SetterKey {
    fn identity(&self) -> Cow<'_, str> {
        match self {
            SetterKey::Set(wire) => Cow::Owned(format!("set:{wire}")),
            SetterKey::Null(wire) => Cow::Owned(format!("null:{wire}")),
        }
    }
}

fn union(cx: &Context, types: &Types, base: TypeId, item: &ItemRef) -> Result<ir::Union> {
    let t = cx.model.ty(base);
    let members: Vec<TypeId> = std::iter::once(base)
        .chain(cx.model.all_derived(base).into_iter().filter(|d| cx.selected_types.contains(d)))
        .collect();
    // A variant is named after its struct. A struct of another module whose name another
    // variant has too is prefixed with its module's path (`CallRecordsUserIdentity`); the
    // clash rule settles what remains.
    let mut scope: Scope = Scope::new(Case::Pascal, &[]);
    for &m in &members {
        let q = &cx.model.ty(m).qualified;
        let r = &types.names[&m];
        let twin = members.iter().any(|&o| o != m && types.names[&o].name == r.name);
        if r.module == item.module || !twin {
            scope.claim(q.clone(), r.name.clone(), Rank::Csdl);
        } else {
            let prefix: String = r.module.iter().map(|segment| names::pascal(segment)).collect();
            scope.claim(q.clone(), format!("{prefix}{}", r.name), Rank::Derived);
        }
    }
    let names = scope
        .resolve()
        .map_err(|e| cx.error_at(t.pos, format!("type {}", t.qualified), e.message))?;
    let variants = members
        .iter()
        .map(|&m| {
            let q = cx.model.ty(m).qualified.clone();
            ir::UnionVariant {
                name: names[&q].clone(),
                ty: types.names[&m].clone(),
                qualified: q,
                boxed: false,
            }
        })
        .collect();
    let mut doc = prose(&format!("A `{}` or a type derived from it, told apart by `@odata.type`.", t.qualified));
    push_doc(
        &mut doc,
        "The type annotation is matched with or without its leading `#` and ignoring case. A value \
         without one, or of a derived type this crate does not know, is read as the declared type and \
         keeps all of its properties.",
    );
    Ok(ir::Union {
        module: item.module.clone(),
        name: item.name.clone(),
        doc,
        variants,
    })
}

/// The Rust type of an EDM primitive.
pub(super) fn primitive(p: Primitive) -> RustType {
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
        Primitive::Double => RustType::F64,
        Primitive::Decimal => RustType::Decimal,
        Primitive::DateTimeOffset => RustType::DateTimeOffset,
        Primitive::Untyped => RustType::Json,
    }
}
