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
    /// `Term`, as written (e.g. `Org.OData.Core.V1.Description` or `Core.Description`).
    pub term: String,
    pub qualifier: Option<String>,
    /// The value, from an attribute (`String=".."`, `Bool=".."`, …) or the one expression
    /// child; [`AnnotationValue::Empty`] when there is neither.
    pub value: AnnotationValue,
    /// `Annotation` children: annotations of this annotation.
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// The value of an [`Annotation`] or of a [`PropertyValue`]: a CSDL constant or dynamic
/// expression, as written.
///
/// The attribute form (`Bool="true"`) and the element form (`<Bool>true</Bool>`) of a value
/// give equal values. The text of `String` is kept exactly; the text of every other
/// constant and of the paths is kept without leading and trailing XML white space. `Bool`
/// and `Int` are checked when parsed; the other constants keep their text, so nothing is
/// lost (a `Decimal` of 40 digits stays 40 digits) and nothing is checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum AnnotationValue {
    /// No value: a bare tag, which for a Boolean term means `true` (see
    /// [`AnnotationValue::as_bool`]).
    #[default]
    Empty,
    /// `String`.
    String(String),
    /// `Bool`.
    Bool(bool),
    /// `Int`: an integer of `Edm.Int64`'s range.
    Int(i64),
    /// `Float`, as written (`1.5e3`, `INF`, `NaN`, …).
    Float(String),
    /// `Decimal`, as written.
    Decimal(String),
    /// `Date`, as written (`2000-01-01`).
    Date(String),
    /// `DateTimeOffset`, as written.
    DateTimeOffset(String),
    /// `TimeOfDay`, as written.
    TimeOfDay(String),
    /// `Duration`, as written (`P7D`).
    Duration(String),
    /// `Guid`, as written.
    Guid(String),
    /// `Binary`, as written (base64url).
    Binary(String),
    /// `EnumMember`: one member (`Core.Permission/Read`) or several separated by white
    /// space, qualified as written.
    EnumMember(String),
    /// `Path`.
    Path(String),
    /// `PropertyPath`.
    PropertyPath(String),
    /// `NavigationPropertyPath`.
    NavigationPropertyPath(String),
    /// `AnnotationPath`.
    AnnotationPath(String),
    /// `ModelElementPath`.
    ModelElementPath(String),
    /// `UrlRef`: the expression that gives the URL (the attribute form is a string).
    UrlRef(Box<AnnotationValue>),
    /// `Null`.
    Null,
    /// `Record`.
    Record(Record),
    /// `Collection`, its items in order.
    Collection(Vec<AnnotationValue>),
    /// Any other expression (`If`, `Apply`, `Cast`, `IsOf`, `Eq`, `LabeledElement`, …), which
    /// the generator keeps but does not evaluate.
    Expression(Expression),
}

/// A `Record` expression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// `Type`, as written; `None` when the type is the term's (or the property's) own.
    pub type_name: Option<String>,
    /// The `PropertyValue` children, in the order written.
    pub properties: Vec<PropertyValue>,
    /// `Annotation` children: annotations of the record.
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `PropertyValue Property=".."` of a [`Record`], with its value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyValue {
    /// `Property`: the name of the property of the record's type.
    pub property: String,
    /// From an attribute or the one expression child, as for an [`Annotation`].
    pub value: AnnotationValue,
    /// `Annotation` children: annotations of the property value.
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An expression the generator does not evaluate, kept as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expression {
    /// The element's local name, e.g. `If`, `Apply`, `Eq`, `LabeledElementReference`.
    pub name: String,
    /// Its attributes other than namespace declarations, in the order written (e.g.
    /// `Function`, `Type`, `Name`).
    pub attributes: Vec<(String, String)>,
    /// Its expression children, in order.
    pub operands: Vec<AnnotationValue>,
    /// The trimmed text of an expression written as text (`LabeledElementReference`);
    /// empty for the others.
    pub text: String,
    /// `Annotation` children.
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

impl AnnotationValue {
    /// The text of a `String`; `None` for any other value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AnnotationValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value of a Boolean term: `Bool`, or `true` for [`AnnotationValue::Empty`] (CSDL
    /// lets a Boolean term be applied without a value to mean `true`). `None` for any other
    /// value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AnnotationValue::Bool(value) => Some(*value),
            AnnotationValue::Empty => Some(true),
            _ => None,
        }
    }

    /// The value of an `Int`; `None` for any other value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            AnnotationValue::Int(value) => Some(*value),
            _ => None,
        }
    }

    /// The items of a `Collection`; `None` for any other value.
    pub fn as_collection(&self) -> Option<&[AnnotationValue]> {
        match self {
            AnnotationValue::Collection(items) => Some(items),
            _ => None,
        }
    }

    /// The `Record`; `None` for any other value.
    pub fn as_record(&self) -> Option<&Record> {
        match self {
            AnnotationValue::Record(record) => Some(record),
            _ => None,
        }
    }

    /// The value of the property `name` of a `Record` (see [`Record::property`]); `None`
    /// when this is not a record or the record does not set it.
    pub fn record_property(&self, name: &str) -> Option<&AnnotationValue> {
        self.as_record()?.property(name)
    }

    /// The items of a `Collection` of `String`s, in order; `None` when this is not a
    /// collection or an item is not a `String`.
    pub fn strings(&self) -> Option<Vec<&str>> {
        self.as_collection()?
            .iter()
            .map(AnnotationValue::as_str)
            .collect()
    }

    /// The text of a path value (`Path`, `PropertyPath`, `NavigationPropertyPath`,
    /// `AnnotationPath` or `ModelElementPath`); `None` for any other value.
    pub fn as_path(&self) -> Option<&str> {
        match self {
            AnnotationValue::Path(path)
            | AnnotationValue::PropertyPath(path)
            | AnnotationValue::NavigationPropertyPath(path)
            | AnnotationValue::AnnotationPath(path)
            | AnnotationValue::ModelElementPath(path) => Some(path),
            _ => None,
        }
    }

    /// The members of an `EnumMember` value (`Core.Permission/Read Core.Permission/Write`
    /// gives two), as written; `None` for any other value.
    pub fn enum_members(&self) -> Option<impl Iterator<Item = &str>> {
        match self {
            AnnotationValue::EnumMember(text) => Some(text.split_ascii_whitespace()),
            _ => None,
        }
    }
}

impl Record {
    /// The value of the `PropertyValue` whose `Property` is `name` (the first if it is
    /// written twice); `None` when the record does not set it.
    pub fn property(&self, name: &str) -> Option<&AnnotationValue> {
        self.properties
            .iter()
            .find(|value| value.property == name)
            .map(|value| &value.value)
    }
}
