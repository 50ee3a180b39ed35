//! Resolve: give a parsed [`Document`] meaning.
//!
//! Aliases are expanded through the document-wide alias table, every type reference
//! becomes a [`TypeId`], base-type chains are checked for cycles, bound operations are
//! indexed by their binding type, descriptions are gathered from inline and out-of-line
//! annotations, the annotations of types, properties, operations and container paths are
//! kept whole by [`Target`] with their terms in full (see [`Model::annotation`]), and the
//! configured fix-ups are applied. Errors name the element and its `file:line:column`.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Fixup;
use crate::csdl::{
    self, Annotation, AnnotationValue, Document, OperationKind, Pos, StructuredKind,
};
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
    /// The annotations of types, properties, navigation properties, enum members,
    /// operations, entity sets, singletons and paths below them, inline and out of line,
    /// with every term (nested ones too) written in full: see [`Model::annotation`].
    pub annotations: BTreeMap<Target, Vec<Annotation>>,
}

/// What an annotation applies to: the key of [`Model::annotations`].
///
/// An out-of-line `Annotations Target=".."` block is matched to one as follows, aliases
/// expanded:
///
/// - `ns.type` is [`Target::Type`]; `ns.type/name` is [`Target::Property`] (a structural
///   or navigation property) or [`Target::Member`] (an enum member);
/// - `ns.operation(bindingType, …)` is [`Target::Operation`] for the operation of that
///   name and binding type (the first if several); `ns.operation(…)` with no parameters
///   the unbound one; `ns.operation`, when no type has that name, every overload;
/// - `ns.Container/child/…` is [`Target::Path`], when `child` is an entity set or a
///   singleton; so is `child/…` without the container, as Graph writes some targets.
///
/// A target that names nothing in the model is ignored, as its descriptions are: annotations
/// only inform, and a stale one is no error.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A type: entity, complex, enum or type definition.
    Type(TypeId),
    /// A structural or navigation property of a structured type, by name (the two share
    /// the names of a type).
    Property(TypeId, String),
    /// A member of an enum type, by name.
    Member(TypeId, String),
    /// An action or function overload.
    Operation(OperationId),
    /// A path from the entity container: the name of an entity set or singleton, then
    /// navigation properties (`["deviceAppManagement", "mobileApps"]`) and type casts (in
    /// full), as written in the target.
    Path(Vec<String>),
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

    /// The value of the annotation of `target` with the term `term`, written in full
    /// (`Org.OData.Validation.V1.DerivedTypeConstraint`, whatever alias the document used)
    /// and without a qualifier; `None` when there is none.
    ///
    /// An out-of-line annotation replaces an inline one of the same term and qualifier (as
    /// descriptions do); of two out-of-line ones, the block read last wins.
    ///
    /// ```
    /// use graph_vpptoken_codegen::parse::parse_document;
    /// use graph_vpptoken_codegen::resolve::{Target, resolve};
    ///
    /// let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
    ///   <edmx:Reference Uri="https://example.test/Validation.xml">
    ///     <edmx:Include Namespace="Org.OData.Validation.V1" Alias="Validation" />
    ///   </edmx:Reference>
    ///   <edmx:DataServices>
    ///     <Schema Namespace="ex.ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
    ///       <EntityType Name="app" />
    ///       <EntityType Name="root">
    ///         <NavigationProperty Name="apps" Type="Collection(ex.ns.app)">
    ///           <Annotation Term="Validation.DerivedTypeConstraint">
    ///             <Collection><String>ex.ns.iosApp</String></Collection>
    ///           </Annotation>
    ///         </NavigationProperty>
    ///       </EntityType>
    ///     </Schema>
    ///   </edmx:DataServices>
    /// </edmx:Edmx>"#;
    /// let model = resolve(&parse_document("example.xml", text).unwrap(), &[]).unwrap();
    /// let root = model.lookup("ex.ns.root").unwrap();
    /// let constraint = model.annotation(
    ///     &Target::Property(root, "apps".into()),
    ///     "Org.OData.Validation.V1.DerivedTypeConstraint",
    /// );
    /// assert_eq!(constraint.and_then(|value| value.strings()), Some(vec!["ex.ns.iosApp"]));
    /// ```
    pub fn annotation(&self, target: &Target, term: &str) -> Option<&AnnotationValue> {
        self.annotations_of(target)
            .iter()
            .find(|a| a.term == term && a.qualifier.is_none())
            .map(|a| &a.value)
    }

    /// Every annotation of `target` (qualified ones too), terms in full: inline ones in
    /// the order written, then those of out-of-line blocks. Empty when there is none.
    pub fn annotations_of(&self, target: &Target) -> &[Annotation] {
        self.annotations.get(target).map_or(&[], Vec::as_slice)
    }
}

/// Resolves `doc` and applies `fixups`.
pub fn resolve(doc: &Document, fixups: &[Fixup]) -> Result<Model> {
    let mut r = Resolver::new(doc);
    r.declare()?;
    r.define()?;
    r.check_cycles()?;
    r.index();
    r.collect_inline_annotations();
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
    /// The qualified names of the entity containers.
    containers: BTreeSet<String>,
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
            annotations: BTreeMap::new(),
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
            containers: doc
                .schemas
                .iter()
                .flat_map(|s| {
                    s.entity_containers
                        .iter()
                        .map(|c| format!("{}.{}", s.namespace, c.name))
                })
                .collect(),
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

    /// Keeps the inline annotations of every element [`Target`] can name, terms in full.
    fn collect_inline_annotations(&mut self) {
        let doc = self.doc;
        let mut operations = 0..;
        let add = |map: &mut BTreeMap<Target, Vec<Annotation>>, target, list: &[Annotation]| {
            if !list.is_empty() {
                let kept = map.entry(target).or_default();
                for a in list {
                    keep_first_written(kept, self.qualified_annotation(a, None));
                }
            }
        };
        let mut map = BTreeMap::new();
        for schema in &doc.schemas {
            let ns = &schema.namespace;
            let id = |name: &str| self.model.by_name[&format!("{ns}.{name}")];
            for t in schema.entity_types.iter().chain(&schema.complex_types) {
                let ty = id(&t.name);
                add(&mut map, Target::Type(ty), &t.annotations);
                for p in &t.properties {
                    add(
                        &mut map,
                        Target::Property(ty, p.name.clone()),
                        &p.annotations,
                    );
                }
                for n in &t.navigation_properties {
                    add(
                        &mut map,
                        Target::Property(ty, n.name.clone()),
                        &n.annotations,
                    );
                }
            }
            for e in &schema.enum_types {
                let ty = id(&e.name);
                add(&mut map, Target::Type(ty), &e.annotations);
                for m in &e.members {
                    add(&mut map, Target::Member(ty, m.name.clone()), &m.annotations);
                }
            }
            for d in &schema.type_definitions {
                add(&mut map, Target::Type(id(&d.name)), &d.annotations);
            }
        }
        // `define` pushed the operations in this order: schema by schema, actions first.
        for schema in &doc.schemas {
            for op in schema.actions.iter().chain(&schema.functions) {
                let id = OperationId(operations.next().unwrap_or_default());
                add(&mut map, Target::Operation(id), &op.annotations);
            }
            for c in &schema.entity_containers {
                for s in &c.entity_sets {
                    add(&mut map, Target::Path(vec![s.name.clone()]), &s.annotations);
                }
                for s in &c.singletons {
                    add(&mut map, Target::Path(vec![s.name.clone()]), &s.annotations);
                }
            }
        }
        self.model.annotations = map;
    }

    /// Applies out-of-line `Annotations` blocks: their descriptions, which win over inline
    /// ones, and their annotations, which replace inline ones of the same term and
    /// qualifier. Of two blocks that set one term of one target, the one written first wins,
    /// whatever the order of the blocks. Targets that name nothing in the model are ignored
    /// (annotations only inform).
    fn apply_annotations(&mut self) {
        let doc = self.doc;
        let mut descriptions: BTreeMap<Target, (Pos, &str)> = BTreeMap::new();
        let mut from_blocks: BTreeMap<Target, Vec<Annotation>> = BTreeMap::new();
        for schema in &doc.schemas {
            for block in &schema.annotations {
                let targets = self.targets_of(&block.target);
                if targets.is_empty() {
                    continue;
                }
                let annotations: Vec<Annotation> = block
                    .annotations
                    .iter()
                    .map(|a| self.qualified_annotation(a, block.qualifier.as_deref()))
                    .collect();
                let description = first_description(&block.annotations);
                for target in targets {
                    if let Some((pos, text)) = description {
                        let kept = descriptions.entry(target.clone()).or_insert((pos, text));
                        if pos < kept.0 {
                            *kept = (pos, text);
                        }
                    }
                    let kept = from_blocks.entry(target).or_default();
                    for annotation in &annotations {
                        keep_first_written(kept, annotation.clone());
                    }
                }
            }
        }
        for (target, (_, text)) in descriptions {
            if let Some(slot) = self.description_slot(&target) {
                *slot = Some(text.to_owned());
            }
        }
        for (target, annotations) in from_blocks {
            let list = self.model.annotations.entry(target).or_default();
            for annotation in annotations {
                list.retain(|a| a.term != annotation.term || a.qualifier != annotation.qualifier);
                list.push(annotation);
            }
        }
    }

    /// `annotation` with its term, the terms of the annotations nested in it and the
    /// types of its records written in full; `qualifier` (a block's) applies when it has
    /// none of its own.
    fn qualified_annotation(&self, annotation: &Annotation, qualifier: Option<&str>) -> Annotation {
        let mut annotation = annotation.clone();
        if annotation.qualifier.is_none() {
            annotation.qualifier = qualifier.map(str::to_owned);
        }
        self.qualify_terms(&mut annotation);
        annotation
    }

    fn qualify_terms(&self, annotation: &mut Annotation) {
        annotation.term = self.qualify(&annotation.term);
        for nested in &mut annotation.annotations {
            self.qualify_terms(nested);
        }
        self.qualify_value_terms(&mut annotation.value);
    }

    fn qualify_value_terms(&self, value: &mut AnnotationValue) {
        match value {
            AnnotationValue::Record(record) => {
                if let Some(ty) = &mut record.type_name {
                    *ty = self.qualify(ty);
                }
                for nested in &mut record.annotations {
                    self.qualify_terms(nested);
                }
                for property in &mut record.properties {
                    for nested in &mut property.annotations {
                        self.qualify_terms(nested);
                    }
                    self.qualify_value_terms(&mut property.value);
                }
            }
            AnnotationValue::Collection(items) => {
                for item in items {
                    self.qualify_value_terms(item);
                }
            }
            AnnotationValue::UrlRef(inner) => self.qualify_value_terms(inner),
            AnnotationValue::Expression(expression) => {
                for nested in &mut expression.annotations {
                    self.qualify_terms(nested);
                }
                for operand in &mut expression.operands {
                    self.qualify_value_terms(operand);
                }
            }
            _ => {}
        }
    }

    /// What the target of an out-of-line block names (see [`Target`]); empty when it names
    /// nothing.
    fn targets_of(&self, written: &str) -> Vec<Target> {
        if let Some((name, args)) = written.split_once('(') {
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
                let Some(id) = self.model.lookup(&self.qualify(inner)) else {
                    return Vec::new();
                };
                Some(TypeRef { id, collection })
            };
            let found = self
                .model
                .operations
                .iter()
                .position(|op| op.qualified == qualified && op.binding == binding);
            return found
                .map(|i| Target::Operation(OperationId(i)))
                .into_iter()
                .collect();
        }
        let segments: Vec<&str> = written.split('/').map(str::trim).collect();
        let Some((&first, rest)) = segments.split_first() else {
            return Vec::new();
        };
        if self.containers.contains(&self.qualify(first)) {
            return self.container_path(rest).into_iter().collect();
        }
        if self.model.container.contains_key(first) {
            return self.container_path(&segments).into_iter().collect();
        }
        let Some(id) = self.model.lookup(&self.qualify(first)) else {
            // `ns.operation` without parameters: every overload.
            let qualified = self.qualify(first);
            return (0..self.model.operations.len())
                .filter(|&i| rest.is_empty() && self.model.operations[i].qualified == qualified)
                .map(|i| Target::Operation(OperationId(i)))
                .collect();
        };
        let target = match (rest, &self.model.ty(id).kind) {
            ([], _) => Some(Target::Type(id)),
            ([m], TypeKind::Structured(s)) => (s.properties.iter().any(|p| p.name == *m)
                || s.navigation.iter().any(|n| n.name == *m))
            .then(|| Target::Property(id, (*m).to_owned())),
            ([m], TypeKind::Enum(e)) => e
                .members
                .iter()
                .any(|x| x.name == *m)
                .then(|| Target::Member(id, (*m).to_owned())),
            _ => None,
        };
        target.into_iter().collect()
    }

    /// The [`Target::Path`] of `segments` below the entity container, when the first names
    /// an entity set or a singleton. Type-cast segments (holding a `.`) are qualified.
    fn container_path(&self, segments: &[&str]) -> Option<Target> {
        let first = segments.first()?;
        if !self.model.container.contains_key(*first) {
            return None;
        }
        let path = segments
            .iter()
            .map(|segment| {
                if segment.contains('.') {
                    self.qualify(segment)
                } else {
                    (*segment).to_owned()
                }
            })
            .collect();
        Some(Target::Path(path))
    }

    /// Where the description of `target` goes; `None` for a container path, which has
    /// none.
    fn description_slot(&mut self, target: &Target) -> Option<&mut Option<String>> {
        match target {
            Target::Operation(id) => Some(&mut self.model.operations[id.0].description),
            Target::Type(id) => Some(&mut self.model.types[id.0].description),
            Target::Property(id, name) => match &mut self.model.types[id.0].kind {
                TypeKind::Structured(s) => {
                    if let Some(p) = s.properties.iter_mut().find(|p| &p.name == name) {
                        return Some(&mut p.description);
                    }
                    s.navigation
                        .iter_mut()
                        .find(|n| &n.name == name)
                        .map(|n| &mut n.description)
                }
                _ => None,
            },
            Target::Member(id, name) => match &mut self.model.types[id.0].kind {
                TypeKind::Enum(e) => e
                    .members
                    .iter_mut()
                    .find(|x| &x.name == name)
                    .map(|x| &mut x.description),
                _ => None,
            },
            Target::Path(_) => None,
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

/// The text of a `Core.Description` annotation among `annotations`, if any; of several, the
/// one written first in the file, whatever their order in the element.
fn description_of(annotations: &[csdl::Annotation]) -> Option<String> {
    first_description(annotations).map(|(_, text)| text.to_owned())
}

/// The position and text of the first-written unqualified `Core.Description` among
/// `annotations`.
fn first_description(annotations: &[csdl::Annotation]) -> Option<(Pos, &str)> {
    annotations
        .iter()
        .filter_map(|a| {
            let is_description = a.term == DESCRIPTION_TERM || a.term == "Core.Description";
            match (&a.value, is_description && a.qualifier.is_none()) {
                (AnnotationValue::String(s), true) if !s.trim().is_empty() => {
                    Some((a.pos, s.trim()))
                }
                _ => None,
            }
        })
        .min_by_key(|(pos, _)| *pos)
}

/// Adds `annotation` to `kept` unless an annotation of its term and qualifier written
/// earlier in the file is there already: of two (invalid CSDL, yet found in Graph's files),
/// the first written wins, whatever the order they are read in.
fn keep_first_written(kept: &mut Vec<Annotation>, annotation: Annotation) {
    let same =
        |a: &&mut Annotation| a.term == annotation.term && a.qualifier == annotation.qualifier;
    match kept.iter_mut().find(same) {
        Some(existing) if existing.pos <= annotation.pos => {}
        Some(existing) => *existing = annotation,
        None => kept.push(annotation),
    }
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

    const ANNOTATED: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Validation.V1.xml">
    <edmx:Include Namespace="Org.OData.Validation.V1" Alias="Validation" />
  </edmx:Reference>
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml">
    <edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Capabilities" />
  </edmx:Reference>
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="mobileApp" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
      <EntityType Name="iosVppApp" BaseType="graph.mobileApp" />
      <EntityType Name="deviceAppManagement">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <NavigationProperty Name="mobileApps" Type="Collection(graph.mobileApp)" ContainsTarget="true">
          <Annotation Term="Validation.DerivedTypeConstraint">
            <Collection><String>microsoft.graph.iosVppApp</String></Collection>
          </Annotation>
        </NavigationProperty>
        <NavigationProperty Name="otherApps" Type="Collection(graph.mobileApp)" ContainsTarget="true" />
      </EntityType>
      <Action Name="sync" IsBound="true"><Parameter Name="b" Type="graph.mobileApp" /></Action>
      <EntityContainer Name="GraphService">
        <Singleton Name="deviceAppManagement" Type="graph.deviceAppManagement">
          <Annotation Term="Capabilities.SkipSupported" Bool="false" />
        </Singleton>
        <EntitySet Name="mobileApps" EntityType="graph.mobileApp" />
      </EntityContainer>
      <Annotations Target="graph.deviceAppManagement/otherApps">
        <Annotation Term="Org.OData.Validation.V1.DerivedTypeConstraint">
          <Collection><String>microsoft.graph.iosVppApp</String></Collection>
        </Annotation>
      </Annotations>
      <Annotations Target="graph.deviceAppManagement/mobileApps">
        <Annotation Term="Validation.DerivedTypeConstraint">
          <Collection><String>microsoft.graph.iosVppApp</String><String>microsoft.graph.mobileApp</String></Collection>
        </Annotation>
      </Annotations>
      <Annotations Target="microsoft.graph.GraphService/deviceAppManagement/mobileApps">
        <Annotation Term="Capabilities.InsertRestrictions">
          <Record>
            <PropertyValue Property="Insertable" Bool="false" />
            <PropertyValue Property="NonInsertableNavigationProperties">
              <Collection><NavigationPropertyPath>categories</NavigationPropertyPath></Collection>
            </PropertyValue>
            <Annotation Term="Core.Description" String="nested" />
          </Record>
        </Annotation>
      </Annotations>
      <Annotations Target="graph.GraphService/mobileApps" Qualifier="beta">
        <Annotation Term="Capabilities.CountRestrictions"><Record><PropertyValue Property="Countable" Bool="false" /></Record></Annotation>
      </Annotations>
      <Annotations Target="mobileApps/graph.iosVppApp">
        <Annotation Term="Capabilities.TopSupported" Bool="false" />
      </Annotations>
      <Annotations Target="graph.sync(graph.mobileApp)">
        <Annotation Term="Capabilities.OperationRestrictions" />
      </Annotations>
      <Annotations Target="microsoft.graph.GraphService/nowhere/mobileApps">
        <Annotation Term="Capabilities.TopSupported" Bool="false" />
      </Annotations>
      <Annotations Target="graph.nothing/here">
        <Annotation Term="Capabilities.TopSupported" Bool="false" />
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

    #[test]
    fn of_two_annotations_of_one_term_the_first_written_wins_whatever_the_order() {
        const TERM: &str = "Org.OData.Core.V1.LongDescription";
        let text = |inline: [&str; 2], blocks: [&str; 2]| {
            let note = |s: &str| {
                format!(r#"<Annotation Term="Org.OData.Core.V1.LongDescription" String="{s}" />"#)
            };
            let block = |s: &str| format!(r#"<Annotations Target="n.t">{}</Annotations>"#, note(s));
            format!(
                r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<ComplexType Name="t"><Property Name="p" Type="Edm.String">
{}
{}
</Property></ComplexType>
{}
{}
</Schema></edmx:DataServices></edmx:Edmx>"#,
                note(inline[0]),
                note(inline[1]),
                block(blocks[0]),
                block(blocks[1])
            )
        };
        let read = |text: &str, target: &dyn Fn(TypeId) -> Target| {
            let m = resolve(&parse_document("m.xml", text).unwrap(), &[]).unwrap();
            let t = m.lookup("n.t").unwrap();
            m.annotation(&target(t), TERM)
                .and_then(AnnotationValue::as_str)
                .map(str::to_owned)
        };
        let property = |t| Target::Property(t, "p".into());
        let ty = |t| Target::Type(t);
        let mut shuffled = parse_document("m.xml", &text(["a", "b"], ["c", "d"])).unwrap();
        let t = shuffled.schemas[0].complex_types[0].properties[0]
            .annotations
            .clone();
        shuffled.schemas[0].complex_types[0].properties[0].annotations =
            vec![t[1].clone(), t[0].clone()];
        shuffled.schemas[0].annotations.reverse();
        for model in [
            resolve(
                &parse_document("m.xml", &text(["a", "b"], ["c", "d"])).unwrap(),
                &[],
            )
            .unwrap(),
            resolve(&shuffled, &[]).unwrap(),
        ] {
            let id = model.lookup("n.t").unwrap();
            assert_eq!(
                model
                    .annotation(&property(id), TERM)
                    .and_then(AnnotationValue::as_str),
                Some("a")
            );
            assert_eq!(
                model
                    .annotation(&ty(id), TERM)
                    .and_then(AnnotationValue::as_str),
                Some("c")
            );
        }
        assert_eq!(
            read(&text(["b", "a"], ["d", "c"]), &property).as_deref(),
            Some("b")
        );
        assert_eq!(
            read(&text(["b", "a"], ["d", "c"]), &ty).as_deref(),
            Some("d")
        );
    }

    #[test]
    fn annotations_are_found_by_full_term_inline_out_of_line_and_on_container_paths() {
        const CONSTRAINT: &str = "Org.OData.Validation.V1.DerivedTypeConstraint";
        let m = resolve(&parse_document("m.xml", ANNOTATED).unwrap(), &[]).unwrap();
        let manager = m.lookup("microsoft.graph.deviceAppManagement").unwrap();
        let constraint = |property: &str| {
            m.annotation(&Target::Property(manager, property.into()), CONSTRAINT)
                .and_then(AnnotationValue::strings)
        };
        // Inline with an alias, then replaced by an out-of-line block with an alias.
        assert_eq!(
            constraint("mobileApps"),
            Some(vec![
                "microsoft.graph.iosVppApp",
                "microsoft.graph.mobileApp"
            ])
        );
        // Out of line, written in full, on an alias-qualified target.
        assert_eq!(
            constraint("otherApps"),
            Some(vec!["microsoft.graph.iosVppApp"])
        );
        assert_eq!(
            m.annotations_of(&Target::Property(manager, "mobileApps".into()))
                .len(),
            1
        );
        assert_eq!(
            m.annotation(
                &Target::Property(manager, "mobileApps".into()),
                "Validation.DerivedTypeConstraint"
            ),
            None
        );

        // A singleton's inline annotation and a path below it.
        let path =
            |segments: &[&str]| Target::Path(segments.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(
            m.annotation(
                &path(&["deviceAppManagement"]),
                "Org.OData.Capabilities.V1.SkipSupported"
            ),
            Some(&AnnotationValue::Bool(false))
        );
        let insert = m
            .annotation(
                &path(&["deviceAppManagement", "mobileApps"]),
                "Org.OData.Capabilities.V1.InsertRestrictions",
            )
            .and_then(AnnotationValue::as_record)
            .unwrap();
        assert_eq!(
            insert
                .property("Insertable")
                .and_then(AnnotationValue::as_bool),
            Some(false)
        );
        let paths: Vec<_> = insert
            .property("NonInsertableNavigationProperties")
            .and_then(AnnotationValue::as_collection)
            .unwrap()
            .iter()
            .filter_map(AnnotationValue::as_path)
            .collect();
        assert_eq!(paths, ["categories"]);
        // Nested terms are written in full too.
        assert_eq!(insert.annotations[0].term, "Org.OData.Core.V1.Description");
        assert_eq!(insert.pos.line, 44);

        // A block's qualifier applies to its annotations.
        let counts = m.annotations_of(&path(&["mobileApps"]));
        assert_eq!(counts.len(), 1);
        assert_eq!(counts[0].qualifier.as_deref(), Some("beta"));
        assert_eq!(
            m.annotation(
                &path(&["mobileApps"]),
                "Org.OData.Capabilities.V1.CountRestrictions"
            ),
            None
        );
        // A target without the container, with a type cast (qualified).
        assert_eq!(
            m.annotation(
                &path(&["mobileApps", "microsoft.graph.iosVppApp"]),
                "Org.OData.Capabilities.V1.TopSupported"
            ),
            Some(&AnnotationValue::Bool(false))
        );
        // An operation, by binding type; an empty annotation of a Boolean term.
        let sync = m
            .operations
            .iter()
            .position(|o| o.name == "sync")
            .map(OperationId)
            .unwrap();
        assert_eq!(
            m.annotation(
                &Target::Operation(sync),
                "Org.OData.Capabilities.V1.OperationRestrictions"
            )
            .and_then(AnnotationValue::as_bool),
            Some(true)
        );
        // Targets that name nothing are ignored.
        let keys: Vec<_> = m.annotations.keys().cloned().collect();
        assert_eq!(
            keys,
            [
                Target::Property(manager, "mobileApps".into()),
                Target::Property(manager, "otherApps".into()),
                Target::Operation(sync),
                path(&["deviceAppManagement"]),
                path(&["deviceAppManagement", "mobileApps"]),
                path(&["mobileApps"]),
                path(&["mobileApps", "microsoft.graph.iosVppApp"]),
            ]
        );
    }
}
