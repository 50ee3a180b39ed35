//! The IR: an owned description of the Rust to emit for one API version.
//!
//! Every name here is final (decided once, in [`crate::lower`]); [`crate::emit`] only turns
//! the IR into tokens. Lists are in output order (sorted), so a small metadata change gives
//! a small diff.

/// Rustdoc text, one entry per line, already safe for rustdoc (no stray HTML, brackets or
/// bare URLs).
pub type Doc = Vec<String>;

/// One API version's module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// The Rust module name (`v1_0`).
    pub name: String,
    /// The API version (`v1.0`).
    pub api_version: String,
    /// The default service root.
    pub base_url: String,
    /// The Rust path of the runtime (`crate::runtime`).
    pub runtime: String,
    /// The CSDL file this module was generated from, as shown in the preamble.
    pub source: String,
    pub enums: Vec<Enum>,
    pub structs: Vec<Struct>,
    pub unions: Vec<Union>,
    pub patches: Vec<Patch>,
    pub selects: Vec<Select>,
    pub parameters: Vec<Parameters>,
    pub operations: Vec<OperationAlias>,
    pub builders: Vec<Builder>,
}

/// A Rust type used by a field or parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    String,
    Bool,
    I8,
    U8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// `rt::DateTimeOffset`.
    DateTimeOffset,
    /// Any JSON (`serde_json::Value`).
    Json,
    /// A generated enum, by Rust name.
    Enum(String),
    /// A set of a generated flags enum (`rt::FlagSet<Name>`).
    Flags(String),
    /// A generated struct, by Rust name.
    Struct(String),
    /// A generated polymorphic enum, by Rust name.
    Union(String),
    /// `Vec<T>`.
    Vec(Box<RustType>),
}

/// A forward-compatible enum (`EnumType`).
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub name: String,
    pub qualified: String,
    pub doc: Doc,
    pub flags: bool,
    pub variants: Vec<Variant>,
    /// The name of the catch-all variant that keeps unknown members.
    pub catch_all: String,
}

/// A known enum member.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub wire: String,
    pub doc: Doc,
}

/// A model struct (`EntityType` or `ComplexType`, inherited properties included).
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub name: String,
    /// The CSDL name (`vppToken`).
    pub csdl_name: String,
    pub qualified: String,
    /// The qualified name of the base type, if any.
    pub base: Option<String>,
    pub doc: Doc,
    pub fields: Vec<Field>,
}

/// A property of a struct, patch or parameter object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name (snake case, keywords escaped).
    pub name: String,
    /// The JSON name, exactly as in the metadata.
    pub wire: String,
    pub doc: Doc,
    pub ty: RustType,
    /// The metadata's `Nullable` (for a collection: of its items).
    pub nullable: bool,
    /// Redacted in `Debug`.
    pub secret: bool,
    /// The qualified CSDL type of the value (of each item, for a collection).
    pub csdl_type: String,
}

/// A polymorphic value: a type with derived types, chosen by `@odata.type`.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub name: String,
    pub doc: Doc,
    /// The first variant is the declared (base) type, the fallback.
    pub variants: Vec<UnionVariant>,
}

/// One type a [`Union`] may hold.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The variant name, which is also the struct's name.
    pub name: String,
    pub qualified: String,
}

/// The body of an update (PATCH) of an entity: only what is set is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub name: String,
    /// The struct it updates.
    pub target: String,
    pub qualified: String,
    pub doc: Doc,
    /// The settable properties (the key is left out).
    pub fields: Vec<Field>,
}

/// The typed `$select` names of an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub name: String,
    pub target: String,
    pub doc: Doc,
    pub variants: Vec<Variant>,
}

/// The JSON body of an action with parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    pub name: String,
    pub doc: Doc,
    pub fields: Vec<Field>,
}

/// What an operation's response decodes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    /// No content: `()`.
    Nothing,
    /// A single entity or complex value, which may be absent (`204`): `Option<T>`.
    Single(RustType),
    /// A collection: `rt::Collection<T>`.
    Collection(RustType),
    /// A primitive or enum wrapped in `{"value": …}`: `T`.
    Value(RustType),
}

/// A bound action or function, emitted as a named alias of the runtime's request type.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationAlias {
    pub name: String,
    pub doc: Doc,
    pub returns: Returns,
}

/// A navigation step or request on a [`Builder`].
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// A path segment written as is (singleton, entity set, navigation property, cast).
    Segment {
        name: String,
        doc: Doc,
        segment: String,
        target: String,
    },
    /// One entity of a collection by key: `by_id(id)`.
    Key { name: String, doc: Doc, target: String },
    /// `GET` a collection page.
    List { doc: Doc, item: RustType, select: String },
    /// `GET …/$count`.
    Count { doc: Doc },
    /// `POST` a new entity.
    Create { doc: Doc, entity: RustType },
    /// `GET` one entity.
    Get { doc: Doc, entity: RustType, select: String },
    /// `PATCH` one entity.
    Update { doc: Doc, entity: RustType, patch: String },
    /// `DELETE` one entity.
    Delete { doc: Doc },
    /// A bound action (`POST …/name`).
    Action {
        name: String,
        doc: Doc,
        segment: String,
        operation: String,
        /// The parameters struct, when the action has parameters.
        parameters: Option<String>,
    },
    /// A bound function (`GET …/name(p='…')`).
    Function {
        name: String,
        doc: Doc,
        segment: String,
        operation: String,
        arguments: Vec<Argument>,
    },
}

/// A function parameter, passed inline in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub name: String,
    pub wire: String,
    pub ty: RustType,
}

/// A request builder: a place in the URL space with its navigation steps and requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    pub name: String,
    pub doc: Doc,
    /// The URL template relative to the service root, e.g. `/deviceAppManagement/vppTokens/{vppToken-id}`.
    pub template: String,
    pub methods: Vec<Method>,
}
