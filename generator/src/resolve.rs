//! Resolve: give a parsed [`Document`] meaning.
//!
//! Aliases are expanded through the document-wide alias table, every type reference
//! becomes a [`TypeId`], base-type chains are checked for cycles, bound operations are
//! indexed by their binding type, descriptions are gathered from inline and out-of-line
//! annotations, and the configured fix-ups are applied. Errors name the element and
//! its `file:line:column`.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Fixup;
use crate::csdl::{self, AnnotationValue, Document, OperationKind, Pos, StructuredKind};
use crate::error::{Error, Location, Result};

/// Index of a type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Index of an operation in [`Model::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(pub usize);

/// The EDM primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Primitive {
    String,
    Boolean,
    Byte,
    SByte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    Guid,
    Binary,
    Stream,
    Date,
    DateTimeOffset,
    Duration,
    TimeOfDay,
    /// `Edm.Untyped`, the abstract `Edm.PrimitiveType` and the spatial types: any JSON.
    Untyped,
}

impl Primitive {
    /// All primitives with their `Edm.` names.
    pub const ALL: &'static [(&'static str, Primitive)] = &[
        ("Edm.String", Primitive::String),
        ("Edm.Boolean", Primitive::Boolean),
        ("Edm.Byte", Primitive::Byte),
        ("Edm.SByte", Primitive::SByte),
        ("Edm.Int16", Primitive::Int16),
        ("Edm.Int32", Primitive::Int32),
        ("Edm.Int64", Primitive::Int64),
        ("Edm.Single", Primitive::Single),
        ("Edm.Double", Primitive::Double),
        ("Edm.Decimal", Primitive::Decimal),
        ("Edm.Guid", Primitive::Guid),
        ("Edm.Binary", Primitive::Binary),
        ("Edm.Stream", Primitive::Stream),
        ("Edm.Date", Primitive::Date),
        ("Edm.DateTimeOffset", Primitive::DateTimeOffset),
        ("Edm.Duration", Primitive::Duration),
        ("Edm.TimeOfDay", Primitive::TimeOfDay),
        ("Edm.Untyped", Primitive::Untyped),
        ("Edm.PrimitiveType", Primitive::Untyped),
        ("Edm.Geography", Primitive::Untyped),
        ("Edm.GeographyPoint", Primitive::Untyped),
        ("Edm.GeographyLineString", Primitive::Untyped),
        ("Edm.GeographyPolygon", Primitive::Untyped),
        ("Edm.GeographyMultiPoint", Primitive::Untyped),
        ("Edm.GeographyMultiLineString", Primitive::Untyped),
        ("Edm.GeographyMultiPolygon", Primitive::Untyped),
        ("Edm.GeographyCollection", Primitive::Untyped),
        ("Edm.Geometry", Primitive::Untyped),
        ("Edm.GeometryPoint", Primitive::Untyped),
        ("Edm.GeometryLineString", Primitive::Untyped),
        ("Edm.GeometryPolygon", Primitive::Untyped),
        ("Edm.GeometryMultiPoint", Primitive::Untyped),
        ("Edm.GeometryMultiLineString", Primitive::Untyped),
        ("Edm.GeometryMultiPolygon", Primitive::Untyped),
        ("Edm.GeometryCollection", Primitive::Untyped),
    ];
}

/// A resolved reference to a type, possibly a collection of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeRef {
    pub id: TypeId,
    pub collection: bool,
}

/// A named type of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// `namespace.Name`, e.g. `microsoft.graph.vppToken`; `Edm.String` for primitives.
    pub qualified: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: TypeKind,
    pub pos: Pos,
}

/// What a [`TypeDef`] is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Primitive(Primitive),
    /// `Edm.EntityType` / `Edm.ComplexType`: an abstract structured type; any JSON object.
    AnyStructured,
    /// A `TypeDefinition`, with its underlying primitive.
    Definition(Primitive),
    Enum(EnumDef),
    Structured(StructDef),
}

/// An `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub is_flags: bool,
    pub members: Vec<MemberDef>,
}

/// An enum member.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDef {
    pub name: String,
    pub value: i64,
    pub description: Option<String>,
    pub pos: Pos,
}

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub kind: StructuredKind,
    pub base: Option<TypeId>,
    pub is_abstract: bool,
    pub open_type: bool,
    /// Key property names (declared on this type).
    pub key: Vec<String>,
    /// Properties declared on this type (not inherited).
    pub properties: Vec<PropertyDef>,
    /// Navigation properties declared on this type (not inherited).
    pub navigation: Vec<NavigationDef>,
}

/// A structural property.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDef {
    pub name: String,
    pub ty: TypeRef,
    /// The effective `Nullable` (CSDL's default is `true`). For a collection it speaks of
    /// the items.
    pub nullable: bool,
    pub description: Option<String>,
    pub pos: Pos,
}

/// A navigation property.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationDef {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    pub contains_target: bool,
    pub description: Option<String>,
    pub pos: Pos,
}

/// An action or function.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationDef {
    pub kind: OperationKind,
    pub qualified: String,
    pub name: String,
    /// The binding parameter's type, for a bound operation.
    pub binding: Option<TypeRef>,
    /// The parameters after the binding parameter.
    pub parameters: Vec<ParameterDef>,
    pub return_type: Option<ReturnDef>,
    pub is_composable: bool,
    pub description: Option<String>,
    pub pos: Pos,
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDef {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    pub description: Option<String>,
    pub pos: Pos,
}

/// An operation's return type.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnDef {
    pub ty: TypeRef,
    pub nullable: bool,
}

/// A singleton or entity set of the entity container.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerChild {
    pub name: String,
    pub ty: TypeId,
    /// `true` for an entity set, `false` for a singleton.
    pub is_set: bool,
    pub pos: Pos,
}

/// The resolved model of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub file: String,
    pub types: Vec<TypeDef>,
    pub by_name: BTreeMap<String, TypeId>,
    pub operations: Vec<OperationDef>,
    /// Direct derived types of each structured type, sorted by qualified name.
    pub derived: BTreeMap<TypeId, Vec<TypeId>>,
    /// Bound operations by binding type, sorted by qualified name.
    pub bound: BTreeMap<TypeRef, Vec<OperationId>>,
    /// Singletons and entity sets by name.
    pub container: BTreeMap<String, ContainerChild>,
    /// The namespace of the schema that holds the entity container (the first by name if
    /// several do).
    pub container_namespace: Option<String>,
}

const DESCRIPTION_TERM: &str = "Org.OData.Core.V1.Description";

impl Model {
    /// The type with this id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The structured type with this id, if it is one.
    pub fn structured(&self, id: TypeId) -> Option<&StructDef> {
        match &self.ty(id).kind {
            TypeKind::Structured(s) => Some(s),
            _ => None,
        }
    }

    /// The base-type chain of `id`, from the root down to `id` itself.
    pub fn chain(&self, id: TypeId) -> Vec<TypeId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(base) = self.structured(current).and_then(|s| s.base) {
            chain.push(base);
            current = base;
        }
        chain.reverse();
        chain
    }

    /// All properties of `id`, inherited first.
    pub fn all_properties(&self, id: TypeId) -> Vec<&PropertyDef> {
        self.chain(id)
            .into_iter()
            .filter_map(|t| self.structured(t))
            .flat_map(|s| s.properties.iter())
            .collect()
    }

    /// All navigation properties of `id`, inherited first.
    pub fn all_navigation(&self, id: TypeId) -> Vec<&NavigationDef> {
        self.chain(id)
            .into_iter()
            .filter_map(|t| self.structured(t))
            .flat_map(|s| s.navigation.iter())
            .collect()
    }

    /// The key property names of `id` (declared on it or inherited).
    pub fn key(&self, id: TypeId) -> Vec<String> {
        self.chain(id)
            .into_iter()
            .filter_map(|t| self.structured(t))
            .flat_map(|s| s.key.iter().cloned())
            .collect()
    }

    /// All types derived from `id`, transitively, sorted by qualified name.
    pub fn all_derived(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(t) = stack.pop() {
            for &d in self.derived.get(&t).map(Vec::as_slice).unwrap_or_default() {
                if out.insert(d) {
                    stack.push(d);
                }
            }
        }
        let mut v: Vec<_> = out.into_iter().collect();
        v.sort_by(|a, b| self.ty(*a).qualified.cmp(&self.ty(*b).qualified));
        v
    }

    /// Looks a type up by its qualified name.
    pub fn lookup(&self, qualified: &str) -> Option<TypeId> {
        self.by_name.get(qualified).copied()
    }
}

/// Resolves `doc` and applies `fixups`.
pub fn resolve(doc: &Document, fixups: &[Fixup]) -> Result<Model> {
    let mut r = Resolver::new(doc);
    r.declare()?;
    r.define()?;
    r.check_cycles()?;
    r.index();
    r.apply_annotations();
    let mut model = r.model;
    apply_fixups(&mut model, fixups)?;
    Ok(model)
}

struct Resolver<'a> {
    doc: &'a Document,
    /// Alias or namespace → namespace.
    aliases: BTreeMap<String, String>,
    /// Whether each declared structured type is an entity or a complex type.
    declared_kinds: BTreeMap<TypeId, StructuredKind>,
    model: Model,
}

impl<'a> Resolver<'a> {
    fn new(doc: &'a Document) -> Self {
        let mut aliases = BTreeMap::new();
        for include in doc.references.iter().flat_map(|r| &r.includes) {
            aliases.insert(include.namespace.clone(), include.namespace.clone());
            if let Some(alias) = &include.alias {
                aliases.insert(alias.clone(), include.namespace.clone());
            }
        }
        for schema in &doc.schemas {
            aliases.insert(schema.namespace.clone(), schema.namespace.clone());
            if let Some(alias) = &schema.alias {
                aliases.insert(alias.clone(), schema.namespace.clone());
            }
        }
        let mut model = Model {
            file: doc.file.clone(),
            types: Vec::new(),
            by_name: BTreeMap::new(),
            operations: Vec::new(),
            derived: BTreeMap::new(),
            bound: BTreeMap::new(),
            container: BTreeMap::new(),
            container_namespace: None,
        };
        for &(name, p) in Primitive::ALL {
            add_type(&mut model, name, TypeKind::Primitive(p), Pos::default());
        }
        add_type(
            &mut model,
            "Edm.EntityType",
            TypeKind::AnyStructured,
            Pos::default(),
        );
        add_type(
            &mut model,
            "Edm.ComplexType",
            TypeKind::AnyStructured,
            Pos::default(),
        );
        Resolver {
            doc,
            aliases,
            declared_kinds: BTreeMap::new(),
            model,
        }
    }

    fn location(&self, pos: Pos) -> Location {
        Location::new(self.doc.file.clone(), pos)
    }

    fn error(&self, pos: Pos, element: String, message: impl Into<String>) -> Error {
        Error::Resolve {
            location: self.location(pos),
            element,
            message: message.into(),
        }
    }

    /// Expands an alias-qualified name (`graph.vppToken`) to `microsoft.graph.vppToken`.
    fn qualify(&self, name: &str) -> String {
        if name.starts_with("Edm.") {
            return name.to_owned();
        }
        match name.rsplit_once('.') {
            Some((ns, local)) => match self.aliases.get(ns) {
                Some(full) => format!("{full}.{local}"),
                None => name.to_owned(),
            },
            None => name.to_owned(),
        }
    }

    /// Pass 1: give every named type an id, so that references can be resolved in any order.
    fn declare(&mut self) -> Result<()> {
        let doc = self.doc;
        for schema in &doc.schemas {
            let ns = &schema.namespace;
            let placeholders = schema
                .enum_types
                .iter()
                .map(|e| (&e.name, e.pos, "EnumType", None))
                .chain(
                    schema
                        .entity_types
                        .iter()
                        .map(|t| (&t.name, t.pos, "EntityType", Some(StructuredKind::Entity))),
                )
                .chain(
                    schema
                        .complex_types
                        .iter()
                        .map(|t| (&t.name, t.pos, "ComplexType", Some(StructuredKind::Complex))),
                )
                .chain(
                    schema
                        .type_definitions
                        .iter()
                        .map(|t| (&t.name, t.pos, "TypeDefinition", None)),
                );
            for (name, pos, element, kind) in placeholders {
                let qualified = format!("{ns}.{name}");
                if let Some(&existing) = self.model.by_name.get(&qualified) {
                    let first = self.model.ty(existing).pos;
                    // The built-in `Edm` types, added first, are the only ones without a position.
                    let message = if first == Pos::default() {
                        format!(
                            "`{qualified}` is a built-in type and cannot be declared (the `Edm` namespace is reserved)"
                        )
                    } else {
                        format!(
                            "declared twice (first at line {}:{})",
                            first.line, first.column
                        )
                    };
                    return Err(self.error(pos, format!("{element} {qualified}"), message));
                }
                let id = add_type(&mut self.model, &qualified, TypeKind::AnyStructured, pos);
                if let Some(kind) = kind {
                    self.declared_kinds.insert(id, kind);
                }
            }
        }
        Ok(())
    }

    fn type_ref(
        &self,
        written: &str,
        pos: Pos,
        element: impl FnOnce() -> String,
    ) -> Result<TypeRef> {
        let (inner, collection) = match written
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            Some(inner) => (inner.trim(), true),
            None => (written.trim(), false),
        };
        let qualified = self.qualify(inner);
        match self.model.by_name.get(&qualified) {
            Some(&id) => Ok(TypeRef { id, collection }),
            None => Err(self.error(pos, element(), format!("unknown type `{written}`"))),
        }
    }

    fn single_type(
        &self,
        written: &str,
        pos: Pos,
        element: impl FnOnce() -> String,
    ) -> Result<TypeId> {
        let element_name = element();
        let r = self.type_ref(written, pos, || element_name.clone())?;
        if r.collection {
            return Err(self.error(
                pos,
                element_name,
                format!("`{written}` must not be a collection"),
            ));
        }
        Ok(r.id)
    }

    /// Pass 2: fill in every declared type, operation and container child.
    fn define(&mut self) -> Result<()> {
        let doc = self.doc;
        for schema in &doc.schemas {
            let ns = &schema.namespace;
            for e in &schema.enum_types {
                let mut members = Vec::with_capacity(e.members.len());
                let mut next = 0i64;
                for m in &e.members {
                    let value = m.value.unwrap_or(next);
                    next = value.saturating_add(1);
                    members.push(MemberDef {
                        name: m.name.clone(),
                        value,
                        description: description_of(&m.annotations),
                        pos: m.pos,
                    });
                }
                let id = self.model.by_name[&format!("{ns}.{}", e.name)];
                let t = &mut self.model.types[id.0];
                t.kind = TypeKind::Enum(EnumDef {
                    is_flags: e.is_flags,
                    members,
                });
                t.description = description_of(&e.annotations);
            }
            for d in &schema.type_definitions {
                let qualified = format!("{ns}.{}", d.name);
                let under = self.single_type(&d.underlying_type, d.pos, || {
                    format!("TypeDefinition {qualified}")
                })?;
                let TypeKind::Primitive(p) = self.model.ty(under).kind else {
                    return Err(self.error(
                        d.pos,
                        format!("TypeDefinition {qualified}"),
                        "the underlying type must be a primitive type",
                    ));
                };
                let id = self.model.by_name[&qualified];
                self.model.types[id.0].kind = TypeKind::Definition(p);
                self.model.types[id.0].description = description_of(&d.annotations);
            }
            for t in schema.entity_types.iter().chain(&schema.complex_types) {
                let def = self.structured(ns, t)?;
                let id = self.model.by_name[&format!("{ns}.{}", t.name)];
                self.model.types[id.0].kind = TypeKind::Structured(def);
                self.model.types[id.0].description = description_of(&t.annotations);
            }
        }
        // Operations and container children last: they may refer to types of any schema.
        for schema in &doc.schemas {
            let ns = &schema.namespace;
            for op in schema.actions.iter().chain(&schema.functions) {
                let def = self.operation(ns, op)?;
                self.model.operations.push(def);
            }
            if !schema.entity_containers.is_empty()
                && self
                    .model
                    .container_namespace
                    .as_ref()
                    .is_none_or(|n| ns < n)
            {
                self.model.container_namespace = Some(ns.clone());
            }
            for c in &schema.entity_containers {
                for s in &c.singletons {
                    let ty =
                        self.single_type(&s.type_name, s.pos, || format!("Singleton {}", s.name))?;
                    self.container_child(&s.name, ty, false, s.pos)?;
                }
                for s in &c.entity_sets {
                    let ty = self
                        .single_type(&s.entity_type, s.pos, || format!("EntitySet {}", s.name))?;
                    self.container_child(&s.name, ty, true, s.pos)?;
                }
            }
        }
        Ok(())
    }

    fn container_child(&mut self, name: &str, ty: TypeId, is_set: bool, pos: Pos) -> Result<()> {
        let kind = if is_set { "EntitySet" } else { "Singleton" };
        if self.model.structured(ty).map(|s| s.kind) != Some(StructuredKind::Entity) {
            return Err(self.error(
                pos,
                format!("{kind} {name}"),
                "its type must be an entity type",
            ));
        }
        self.model.container.insert(
            name.to_owned(),
            ContainerChild {
                name: name.to_owned(),
                ty,
                is_set,
                pos,
            },
        );
        Ok(())
    }

    fn structured(&self, ns: &str, t: &csdl::StructuredType) -> Result<StructDef> {
        let element = match t.kind {
            StructuredKind::Entity => "EntityType",
            StructuredKind::Complex => "ComplexType",
        };
        let qualified = format!("{ns}.{}", t.name);
        let base = match &t.base_type {
            Some(b) => {
                let id = self.single_type(b, t.pos, || format!("{element} {qualified}"))?;
                if !matches!(
                    &self.model.ty(id).kind,
                    TypeKind::Structured(_) | TypeKind::AnyStructured
                ) || self.doc_kind(id) != Some(t.kind)
                {
                    return Err(self.error(
                        t.pos,
                        format!("{element} {qualified}"),
                        format!("base type `{b}` is not an {}", element_article(element)),
                    ));
                }
                Some(id)
            }
            None => None,
        };
        let mut properties = Vec::with_capacity(t.properties.len());
        for p in &t.properties {
            let ty = self.type_ref(&p.type_name, p.pos, || {
                format!("Property {}/{}", t.name, p.name)
            })?;
            properties.push(PropertyDef {
                name: p.name.clone(),
                ty,
                nullable: p.nullable.unwrap_or(true),
                description: description_of(&p.annotations),
                pos: p.pos,
            });
        }
        let mut navigation = Vec::with_capacity(t.navigation_properties.len());
        for n in &t.navigation_properties {
            let ty = self.type_ref(&n.type_name, n.pos, || {
                format!("NavigationProperty {}/{}", t.name, n.name)
            })?;
            navigation.push(NavigationDef {
                name: n.name.clone(),
                ty,
                nullable: n.nullable.unwrap_or(true),
                contains_target: n.contains_target,
                description: description_of(&n.annotations),
                pos: n.pos,
            });
        }
        Ok(StructDef {
            kind: t.kind,
            base,
            is_abstract: t.is_abstract,
            open_type: t.open_type,
            key: t.key.clone(),
            properties,
            navigation,
        })
    }

    /// The CSDL kind a declared type was written as (known before pass 2 completes).
    fn doc_kind(&self, id: TypeId) -> Option<StructuredKind> {
        self.declared_kinds.get(&id).copied()
    }

    fn operation(&self, ns: &str, op: &csdl::Operation) -> Result<OperationDef> {
        let element = match op.kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        let qualified = format!("{ns}.{}", op.name);
        let mut params = Vec::with_capacity(op.parameters.len());
        for p in &op.parameters {
            let ty = self.type_ref(&p.type_name, p.pos, || {
                format!("{element} {qualified}, Parameter {}", p.name)
            })?;
            params.push(ParameterDef {
                name: p.name.clone(),
                ty,
                nullable: p.nullable.unwrap_or(true),
                description: description_of(&p.annotations),
                pos: p.pos,
            });
        }
        let binding = if op.is_bound {
            if params.is_empty() {
                return Err(self.error(
                    op.pos,
                    format!("{element} {qualified}"),
                    "a bound operation needs a binding parameter",
                ));
            }
            Some(params.remove(0).ty)
        } else {
            None
        };
        let return_type = match &op.return_type {
            Some(r) => Some(ReturnDef {
                ty: self.type_ref(&r.type_name, r.pos, || {
                    format!("{element} {qualified}, ReturnType")
                })?,
                nullable: r.nullable.unwrap_or(true),
            }),
            None => None,
        };
        if op.kind == OperationKind::Function && return_type.is_none() {
            return Err(self.error(
                op.pos,
                format!("Function {qualified}"),
                "a function needs a ReturnType",
            ));
        }
        Ok(OperationDef {
            kind: op.kind,
            qualified,
            name: op.name.clone(),
            binding,
            parameters: params,
            return_type,
            is_composable: op.is_composable,
            description: description_of(&op.annotations),
            pos: op.pos,
        })
    }

    fn check_cycles(&self) -> Result<()> {
        for (i, t) in self.model.types.iter().enumerate() {
            let mut seen = BTreeSet::from([i]);
            let mut current = TypeId(i);
            while let Some(base) = self.model.structured(current).and_then(|s| s.base) {
                if !seen.insert(base.0) {
                    let names: Vec<_> = seen
                        .iter()
                        .map(|&s| self.model.types[s].qualified.as_str())
                        .collect();
                    return Err(self.error(
                        t.pos,
                        format!("type {}", t.qualified),
                        format!("cyclic base type (through {})", names.join(", ")),
                    ));
                }
                current = base;
            }
        }
        Ok(())
    }

    fn index(&mut self) {
        let mut derived: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
        for (i, t) in self.model.types.iter().enumerate() {
            if let TypeKind::Structured(s) = &t.kind
                && let Some(base) = s.base
            {
                derived.entry(base).or_default().push(TypeId(i));
            }
        }
        for list in derived.values_mut() {
            list.sort_by(|a, b| {
                self.model
                    .ty(*a)
                    .qualified
                    .cmp(&self.model.ty(*b).qualified)
            });
        }
        self.model.derived = derived;
        let mut bound: BTreeMap<TypeRef, Vec<OperationId>> = BTreeMap::new();
        for (i, op) in self.model.operations.iter().enumerate() {
            if let Some(b) = op.binding {
                bound.entry(b).or_default().push(OperationId(i));
            }
        }
        for list in bound.values_mut() {
            list.sort_by(|a, b| {
                let (a, b) = (&self.model.operations[a.0], &self.model.operations[b.0]);
                (&a.name, a.pos).cmp(&(&b.name, b.pos))
            });
        }
        self.model.bound = bound;
    }

    /// Applies the descriptions of out-of-line `Annotations` blocks; they win over inline
    /// ones. Targets that name nothing in the model are ignored (annotations only inform).
    fn apply_annotations(&mut self) {
        let doc = self.doc;
        for schema in &doc.schemas {
            for block in &schema.annotations {
                let Some(text) = description_of(&block.annotations) else {
                    continue;
                };
                if let Some(slot) = self.description_slot(&block.target) {
                    *slot = Some(text);
                }
            }
        }
    }

    fn description_slot(&mut self, target: &str) -> Option<&mut Option<String>> {
        if let Some((name, args)) = target.split_once('(') {
            // `ns.operation(bindingType, paramType, …)`: match name and binding type.
            let qualified = self.qualify(name.trim());
            let binding = args
                .trim_end_matches(')')
                .split(',')
                .next()
                .map(str::trim)
                .unwrap_or("");
            let binding = if binding.is_empty() {
                None
            } else {
                let (inner, collection) = match binding.strip_prefix("Collection(") {
                    Some(rest) => (rest.trim_end_matches(')'), true),
                    None => (binding, false),
                };
                let id = self.model.lookup(&self.qualify(inner))?;
                Some(TypeRef { id, collection })
            };
            let op = self
                .model
                .operations
                .iter_mut()
                .find(|op| op.qualified == qualified && op.binding == binding)?;
            return Some(&mut op.description);
        }
        let (type_name, member) = match target.split_once('/') {
            Some((t, m)) => (t, Some(m)),
            None => (target, None),
        };
        let id = self.model.lookup(&self.qualify(type_name))?;
        let ty = &mut self.model.types[id.0];
        match (member, &mut ty.kind) {
            (None, _) => Some(&mut ty.description),
            (Some(m), TypeKind::Structured(s)) => {
                if let Some(p) = s.properties.iter_mut().find(|p| p.name == m) {
                    return Some(&mut p.description);
                }
                s.navigation
                    .iter_mut()
                    .find(|n| n.name == m)
                    .map(|n| &mut n.description)
            }
            (Some(m), TypeKind::Enum(e)) => e
                .members
                .iter_mut()
                .find(|x| x.name == m)
                .map(|x| &mut x.description),
            _ => None,
        }
    }
}

fn element_article(element: &str) -> &'static str {
    if element == "EntityType" {
        "entity type"
    } else {
        "complex type"
    }
}

fn add_type(model: &mut Model, qualified: &str, kind: TypeKind, pos: Pos) -> TypeId {
    let id = TypeId(model.types.len());
    let name = qualified
        .rsplit_once('.')
        .map_or(qualified, |(_, n)| n)
        .to_owned();
    model.types.push(TypeDef {
        qualified: qualified.to_owned(),
        name,
        description: None,
        kind,
        pos,
    });
    model.by_name.insert(qualified.to_owned(), id);
    id
}

/// The text of a `Core.Description` annotation among `annotations`, if any.
fn description_of(annotations: &[csdl::Annotation]) -> Option<String> {
    annotations.iter().find_map(|a| {
        let is_description = a.term == DESCRIPTION_TERM || a.term == "Core.Description";
        match (&a.value, is_description && a.qualifier.is_none()) {
            (AnnotationValue::String(s), true) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        }
    })
}

/// Applies the configured corrections. A fix-up whose target does not exist is an error:
/// a stale fix-up must not pass silently.
fn apply_fixups(model: &mut Model, fixups: &[Fixup]) -> Result<()> {
    for f in fixups {
        let (type_name, member) = match f.target.split_once('/') {
            Some((t, m)) => (t, Some(m)),
            None => (f.target.as_str(), None),
        };
        let file = model.file.clone();
        let missing = || Error::Model {
            context: format!("fixup `{}`", f.target),
            message: format!("{file}: no such type, property or member"),
        };
        let id = model.lookup(type_name).ok_or_else(missing)?;
        let ty = &mut model.types[id.0];
        match (member, &mut ty.kind) {
            (None, _) => {
                if let Some(d) = &f.description {
                    ty.description = Some(d.clone());
                }
            }
            (Some(m), TypeKind::Structured(s)) => {
                let p = s
                    .properties
                    .iter_mut()
                    .find(|p| p.name == m)
                    .ok_or_else(|| Error::Model {
                        context: format!("fixup `{}`", f.target),
                        message: "no such property".into(),
                    })?;
                if let Some(d) = &f.description {
                    p.description = Some(d.clone());
                }
                if let Some(n) = f.nullable {
                    p.nullable = n;
                }
            }
            (Some(m), TypeKind::Enum(e)) => {
                let x = e
                    .members
                    .iter_mut()
                    .find(|x| x.name == m)
                    .ok_or_else(|| Error::Model {
                        context: format!("fixup `{}`", f.target),
                        message: "no such member".into(),
                    })?;
                if let Some(d) = &f.description {
                    x.description = Some(d.clone());
                }
            }
            _ => return Err(missing()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_document;

    fn model(body: &str) -> Result<Model> {
        let text = format!(
            "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n\
             <edmx:DataServices>\n\
             <Schema Namespace=\"microsoft.graph\" Alias=\"graph\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n\
             {body}\n\
             </Schema>\n\
             </edmx:DataServices>\n\
             </edmx:Edmx>\n"
        );
        resolve(&parse_document("m.xml", &text)?, &[])
    }

    const SAMPLE: &str = r#"<EnumType Name="state"><Member Name="a" /><Member Name="b" Value="5" /><Member Name="c" /></EnumType>
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<EntityType Name="token" BaseType="graph.entity">
  <Property Name="state" Type="graph.state" Nullable="false"><Annotation Term="Org.OData.Core.V1.Description" String="inline" /></Property>
  <Property Name="tags" Type="Collection(Edm.String)" />
</EntityType>
<ComplexType Name="result" />
<ComplexType Name="special" BaseType="microsoft.graph.result" />
<Action Name="sync" IsBound="true"><Parameter Name="b" Type="graph.token" /><ReturnType Type="graph.token" /></Action>
<Action Name="revoke" IsBound="true"><Parameter Name="b" Type="graph.token" /><Parameter Name="notify" Type="Edm.Boolean" Nullable="false" /></Action>
<Function Name="find" IsBound="true"><Parameter Name="b" Type="Collection(graph.token)" /><Parameter Name="q" Type="Edm.String" /><ReturnType Type="Collection(graph.result)" /></Function>
<EntityContainer Name="c"><EntitySet Name="tokens" EntityType="graph.token" /></EntityContainer>
<Annotations Target="microsoft.graph.token/state"><Annotation Term="Org.OData.Core.V1.Description" String="out of line" /></Annotations>
<Annotations Target="microsoft.graph.revoke(microsoft.graph.token, Edm.Boolean)"><Annotation Term="Org.OData.Core.V1.Description" String="revokes" /></Annotations>
<Annotations Target="microsoft.graph.sync(microsoft.graph.token)"><Annotation Term="Org.OData.Core.V1.Description" String="syncs" /></Annotations>
<Annotations Target="microsoft.graph.nothing/here"><Annotation Term="Org.OData.Core.V1.Description" String="ignored" /></Annotations>"#;

    #[test]
    fn resolves_aliases_chains_and_collections() {
        let m = model(SAMPLE).unwrap();
        let token = m.lookup("microsoft.graph.token").unwrap();
        let entity = m.lookup("microsoft.graph.entity").unwrap();
        assert_eq!(m.chain(token), vec![entity, token]);
        assert_eq!(m.key(token), vec!["id".to_owned()]);
        let names: Vec<_> = m
            .all_properties(token)
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["id", "state", "tags"]);
        let tags = m.all_properties(token)[2];
        assert!(tags.ty.collection && tags.nullable);
        assert_eq!(m.ty(tags.ty.id).qualified, "Edm.String");
        let state = m.all_properties(token)[1];
        assert!(!state.nullable);
        let TypeKind::Enum(e) = &m.ty(state.ty.id).kind else {
            panic!("an enum")
        };
        let values: Vec<_> = e
            .members
            .iter()
            .map(|x| (x.name.as_str(), x.value))
            .collect();
        assert_eq!(values, [("a", 0), ("b", 5), ("c", 6)]);
        let result = m.lookup("microsoft.graph.result").unwrap();
        assert_eq!(
            m.all_derived(result),
            vec![m.lookup("microsoft.graph.special").unwrap()]
        );
        assert!(m.container["tokens"].is_set);
    }

    #[test]
    fn out_of_line_descriptions_win_and_operation_targets_match_both_forms() {
        let m = model(SAMPLE).unwrap();
        let token = m.lookup("microsoft.graph.token").unwrap();
        assert_eq!(
            m.all_properties(token)[1].description.as_deref(),
            Some("out of line")
        );
        let op = |name: &str| m.operations.iter().find(|o| o.name == name).unwrap();
        assert_eq!(op("revoke").description.as_deref(), Some("revokes"));
        assert_eq!(op("sync").description.as_deref(), Some("syncs"));
        assert_eq!(op("revoke").parameters.len(), 1);
        let bound = &m.bound[&TypeRef {
            id: token,
            collection: true,
        }];
        assert_eq!(m.operations[bound[0].0].name, "find");
        let by_entity: Vec<_> = m.bound[&TypeRef {
            id: token,
            collection: false,
        }]
            .iter()
            .map(|o| m.operations[o.0].name.as_str())
            .collect();
        assert_eq!(by_entity, ["revoke", "sync"]);
    }

    #[test]
    fn fixups_replace_descriptions_and_nullability_and_must_hit_something() {
        let doc = parse_document(
            "m.xml",
            &format!("<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices><Schema Namespace=\"microsoft.graph\" Alias=\"graph\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">{SAMPLE}</Schema></edmx:DataServices></edmx:Edmx>"),
        )
        .unwrap();
        let fix = |target: &str| Fixup {
            target: target.into(),
            reason: "test".into(),
            description: Some("fixed".into()),
            nullable: Some(true),
        };
        let m = resolve(
            &doc,
            &[
                fix("microsoft.graph.token/state"),
                fix("microsoft.graph.state/b"),
            ],
        )
        .unwrap();
        let token = m.lookup("microsoft.graph.token").unwrap();
        let state = m.all_properties(token)[1];
        assert_eq!(
            (state.description.as_deref(), state.nullable),
            (Some("fixed"), true)
        );
        let err = resolve(&doc, &[fix("microsoft.graph.token/nope")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("fixup `microsoft.graph.token/nope`"), "{err}");
    }

    #[test]
    fn errors_name_the_element_and_position() {
        let err = model("<ComplexType Name=\"a\" BaseType=\"graph.b\" />\n<ComplexType Name=\"b\" BaseType=\"graph.a\" />")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("m.xml:4:1: type microsoft.graph.a: cyclic base type"),
            "{err}"
        );
        let err =
            model("<EntityType Name=\"a\" BaseType=\"graph.c\" />\n<ComplexType Name=\"c\" />")
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("base type `graph.c` is not an entity type"),
            "{err}"
        );
        let err = model("<ComplexType Name=\"a\">\n  <Property Name=\"p\" Type=\"graph.nope\" />\n</ComplexType>")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "m.xml:5:3: Property a/p: unknown type `graph.nope`");
    }
}
