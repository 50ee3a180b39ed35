//! The CSDL document model: a faithful, owned image of one EDMX file as written.
//!
//! Nothing here is resolved: type references are kept as the text of the `Type`,
//! `BaseType` or `EntityType` attribute (alias or namespace qualified, possibly wrapped
//! in `Collection(...)`), and every element carries the position it was read from.
//! [`crate::parse`] builds it; [`crate::resolve`] gives it meaning.

use std::fmt;

/// A 1-based line and column (in characters) of an element's start tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One `edmx:Edmx` file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The path the document was read from, as given to the parser (used in errors).
    pub file: String,
    /// The `Version` attribute of `edmx:Edmx`.
    pub version: String,
    pub references: Vec<Reference>,
    pub schemas: Vec<Schema>,
}

/// `edmx:Reference` with its `edmx:Include`s.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reference {
    pub uri: String,
    pub includes: Vec<Include>,
    pub pos: Pos,
}

/// `edmx:Include Namespace=".." Alias=".."`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Include {
    pub namespace: String,
    pub alias: Option<String>,
    pub pos: Pos,
}

/// `Schema`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    pub entity_types: Vec<StructuredType>,
    pub complex_types: Vec<StructuredType>,
    pub enum_types: Vec<EnumType>,
    pub type_definitions: Vec<TypeDefinition>,
    pub actions: Vec<Operation>,
    pub functions: Vec<Operation>,
    pub terms: Vec<Term>,
    pub entity_containers: Vec<EntityContainer>,
    /// Out-of-line `Annotations Target=".."` blocks.
    pub annotations: Vec<Annotations>,
    pub pos: Pos,
}

/// Whether a [`StructuredType`] is an `EntityType` or a `ComplexType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StructuredKind {
    #[default]
    Entity,
    Complex,
}

/// `EntityType` or `ComplexType`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StructuredType {
    pub kind: StructuredKind,
    pub name: String,
    /// `BaseType`, as written.
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    /// The `Name`s of `Key/PropertyRef`.
    pub key: Vec<String>,
    pub properties: Vec<Property>,
    pub navigation_properties: Vec<NavigationProperty>,
    /// Inline `Annotation` children.
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Property`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Property {
    pub name: String,
    /// `Type`, as written, e.g. `Edm.String` or `Collection(graph.vppTokenActionResult)`.
    pub type_name: String,
    /// `Nullable`; `None` when the attribute is absent.
    pub nullable: Option<bool>,
    pub default_value: Option<String>,
    pub max_length: Option<String>,
    pub precision: Option<u32>,
    pub scale: Option<String>,
    pub unicode: Option<bool>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `NavigationProperty`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NavigationProperty {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub partner: Option<String>,
    pub contains_target: bool,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `EnumType`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnumType {
    pub name: String,
    /// `UnderlyingType`, as written; `None` means `Edm.Int32`.
    pub underlying_type: Option<String>,
    pub is_flags: bool,
    pub members: Vec<Member>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `EnumType/Member`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    pub name: String,
    /// `Value`; `None` when absent (the member's ordinal applies).
    pub value: Option<i64>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `TypeDefinition`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeDefinition {
    pub name: String,
    pub underlying_type: String,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// Whether an [`Operation`] is an `Action` or a `Function`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationKind {
    #[default]
    Action,
    Function,
}

/// `Action` or `Function`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operation {
    pub kind: OperationKind,
    pub name: String,
    pub is_bound: bool,
    pub is_composable: bool,
    pub entity_set_path: Option<String>,
    /// In declaration order; for a bound operation the first is the binding parameter.
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Parameter`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub unicode: Option<bool>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `ReturnType`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReturnType {
    pub type_name: String,
    pub nullable: Option<bool>,
    /// Inline `Annotation` children (e.g. `Org.OData.Core.V1.IsDelta`).
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Term`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Term {
    pub name: String,
    pub type_name: String,
    pub applies_to: Option<String>,
    pub pos: Pos,
}

/// `EntityContainer`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityContainer {
    pub name: String,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub action_imports: Vec<OperationImport>,
    pub function_imports: Vec<OperationImport>,
    pub pos: Pos,
}

/// `EntitySet`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntitySet {
    pub name: String,
    pub entity_type: String,
    pub navigation_bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Singleton`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Singleton {
    pub name: String,
    pub type_name: String,
    pub navigation_bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `NavigationPropertyBinding`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NavigationPropertyBinding {
    pub path: String,
    pub target: String,
    pub pos: Pos,
}

/// `ActionImport` or `FunctionImport`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationImport {
    pub name: String,
    /// `Action` or `Function` attribute.
    pub operation: String,
    pub entity_set: Option<String>,
    pub pos: Pos,
}

/// An out-of-line `Annotations Target=".."` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    /// As written, e.g. `microsoft.graph.vppToken/token` or
    /// `microsoft.graph.revokeLicenses(microsoft.graph.vppToken, Edm.Boolean, Edm.Boolean)`.
    pub target: String,
    pub qualifier: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// One `Annotation`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotation {
    /// `Term`, as written (e.g. `Org.OData.Core.V1.Description`).
    pub term: String,
    pub qualifier: Option<String>,
    pub value: AnnotationValue,
    pub pos: Pos,
}

/// The value of an [`Annotation`], as far as the generator needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum AnnotationValue {
    /// No value (a bare tag, which for a Boolean term means `true`).
    #[default]
    Empty,
    /// `String="…"` or a `<String>` child.
    String(String),
    /// `Bool="…"` or a `<Bool>` child.
    Bool(bool),
    /// `Int="…"` or an `<Int>` child.
    Int(i64),
    /// `EnumMember="…"` or an `<EnumMember>` child.
    EnumMember(String),
    /// `Path="…"` or a `<Path>` child.
    Path(String),
    /// Any other expression (`Record`, `Collection`, …), kept only as its element name.
    Other(String),
}
