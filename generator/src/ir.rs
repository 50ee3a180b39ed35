//! The IR: an owned description of the Rust to emit for one API version.
//!
//! Every name here is final (decided once, in [`crate::lower`]); [`crate::emit`] only turns
//! the IR into tokens. Lists are in output order (sorted), so a small metadata change gives
//! a small diff.

/// Rustdoc text, one entry per line, already safe for rustdoc (no stray HTML, brackets or
/// bare URLs).
pub type Doc = Vec<String>;

/// A module path below the version's module: `[]` for the namespace of the entity
/// container, `["call_records"]` for `microsoft.graph.callRecords`.
pub type ModPath = Vec<String>;

/// A generated item, by the module it lives in and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemRef {
    pub module: ModPath,
    pub name: String,
}

impl ItemRef {
    pub fn new(module: &[String], name: impl Into<String>) -> Self {
        ItemRef {
            module: module.to_vec(),
            name: name.into(),
        }
    }
}

/// A Rust module holding the items of one CSDL namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct Namespace {
    pub module: ModPath,
    /// The CSDL namespace (`microsoft.graph.callRecords`); empty for a module that only
    /// holds other modules.
    pub namespace: String,
}

/// One API version's module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// The Rust module name (`v1_0`).
    pub name: String,
    /// The API version (`v1.0`).
    pub api_version: String,
    /// The default service root.
    pub service_root: String,
    /// The Rust path of the runtime (`crate::runtime`).
    pub runtime: String,
    /// The CSDL file this module was generated from, as shown in the preamble.
    pub source: String,
    /// Every module below the version's module, parents before children (sorted).
    pub namespaces: Vec<Namespace>,
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
    /// An exact JSON number (`rt::json::Number`, for `Edm.Decimal`).
    Decimal,
    /// Any JSON, kept as its exact text (`rt::json::RawJson`).
    Json,
    /// A generated enum.
    Enum(ItemRef),
    /// A set of a generated flags enum (`rt::FlagSet<Name>`).
    Flags(ItemRef),
    /// A generated struct.
    Struct(ItemRef),
    /// A generated polymorphic enum.
    Union(ItemRef),
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// `Box<T>`: a value of a type that (directly or not) contains its owner.
    Boxed(Box<RustType>),
}

impl std::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for m in &self.module {
            write!(f, "{m}::")?;
        }
        f.write_str(&self.name)
    }
}

/// The type as written in Rust, relative to the version's module (`call_records::UserIdentity`,
/// `Vec<String>`).
impl std::fmt::Display for RustType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RustType::String => f.write_str("String"),
            RustType::Bool => f.write_str("bool"),
            RustType::I8 => f.write_str("i8"),
            RustType::U8 => f.write_str("u8"),
            RustType::I16 => f.write_str("i16"),
            RustType::I32 => f.write_str("i32"),
            RustType::I64 => f.write_str("i64"),
            RustType::F32 => f.write_str("f32"),
            RustType::F64 => f.write_str("f64"),
            RustType::DateTimeOffset => f.write_str("DateTimeOffset"),
            RustType::Decimal => f.write_str("Number"),
            RustType::Json => f.write_str("RawJson"),
            RustType::Enum(r) | RustType::Struct(r) | RustType::Union(r) => write!(f, "{r}"),
            RustType::Flags(r) => write!(f, "FlagSet<{r}>"),
            RustType::Vec(inner) => write!(f, "Vec<{inner}>"),
            RustType::Boxed(inner) => write!(f, "Box<{inner}>"),
        }
    }
}

impl RustType {
    /// The type without a [`RustType::Boxed`] around it.
    pub fn unboxed(&self) -> &RustType {
        match self {
            RustType::Boxed(inner) => inner,
            other => other,
        }
    }
}

/// A forward-compatible enum (`EnumType`).
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The module the item is emitted in.
    pub module: ModPath,
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
    /// The module the item is emitted in.
    pub module: ModPath,
    pub name: String,
    /// The CSDL name (`vppToken`).
    pub csdl_name: String,
    pub qualified: String,
    /// The qualified name of the base type, if any.
    pub base: Option<String>,
    pub doc: Doc,
    pub fields: Vec<Field>,
    /// Created through a selected path (the body of a `POST` to a collection): the struct
    /// has `new()`, and each field its chained [`Field::setter`].
    pub created: bool,
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
    /// The methods that set it: on every field of a [`Patch`] and of a created [`Struct`].
    pub setter: Option<Setter>,
}

/// A polymorphic value: a type with derived types, chosen by `@odata.type`.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The module the item is emitted in.
    pub module: ModPath,
    pub name: String,
    pub doc: Doc,
    /// The first variant is the declared (base) type, the fallback.
    pub variants: Vec<UnionVariant>,
}

/// One type a [`Union`] may hold.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The variant name.
    pub name: String,
    /// The struct it holds.
    pub ty: ItemRef,
    pub qualified: String,
    /// Held in a `Box`: the struct contains the union (directly or not).
    pub boxed: bool,
}

/// The body of an update (PATCH) of an entity: only what is set is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// The module the item is emitted in.
    pub module: ModPath,
    pub name: String,
    /// The struct it updates.
    pub target: ItemRef,
    pub qualified: String,
    pub doc: Doc,
    /// The settable properties (the key is left out), each with its [`Field::setter`].
    pub fields: Vec<Field>,
}

/// The methods that set one field of a [`Patch`] or of a created [`Struct`].
#[derive(Debug, Clone, PartialEq)]
pub struct Setter {
    /// Sets a value.
    pub set: String,
    /// Sets `null` (nullable properties only).
    pub null: Option<String>,
}

/// The typed `$select` names of an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// The module the item is emitted in.
    pub module: ModPath,
    pub name: String,
    pub target: ItemRef,
    pub doc: Doc,
    pub variants: Vec<Variant>,
}

/// The JSON body of an action with parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    /// The module the item is emitted in.
    pub module: ModPath,
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
    /// The module the item is emitted in.
    pub module: ModPath,
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
    List { doc: Doc, item: RustType, select: ItemRef },
    /// `GET …/$count`.
    Count {
        doc: Doc,
        /// The URL template of the request: the builder's followed by `/$count`.
        template: String,
    },
    /// `POST` a new entity.
    Create { doc: Doc, entity: RustType },
    /// `GET` one entity.
    Get { doc: Doc, entity: RustType, select: ItemRef },
    /// `PATCH` one entity.
    Update { doc: Doc, entity: RustType, patch: ItemRef },
    /// `DELETE` one entity.
    Delete { doc: Doc },
    /// A bound action (`POST …/name`).
    Action {
        name: String,
        doc: Doc,
        segment: String,
        /// The URL template of the request, such as `/things/{thing-id}/name`.
        template: String,
        operation: ItemRef,
        /// The parameters struct, when the action has parameters.
        parameters: Option<ItemRef>,
    },
    /// A bound function (`GET …/name(p='…')`).
    Function {
        name: String,
        doc: Doc,
        segment: String,
        /// The URL template of the request, parameters as placeholders:
        /// `/things/name(p={p})`.
        template: String,
        operation: ItemRef,
        arguments: Vec<Argument>,
    },
}

/// A function parameter, passed inline in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub name: String,
    pub wire: String,
    pub ty: RustType,
    /// How the value is written in the URL.
    pub literal: Literal,
}

/// How a function argument is written in the URL, following OData's URL conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `'text'`, with `'` doubled (`Edm.String`).
    String,
    /// As is: numbers, `true`/`false`, GUIDs, dates, times of day, date-times.
    Bare,
    /// `duration'P1D'`.
    Duration,
    /// `binary'…'` (base64url).
    Binary,
    /// `Namespace.EnumType'member'`, with the qualified name of the enum type.
    Enum(String),
    /// JSON (complex values, collections, untyped values).
    Json,
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
