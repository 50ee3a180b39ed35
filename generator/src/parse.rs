//! Parse: CSDL text into the document model, keeping where every element was written.
//!
//! [`parse_bytes`] reads one `edmx:Edmx` file (OData CSDL v4, XML form) into a
//! [`Document`]; [`parse_document`] does the same from text already in memory. Nothing
//! is resolved here: names and type references are kept as written.
//!
//! The module has two layers:
//!
//! - a `Cursor` over quick-xml's zero-copy [`Reader`] that hands out element start tags
//!   (`Tag`) with their line and column, tracks nesting so that a caller can ask for
//!   the next child of an element (anything it left unread is skipped), and turns every
//!   failure into an [`Error`] carrying a [`Location`];
//! - one function per CSDL element (`parse_schema`, `parse_structured_type`,
//!   `parse_property`, …), each reading its attributes and then its children.
//!
//! Elements are matched on their local name, so `edmx:DataServices` and `DataServices`
//! are the same. Elements the model does not know are skipped together with their
//! subtree, and unknown attributes are ignored, so newer vocabularies and CSDL versions
//! still parse. Comments, processing instructions, the XML declaration and whitespace
//! between elements are ignored.
//!
//! # Well-formedness
//!
//! Input that is not well-formed XML is refused with an [`Error::Xml`] at the place
//! concerned. quick-xml checks part of it; the parser checks the rest. Each item names
//! the unit test of this module that covers it.
//!
//! Checked by quick-xml (its reader's default configuration, plus comment checks):
//!
//! - tags are closed by `>`, end tags match their start tags, no end tag comes without
//!   a start tag, comments, CDATA sections and processing instructions are closed
//!   (`unclosed_tag_is_an_xml_error`, `mismatched_end_tag_is_an_xml_error`,
//!   `truncated_and_mangled_input_never_panics`);
//! - an attribute name is followed by `=` and a value in matching quotes
//!   (`attribute_syntax_is_checked`);
//! - `&` in text starts a reference closed by `;`, `--` does not appear inside a comment
//!   (`markup_in_text_and_comments_is_checked`);
//! - the XML declaration names version 1.0 or 1.1
//!   (`doctype_and_misplaced_declarations_are_refused`).
//!
//! Checked by the parser:
//!
//! - the encoding: UTF-8 (with or without a byte order mark) and UTF-16 with a byte
//!   order mark are read; invalid UTF-8 or UTF-16 is refused at the first bad byte,
//!   UTF-16 without a byte order mark and UTF-32 at the start, and an encoding
//!   declaration that names another encoding than the one read (`ISO-8859-1`, or
//!   `UTF-16` for UTF-8 bytes) at the declaration
//!   (`utf8_and_utf16_with_a_byte_order_mark_are_read`,
//!   `bytes_in_other_encodings_are_refused_where_they_stand`,
//!   `declared_encoding_must_be_the_one_read`);
//! - every character is an XML 1.0 `Char` (no control characters but tab, line feed and
//!   carriage return; no U+FFFE or U+FFFF), whether written as is anywhere in the
//!   document (one pass over the input before parsing) or as a character reference in
//!   text or in an attribute value (`characters_outside_xml_are_refused`,
//!   `non_xml_characters_are_found_across_blocks`, `bad_references_in_text_are_xml_errors`);
//! - attributes: white space separates them, names are XML names and are not repeated
//!   in a tag, values hold no `<` and only known entities
//!   (`attribute_syntax_is_checked`, `attribute_errors_are_xml_errors_at_the_attribute`);
//! - element names are XML names (`element_names_are_checked`);
//! - text holds no `]]>` (`markup_in_text_and_comments_is_checked`);
//! - the XML declaration, if any, is at the very start and has the form XML 1.0 gives it
//!   (`version`, then optionally `encoding`, then optionally `standalone`, and nothing
//!   else); a processing instruction's target is an XML name, and none is
//!   named `xml` in another case; a document type declaration (`<!DOCTYPE`) is refused,
//!   so no entity is ever declared or expanded
//!   (`doctype_and_misplaced_declarations_are_refused`);
//! - there is one root element, with only white space, comments and processing
//!   instructions around it (`non_csdl_documents_are_rejected`).
//!
//! Not checked: namespace well-formedness (prefixes are not resolved; elements are
//! matched on their local names), and the extra restrictions XML 1.1 puts on C1 control
//! characters. No input makes the parser panic; `truncated_and_mangled_input_never_panics`
//! feeds it every prefix of a document and the document with each character dropped.
//!
//! # Names
//!
//! The names that become Rust names are checked as they are read, so that a bad one is
//! reported where it is written rather than failing later:
//!
//! - the `Name` of `EntityType`, `ComplexType`, `EnumType`, `TypeDefinition`, `Action`,
//!   `Function`, `Term`, `EntityContainer`, `NavigationProperty`, `Member`,
//!   `Parameter`, `EntitySet`, `Singleton`, `ActionImport` and `FunctionImport`, and
//!   the `Alias` of `Schema` and `edmx:Include`, must be a CSDL `SimpleIdentifier`: a
//!   letter (Unicode general category L or Nl) or `_`, then letters, digits (Nd),
//!   combining marks (Mn, Mc), connector punctuation (Pc) or format characters (Cf), at
//!   most 128 characters;
//! - the `Name` of `Property` likewise, except that `-` may follow the first character:
//!   Microsoft's published v1.0 CSDL names two properties `request-id` and
//!   `client-request-id`;
//! - the `Namespace` of `Schema` and `edmx:Include` must be simple identifiers joined by
//!   dots, at most 511 characters.
//!
//! Positions are 1-based; columns count characters, not bytes. They are computed from
//! the byte offsets quick-xml reports with a running counter, so the whole input is
//! scanned for line breaks only once.

use std::borrow::Cow;
use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::{EscapeError, resolve_predefined_entity};
use quick_xml::events::attributes::{AttrError, Attributes};
use quick_xml::events::{BytesCData, BytesDecl, BytesRef, BytesStart, BytesText, Event};

use crate::csdl::{
    Annotation, AnnotationValue, Annotations, Document, EntityContainer, EntitySet, EnumType,
    Include, Member, NavigationProperty, NavigationPropertyBinding, Operation, OperationImport,
    OperationKind, Parameter, Pos, Property, Reference, ReturnType, Schema, Singleton,
    StructuredKind, StructuredType, Term, TypeDefinition,
};
use crate::error::{Error, Location, Result};

/// Parses the text of one CSDL (`edmx:Edmx`) document.
///
/// `file` names the input in the returned [`Document`] and in every error; it is not
/// read. A leading UTF-8 byte order mark is accepted (positions are counted after it).
///
/// # Errors
///
/// - [`Error::Xml`] when the text is not well-formed XML (see the module documentation
///   for what is checked): an unclosed or mismatched tag, a malformed or duplicated
///   attribute, an unknown entity, a character XML does not allow, a document type
///   declaration, unexpected end of input, text or a second element outside the root
///   element.
/// - [`Error::Csdl`] when the XML is well formed but is not CSDL the model can hold: the
///   root element is not `edmx:Edmx`, a required attribute is missing (`Name` on a
///   named element, `Type` on `Property`, `Parameter`, `ReturnType`, …), a name is not
///   a CSDL identifier (see the module documentation), or an attribute or annotation
///   value does not parse (a boolean other than `true`/`false`/`1`/`0`, a non-integer
///   `Member Value`, …).
///
/// Every error carries the file and the line and column of the element concerned (the
/// `<` of its start tag); a malformed attribute is reported at the attribute, other XML
/// syntax errors at the place quick-xml reports, and an input that ends too early at the
/// innermost element left open.
///
/// The `Version` of `edmx:Edmx` is read but not required (it is empty when absent).
///
/// # Example
///
/// ```
/// use graph_vpptoken_codegen::parse::parse_document;
///
/// let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
///   <edmx:DataServices>
///     <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
///       <EntityType Name="vppToken" BaseType="graph.entity">
///         <Property Name="token" Type="Edm.String" />
///       </EntityType>
///     </Schema>
///   </edmx:DataServices>
/// </edmx:Edmx>"#;
/// let document = parse_document("example.xml", text).unwrap();
/// let vpp_token = &document.schemas[0].entity_types[0];
/// assert_eq!(vpp_token.name, "vppToken");
/// assert_eq!(vpp_token.properties[0].type_name, "Edm.String");
/// assert_eq!(vpp_token.properties[0].pos.to_string(), "5:9");
/// ```
pub fn parse_document(file: &str, text: &str) -> Result<Document> {
    parse_text(file, text, Encoding::Utf8)
}

/// Parses one CSDL (`edmx:Edmx`) document from its bytes, as read from a file.
///
/// The bytes are UTF-8, with or without a byte order mark, or UTF-16 of either byte
/// order with a byte order mark. An XML declaration that names another encoding than
/// the one the bytes are in is refused. Positions are counted in characters after the
/// byte order mark, whatever the encoding.
///
/// # Errors
///
/// [`Error::Xml`] at the first offending character when the bytes are not valid UTF-8
/// or UTF-16, or at the start when they are UTF-16 without a byte order mark or UTF-32;
/// otherwise as [`parse_document`].
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Document> {
    let at_start = |message: &str| Error::Xml {
        location: Location::new(file, Pos { line: 1, column: 1 }),
        message: message.to_owned(),
    };
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => Err(at_start(
            "the input is UTF-32, which is not supported: use UTF-8",
        )),
        [0xFF, 0xFE, rest @ ..] => {
            let text = decode_utf16(file, rest, u16::from_le_bytes)?;
            parse_text(file, &text, Encoding::Utf16)
        }
        [0xFE, 0xFF, rest @ ..] => {
            let text = decode_utf16(file, rest, u16::from_be_bytes)?;
            parse_text(file, &text, Encoding::Utf16)
        }
        [0, b'<', ..] | [b'<', 0, ..] => Err(at_start(
            "the input looks like UTF-16 without a byte order mark, which is not supported: \
             use UTF-8, or UTF-16 with a byte order mark",
        )),
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => parse_text(file, text, Encoding::Utf8),
            Err(error) => Err(utf8_error(file, bytes, &error)),
        },
    }
}

/// The encoding a document was read in, to hold its XML declaration against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// Whether an XML declaration may name this encoding as `declared`.
    fn is_declared_as(self, declared: &str) -> bool {
        let names: &[&str] = match self {
            Encoding::Utf8 => &["UTF-8"],
            Encoding::Utf16 => &["UTF-16", "UTF-16LE", "UTF-16BE"],
        };
        names.iter().any(|name| name.eq_ignore_ascii_case(declared))
    }

    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
        }
    }
}

/// The located error for bytes that are not UTF-8 (`error` from [`std::str::from_utf8`]).
fn utf8_error(file: &str, bytes: &[u8], error: &std::str::Utf8Error) -> Error {
    let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
    let valid = valid.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(valid);
    let pos = Lines::new(valid).pos(valid.len());
    let message = match error.error_len() {
        Some(len) => {
            let bad = bytes.get(error.valid_up_to()..).unwrap_or_default();
            let hex: Vec<String> = bad.iter().take(len).map(|b| format!("{b:02X}")).collect();
            format!(
                "the input is not valid UTF-8 (bytes {}); only UTF-8 and UTF-16 are read",
                hex.join(" ")
            )
        }
        None => "the input ends inside a UTF-8 character".to_owned(),
    };
    Error::Xml {
        location: Location::new(file, pos),
        message,
    }
}

/// Decodes UTF-16 code units (after the byte order mark) made of two bytes each by
/// `unit`; an unpaired surrogate or an odd byte at the end is an error at the place
/// it stands.
fn decode_utf16(file: &str, bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    let pairs = bytes.chunks_exact(2);
    let odd = !pairs.remainder().is_empty();
    let units = pairs.map(|pair| {
        unit([
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        ])
    });
    let mut text = String::with_capacity(bytes.len());
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(error) => {
                return Err(Error::Xml {
                    location: Location::new(file, Lines::new(text.as_bytes()).pos(text.len())),
                    message: format!(
                        "the input is not valid UTF-16 (unpaired surrogate {:04X})",
                        error.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    if odd {
        return Err(Error::Xml {
            location: Location::new(file, Lines::new(text.as_bytes()).pos(text.len())),
            message: "the input ends inside a UTF-16 code unit".to_owned(),
        });
    }
    Ok(text)
}

/// [`parse_document`] for text read in `encoding`.
fn parse_text(file: &str, text: &str, encoding: Encoding) -> Result<Document> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cur = Cursor::new(file, text, encoding);
    if text.starts_with('\u{feff}') {
        return Err(cur.xml_error_at(0, "a second byte order mark".to_owned()));
    }
    if let Some((offset, c)) = first_non_xml_char(text) {
        let message = format!("character U+{:04X} is not allowed in XML", u32::from(c));
        return Err(cur.xml_error_at(offset, message));
    }
    let root = cur.root()?;
    if root.local() != "Edmx" {
        return Err(cur.csdl_error(
            &root,
            "not a CSDL document: the root element must be `edmx:Edmx`".to_owned(),
        ));
    }
    let document = parse_edmx(&mut cur, &root)?;
    cur.finish()?;
    Ok(document)
}

// ---------------------------------------------------------------------------------------
// CSDL elements
// ---------------------------------------------------------------------------------------

/// `edmx:Edmx`: `Version`, then `edmx:Reference`s and `edmx:DataServices`.
fn parse_edmx<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Document> {
    let mut document = Document {
        file: cur.file.to_owned(),
        ..Document::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Version" {
            document.version = value.into_owned();
        }
    }
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Reference" => document.references.push(parse_reference(cur, &child)?),
            "DataServices" => parse_data_services(cur, &child, &mut document.schemas)?,
            _ => cur.skip(&child)?,
        }
    }
    Ok(document)
}

/// `edmx:Reference Uri=".."` with its `edmx:Include`s (`edmx:IncludeAnnotations` is skipped).
fn parse_reference<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Reference> {
    let mut uri = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Uri" {
            uri = Some(value.into_owned());
        }
    }
    let mut reference = Reference {
        uri: cur.required(tag, "Uri", uri)?,
        includes: Vec::new(),
        pos: tag.pos,
    };
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Include" => reference.includes.push(parse_include(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(reference)
}

/// `edmx:Include Namespace=".." Alias=".."`.
fn parse_include<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Include> {
    let mut namespace = None;
    let mut alias = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Namespace" => namespace = Some(value.into_owned()),
            "Alias" => alias = Some(value.into_owned()),
            _ => {}
        }
    }
    let include = Include {
        namespace: cur.namespace(tag, namespace)?,
        alias: cur.alias(tag, alias)?,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(include)
}

/// `edmx:DataServices`: its `Schema`s.
fn parse_data_services<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    schemas: &mut Vec<Schema>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Schema" => schemas.push(parse_schema(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(())
}

/// `Schema Namespace=".." Alias=".."` and every schema element in it.
fn parse_schema<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Schema> {
    let mut namespace = None;
    let mut alias = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Namespace" => namespace = Some(value.into_owned()),
            "Alias" => alias = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut schema = Schema {
        namespace: cur.namespace(tag, namespace)?,
        alias: cur.alias(tag, alias)?,
        pos: tag.pos,
        ..Schema::default()
    };
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "EntityType" => schema.entity_types.push(parse_structured_type(
                cur,
                &child,
                StructuredKind::Entity,
            )?),
            "ComplexType" => schema.complex_types.push(parse_structured_type(
                cur,
                &child,
                StructuredKind::Complex,
            )?),
            "EnumType" => schema.enum_types.push(parse_enum_type(cur, &child)?),
            "TypeDefinition" => schema
                .type_definitions
                .push(parse_type_definition(cur, &child)?),
            "Action" => schema
                .actions
                .push(parse_operation(cur, &child, OperationKind::Action)?),
            "Function" => {
                schema
                    .functions
                    .push(parse_operation(cur, &child, OperationKind::Function)?);
            }
            "Term" => schema.terms.push(parse_term(cur, &child)?),
            "EntityContainer" => schema
                .entity_containers
                .push(parse_entity_container(cur, &child)?),
            "Annotations" => schema.annotations.push(parse_annotations(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(schema)
}

/// `EntityType` or `ComplexType`: `Key`, `Property`, `NavigationProperty`, `Annotation`.
fn parse_structured_type<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    kind: StructuredKind,
) -> Result<StructuredType> {
    let mut name = None;
    let mut ty = StructuredType {
        kind,
        pos: tag.pos,
        ..StructuredType::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "BaseType" => ty.base_type = Some(value.into_owned()),
            "Abstract" => ty.is_abstract = cur.boolean(tag, key, &value)?,
            "OpenType" => ty.open_type = cur.boolean(tag, key, &value)?,
            "HasStream" => ty.has_stream = cur.boolean(tag, key, &value)?,
            _ => {}
        }
    }
    ty.name = cur.identifier(tag, "Name", name)?;
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Key" => parse_key(cur, &child, &mut ty.key)?,
            "Property" => ty.properties.push(parse_property(cur, &child)?),
            "NavigationProperty" => ty
                .navigation_properties
                .push(parse_navigation_property(cur, &child)?),
            "Annotation" => ty.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(ty)
}

/// `Key`: the `Name`s of its `PropertyRef`s, appended to `key`.
fn parse_key<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>, key: &mut Vec<String>) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        if child.local() == "PropertyRef" {
            let mut name = None;
            for attr in cur.attributes(&child) {
                let (attr_key, value) = cur.check(&child, attr)?;
                if attr_key == "Name" {
                    name = Some(value.into_owned());
                }
            }
            key.push(cur.required(&child, "Name", name)?);
        }
        cur.skip(&child)?;
    }
    Ok(())
}

/// `Property` and its inline annotations.
fn parse_property<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Property> {
    let mut name = None;
    let mut type_name = None;
    let mut property = Property {
        pos: tag.pos,
        ..Property::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => property.nullable = Some(cur.boolean(tag, key, &value)?),
            "DefaultValue" => property.default_value = Some(value.into_owned()),
            "MaxLength" => property.max_length = Some(value.into_owned()),
            "Precision" => property.precision = Some(cur.integer(tag, key, &value)?),
            "Scale" => property.scale = Some(value.into_owned()),
            "Unicode" => property.unicode = Some(cur.boolean(tag, key, &value)?),
            _ => {}
        }
    }
    property.name = cur.property_name(tag, name)?;
    property.type_name = cur.required(tag, "Type", type_name)?;
    parse_inline_annotations(cur, tag, &mut property.annotations)?;
    Ok(property)
}

/// `NavigationProperty` and its inline annotations (`ReferentialConstraint` and
/// `OnDelete` are skipped).
fn parse_navigation_property<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
) -> Result<NavigationProperty> {
    let mut name = None;
    let mut type_name = None;
    let mut property = NavigationProperty {
        pos: tag.pos,
        ..NavigationProperty::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => property.nullable = Some(cur.boolean(tag, key, &value)?),
            "Partner" => property.partner = Some(value.into_owned()),
            "ContainsTarget" => property.contains_target = cur.boolean(tag, key, &value)?,
            _ => {}
        }
    }
    property.name = cur.identifier(tag, "Name", name)?;
    property.type_name = cur.required(tag, "Type", type_name)?;
    parse_inline_annotations(cur, tag, &mut property.annotations)?;
    Ok(property)
}

/// `EnumType`: `Member`s and inline annotations.
fn parse_enum_type<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<EnumType> {
    let mut name = None;
    let mut ty = EnumType {
        pos: tag.pos,
        ..EnumType::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "UnderlyingType" => ty.underlying_type = Some(value.into_owned()),
            "IsFlags" => ty.is_flags = cur.boolean(tag, key, &value)?,
            _ => {}
        }
    }
    ty.name = cur.identifier(tag, "Name", name)?;
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Member" => ty.members.push(parse_member(cur, &child)?),
            "Annotation" => ty.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(ty)
}

/// `EnumType/Member Name=".." Value=".."`.
fn parse_member<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Member> {
    let mut name = None;
    let mut member = Member {
        pos: tag.pos,
        ..Member::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Value" => member.value = Some(cur.integer(tag, key, &value)?),
            _ => {}
        }
    }
    member.name = cur.identifier(tag, "Name", name)?;
    parse_inline_annotations(cur, tag, &mut member.annotations)?;
    Ok(member)
}

/// `TypeDefinition Name=".." UnderlyingType=".."`.
fn parse_type_definition<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<TypeDefinition> {
    let mut name = None;
    let mut underlying_type = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "UnderlyingType" => underlying_type = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut definition = TypeDefinition {
        name: cur.identifier(tag, "Name", name)?,
        underlying_type: cur.required(tag, "UnderlyingType", underlying_type)?,
        annotations: Vec::new(),
        pos: tag.pos,
    };
    parse_inline_annotations(cur, tag, &mut definition.annotations)?;
    Ok(definition)
}

/// `Action` or `Function`: `Parameter`s, `ReturnType` and inline annotations.
fn parse_operation<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    kind: OperationKind,
) -> Result<Operation> {
    let mut name = None;
    let mut operation = Operation {
        kind,
        pos: tag.pos,
        ..Operation::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "IsBound" => operation.is_bound = cur.boolean(tag, key, &value)?,
            "IsComposable" => operation.is_composable = cur.boolean(tag, key, &value)?,
            "EntitySetPath" => operation.entity_set_path = Some(value.into_owned()),
            _ => {}
        }
    }
    operation.name = cur.identifier(tag, "Name", name)?;
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Parameter" => operation.parameters.push(parse_parameter(cur, &child)?),
            "ReturnType" => operation.return_type = Some(parse_return_type(cur, &child)?),
            "Annotation" => operation.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(operation)
}

/// `Parameter` and its inline annotations.
fn parse_parameter<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Parameter> {
    let mut name = None;
    let mut type_name = None;
    let mut parameter = Parameter {
        pos: tag.pos,
        ..Parameter::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => parameter.nullable = Some(cur.boolean(tag, key, &value)?),
            "Unicode" => parameter.unicode = Some(cur.boolean(tag, key, &value)?),
            _ => {}
        }
    }
    parameter.name = cur.identifier(tag, "Name", name)?;
    parameter.type_name = cur.required(tag, "Type", type_name)?;
    parse_inline_annotations(cur, tag, &mut parameter.annotations)?;
    Ok(parameter)
}

/// `ReturnType Type=".." Nullable=".."` and its inline annotations.
fn parse_return_type<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<ReturnType> {
    let mut type_name = None;
    let mut nullable = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => nullable = Some(cur.boolean(tag, key, &value)?),
            _ => {}
        }
    }
    let mut return_type = ReturnType {
        type_name: cur.required(tag, "Type", type_name)?,
        nullable,
        annotations: Vec::new(),
        pos: tag.pos,
    };
    parse_inline_annotations(cur, tag, &mut return_type.annotations)?;
    Ok(return_type)
}

/// `Term Name=".." Type=".." AppliesTo=".."`.
fn parse_term<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Term> {
    let mut name = None;
    let mut type_name = None;
    let mut applies_to = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "AppliesTo" => applies_to = Some(value.into_owned()),
            _ => {}
        }
    }
    let term = Term {
        name: cur.identifier(tag, "Name", name)?,
        type_name: cur.required(tag, "Type", type_name)?,
        applies_to,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(term)
}

/// `EntityContainer`: `EntitySet`, `Singleton`, `ActionImport`, `FunctionImport`.
fn parse_entity_container<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<EntityContainer> {
    let mut name = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Name" {
            name = Some(value.into_owned());
        }
    }
    let mut container = EntityContainer {
        name: cur.identifier(tag, "Name", name)?,
        pos: tag.pos,
        ..EntityContainer::default()
    };
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "EntitySet" => container.entity_sets.push(parse_entity_set(cur, &child)?),
            "Singleton" => container.singletons.push(parse_singleton(cur, &child)?),
            "ActionImport" => container
                .action_imports
                .push(parse_operation_import(cur, &child, "Action")?),
            "FunctionImport" => container
                .function_imports
                .push(parse_operation_import(cur, &child, "Function")?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(container)
}

/// `EntitySet Name=".." EntityType=".."`: navigation bindings and inline annotations.
fn parse_entity_set<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<EntitySet> {
    let mut name = None;
    let mut entity_type = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "EntityType" => entity_type = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut set = EntitySet {
        name: cur.identifier(tag, "Name", name)?,
        entity_type: cur.required(tag, "EntityType", entity_type)?,
        pos: tag.pos,
        ..EntitySet::default()
    };
    parse_navigation_source_children(cur, tag, &mut set.navigation_bindings, &mut set.annotations)?;
    Ok(set)
}

/// `Singleton Name=".." Type=".."`: navigation bindings and inline annotations.
fn parse_singleton<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Singleton> {
    let mut name = None;
    let mut type_name = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut singleton = Singleton {
        name: cur.identifier(tag, "Name", name)?,
        type_name: cur.required(tag, "Type", type_name)?,
        pos: tag.pos,
        ..Singleton::default()
    };
    parse_navigation_source_children(
        cur,
        tag,
        &mut singleton.navigation_bindings,
        &mut singleton.annotations,
    )?;
    Ok(singleton)
}

/// The children of an `EntitySet` or a `Singleton`.
fn parse_navigation_source_children<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    bindings: &mut Vec<NavigationPropertyBinding>,
    annotations: &mut Vec<Annotation>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "NavigationPropertyBinding" => {
                bindings.push(parse_navigation_property_binding(cur, &child)?);
            }
            "Annotation" => annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(())
}

/// `NavigationPropertyBinding Path=".." Target=".."`.
fn parse_navigation_property_binding<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
) -> Result<NavigationPropertyBinding> {
    let mut path = None;
    let mut target = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Path" => path = Some(value.into_owned()),
            "Target" => target = Some(value.into_owned()),
            _ => {}
        }
    }
    let binding = NavigationPropertyBinding {
        path: cur.required(tag, "Path", path)?,
        target: cur.required(tag, "Target", target)?,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(binding)
}

/// `ActionImport Name=".." Action=".."` or `FunctionImport Name=".." Function=".."`;
/// `operation_attribute` is `Action` or `Function`.
fn parse_operation_import<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    operation_attribute: &str,
) -> Result<OperationImport> {
    let mut name = None;
    let mut operation = None;
    let mut entity_set = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "EntitySet" => entity_set = Some(value.into_owned()),
            _ if key == operation_attribute => operation = Some(value.into_owned()),
            _ => {}
        }
    }
    let import = OperationImport {
        name: cur.identifier(tag, "Name", name)?,
        operation: cur.required(tag, operation_attribute, operation)?,
        entity_set,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(import)
}

/// An out-of-line `Annotations Target=".." Qualifier=".."` block.
fn parse_annotations<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Annotations> {
    let mut target = None;
    let mut qualifier = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Target" => target = Some(value.into_owned()),
            "Qualifier" => qualifier = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut block = Annotations {
        target: cur.required(tag, "Target", target)?,
        qualifier,
        annotations: Vec::new(),
        pos: tag.pos,
    };
    parse_inline_annotations(cur, tag, &mut block.annotations)?;
    Ok(block)
}

/// Reads the `Annotation` children of `tag` into `annotations`, skipping anything else.
fn parse_inline_annotations<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    annotations: &mut Vec<Annotation>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Annotation" => annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(())
}

/// `Annotation Term=".." Qualifier=".."` with its value, written either as an
/// attribute (`String=".."`, `Bool=".."`, …) or as the first expression child
/// (`<String>..</String>`, `<Record>`, …). Annotations of the annotation are skipped.
fn parse_annotation<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Annotation> {
    let mut term = None;
    let mut annotation = Annotation {
        pos: tag.pos,
        ..Annotation::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Term" => term = Some(value.into_owned()),
            "Qualifier" => annotation.qualifier = Some(value.into_owned()),
            "String" => annotation.value = AnnotationValue::String(value.into_owned()),
            "Bool" => annotation.value = AnnotationValue::Bool(cur.boolean(tag, key, &value)?),
            "Int" => annotation.value = AnnotationValue::Int(cur.integer(tag, key, &value)?),
            "EnumMember" => annotation.value = AnnotationValue::EnumMember(value.into_owned()),
            "Path" => annotation.value = AnnotationValue::Path(value.into_owned()),
            "Binary"
            | "Date"
            | "DateTimeOffset"
            | "Decimal"
            | "Duration"
            | "Float"
            | "Guid"
            | "TimeOfDay"
            | "AnnotationPath"
            | "ModelElementPath"
            | "NavigationPropertyPath"
            | "PropertyPath"
            | "UrlRef" => annotation.value = AnnotationValue::Other(key.to_owned()),
            _ => {}
        }
    }
    annotation.term = cur.required(tag, "Term", term)?;
    while let Some(child) = cur.next_child(tag)? {
        let local = child.local();
        if local == "Annotation" || annotation.value != AnnotationValue::Empty {
            cur.skip(&child)?;
            continue;
        }
        annotation.value = match local {
            "String" => AnnotationValue::String(cur.text(&child)?),
            "Bool" => {
                let text = cur.text(&child)?;
                AnnotationValue::Bool(cur.boolean(&child, "content", &text)?)
            }
            "Int" => {
                let text = cur.text(&child)?;
                AnnotationValue::Int(cur.integer(&child, "content", &text)?)
            }
            "EnumMember" => AnnotationValue::EnumMember(trimmed(cur.text(&child)?)),
            "Path" => AnnotationValue::Path(trimmed(cur.text(&child)?)),
            _ => {
                let other = AnnotationValue::Other(local.to_owned());
                cur.skip(&child)?;
                other
            }
        };
    }
    Ok(annotation)
}

/// `text` without leading and trailing XML whitespace, reusing its allocation when
/// there is none.
fn trimmed(text: String) -> String {
    let trimmed = text.trim_matches(is_xml_space);
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_owned()
    }
}

// ---------------------------------------------------------------------------------------
// The cursor
// ---------------------------------------------------------------------------------------

/// An element start tag (`<Name ...>` or `<Name .../>`) as handed out by [`Cursor`].
struct Tag<'a> {
    start: BytesStart<'a>,
    /// Where the element starts.
    pos: Pos,
    /// Nesting depth: 1 for the root element.
    depth: u32,
    /// Written as `<Name .../>`: there are no children and no end tag to wait for.
    empty: bool,
    /// Byte offset of the `<` in the input, for positions inside the tag.
    offset: usize,
}

impl Tag<'_> {
    /// The element name as written, e.g. `edmx:DataServices`.
    fn name(&self) -> &str {
        self.start.name().into_inner()
    }

    /// The element name without its prefix, e.g. `DataServices`.
    fn local(&self) -> &str {
        self.start.local_name().into_inner()
    }
}

/// What [`Cursor::next_node`] returns; comments, processing instructions, the XML
/// declaration and the doctype never come out of it.
enum Node<'a> {
    /// A start tag or an empty-element tag.
    Open(Tag<'a>),
    /// An end tag.
    Close,
    /// Character data (without references) starting at the given byte offset.
    Text(BytesText<'a>, usize),
    /// A CDATA section starting at the given byte offset.
    CData(BytesCData<'a>, usize),
    /// An entity or character reference in character data, at the given byte offset.
    Ref(BytesRef<'a>, usize),
    /// The end of the input.
    Eof,
}

/// What is wrong with an XML declaration whose content (between `<?` and `?>`) is
/// `content`, if anything: XML 1.0 allows `version`, then optionally `encoding`, then
/// optionally `standalone` (`yes` or `no`), each `name = "value"` after white space, and
/// nothing else. quick-xml reads the values it is asked for and ignores the rest.
fn declaration_fault(content: &str) -> Option<String> {
    let mut rest = content.strip_prefix("xml").unwrap_or(content);
    let mut allowed: &[&str] = &["version", "encoding", "standalone"];
    loop {
        let part = rest.trim_start_matches(is_xml_space);
        if part.is_empty() {
            return (allowed.len() == 3).then(|| "it must name a version".to_owned());
        }
        if part.len() == rest.len() {
            return Some(format!("white space must come before `{}`", excerpt(part)));
        }
        let name_end = part.find(|c: char| c == '=' || is_xml_space(c)).unwrap_or(part.len());
        let name = part.get(..name_end).unwrap_or_default();
        let Some(at) = allowed.iter().position(|allowed| *allowed == name) else {
            return Some(format!(
                "`{}` may not appear here (only `version`, `encoding` and `standalone`, in that order)",
                excerpt(name)
            ));
        };
        if allowed.len() == 3 && at != 0 {
            return Some("it must start with `version`".to_owned());
        }
        allowed = allowed.get(at.saturating_add(1)..).unwrap_or_default();
        let value = part.get(name_end..).unwrap_or_default().trim_start_matches(is_xml_space);
        let Some(value) = value.strip_prefix('=') else {
            return Some(format!("`{name}` must be followed by `=`"));
        };
        let value = value.trim_start_matches(is_xml_space);
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return Some(format!("the value of `{name}` must be quoted"));
        };
        let value = value.get(1..).unwrap_or_default();
        let Some(close) = value.find(quote) else {
            return Some(format!("the value of `{name}` is not closed"));
        };
        let text = value.get(..close).unwrap_or_default();
        if name == "standalone" && text != "yes" && text != "no" {
            return Some("`standalone` must be `yes` or `no`".to_owned());
        }
        rest = value.get(close.saturating_add(1)..).unwrap_or_default();
    }
}

/// A pull reader over the XML events of one document that knows where it is.
struct Cursor<'a> {
    file: &'a str,
    text: &'a str,
    reader: Reader<&'a [u8]>,
    lines: Lines<'a>,
    version: XmlVersion,
    /// The encoding the text was read in.
    encoding: Encoding,
    /// How many elements are open.
    depth: u32,
    /// The byte offset and position of every open element, innermost last (to report
    /// which one is not closed when the input ends early).
    open: Vec<(usize, Pos)>,
}

impl<'a> Cursor<'a> {
    fn new(file: &'a str, text: &'a str, encoding: Encoding) -> Self {
        let mut reader = Reader::from_str(text);
        // `--` may not appear inside a comment.
        reader.config_mut().check_comments = true;
        Cursor {
            file,
            text,
            reader,
            lines: Lines::new(text.as_bytes()),
            version: XmlVersion::Implicit1_0,
            encoding,
            depth: 0,
            open: Vec::new(),
        }
    }

    /// Reads the next node, dropping comments, processing instructions and the like.
    fn next_node(&mut self) -> Result<Node<'a>> {
        loop {
            let offset = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(error) => return Err(self.quick_xml_error(&error)),
            };
            if let Event::Start(start) | Event::Empty(start) = &event {
                self.check_element_name(start.name().into_inner(), offset)?;
                self.check_attributes(start, offset)?;
            }
            return Ok(match event {
                Event::Start(start) => {
                    let pos = self.lines.pos(offset);
                    self.depth = self.depth.saturating_add(1);
                    self.open.push((offset, pos));
                    Node::Open(Tag {
                        start,
                        pos,
                        depth: self.depth,
                        empty: false,
                        offset,
                    })
                }
                Event::Empty(start) => Node::Open(Tag {
                    start,
                    pos: self.lines.pos(offset),
                    depth: self.depth.saturating_add(1),
                    empty: true,
                    offset,
                }),
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.open.pop();
                    Node::Close
                }
                Event::Text(text) => {
                    if let Some(at) = text.find("]]>") {
                        let message = "`]]>` is not allowed in text (write `]]&gt;`)".to_owned();
                        return Err(self.xml_error_at(offset.saturating_add(at), message));
                    }
                    Node::Text(text, offset)
                }
                Event::CData(text) => Node::CData(text, offset),
                Event::GeneralRef(reference) => {
                    // Checked here, so that a reference in text no element reads (text is
                    // skipped where CSDL has none) is refused as well.
                    self.push_reference(&mut String::new(), &reference, offset)?;
                    Node::Ref(reference, offset)
                }
                Event::Decl(decl) => {
                    self.check_declaration(&decl, offset)?;
                    continue;
                }
                Event::PI(pi) => {
                    if let Some(fault) = xml_name_fault(pi.target()) {
                        let message = format!(
                            "`{}` is not a valid processing instruction target: {fault}",
                            excerpt(pi.target())
                        );
                        return Err(self.xml_error_at(offset.saturating_add(2), message));
                    }
                    if pi.target().eq_ignore_ascii_case("xml") {
                        let message = format!(
                            "the processing instruction target `{}` is reserved",
                            pi.target()
                        );
                        return Err(self.xml_error_at(offset, message));
                    }
                    continue;
                }
                Event::DocType(_) => {
                    let message = "a document type declaration (`<!DOCTYPE`) is not allowed \
                                   in CSDL"
                        .to_owned();
                    return Err(self.xml_error_at(offset, message));
                }
                Event::Comment(_) => continue,
                Event::Eof => Node::Eof,
            });
        }
    }

    /// Checks the XML declaration that starts at `offset`: it must come first, name
    /// version 1.0 or 1.1, and name no encoding but the one the text was read in.
    fn check_declaration(&mut self, decl: &BytesDecl<'_>, offset: usize) -> Result<()> {
        if offset != 0 {
            let message = "the XML declaration must be at the very start of the document";
            return Err(self.xml_error_at(offset, message.to_owned()));
        }
        let content: &str = decl;
        if let Some(fault) = declaration_fault(content) {
            return Err(self.xml_error_at(offset, format!("malformed XML declaration: {fault}")));
        }
        match decl.xml_version() {
            Ok(version) => self.version = version,
            Err(error) => return Err(self.xml_error_at(offset, error.to_string())),
        }
        let declared = match decl.encoding() {
            None => return Ok(()),
            Some(Ok(declared)) => declared,
            Some(Err(error)) => return Err(self.xml_error_at(offset, error.to_string())),
        };
        if self.encoding.is_declared_as(&declared) {
            return Ok(());
        }
        let message = if Encoding::Utf16.is_declared_as(&declared) {
            format!(
                "the declaration names encoding `{declared}` but the input is {}: \
                 UTF-16 input must start with a byte order mark",
                self.encoding.name()
            )
        } else if Encoding::Utf8.is_declared_as(&declared) {
            format!(
                "the declaration names encoding `{declared}` but the input is {}",
                self.encoding.name()
            )
        } else {
            format!(
                "encoding `{}` is not supported: only UTF-8 and UTF-16 are read",
                excerpt(&declared)
            )
        };
        Err(self.xml_error_at(offset, message))
    }

    /// Checks that the name of the element whose `<` is at `offset` is an XML name.
    fn check_element_name(&mut self, name: &str, offset: usize) -> Result<()> {
        match xml_name_fault(name) {
            None => Ok(()),
            Some(fault) => {
                let message = format!("`{}` is not a valid element name: {fault}", excerpt(name));
                Err(self.xml_error_at(offset.saturating_add(1), message))
            }
        }
    }

    /// Checks the attributes of the tag whose `<` is at `offset`, whether or not the
    /// element is read: the elements the model skips must be well formed too.
    fn check_attributes(&mut self, start: &BytesStart<'_>, offset: usize) -> Result<()> {
        for attr in Attrs::new(start, self.version) {
            if let Err(fault) = attr {
                // `+ 1`: attribute offsets count from the byte after `<`.
                let offset = offset.saturating_add(1).saturating_add(fault.offset);
                return Err(self.xml_error_at(offset, fault.message));
            }
        }
        Ok(())
    }

    /// Reads up to the root element and returns it. Only whitespace, comments and
    /// processing instructions may come before it.
    fn root(&mut self) -> Result<Tag<'a>> {
        loop {
            match self.next_node()? {
                Node::Open(tag) => return Ok(tag),
                Node::Text(text, _) if text.chars().all(is_xml_space) => {}
                Node::Text(_, offset) | Node::CData(_, offset) | Node::Ref(_, offset) => {
                    return Err(
                        self.xml_error_at(offset, "text before the root element".to_owned())
                    );
                }
                Node::Close => {
                    let offset = self.text.len();
                    return Err(self.xml_error_at(offset, "unexpected end tag".to_owned()));
                }
                Node::Eof => {
                    return Err(Error::Csdl {
                        location: Location::new(self.file, Pos { line: 1, column: 1 }),
                        element: "edmx:Edmx".to_owned(),
                        message: "not a CSDL document: there is no root element".to_owned(),
                    });
                }
            }
        }
    }

    /// Reads what follows the root element: only whitespace, comments and processing
    /// instructions may.
    fn finish(&mut self) -> Result<()> {
        loop {
            match self.next_node()? {
                Node::Eof => return Ok(()),
                Node::Text(text, _) if text.chars().all(is_xml_space) => {}
                Node::Open(tag) => {
                    return Err(self.xml_error_at(
                        tag.offset,
                        format!("element `<{}>` after the root element", tag.name()),
                    ));
                }
                Node::Text(_, offset) | Node::CData(_, offset) | Node::Ref(_, offset) => {
                    return Err(self.xml_error_at(offset, "text after the root element".to_owned()));
                }
                Node::Close => {
                    let offset = self.text.len();
                    return Err(self.xml_error_at(offset, "unexpected end tag".to_owned()));
                }
            }
        }
    }

    /// The next child element of `parent`, or `None` once `parent` is closed (at once
    /// for an empty-element tag). Whatever is left unread of earlier children (their
    /// own descendants) and text between children are skipped.
    fn next_child(&mut self, parent: &Tag<'a>) -> Result<Option<Tag<'a>>> {
        if parent.empty || self.depth < parent.depth {
            return Ok(None);
        }
        loop {
            match self.next_node()? {
                Node::Open(tag) if tag.depth == parent.depth.saturating_add(1) => {
                    return Ok(Some(tag));
                }
                Node::Close if self.depth < parent.depth => return Ok(None),
                Node::Open(_) | Node::Close | Node::Text(..) | Node::CData(..) | Node::Ref(..) => {}
                Node::Eof => return Err(self.eof_error()),
            }
        }
    }

    /// Skips the rest of `tag`'s content, up to and including its end tag.
    fn skip(&mut self, tag: &Tag<'a>) -> Result<()> {
        while self.next_child(tag)?.is_some() {}
        Ok(())
    }

    /// The character data of `tag` (references resolved, child elements skipped), up to
    /// and including its end tag.
    fn text(&mut self, tag: &Tag<'a>) -> Result<String> {
        let mut out = String::new();
        if tag.empty || self.depth < tag.depth {
            return Ok(out);
        }
        loop {
            match self.next_node()? {
                Node::Text(text, _) => out.push_str(&text.xml_content(self.version)),
                Node::CData(text, _) => out.push_str(&text.xml_content(self.version)),
                Node::Ref(reference, offset) => {
                    self.push_reference(&mut out, &reference, offset)?;
                }
                Node::Open(child) => self.skip(&child)?,
                Node::Close => {
                    if self.depth < tag.depth {
                        return Ok(out);
                    }
                }
                Node::Eof => return Err(self.eof_error()),
            }
        }
    }

    /// Appends the replacement of `&name;` or `&#..;` to `out`.
    fn push_reference(
        &mut self,
        out: &mut String,
        reference: &BytesRef<'_>,
        offset: usize,
    ) -> Result<()> {
        if reference.is_char_ref() {
            let Some(c) = reference
                .resolve_char_ref()
                .ok()
                .flatten()
                .filter(|&c| is_xml_char(c))
            else {
                let message = format!("invalid character reference `&{};`", &**reference);
                return Err(self.xml_error_at(offset, message));
            };
            out.push(c);
        } else if let Some(replacement) = resolve_predefined_entity(reference) {
            out.push_str(replacement);
        } else {
            let message = format!("unknown entity `&{};`", &**reference);
            return Err(self.xml_error_at(offset, message));
        }
        Ok(())
    }

    /// The attributes of `tag`; feed each item to [`Cursor::check`].
    fn attributes<'t>(&self, tag: &'t Tag<'a>) -> Attrs<'t> {
        Attrs::new(&tag.start, self.version)
    }

    /// Turns a malformed attribute of `tag` into an [`Error::Xml`].
    fn check<'t>(
        &mut self,
        tag: &Tag<'a>,
        attr: Result<(&'t str, Cow<'t, str>), AttrFault>,
    ) -> Result<(&'t str, Cow<'t, str>)> {
        attr.map_err(|fault| {
            // `+ 1`: attribute offsets count from the byte after `<`.
            let offset = tag.offset.saturating_add(1).saturating_add(fault.offset);
            self.xml_error_at(offset, fault.message)
        })
    }

    /// The value of the required attribute `key` of `tag`.
    fn required(&self, tag: &Tag<'a>, key: &str, value: Option<String>) -> Result<String> {
        value.ok_or_else(|| self.csdl_error(tag, format!("missing required attribute `{key}`")))
    }

    /// The value of the required attribute `key` of `tag`, which names the element: a
    /// CSDL simple identifier (see [`simple_identifier_fault`]).
    fn identifier(&self, tag: &Tag<'a>, key: &str, value: Option<String>) -> Result<String> {
        let value = self.required(tag, key, value)?;
        match simple_identifier_fault(&value) {
            None => Ok(value),
            Some(fault) => Err(self.name_error(tag, key, &value, "simple identifier", &fault)),
        }
    }

    /// The required `Name` of a `Property`: a simple identifier, except that `-` may
    /// appear after the first character, as in Microsoft's published v1.0 CSDL
    /// (`InnerError/request-id`). Such names are wire names; Rust names are derived
    /// from them later.
    fn property_name(&self, tag: &Tag<'a>, value: Option<String>) -> Result<String> {
        let value = self.required(tag, "Name", value)?;
        match identifier_fault(&value, &['-']) {
            None => Ok(value),
            Some(fault) => Err(self.name_error(tag, "Name", &value, "property name", &fault)),
        }
    }

    /// The required `Namespace` of `tag`: simple identifiers joined by dots, at most
    /// [`MAX_NAMESPACE_CHARS`] characters.
    fn namespace(&self, tag: &Tag<'a>, value: Option<String>) -> Result<String> {
        let value = self.required(tag, "Namespace", value)?;
        let fault = if value.chars().nth(MAX_NAMESPACE_CHARS).is_some() {
            Some(format!(
                "it is longer than {MAX_NAMESPACE_CHARS} characters"
            ))
        } else {
            value.split('.').find_map(|part| {
                simple_identifier_fault(part).map(|fault| {
                    if part.is_empty() {
                        "it has an empty part between dots".to_owned()
                    } else {
                        format!("in `{}`, {fault}", excerpt(part))
                    }
                })
            })
        };
        match fault {
            None => Ok(value),
            Some(fault) => Err(self.name_error(tag, "Namespace", &value, "namespace", &fault)),
        }
    }

    /// The optional `Alias` of `tag`: a simple identifier.
    fn alias(&self, tag: &Tag<'a>, value: Option<String>) -> Result<Option<String>> {
        value
            .map(|value| self.identifier(tag, "Alias", Some(value)))
            .transpose()
    }

    /// The error for a name `value` of attribute `key` that is not a valid `what`.
    fn name_error(&self, tag: &Tag<'a>, key: &str, value: &str, what: &str, fault: &str) -> Error {
        self.csdl_error(
            tag,
            format!(
                "attribute `{key}`: `{}` is not a valid CSDL {what}: {fault}",
                excerpt(value)
            ),
        )
    }

    /// An `xs:boolean` value: `true`, `false`, `1` or `0`. `what` names the attribute.
    fn boolean(&self, tag: &Tag<'a>, what: &str, value: &str) -> Result<bool> {
        match value.trim_matches(is_xml_space) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(self.csdl_error(
                tag,
                format!(
                    "{} must be `true` or `false`, not `{value}`",
                    describe(what)
                ),
            )),
        }
    }

    /// An integer value. `what` names the attribute.
    fn integer<T: std::str::FromStr>(&self, tag: &Tag<'a>, what: &str, value: &str) -> Result<T> {
        value.trim_matches(is_xml_space).parse().map_err(|_| {
            self.csdl_error(
                tag,
                format!("{} must be an integer, not `{value}`", describe(what)),
            )
        })
    }

    /// An [`Error::Csdl`] about `tag`.
    fn csdl_error(&self, tag: &Tag<'a>, message: String) -> Error {
        Error::Csdl {
            location: Location::new(self.file, tag.pos),
            element: tag.name().to_owned(),
            message,
        }
    }

    /// An [`Error::Xml`] at a byte offset.
    fn xml_error_at(&mut self, offset: usize, message: String) -> Error {
        Error::Xml {
            location: Location::new(self.file, self.lines.pos(offset)),
            message,
        }
    }

    /// An [`Error::Xml`] for an error of the reader, at the place the reader reports.
    fn quick_xml_error(&mut self, error: &quick_xml::Error) -> Error {
        let offset = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
        self.xml_error_at(offset, error.to_string())
    }

    /// The error for an input that ends inside an element: at the innermost one.
    fn eof_error(&mut self) -> Error {
        match self.open.last().copied() {
            Some((offset, pos)) => {
                let name = self
                    .text
                    .get(offset.saturating_add(1)..)
                    .and_then(|rest| {
                        rest.split(|c: char| is_xml_space(c) || c == '>' || c == '/')
                            .next()
                    })
                    .unwrap_or_default();
                Error::Xml {
                    location: Location::new(self.file, pos),
                    message: format!("unexpected end of input: `<{name}>` is not closed"),
                }
            }
            None => self.xml_error_at(self.text.len(), "unexpected end of input".to_owned()),
        }
    }
}

/// `Nullable` → "attribute `Nullable`"; `content` → "the content".
fn describe(what: &str) -> String {
    if what == "content" {
        "the content".to_owned()
    } else {
        format!("attribute `{what}`")
    }
}

/// The most characters of a CSDL simple identifier.
const MAX_IDENTIFIER_CHARS: usize = 128;

/// The most characters of a CSDL namespace.
const MAX_NAMESPACE_CHARS: usize = 511;

/// Why `name` is not a CSDL `SimpleIdentifier`, or `None` if it is one: a letter
/// (general category L or Nl) or `_`, then letters, digits (Nd), combining marks (Mn,
/// Mc), connector punctuation (Pc, which includes `_`) or format characters (Cf); at
/// most [`MAX_IDENTIFIER_CHARS`] characters.
fn simple_identifier_fault(name: &str) -> Option<String> {
    identifier_fault(name, &[])
}

/// [`simple_identifier_fault`] that also allows the characters of `extra` after the
/// first character.
fn identifier_fault(name: &str, extra: &[char]) -> Option<String> {
    use unicode_general_category::GeneralCategory as Gc;
    use unicode_general_category::get_general_category;

    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("it is empty".to_owned());
    };
    let category = get_general_category(first);
    let is_letter = matches!(
        category,
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
            | Gc::LetterNumber
    );
    if !(is_letter || first == '_') {
        return Some(format!(
            "it must start with a letter or `_`, not {}",
            describe_char(first)
        ));
    }
    for c in chars.by_ref().take(MAX_IDENTIFIER_CHARS - 1) {
        let allowed = c.is_ascii_alphanumeric()
            || c == '_'
            || extra.contains(&c)
            || matches!(
                get_general_category(c),
                Gc::UppercaseLetter
                    | Gc::LowercaseLetter
                    | Gc::TitlecaseLetter
                    | Gc::ModifierLetter
                    | Gc::OtherLetter
                    | Gc::LetterNumber
                    | Gc::DecimalNumber
                    | Gc::NonspacingMark
                    | Gc::SpacingMark
                    | Gc::ConnectorPunctuation
                    | Gc::Format
            );
        if !allowed {
            return Some(format!("{} may not appear in it", describe_char(c)));
        }
    }
    if chars.next().is_some() {
        return Some(format!(
            "it is longer than {MAX_IDENTIFIER_CHARS} characters"
        ));
    }
    None
}

/// A character for a message: `` `²` (U+00B2, category No) ``.
fn describe_char(c: char) -> String {
    let category = unicode_general_category::get_general_category(c).abbreviation();
    let code = u32::from(c);
    if c.is_control() || c.is_whitespace() {
        format!("U+{code:04X} (category {category})")
    } else {
        format!("`{c}` (U+{code:04X}, category {category})")
    }
}

/// `text` for a message: whole if short, else its first characters and `…`.
fn excerpt(text: &str) -> Cow<'_, str> {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", text.get(..end).unwrap_or_default())),
    }
}

/// Whether XML 1.0 allows `c` in a document (production `Char`): tab, line feed,
/// carriage return, and everything from U+0020 but the surrogates (which `char`
/// cannot hold) and U+FFFE and U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// The first character of `text` that XML does not allow, with its byte offset.
///
/// Only two kinds of bytes can start one: a control byte below U+0020 and `0xEF`,
/// which starts U+FFFE and U+FFFF (and the rest of U+F000..U+FFFF). Blocks without
/// either are passed over by a loop the compiler vectorizes.
fn first_non_xml_char(text: &str) -> Option<(usize, char)> {
    const BLOCK: usize = 4096;
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = start.saturating_add(BLOCK).min(bytes.len());
        let block = bytes.get(start..end).unwrap_or_default();
        let suspect = block.iter().fold(false, |found, &b| {
            found | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
        });
        if suspect {
            // From the character the block starts in, up to the end of the block.
            let mut from = start;
            while !text.is_char_boundary(from) {
                from = from.saturating_sub(1);
            }
            let found = text
                .get(from..)
                .unwrap_or_default()
                .char_indices()
                .map(|(at, c)| (from.saturating_add(at), c))
                .take_while(|&(at, _)| at < end)
                .find(|&(_, c)| !is_xml_char(c));
            if found.is_some() {
                return found;
            }
        }
        start = end;
    }
    None
}

/// Why `name` is not an XML `Name` (letters, digits and a few marks; see the XML 1.0
/// fifth edition, production 5), or `None` if it is one. Prefixed names qualify.
fn xml_name_fault(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let is_ascii_name = matches!(bytes.first(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_' | b':'))
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'));
    if is_ascii_name {
        return None;
    }
    fn is_start(c: char) -> bool {
        matches!(c,
            ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
            | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
            | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
            | '\u{10000}'..='\u{EFFFF}')
    }
    fn is_part(c: char) -> bool {
        is_start(c)
            || matches!(c,
                '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
    }
    let mut chars = name.chars();
    match chars.next() {
        None => Some("it is empty".to_owned()),
        Some(c) if !is_start(c) => Some(format!("it may not start with {}", describe_char(c))),
        Some(_) => chars
            .find(|&c| !is_part(c))
            .map(|c| format!("{} may not appear in it", describe_char(c))),
    }
}

/// XML white space: space, tab, carriage return, line feed.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

// ---------------------------------------------------------------------------------------
// Attributes
// ---------------------------------------------------------------------------------------

/// A malformed attribute: a message and the byte offset in the tag (after its `<`).
struct AttrFault {
    offset: usize,
    message: String,
}

/// How many attribute names [`Attrs`] remembers without allocating.
const INLINE_NAMES: usize = 8;

/// The attributes of one tag as `(name, normalized value)`, borrowing from the input
/// where no entity or white space needs replacing. Duplicated names are reported
/// without allocating for tags of up to [`INLINE_NAMES`] attributes.
struct Attrs<'t> {
    inner: Attributes<'t>,
    /// The tag between `<` and `>`, to turn names and values into offsets.
    content: &'t str,
    version: XmlVersion,
    seen: [&'t str; INLINE_NAMES],
    seen_len: usize,
    seen_more: Option<HashSet<&'t str>>,
}

impl<'t> Attrs<'t> {
    fn new(start: &'t BytesStart<'_>, version: XmlVersion) -> Self {
        let mut inner = start.attributes();
        inner.with_checks(false);
        Attrs {
            inner,
            content: start,
            version,
            seen: [""; INLINE_NAMES],
            seen_len: 0,
            seen_more: None,
        }
    }

    /// Records `name`; `true` if it was already there.
    fn is_duplicate(&mut self, name: &'t str) -> bool {
        if let Some(more) = &mut self.seen_more {
            return !more.insert(name);
        }
        let seen = self.seen.get(..self.seen_len).unwrap_or_default();
        if seen.contains(&name) {
            return true;
        }
        if let Some(slot) = self.seen.get_mut(self.seen_len) {
            *slot = name;
            self.seen_len += 1;
        } else {
            let mut more: HashSet<&'t str> = self.seen.iter().copied().collect();
            more.insert(name);
            self.seen_more = Some(more);
        }
        false
    }

    /// The byte offset of `part` (a slice of the tag) in the tag.
    fn offset_of(&self, part: &str) -> usize {
        (part.as_ptr() as usize)
            .checked_sub(self.content.as_ptr() as usize)
            .filter(|offset| *offset <= self.content.len())
            .unwrap_or(0)
    }
}

impl<'t> Iterator for Attrs<'t> {
    type Item = Result<(&'t str, Cow<'t, str>), AttrFault>;

    fn next(&mut self) -> Option<Self::Item> {
        let attr = match self.inner.next()? {
            Ok(attr) => attr,
            Err(error) => return Some(Err(attr_fault(&error))),
        };
        let name = attr.key.into_inner();
        if let Some(fault) = xml_name_fault(name) {
            return Some(Err(AttrFault {
                offset: self.offset_of(name),
                message: format!("`{}` is not a valid attribute name: {fault}", excerpt(name)),
            }));
        }
        if self.is_duplicate(name) {
            return Some(Err(AttrFault {
                offset: self.offset_of(name),
                message: format!("duplicated attribute `{name}`"),
            }));
        }
        if let Cow::Borrowed(raw) = attr.value {
            let start = self.offset_of(raw);
            let closer_look = needs_a_closer_look(raw);
            if let Some(at) = closer_look.then(|| raw.find('<')).flatten() {
                return Some(Err(AttrFault {
                    offset: start.saturating_add(at),
                    message: format!("`<` is not allowed in attribute `{name}` (write `&lt;`)"),
                }));
            }
            // After the closing quote: white space or the end of the tag.
            let after = start.saturating_add(raw.len()).saturating_add(1);
            if self
                .content
                .as_bytes()
                .get(after)
                .is_some_and(|&b| !is_xml_space(char::from(b)))
            {
                return Some(Err(AttrFault {
                    offset: after,
                    message: format!("white space must follow attribute `{name}`"),
                }));
            }
            if !closer_look {
                // Nothing to replace: skip quick-xml's normalization pass.
                return Some(Ok((name, Cow::Borrowed(raw))));
            }
        }
        Some(match attr.normalized_value(self.version) {
            // The raw text holds only XML characters: any other came from a reference.
            Ok(value) if !value.chars().all(is_xml_char) => Err(AttrFault {
                offset: self.offset_of(&attr.value),
                message: format!(
                    "attribute `{name}` refers to a character that is not allowed in XML"
                ),
            }),
            Ok(value) => Ok((name, value)),
            Err(error) => {
                let mut offset = self.offset_of(&attr.value);
                let message = match &error {
                    quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(range, entity)) => {
                        offset = offset.saturating_add(range.start);
                        format!("unknown entity `&{entity};` in attribute `{name}`")
                    }
                    _ => format!("bad value of attribute `{name}`: {error}"),
                };
                Err(AttrFault { offset, message })
            }
        })
    }
}

/// Whether the raw attribute value `raw` needs a closer look: it holds a `<` (an
/// error), or something normalization could change: a reference (`&`) or a tab, line
/// feed or carriage return (other control characters are refused before parsing).
/// Written without early exit so that it vectorizes.
fn needs_a_closer_look(raw: &str) -> bool {
    raw.bytes().fold(false, |found, b| {
        found | (b < 0x0E) | (b == b'&') | (b == b'<')
    })
}

/// An [`AttrFault`] for a syntax error quick-xml found in an attribute list.
fn attr_fault(error: &AttrError) -> AttrFault {
    let (offset, message) = match error {
        AttrError::ExpectedEq(at) => (*at, "attribute name must be followed by `=`".to_owned()),
        AttrError::ExpectedValue(at) => (*at, "`=` must be followed by a quoted value".to_owned()),
        AttrError::UnquotedValue(at) => (*at, "attribute value must be quoted".to_owned()),
        AttrError::ExpectedQuote(at, quote) => (
            *at,
            format!(
                "attribute value is missing its closing `{}`",
                char::from(*quote)
            ),
        ),
        AttrError::Duplicated(at, _) => (*at, "duplicated attribute".to_owned()),
    };
    AttrFault { offset, message }
}

// ---------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------

/// Turns byte offsets into line and column with a running counter: asking for offsets
/// in increasing order scans every byte of the input once.
struct Lines<'a> {
    bytes: &'a [u8],
    /// The offset `line` and `column` describe.
    offset: usize,
    line: u32,
    column: u32,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The position of the byte at `offset` (clamped to the input).
    fn pos(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            // Only errors ever look back; start over.
            *self = Lines::new(self.bytes);
        }
        let passed = self.bytes.get(self.offset..offset).unwrap_or_default();
        match passed.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                let (before, after) = passed.split_at(last.saturating_add(1));
                let newlines = count_bytes(before, |b| b == b'\n');
                self.line = self.line.saturating_add(saturate(newlines));
                self.column = 1u32.saturating_add(saturate(count_chars(after)));
            }
            None => self.column = self.column.saturating_add(saturate(count_chars(passed))),
        }
        self.offset = offset;
        Pos {
            line: self.line,
            column: self.column,
        }
    }
}

/// The number of UTF-8 characters in `bytes`: the bytes that do not continue one.
fn count_chars(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| b & 0xC0 != 0x80)
}

/// The number of bytes matching `matches`. Counting each chunk of at most 255 bytes in
/// a `u8` lets the compiler use byte-wide vector lanes.
fn count_bytes(bytes: &[u8], matches: impl Fn(u8) -> bool + Copy) -> usize {
    bytes
        .chunks(usize::from(u8::MAX))
        .map(|chunk| {
            let count = chunk
                .iter()
                .fold(0u8, |count, &b| count.wrapping_add(u8::from(matches(b))));
            usize::from(count)
        })
        .sum()
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDMX_OPEN: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example.ns" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"#;
    const EDMX_CLOSE: &str = "    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n";

    /// A document with one schema holding `body`, which starts on line 5.
    fn doc(body: &str) -> String {
        format!("{EDMX_OPEN}{body}{EDMX_CLOSE}")
    }

    fn parse(text: &str) -> Document {
        match parse_document("file.xml", text) {
            Ok(document) => document,
            Err(error) => panic!("unexpected error: {error}"),
        }
    }

    fn parse_schema(body: &str) -> Schema {
        let mut document = parse(&doc(body));
        assert_eq!(document.schemas.len(), 1);
        document.schemas.remove(0)
    }

    fn parse_err(text: &str) -> Error {
        match parse_document("file.xml", text) {
            Ok(document) => panic!("expected an error, got {document:?}"),
            Err(error) => error,
        }
    }

    fn pos(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn minimal_document_with_entity_type() {
        let text = doc(
            r#"      <EntityType Name="vppToken" BaseType="ex.entity" OpenType="true" HasStream="false">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <Property Name="token" Type="Edm.String" MaxLength="max" Unicode="false" DefaultValue="x" />
        <Property Name="amount" Type="Edm.Decimal" Precision="10" Scale="variable" />
        <Property Name="states" Type="Collection(ex.vppTokenState)" Nullable="1" />
        <NavigationProperty Name="owner" Type="ex.user" Nullable="false" Partner="tokens" ContainsTarget="true" />
      </EntityType>
"#,
        );
        let document = parse(&text);
        assert_eq!(document.file, "file.xml");
        assert_eq!(document.version, "4.0");
        assert!(document.references.is_empty());
        let schema = &document.schemas[0];
        assert_eq!(schema.namespace, "example.ns");
        assert_eq!(schema.alias.as_deref(), Some("ex"));
        assert_eq!(schema.pos, pos(4, 5));
        assert_eq!(schema.entity_types.len(), 1);

        let ty = &schema.entity_types[0];
        assert_eq!(ty.kind, StructuredKind::Entity);
        assert_eq!(ty.name, "vppToken");
        assert_eq!(ty.base_type.as_deref(), Some("ex.entity"));
        assert!(!ty.is_abstract);
        assert!(ty.open_type);
        assert!(!ty.has_stream);
        assert_eq!(ty.key, ["id"]);
        assert_eq!(ty.pos, pos(5, 7));
        assert!(ty.annotations.is_empty());

        assert_eq!(
            ty.properties,
            [
                Property {
                    name: "id".into(),
                    type_name: "Edm.String".into(),
                    nullable: Some(false),
                    pos: pos(7, 9),
                    ..Property::default()
                },
                Property {
                    name: "token".into(),
                    type_name: "Edm.String".into(),
                    default_value: Some("x".into()),
                    max_length: Some("max".into()),
                    unicode: Some(false),
                    pos: pos(8, 9),
                    ..Property::default()
                },
                Property {
                    name: "amount".into(),
                    type_name: "Edm.Decimal".into(),
                    precision: Some(10),
                    scale: Some("variable".into()),
                    pos: pos(9, 9),
                    ..Property::default()
                },
                Property {
                    name: "states".into(),
                    type_name: "Collection(ex.vppTokenState)".into(),
                    nullable: Some(true),
                    pos: pos(10, 9),
                    ..Property::default()
                },
            ]
        );
        assert_eq!(
            ty.navigation_properties,
            [NavigationProperty {
                name: "owner".into(),
                type_name: "ex.user".into(),
                nullable: Some(false),
                partner: Some("tokens".into()),
                contains_target: true,
                annotations: vec![],
                pos: pos(11, 9),
            }]
        );
    }

    #[test]
    fn complex_type_with_base_type() {
        let schema = parse_schema(
            r#"      <ComplexType Name="vppTokenActionResult" Abstract="true" />
      <ComplexType Name="vppTokenRevokeLicensesActionResult" BaseType="ex.vppTokenActionResult">
        <Property Name="totalLicensesCount" Type="Edm.Int32" Nullable="false" />
      </ComplexType>
"#,
        );
        assert!(schema.entity_types.is_empty());
        let [base, derived] = &schema.complex_types[..] else {
            panic!("expected two complex types: {:?}", schema.complex_types);
        };
        assert_eq!(base.kind, StructuredKind::Complex);
        assert_eq!(base.name, "vppTokenActionResult");
        assert!(base.is_abstract);
        assert_eq!(base.base_type, None);
        assert!(base.properties.is_empty());
        assert_eq!(base.pos, pos(5, 7));
        assert_eq!(derived.kind, StructuredKind::Complex);
        assert_eq!(derived.name, "vppTokenRevokeLicensesActionResult");
        assert!(!derived.is_abstract);
        assert_eq!(
            derived.base_type.as_deref(),
            Some("ex.vppTokenActionResult")
        );
        assert_eq!(derived.properties.len(), 1);
        assert_eq!(derived.properties[0].name, "totalLicensesCount");
        assert_eq!(derived.properties[0].pos, pos(7, 9));
    }

    #[test]
    fn enum_with_flags_and_members() {
        let schema = parse_schema(
            r#"      <EnumType Name="vppTokenState">
        <Member Name="unknown" Value="0" />
        <Member Name="valid" Value="1" />
        <Member Name="unknownFutureValue" Value="-9223372036854775808" />
      </EnumType>
      <EnumType Name="syncStatus" UnderlyingType="Edm.Int64" IsFlags="true">
        <Member Name="none" />
        <Member Name="inProgress" Value=" 4 ">
          <Annotation Term="Core.Description" String="Syncing" />
        </Member>
      </EnumType>
"#,
        );
        let [state, sync] = &schema.enum_types[..] else {
            panic!("expected two enum types: {:?}", schema.enum_types);
        };
        assert_eq!(state.name, "vppTokenState");
        assert_eq!(state.underlying_type, None);
        assert!(!state.is_flags);
        assert_eq!(state.pos, pos(5, 7));
        let members: Vec<_> = state
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.value, m.pos))
            .collect();
        assert_eq!(
            members,
            [
                ("unknown", Some(0), pos(6, 9)),
                ("valid", Some(1), pos(7, 9)),
                ("unknownFutureValue", Some(i64::MIN), pos(8, 9)),
            ]
        );

        assert_eq!(sync.name, "syncStatus");
        assert_eq!(sync.underlying_type.as_deref(), Some("Edm.Int64"));
        assert!(sync.is_flags);
        assert_eq!(sync.members[0].name, "none");
        assert_eq!(sync.members[0].value, None);
        assert_eq!(sync.members[1].value, Some(4));
        assert_eq!(
            sync.members[1].annotations,
            [Annotation {
                term: "Core.Description".into(),
                qualifier: None,
                value: AnnotationValue::String("Syncing".into()),
                pos: pos(13, 11),
            }]
        );
    }

    #[test]
    fn action_with_parameters_and_return_type() {
        let schema = parse_schema(
            r#"      <Action Name="revokeLicenses" IsBound="true" EntitySetPath="bindingParameter/licenses">
        <Parameter Name="bindingParameter" Type="ex.vppToken" Nullable="false" />
        <Parameter Name="notifyManagedDevices" Type="Edm.Boolean" Nullable="false" />
        <Parameter Name="note" Type="Edm.String" Unicode="true">
          <Annotation Term="Core.OptionalParameter" />
        </Parameter>
        <ReturnType Type="Collection(ex.vppTokenActionResult)" Nullable="false">
          <Annotation Term="Org.OData.Core.V1.IsDelta" Bool="true" />
        </ReturnType>
      </Action>
      <Action Name="syncLicenses" />
"#,
        );
        assert!(schema.functions.is_empty());
        let [revoke, sync] = &schema.actions[..] else {
            panic!("expected two actions: {:?}", schema.actions);
        };
        assert_eq!(revoke.kind, OperationKind::Action);
        assert_eq!(revoke.name, "revokeLicenses");
        assert!(revoke.is_bound);
        assert!(!revoke.is_composable);
        assert_eq!(
            revoke.entity_set_path.as_deref(),
            Some("bindingParameter/licenses")
        );
        assert_eq!(revoke.pos, pos(5, 7));
        assert_eq!(
            revoke.parameters,
            [
                Parameter {
                    name: "bindingParameter".into(),
                    type_name: "ex.vppToken".into(),
                    nullable: Some(false),
                    unicode: None,
                    annotations: vec![],
                    pos: pos(6, 9),
                },
                Parameter {
                    name: "notifyManagedDevices".into(),
                    type_name: "Edm.Boolean".into(),
                    nullable: Some(false),
                    unicode: None,
                    annotations: vec![],
                    pos: pos(7, 9),
                },
                Parameter {
                    name: "note".into(),
                    type_name: "Edm.String".into(),
                    nullable: None,
                    unicode: Some(true),
                    annotations: vec![Annotation {
                        term: "Core.OptionalParameter".into(),
                        qualifier: None,
                        value: AnnotationValue::Empty,
                        pos: pos(9, 11),
                    }],
                    pos: pos(8, 9),
                },
            ]
        );
        assert_eq!(
            revoke.return_type,
            Some(ReturnType {
                type_name: "Collection(ex.vppTokenActionResult)".into(),
                nullable: Some(false),
                annotations: vec![Annotation {
                    term: "Org.OData.Core.V1.IsDelta".into(),
                    qualifier: None,
                    value: AnnotationValue::Bool(true),
                    pos: pos(12, 11),
                }],
                pos: pos(11, 9),
            })
        );
        assert_eq!(sync.name, "syncLicenses");
        assert!(!sync.is_bound);
        assert!(sync.parameters.is_empty());
        assert_eq!(sync.return_type, None);
    }

    #[test]
    fn function() {
        let schema = parse_schema(
            r#"      <Function Name="getLicensesForApp" IsBound="true" IsComposable="true">
        <Parameter Name="bindingParameter" Type="Collection(ex.vppToken)" />
        <Parameter Name="bundleId" Type="Edm.String" Nullable="false" />
        <ReturnType Type="Collection(ex.vppToken)" />
      </Function>
"#,
        );
        assert!(schema.actions.is_empty());
        let function = &schema.functions[0];
        assert_eq!(function.kind, OperationKind::Function);
        assert_eq!(function.name, "getLicensesForApp");
        assert!(function.is_bound);
        assert!(function.is_composable);
        assert_eq!(function.entity_set_path, None);
        let names: Vec<_> = function
            .parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["bindingParameter", "bundleId"]);
        let return_type = function.return_type.as_ref().map(|r| r.type_name.as_str());
        assert_eq!(return_type, Some("Collection(ex.vppToken)"));
    }

    #[test]
    fn entity_container() {
        let schema = parse_schema(
            r#"      <EntityContainer Name="GraphService">
        <EntitySet Name="vppTokens" EntityType="ex.vppToken" IncludeInServiceDocument="true">
          <NavigationPropertyBinding Path="owner" Target="users" />
          <Annotation Term="Capabilities.CountRestrictions" />
        </EntitySet>
        <Singleton Name="deviceAppManagement" Type="ex.deviceAppManagement">
          <NavigationPropertyBinding Path="vppTokens/owner" Target="users" />
        </Singleton>
        <ActionImport Name="resetAll" Action="ex.resetAll" />
        <FunctionImport Name="recent" Function="ex.recent" EntitySet="vppTokens" />
      </EntityContainer>
"#,
        );
        let [container] = &schema.entity_containers[..] else {
            panic!("expected one container: {:?}", schema.entity_containers);
        };
        assert_eq!(container.name, "GraphService");
        assert_eq!(container.pos, pos(5, 7));
        assert_eq!(
            container.entity_sets,
            [EntitySet {
                name: "vppTokens".into(),
                entity_type: "ex.vppToken".into(),
                navigation_bindings: vec![NavigationPropertyBinding {
                    path: "owner".into(),
                    target: "users".into(),
                    pos: pos(7, 11),
                }],
                annotations: vec![Annotation {
                    term: "Capabilities.CountRestrictions".into(),
                    qualifier: None,
                    value: AnnotationValue::Empty,
                    pos: pos(8, 11),
                }],
                pos: pos(6, 9),
            }]
        );
        assert_eq!(
            container.singletons,
            [Singleton {
                name: "deviceAppManagement".into(),
                type_name: "ex.deviceAppManagement".into(),
                navigation_bindings: vec![NavigationPropertyBinding {
                    path: "vppTokens/owner".into(),
                    target: "users".into(),
                    pos: pos(11, 11),
                }],
                annotations: vec![],
                pos: pos(10, 9),
            }]
        );
        assert_eq!(
            container.action_imports,
            [OperationImport {
                name: "resetAll".into(),
                operation: "ex.resetAll".into(),
                entity_set: None,
                pos: pos(13, 9),
            }]
        );
        assert_eq!(
            container.function_imports,
            [OperationImport {
                name: "recent".into(),
                operation: "ex.recent".into(),
                entity_set: Some("vppTokens".into()),
                pos: pos(14, 9),
            }]
        );
    }

    #[test]
    fn annotations_in_attribute_and_element_forms() {
        let schema = parse_schema(
            r#"      <EntityType Name="vppToken">
        <Property Name="token" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Description" String="The &quot;token&quot; &amp; more &#39;x&#x27;" />
          <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
          <Annotation Term="Validation.Maximum" Qualifier="q1" Int="-42" />
          <Annotation Term="Core.Permissions" EnumMember="Core.Permission/Read" />
          <Annotation Term="Core.Link" Path="owner/id" />
          <Annotation Term="Validation.Minimum" Decimal="1.5" />
          <Annotation Term="Vendor.Unknown.Term" />
        </Property>
        <Property Name="other" Type="Edm.String">
          <Annotation Term="Core.LongDescription">
            <String>Line &lt;one&gt; &amp; <![CDATA[<raw> & ]]>two</String>
          </Annotation>
          <Annotation Term="Core.Immutable"><Bool> false </Bool></Annotation>
          <Annotation Term="Validation.Maximum"><Int>7</Int></Annotation>
          <Annotation Term="Core.Permissions"><EnumMember>
            Core.Permission/Read Core.Permission/Write
          </EnumMember></Annotation>
          <Annotation Term="Core.Link"><Path>owner</Path></Annotation>
          <Annotation Term="Capabilities.NavigationRestrictions">
            <Annotation Term="Core.Description" String="about the annotation" />
            <Record>
              <PropertyValue Property="Referenceable" Bool="true" />
              <String>not the value</String>
            </Record>
          </Annotation>
          <Annotation Term="Capabilities.Items"><Collection><String>a</String></Collection></Annotation>
          <Annotation Term="Core.Empty"></Annotation>
          <Annotation Term="Core.EmptyString"><String/></Annotation>
        </Property>
      </EntityType>
"#,
        );
        let ty = &schema.entity_types[0];
        let values = |property: &Property| -> Vec<(String, Option<String>, AnnotationValue)> {
            property
                .annotations
                .iter()
                .map(|a| (a.term.clone(), a.qualifier.clone(), a.value.clone()))
                .collect()
        };
        let t = |term: &str, value: AnnotationValue| (term.to_owned(), None, value);
        assert_eq!(
            values(&ty.properties[0]),
            [
                t(
                    "Org.OData.Core.V1.Description",
                    AnnotationValue::String("The \"token\" & more 'x'".into())
                ),
                t("Org.OData.Core.V1.Computed", AnnotationValue::Bool(true)),
                (
                    "Validation.Maximum".to_owned(),
                    Some("q1".to_owned()),
                    AnnotationValue::Int(-42)
                ),
                t(
                    "Core.Permissions",
                    AnnotationValue::EnumMember("Core.Permission/Read".into())
                ),
                t("Core.Link", AnnotationValue::Path("owner/id".into())),
                t(
                    "Validation.Minimum",
                    AnnotationValue::Other("Decimal".into())
                ),
                t("Vendor.Unknown.Term", AnnotationValue::Empty),
            ]
        );
        assert_eq!(
            values(&ty.properties[1]),
            [
                t(
                    "Core.LongDescription",
                    AnnotationValue::String("Line <one> & <raw> & two".into())
                ),
                t("Core.Immutable", AnnotationValue::Bool(false)),
                t("Validation.Maximum", AnnotationValue::Int(7)),
                t(
                    "Core.Permissions",
                    AnnotationValue::EnumMember(
                        "Core.Permission/Read Core.Permission/Write".into()
                    )
                ),
                t("Core.Link", AnnotationValue::Path("owner".into())),
                t(
                    "Capabilities.NavigationRestrictions",
                    AnnotationValue::Other("Record".into())
                ),
                t(
                    "Capabilities.Items",
                    AnnotationValue::Other("Collection".into())
                ),
                t("Core.Empty", AnnotationValue::Empty),
                t("Core.EmptyString", AnnotationValue::String(String::new())),
            ]
        );
        let positions: Vec<_> = ty.properties[1].annotations.iter().map(|a| a.pos).collect();
        assert_eq!(
            positions,
            [
                pos(16, 11),
                pos(19, 11),
                pos(20, 11),
                pos(21, 11),
                pos(24, 11),
                pos(25, 11),
                pos(32, 11),
                pos(33, 11),
                pos(34, 11),
            ]
        );
    }

    #[test]
    fn out_of_line_annotation_blocks() {
        let schema = parse_schema(
            r#"      <Annotations Target="microsoft.graph.vppToken/token">
        <Annotation Term="Org.OData.Core.V1.Description" String="Apple token" />
      </Annotations>
      <Annotations Target="microsoft.graph.revokeLicenses(microsoft.graph.vppToken, Edm.Boolean, Edm.Boolean)" Qualifier="v2">
        <Annotation Term="Org.OData.Core.V1.Revisions">
          <Collection>
            <Record><PropertyValue Property="Kind" EnumMember="Org.OData.Core.V1.RevisionKind/Deprecated" /></Record>
          </Collection>
        </Annotation>
        <Annotation Term="Org.OData.Core.V1.Description"><String>Revokes</String></Annotation>
      </Annotations>
"#,
        );
        assert_eq!(
            schema.annotations,
            [
                Annotations {
                    target: "microsoft.graph.vppToken/token".into(),
                    qualifier: None,
                    annotations: vec![Annotation {
                        term: "Org.OData.Core.V1.Description".into(),
                        qualifier: None,
                        value: AnnotationValue::String("Apple token".into()),
                        pos: pos(6, 9),
                    }],
                    pos: pos(5, 7),
                },
                Annotations {
                    target: "microsoft.graph.revokeLicenses(microsoft.graph.vppToken, Edm.Boolean, Edm.Boolean)".into(),
                    qualifier: Some("v2".into()),
                    annotations: vec![
                        Annotation {
                            term: "Org.OData.Core.V1.Revisions".into(),
                            qualifier: None,
                            value: AnnotationValue::Other("Collection".into()),
                            pos: pos(9, 9),
                        },
                        Annotation {
                            term: "Org.OData.Core.V1.Description".into(),
                            qualifier: None,
                            value: AnnotationValue::String("Revokes".into()),
                            pos: pos(14, 9),
                        },
                    ],
                    pos: pos(8, 7),
                },
            ]
        );
    }

    #[test]
    fn references_aliases_terms_and_type_definitions() {
        let text = r#"<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
    <edmx:Include Namespace="Org.OData.Core.V2" />
    <edmx:IncludeAnnotations TermNamespace="Org.OData.Core.V1" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph">
      <Term Name="sourceId" Type="Edm.String" AppliesTo="EntityType Property" />
      <TypeDefinition Name="token" UnderlyingType="Edm.String">
        <Annotation Term="Core.Description" String="opaque" />
      </TypeDefinition>
    </Schema>
    <Schema Namespace="microsoft.graph.callRecords" />
  </edmx:DataServices>
</edmx:Edmx>"#;
        let document = parse(text);
        assert_eq!(document.version, "4.01");
        assert_eq!(
            document.references,
            [Reference {
                uri: "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml".into(),
                includes: vec![
                    Include {
                        namespace: "Org.OData.Core.V1".into(),
                        alias: Some("Core".into()),
                        pos: pos(3, 5),
                    },
                    Include {
                        namespace: "Org.OData.Core.V2".into(),
                        alias: None,
                        pos: pos(4, 5),
                    },
                ],
                pos: pos(2, 3),
            }]
        );
        let [graph, call_records] = &document.schemas[..] else {
            panic!("expected two schemas: {:?}", document.schemas);
        };
        assert_eq!(graph.namespace, "microsoft.graph");
        assert_eq!(graph.alias.as_deref(), Some("graph"));
        assert_eq!(
            graph.terms,
            [Term {
                name: "sourceId".into(),
                type_name: "Edm.String".into(),
                applies_to: Some("EntityType Property".into()),
                pos: pos(9, 7),
            }]
        );
        assert_eq!(
            graph.type_definitions,
            [TypeDefinition {
                name: "token".into(),
                underlying_type: "Edm.String".into(),
                annotations: vec![Annotation {
                    term: "Core.Description".into(),
                    qualifier: None,
                    value: AnnotationValue::String("opaque".into()),
                    pos: pos(11, 9),
                }],
                pos: pos(10, 7),
            }]
        );
        assert_eq!(call_records.namespace, "microsoft.graph.callRecords");
        assert_eq!(call_records.alias, None);
        assert_eq!(call_records.pos, pos(14, 5));
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        let text = format!("\u{feff}{}", doc("      <EntityType Name=\"a\" />\n"));
        let document = parse(&text);
        assert_eq!(document.schemas[0].entity_types[0].name, "a");
        assert_eq!(document.schemas[0].entity_types[0].pos, pos(5, 7));

        let text = "\u{feff}<edmx:Edmx Version=\"4.0\"><edmx:DataServices/></edmx:Edmx>";
        assert_eq!(parse(text).version, "4.0");
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "<edmx:Edmx Version=\"4.0\">\r\n<edmx:DataServices><!-- é€😀 --><Schema Namespace=\"ñ\">\n\
            <EntityType Name=\"é\"><Property Name=\"ü\" Type=\"Edm.String\"/><Property Name=\"b\" Type=\"x\"/></EntityType>\n\
            \t<EnumType Name=\"e\"/></Schema></edmx:DataServices></edmx:Edmx>";
        let document = parse(text);
        let schema = &document.schemas[0];
        // `<edmx:DataServices>` is 19 characters, the comment 12 (18 bytes).
        assert_eq!(schema.pos, pos(2, 32));
        assert_eq!(schema.namespace, "ñ");
        let ty = &schema.entity_types[0];
        assert_eq!(ty.pos, pos(3, 1));
        // `<EntityType Name="é">` is 21 characters (22 bytes).
        assert_eq!(ty.properties[0].pos, pos(3, 22));
        assert_eq!(ty.properties[0].name, "ü");
        // `<Property Name="ü" Type="Edm.String"/>` is 38 characters.
        assert_eq!(ty.properties[1].pos, pos(3, 60));
        assert_eq!(schema.enum_types[0].pos, pos(4, 2));
    }

    #[test]
    fn unknown_elements_and_attributes_are_skipped() {
        let schema = parse_schema(
            r#"      <Future Kind="x"><EntityType Name="notMe" /><Deeper><Property Name="nope" /></Deeper></Future>
      <EntityType Name="a" Future="1" xmlns:v="urn:v" v:Extra="2">
        <Property Name="p" Type="Edm.String"><ReferentialConstraint Property="x" /><Other><Annotation Term="No.Term" /></Other></Property>
        <v:Unknown><Property Name="hidden" Type="Edm.String"/></v:Unknown>
        <Property Name="q" Type="Edm.Int32"/>
      </EntityType>
      <Future2/>
"#,
        );
        let [ty] = &schema.entity_types[..] else {
            panic!("expected one entity type: {:?}", schema.entity_types);
        };
        assert_eq!(ty.name, "a");
        let names: Vec<_> = ty.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["p", "q"]);
        assert!(ty.properties[0].annotations.is_empty());
        assert_eq!(ty.properties[1].pos, pos(9, 9));
    }

    #[test]
    fn comments_declaration_and_processing_instructions_are_ignored() {
        let text = "<?xml version=\"1.0\"?>\n<!-- c --><?pi x?>\n<edmx:Edmx Version=\"4.0\"><!-- <Schema> -->\
            <edmx:DataServices><?pi?><Schema Namespace=\"n\"><!--x--></Schema></edmx:DataServices></edmx:Edmx>\n<!-- end -->\n";
        let document = parse(text);
        assert_eq!(document.schemas.len(), 1);
        assert_eq!(document.schemas[0].pos, pos(3, 68));
    }

    #[test]
    fn unclosed_tag_is_an_xml_error() {
        // `<EntityType>` is never closed: the parser meets `</Schema>` on line 7 instead.
        let text = doc(
            "      <EntityType Name=\"a\">\n        <Property Name=\"p\" Type=\"Edm.String\"/>\n",
        );
        let error = parse_err(&text);
        assert!(matches!(error, Error::Xml { .. }), "{error:?}");
        assert!(error.to_string().starts_with("file.xml:7:5: "), "{error}");
        assert!(error.to_string().contains("</EntityType>"), "{error}");

        // A tag whose `>` never comes: reported at its `<`.
        let error = parse_err("<edmx:Edmx>\n  <edmx:DataServices>\n    <Schema Namespace=\"n\"\n");
        let Error::Xml { location, message } = &error else {
            panic!("expected an XML error: {error:?}");
        };
        assert_eq!(location, &Location::new("file.xml", pos(3, 5)));
        assert!(message.contains("not closed"), "{message}");

        let error = parse_err("<edmx:Edmx>\n  <edmx:DataServices>\n    <Schema Namespace=\"n\">\n");
        assert_eq!(
            error.to_string(),
            "file.xml:3:5: malformed XML: unexpected end of input: `<Schema>` is not closed"
        );
    }

    #[test]
    fn mismatched_end_tag_is_an_xml_error() {
        let error = parse_err(&doc(
            "      <EntityType Name=\"a\">\n      </ComplexType>\n",
        ));
        let Error::Xml { location, message } = &error else {
            panic!("expected an XML error: {error:?}");
        };
        assert_eq!(location.pos, pos(6, 7));
        assert!(message.contains("</EntityType>"), "{message}");
    }

    #[test]
    fn missing_name_is_a_csdl_error() {
        let error = parse_err(&doc("      <EntityType BaseType=\"ex.entity\" />\n"));
        let Error::Csdl {
            location,
            element,
            message,
        } = &error
        else {
            panic!("expected a CSDL error: {error:?}");
        };
        assert_eq!(location, &Location::new("file.xml", pos(5, 7)));
        assert_eq!(element, "EntityType");
        assert_eq!(message, "missing required attribute `Name`");
        assert_eq!(
            error.to_string(),
            "file.xml:5:7: <EntityType>: missing required attribute `Name`"
        );

        let error = parse_err(&doc(
            "      <ComplexType Name=\"c\">\n        <Property Name=\"p\"/>\n      </ComplexType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:6:9: <Property>: missing required attribute `Type`"
        );

        let error = parse_err(&doc(
            "      <EnumType Name=\"e\"><Member Value=\"1\"/></EnumType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:5:26: <Member>: missing required attribute `Name`"
        );

        let error = parse_err(&doc("      <Action IsBound=\"true\"/>\n"));
        assert_eq!(
            error.to_string(),
            "file.xml:5:7: <Action>: missing required attribute `Name`"
        );

        let error = parse_err(&doc(
            "      <Function Name=\"f\"><Parameter Name=\"p\"/></Function>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:5:26: <Parameter>: missing required attribute `Type`"
        );
    }

    #[test]
    fn bad_values_are_csdl_errors() {
        let error = parse_err(&doc(
            "      <EntityType Name=\"a\">\n        <Property Name=\"p\" Type=\"Edm.String\" Nullable=\"maybe\" />\n      </EntityType>\n",
        ));
        let Error::Csdl {
            location,
            element,
            message,
        } = &error
        else {
            panic!("expected a CSDL error: {error:?}");
        };
        assert_eq!(location.pos, pos(6, 9));
        assert_eq!(element, "Property");
        assert_eq!(
            message,
            "attribute `Nullable` must be `true` or `false`, not `maybe`"
        );

        let error = parse_err(&doc(
            "      <EnumType Name=\"e\">\n        <Member Name=\"m\" Value=\"one\" />\n      </EnumType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:6:9: <Member>: attribute `Value` must be an integer, not `one`"
        );

        let error = parse_err(&doc(
            "      <Term Name=\"t\" Type=\"Edm.Boolean\"/>\n      <Annotations Target=\"t\">\n        <Annotation Term=\"t\"><Bool>yes</Bool></Annotation>\n      </Annotations>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:7:30: <Bool>: the content must be `true` or `false`, not `yes`"
        );
    }

    #[test]
    fn names_must_be_csdl_simple_identifiers() {
        let error = parse_err(&doc(
            "      <ComplexType Name=\"c\">\n        <Property Name=\"x\u{b2}\" Type=\"Edm.Int32\" />\n      </ComplexType>\n",
        ));
        let Error::Csdl {
            location,
            element,
            message,
        } = &error
        else {
            panic!("expected a CSDL error: {error:?}");
        };
        assert_eq!(location, &Location::new("file.xml", pos(6, 9)));
        assert_eq!(element, "Property");
        assert_eq!(
            message,
            "attribute `Name`: `x\u{b2}` is not a valid CSDL property name: `\u{b2}` (U+00B2, category No) may not appear in it"
        );

        // Microsoft's published v1.0 CSDL has properties named `request-id`: a property
        // name may hold `-`, but not start with it; other names may not hold it.
        let schema = parse_schema(
            "      <ComplexType Name=\"InnerError\"><Property Name=\"client-request-id\" Type=\"Edm.String\" /></ComplexType>\n",
        );
        assert_eq!(
            schema.complex_types[0].properties[0].name,
            "client-request-id"
        );
        let error = parse_err(&doc(
            "      <ComplexType Name=\"c\"><Property Name=\"-id\" Type=\"Edm.String\" /></ComplexType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:5:29: <Property>: attribute `Name`: `-id` is not a valid CSDL property name: it must start with a letter or `_`, not `-` (U+002D, category Pd)"
        );

        // Every named element is checked, at its own position.
        for (body, expected) in [
            (
                "<EntityType Name=\"1a\" />",
                "5:7: <EntityType>: attribute `Name`: `1a` is not a valid CSDL simple identifier: it must start with a letter or `_`, not `1` (U+0031, category Nd)",
            ),
            (
                "<ComplexType Name=\"\" />",
                "5:7: <ComplexType>: attribute `Name`: `` is not a valid CSDL simple identifier: it is empty",
            ),
            (
                "<EnumType Name=\"e\"><Member Name=\"a-b\" /></EnumType>",
                "5:26: <Member>: attribute `Name`: `a-b` is not a valid CSDL simple identifier: `-` (U+002D, category Pd) may not appear in it",
            ),
            (
                "<TypeDefinition Name=\"a.b\" UnderlyingType=\"Edm.String\" />",
                "5:7: <TypeDefinition>: attribute `Name`: `a.b` is not a valid CSDL simple identifier: `.` (U+002E, category Po) may not appear in it",
            ),
            (
                "<Action Name=\"a b\" />",
                "5:7: <Action>: attribute `Name`: `a b` is not a valid CSDL simple identifier: U+0020 (category Zs) may not appear in it",
            ),
            (
                "<Function Name=\"f\"><Parameter Name=\"$p\" Type=\"Edm.String\" /></Function>",
                "5:26: <Parameter>: attribute `Name`: `$p` is not a valid CSDL simple identifier: it must start with a letter or `_`, not `$` (U+0024, category Sc)",
            ),
            (
                "<Term Name=\"t!\" Type=\"Edm.String\" />",
                "5:7: <Term>: attribute `Name`: `t!` is not a valid CSDL simple identifier: `!` (U+0021, category Po) may not appear in it",
            ),
            (
                "<EntityType Name=\"e\"><NavigationProperty Name=\"n/m\" Type=\"ex.e\" /></EntityType>",
                "5:28: <NavigationProperty>: attribute `Name`: `n/m` is not a valid CSDL simple identifier: `/` (U+002F, category Po) may not appear in it",
            ),
            (
                "<EntityContainer Name=\"c&#10;\" />",
                "5:7: <EntityContainer>: attribute `Name`: `c\n` is not a valid CSDL simple identifier: U+000A (category Cc) may not appear in it",
            ),
            (
                "<EntityContainer Name=\"c\"><EntitySet Name=\"s:t\" EntityType=\"ex.e\" /></EntityContainer>",
                "5:33: <EntitySet>: attribute `Name`: `s:t` is not a valid CSDL simple identifier: `:` (U+003A, category Po) may not appear in it",
            ),
            (
                "<EntityContainer Name=\"c\"><Singleton Name=\"\u{2160}\u{2d}\" Type=\"ex.e\" /></EntityContainer>",
                "5:33: <Singleton>: attribute `Name`: `\u{2160}-` is not a valid CSDL simple identifier: `-` (U+002D, category Pd) may not appear in it",
            ),
            (
                "<EntityContainer Name=\"c\"><ActionImport Name=\"a+\" Action=\"ex.a\" /></EntityContainer>",
                "5:33: <ActionImport>: attribute `Name`: `a+` is not a valid CSDL simple identifier: `+` (U+002B, category Sm) may not appear in it",
            ),
            (
                "<EntityContainer Name=\"c\"><FunctionImport Name=\"\u{1f600}\" Function=\"ex.f\" /></EntityContainer>",
                "5:33: <FunctionImport>: attribute `Name`: `\u{1f600}` is not a valid CSDL simple identifier: it must start with a letter or `_`, not `\u{1f600}` (U+1F600, category So)",
            ),
        ] {
            let error = parse_err(&doc(&format!("      {body}\n")));
            assert_eq!(error.to_string(), format!("file.xml:{expected}"), "{body}");
        }

        // At most 128 characters (not bytes).
        let name = "\u{e9}".repeat(128);
        let schema = parse_schema(&format!("      <ComplexType Name=\"{name}\" />\n"));
        assert_eq!(schema.complex_types[0].name, name);
        let error = parse_err(&doc(&format!("      <ComplexType Name=\"{name}x\" />\n")));
        assert!(
            error.to_string().ends_with(
                "is not a valid CSDL simple identifier: it is longer than 128 characters"
            ),
            "{error}"
        );
        // Long names are cut short in the message.
        assert!(
            error
                .to_string()
                .contains(&format!("`{}\u{2026}`", "\u{e9}".repeat(64))),
            "{error}"
        );
    }

    #[test]
    fn simple_identifiers_follow_the_unicode_categories() {
        for name in [
            "a",
            "_",
            "_1",
            "A\u{300}",
            "\u{2160}x",
            "\u{e9}t\u{e9}",
            "a\u{203f}b",
            "a\u{200d}b",
            "\u{65e5}\u{672c}",
            "x\u{663}",
            "a\u{903}",
        ] {
            assert_eq!(simple_identifier_fault(name), None, "{name}");
        }
        for name in [
            "",
            "1",
            "\u{300}a",
            "a\u{b2}",
            "a b",
            "a.b",
            "-",
            "a\u{2028}",
            "\u{200d}a",
        ] {
            assert!(simple_identifier_fault(name).is_some(), "{name}");
        }
    }

    #[test]
    fn namespaces_and_aliases_are_checked() {
        let schema = |attributes: &str| {
            format!(
                "<edmx:Edmx Version=\"4.0\"><edmx:DataServices>\n<Schema {attributes} /></edmx:DataServices></edmx:Edmx>"
            )
        };
        let document = parse(&schema(
            "Namespace=\"microsoft.graph.callRecords\" Alias=\"cr\"",
        ));
        assert_eq!(document.schemas[0].namespace, "microsoft.graph.callRecords");
        for (attributes, expected) in [
            (
                "Namespace=\"a..b\"",
                "attribute `Namespace`: `a..b` is not a valid CSDL namespace: it has an empty part between dots",
            ),
            (
                "Namespace=\"a.\"",
                "attribute `Namespace`: `a.` is not a valid CSDL namespace: it has an empty part between dots",
            ),
            (
                "Namespace=\"a.2b\"",
                "attribute `Namespace`: `a.2b` is not a valid CSDL namespace: in `2b`, it must start with a letter or `_`, not `2` (U+0032, category Nd)",
            ),
            (
                "Namespace=\"a-b.c\"",
                "attribute `Namespace`: `a-b.c` is not a valid CSDL namespace: in `a-b`, `-` (U+002D, category Pd) may not appear in it",
            ),
            (
                "Namespace=\"n\" Alias=\"a.b\"",
                "attribute `Alias`: `a.b` is not a valid CSDL simple identifier: `.` (U+002E, category Po) may not appear in it",
            ),
            (
                "Namespace=\"n\" Alias=\"\"",
                "attribute `Alias`: `` is not a valid CSDL simple identifier: it is empty",
            ),
        ] {
            let error = parse_err(&schema(attributes));
            assert_eq!(
                error.to_string(),
                format!("file.xml:2:1: <Schema>: {expected}"),
                "{attributes}"
            );
        }
        // 511 characters at most.
        let long = ["n"; 256].join(".");
        assert_eq!(long.len(), 511);
        assert_eq!(
            parse(&schema(&format!("Namespace=\"{long}\""))).schemas[0].namespace,
            long
        );
        let error = parse_err(&schema(&format!("Namespace=\"{long}n\"")));
        assert!(
            error
                .to_string()
                .ends_with("is not a valid CSDL namespace: it is longer than 511 characters"),
            "{error}"
        );

        // The namespaces and aliases of references too.
        let error = parse_err(
            "<edmx:Edmx Version=\"4.0\">\n  <edmx:Reference Uri=\"u\"><edmx:Include Namespace=\"Org.OData.Core.V1\" Alias=\"Co re\" /></edmx:Reference></edmx:Edmx>",
        );
        assert_eq!(
            error.to_string(),
            "file.xml:2:27: <edmx:Include>: attribute `Alias`: `Co re` is not a valid CSDL simple identifier: U+0020 (category Zs) may not appear in it"
        );
    }

    #[test]
    fn attribute_errors_are_xml_errors_at_the_attribute() {
        let error = parse_err(&doc("      <EntityType Name=\"a\" Name=\"b\" />\n"));
        assert_eq!(
            error.to_string(),
            "file.xml:5:28: malformed XML: duplicated attribute `Name`"
        );

        let error = parse_err(&doc("      <EntityType Name=\"a&bogus;\" />\n"));
        assert_eq!(
            error.to_string(),
            "file.xml:5:27: malformed XML: unknown entity `&bogus;` in attribute `Name`"
        );

        let error = parse_err(&doc("      <EntityType Name=a />\n"));
        let Error::Xml { location, .. } = &error else {
            panic!("expected an XML error: {error:?}");
        };
        assert_eq!(location.pos, pos(5, 24));
    }

    /// `(payload, expected error)` pairs, each payload a line of the schema (line 5).
    fn assert_errors(cases: &[(&str, &str)]) {
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(body, expected)| {
                let error = parse_err(&doc(&format!("      {body}\n"))).to_string();
                (error != format!("file.xml:{expected}")).then(|| format!("{body}\n  got {error}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn attribute_syntax_is_checked() {
        assert_errors(&[
            // Quotes.
            (
                r#"<EntityType Name=a />"#,
                "5:24: malformed XML: attribute value must be quoted",
            ),
            // An unclosed quote runs to the end of the input: reported at the tag.
            (
                r#"<EntityType Name="a />"#,
                "5:7: malformed XML: syntax error: attribute value not closed: `\"` not found before end of input",
            ),
            (
                r#"<EntityType Name='a" />"#,
                "5:7: malformed XML: syntax error: attribute value not closed: `'` not found before end of input",
            ),
            (
                r#"<EntityType Name />"#,
                "5:24: malformed XML: attribute name must be followed by `=`",
            ),
            (
                r#"<EntityType Name= />"#,
                "5:25: malformed XML: `=` must be followed by a quoted value",
            ),
            // White space between attributes.
            (
                r#"<EntityType Name="a"BaseType="ex.b" />"#,
                "5:27: malformed XML: white space must follow attribute `Name`",
            ),
            (
                r#"<EntityType Name='a'Abstract='true'/>"#,
                "5:27: malformed XML: white space must follow attribute `Name`",
            ),
            // Attribute names.
            (
                r#"<EntityType Name="a" 1st="x" />"#,
                "5:28: malformed XML: `1st` is not a valid attribute name: it may not start with `1` (U+0031, category Nd)",
            ),
            (
                r#"<EntityType Name="a" a;b="x" />"#,
                "5:28: malformed XML: `a;b` is not a valid attribute name: `;` (U+003B, category Po) may not appear in it",
            ),
            // `<` in a value.
            (
                r#"<EntityType Name="a" BaseType="ex.<b" />"#,
                "5:41: malformed XML: `<` is not allowed in attribute `BaseType` (write `&lt;`)",
            ),
            // Duplicates, also among more attributes than are remembered inline.
            (
                r#"<EntityType Name="a" Name="b" />"#,
                "5:28: malformed XML: duplicated attribute `Name`",
            ),
            (
                r#"<EntityType a="" b="" c="" d="" e="" f="" g="" h="" i="" j="" Name="a" c="" />"#,
                "5:78: malformed XML: duplicated attribute `c`",
            ),
        ]);
        // Elements the model skips are checked too (found by the differential fuzz target:
        // `<Pro\tperty Name=…` is an unknown element `Pro` with an attribute `perty` and no
        // `=`), and so are the children of skipped elements and of text-only elements.
        assert_errors(&[
            (
                "<ComplexType Name=\"a\"><Pro\tperty Name=\"note\" Type=\"Edm.String\" /></ComplexType>",
                "5:40: malformed XML: attribute name must be followed by `=`",
            ),
            (
                r#"<Unknown><Deeper x="1" x="2" /></Unknown>"#,
                "5:30: malformed XML: duplicated attribute `x`",
            ),
            (
                r#"<Annotations Target="t"><Annotation Term="T"><String>a<b c=d/></String></Annotation></Annotations>"#,
                "5:66: malformed XML: attribute value must be quoted",
            ),
        ]);
        // Quoting with `'`, white space around `=` and before `/>` is fine.
        let schema = parse_schema("      <EntityType Name = 'a' BaseType\t=\n\"ex.b\"/>\n");
        assert_eq!(schema.entity_types[0].base_type.as_deref(), Some("ex.b"));
    }

    #[test]
    fn characters_outside_xml_are_refused() {
        assert_errors(&[
            // Raw, in an attribute value and in text.
            (
                "<EntityType Name=\"a\u{1}\" />",
                "5:26: malformed XML: character U+0001 is not allowed in XML",
            ),
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\"><String>\u{1b}[0m</String></Annotation></Annotations>",
                "5:60: malformed XML: character U+001B is not allowed in XML",
            ),
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\" String=\"\u{ffff}\" /></Annotations>",
                "5:60: malformed XML: character U+FFFF is not allowed in XML",
            ),
            (
                "<!-- \u{fffe} --><EntityType Name=\"a\" />",
                "5:12: malformed XML: character U+FFFE is not allowed in XML",
            ),
            // By reference, in text and in an attribute value.
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\"><String>&#x1;</String></Annotation></Annotations>",
                "5:60: malformed XML: invalid character reference `&#x1;`",
            ),
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\"><String>&#65534;</String></Annotation></Annotations>",
                "5:60: malformed XML: invalid character reference `&#65534;`",
            ),
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\" String=\"a&#8;\" /></Annotations>",
                "5:60: malformed XML: attribute `String` refers to a character that is not allowed in XML",
            ),
        ]);
        // U+F000..U+FFFD start with the same byte as U+FFFE and are fine, as are tabs,
        // line breaks and characters beyond U+FFFF, raw or by reference.
        let schema = parse_schema(
            "      <Annotations Target=\"\u{f8ff}\u{fffd}\t\u{1f600}\"><Annotation Term=\"T\"><String>&#x9;&#xD;&#x10000;\u{efff}</String></Annotation></Annotations>\n",
        );
        assert_eq!(schema.annotations[0].target, "\u{f8ff}\u{fffd} \u{1f600}");
        assert_eq!(
            schema.annotations[0].annotations[0].value,
            AnnotationValue::String("\t\r\u{10000}\u{efff}".into())
        );
    }

    #[test]
    fn non_xml_characters_are_found_across_blocks() {
        // The scan works in blocks of 4096 bytes: characters that straddle a block
        // boundary, before and after the offending one, are decoded whole.
        for padding in 4090..4100 {
            let text = format!(
                "{}\u{ffff}",
                "\u{e9}".repeat(padding / 2) + &"x".repeat(padding % 2)
            );
            let at = text.len() - 3;
            assert_eq!(
                first_non_xml_char(&text),
                Some((at, '\u{ffff}')),
                "{padding}"
            );
            let text = format!("{}\u{efbf}\u{1}", "x".repeat(padding));
            assert_eq!(
                first_non_xml_char(&text),
                Some((text.len() - 1, '\u{1}')),
                "{padding}"
            );
            assert_eq!(
                first_non_xml_char(&text[..text.len() - 1]),
                None,
                "{padding}"
            );
        }
        assert_eq!(first_non_xml_char(""), None);
    }

    #[test]
    fn element_names_are_checked() {
        assert_errors(&[
            (
                "<Entity\u{b4}Type Name=\"a\" />",
                "5:8: malformed XML: `Entity\u{b4}Type` is not a valid element name: `\u{b4}` (U+00B4, category Sk) may not appear in it",
            ),
            (
                "<-x/>",
                "5:8: malformed XML: `-x` is not a valid element name: it may not start with `-` (U+002D, category Pd)",
            ),
        ]);
    }

    #[test]
    fn markup_in_text_and_comments_is_checked() {
        assert_errors(&[
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\"><String>a ]]> b</String></Annotation></Annotations>",
                "5:62: malformed XML: `]]>` is not allowed in text (write `]]&gt;`)",
            ),
            (
                "<!-- a -- b -->",
                "5:14: malformed XML: ill-formed document: forbidden string `--` was found in a comment",
            ),
            (
                "<Annotations Target=\"t\"><Annotation Term=\"T\"><String>a & b</String></Annotation></Annotations>",
                "5:62: malformed XML: ill-formed document: entity or character reference not closed: `;` not found before end of input",
            ),
        ]);
    }

    #[test]
    fn doctype_and_misplaced_declarations_are_refused() {
        let error =
            parse_err("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<edmx:Edmx/>");
        assert_eq!(
            error.to_string(),
            "file.xml:2:1: malformed XML: a document type declaration (`<!DOCTYPE`) is not allowed in CSDL"
        );
        let error = parse_err("\n<?xml version=\"1.0\"?><edmx:Edmx/>");
        assert_eq!(
            error.to_string(),
            "file.xml:2:1: malformed XML: the XML declaration must be at the very start of the document"
        );
        let error = parse_err("<edmx:Edmx><?XML version=\"1.0\"?></edmx:Edmx>");
        assert_eq!(
            error.to_string(),
            "file.xml:1:12: malformed XML: the processing instruction target `XML` is reserved"
        );
        // The declaration's own syntax (found by the differential fuzz target: a misspelt
        // `necoding` was ignored).
        for (declaration, fault) in [
            (r#"<?xml version="1.0" necoding="utf-8"?>"#, "`necoding` may not appear here (only `version`, `encoding` and `standalone`, in that order)"),
            (r#"<?xml encoding="utf-8" version="1.0"?>"#, "it must start with `version`"),
            (r#"<?xml version="1.0" standalone="yes" encoding="utf-8"?>"#, "`encoding` may not appear here (only `version`, `encoding` and `standalone`, in that order)"),
            (r#"<?xml version="1.0"encoding="utf-8"?>"#, "white space must come before `encoding=\"utf-8\"`"),
            (r#"<?xml version="1.0" standalone="maybe"?>"#, "`standalone` must be `yes` or `no`"),
            (r#"<?xml version="1.0" version="1.0"?>"#, "`version` may not appear here (only `version`, `encoding` and `standalone`, in that order)"),
            (r#"<?xml version="1.0" encoding?>"#, "`encoding` must be followed by `=`"),
            (r#"<?xml version=1.0?>"#, "the value of `version` must be quoted"),
            (r#"<?xml ?>"#, "it must name a version"),
        ] {
            let error = parse_err(&format!("{declaration}<edmx:Edmx/>"));
            assert_eq!(error.to_string(), format!("file.xml:1:1: malformed XML: malformed XML declaration: {fault}"), "{declaration}");
        }
        for declaration in [
            r#"<?xml version="1.0"?>"#,
            r#"<?xml version = '1.0' encoding = 'UTF-8' standalone = 'no' ?>"#,
            "<?xml\tversion=\"1.1\"\nstandalone=\"yes\"?>",
        ] {
            parse(&format!("{declaration}<edmx:Edmx/>"));
        }
        // A processing instruction's target is an XML name (found by the differential fuzz
        // target: `<?%xml …?>` was skipped as a processing instruction).
        let error = parse_err("<?%xml version=\"1.0\"?><edmx:Edmx/>");
        assert!(
            error.to_string().starts_with("file.xml:1:3: malformed XML: `%xml` is not a valid processing instruction target: "),
            "{error}"
        );
        parse("<?app-data x=\"1\"?><edmx:Edmx><?other?></edmx:Edmx>");
        let error = parse_err("<?xml version=\"2.0\"?><edmx:Edmx/>");
        assert!(
            error
                .to_string()
                .starts_with("file.xml:1:1: malformed XML: "),
            "{error}"
        );
    }

    #[test]
    fn declared_encoding_must_be_the_one_read() {
        for declared in ["UTF-8", "utf-8"] {
            let text = format!("<?xml version=\"1.0\" encoding=\"{declared}\"?><edmx:Edmx/>");
            parse(&text);
        }
        for (declared, expected) in [
            (
                "ISO-8859-1",
                "encoding `ISO-8859-1` is not supported: only UTF-8 and UTF-16 are read",
            ),
            (
                "windows-1252",
                "encoding `windows-1252` is not supported: only UTF-8 and UTF-16 are read",
            ),
            (
                "UTF-16",
                "the declaration names encoding `UTF-16` but the input is UTF-8: UTF-16 input must start with a byte order mark",
            ),
        ] {
            let text = format!("<?xml version=\"1.0\" encoding=\"{declared}\"?><edmx:Edmx/>");
            let error = parse_err(&text);
            assert_eq!(
                error.to_string(),
                format!("file.xml:1:1: malformed XML: {expected}")
            );
        }
    }

    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        let mut bytes = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        bytes
    }

    fn bytes_err(bytes: &[u8]) -> String {
        match parse_bytes("file.xml", bytes) {
            Ok(document) => panic!("expected an error, got {document:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn utf8_and_utf16_with_a_byte_order_mark_are_read() {
        let text = doc("      <EntityType Name=\"\u{e9}t\u{e9}\" />\n      <ComplexType Name=\"\u{1d49c}\" />\n")
            .replace("encoding=\"utf-8\"", "encoding=\"UTF-16\"");
        for little_endian in [true, false] {
            let document = match parse_bytes("file.xml", &utf16(&text, little_endian)) {
                Ok(document) => document,
                Err(error) => panic!("{error}"),
            };
            let schema = &document.schemas[0];
            assert_eq!(schema.entity_types[0].name, "\u{e9}t\u{e9}");
            assert_eq!(schema.complex_types[0].name, "\u{1d49c}");
            assert_eq!(schema.complex_types[0].pos, pos(6, 7));
        }
        // UTF-8, with or without a byte order mark.
        let text = doc("      <EntityType Name=\"\u{e9}\" />\n");
        assert_eq!(
            parse_bytes("file.xml", text.as_bytes()).ok(),
            Some(parse(&text))
        );
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(parse_bytes("file.xml", &with_bom).ok(), Some(parse(&text)));
        // A UTF-16 file may leave out the encoding; it may not name another one.
        let plain = doc("").replace(" encoding=\"utf-8\"", "");
        assert!(parse_bytes("file.xml", &utf16(&plain, true)).is_ok());
        assert_eq!(
            bytes_err(&utf16(&doc(""), true)),
            "file.xml:1:1: malformed XML: the declaration names encoding `utf-8` but the input is UTF-16"
        );
    }

    #[test]
    fn bytes_in_other_encodings_are_refused_where_they_stand() {
        // Latin-1 `é` (0xE9) on line 5.
        let text = doc("      <EntityType Name=\"caf\u{e9}\" />\n").replace('\u{e9}', "\u{1}");
        let bytes: Vec<u8> = text
            .bytes()
            .map(|b| if b == 1 { 0xE9 } else { b })
            .collect();
        assert_eq!(
            bytes_err(&bytes),
            "file.xml:5:28: malformed XML: the input is not valid UTF-8 (bytes E9); only UTF-8 and UTF-16 are read"
        );
        // Positions after a byte order mark and earlier multi-byte characters.
        assert_eq!(
            bytes_err(b"\xEF\xBB\xBF<a>\n\xC3\xA9\xC3\xA9\xFF</a>"),
            "file.xml:2:3: malformed XML: the input is not valid UTF-8 (bytes FF); only UTF-8 and UTF-16 are read"
        );
        assert_eq!(
            bytes_err(b"<a>\xE2\x82"),
            "file.xml:1:4: malformed XML: the input ends inside a UTF-8 character"
        );
        // UTF-16 without a byte order mark, UTF-32.
        let mut no_bom = utf16("<edmx:Edmx/>", true);
        no_bom.drain(..2);
        assert_eq!(
            bytes_err(&no_bom),
            "file.xml:1:1: malformed XML: the input looks like UTF-16 without a byte order mark, \
             which is not supported: use UTF-8, or UTF-16 with a byte order mark"
        );
        let mut big_endian = utf16("<edmx:Edmx/>", false);
        big_endian.drain(..2);
        assert!(bytes_err(&big_endian).contains("UTF-16 without a byte order mark"));
        assert_eq!(
            bytes_err(b"\xFF\xFE\0\0<\0\0\0"),
            "file.xml:1:1: malformed XML: the input is UTF-32, which is not supported: use UTF-8"
        );
        // Broken UTF-16: an unpaired surrogate, an odd byte at the end.
        let mut broken = utf16("<a>\n\u{e9}x", true);
        let at = broken.len() - 2;
        broken.splice(at.., [0x00, 0xD8]);
        assert_eq!(
            bytes_err(&broken),
            "file.xml:2:2: malformed XML: the input is not valid UTF-16 (unpaired surrogate D800)"
        );
        let mut odd = utf16("<a>", false);
        odd.push(0);
        assert_eq!(
            bytes_err(&odd),
            "file.xml:1:4: malformed XML: the input ends inside a UTF-16 code unit"
        );
        // Whatever the bytes, no panic.
        for bytes in [
            &b""[..],
            b"\xFF",
            b"\xFE",
            b"\xFF\xFE",
            b"\xFE\xFF\xD8\x00",
            b"\0",
            b"<\0",
        ] {
            let _ = parse_bytes("file.xml", bytes);
        }
    }

    #[test]
    fn attribute_values_are_normalized() {
        let schema = parse_schema(
            "      <Annotations Target=\"a\tb\r\nc&#10;d&#x9;e &lt;&gt;&apos;\">\n      </Annotations>\n",
        );
        // Literal tabs and line breaks become spaces; character references are kept.
        assert_eq!(schema.annotations[0].target, "a b c\nd\te <>'");
    }

    #[test]
    fn bad_references_in_text_are_xml_errors() {
        let body = "      <Annotations Target=\"t\">\n        <Annotation Term=\"T\"><String>a &bogus; b</String></Annotation>\n      </Annotations>\n";
        let error = parse_err(&doc(body));
        assert_eq!(
            error.to_string(),
            "file.xml:6:40: malformed XML: unknown entity `&bogus;`"
        );
        let body = "      <Annotations Target=\"t\">\n        <Annotation Term=\"T\"><String>&#0;</String></Annotation>\n      </Annotations>\n";
        let error = parse_err(&doc(body));
        assert_eq!(
            error.to_string(),
            "file.xml:6:38: malformed XML: invalid character reference `&#0;`"
        );
    }

    #[test]
    fn non_csdl_documents_are_rejected() {
        let error = parse_err("<Schema Namespace=\"n\"/>");
        assert_eq!(
            error.to_string(),
            "file.xml:1:1: <Schema>: not a CSDL document: the root element must be `edmx:Edmx`"
        );
        let error = parse_err("  <!-- nothing -->\n");
        assert!(matches!(error, Error::Csdl { .. }), "{error:?}");
        let error = parse_err("");
        assert!(matches!(error, Error::Csdl { .. }), "{error:?}");

        let error = parse_err("<edmx:Edmx/>\n<edmx:Edmx/>");
        assert_eq!(
            error.to_string(),
            "file.xml:2:1: malformed XML: element `<edmx:Edmx>` after the root element"
        );
        let error = parse_err("<edmx:Edmx/>\ntrailing");
        assert_eq!(
            error.to_string(),
            "file.xml:1:13: malformed XML: text after the root element"
        );
        let error = parse_err("x<edmx:Edmx/>");
        assert_eq!(
            error.to_string(),
            "file.xml:1:1: malformed XML: text before the root element"
        );
    }

    #[test]
    fn truncated_and_mangled_input_never_panics() {
        let text = doc(
            r#"      <EntityType Name="é" BaseType="a&amp;b"><Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String"><Annotation Term="T"><String>x &lt; y</String></Annotation></Property>
      </EntityType>
      <EnumType Name="e" IsFlags="true"><Member Name="m" Value="1"/></EnumType>
      <Annotations Target="ns.e/m"><Annotation Term="T" Bool="true"/></Annotations>
"#,
        );
        let root_end = text.trim_end().len();
        for (index, _) in text.char_indices() {
            let prefix = &text[..index];
            let result = parse_document("file.xml", prefix);
            if index < root_end {
                assert!(result.is_err(), "prefix of {index} bytes parsed");
                // Also drop one character in the middle.
                let next = text[index..].chars().next().map_or(0, char::len_utf8);
                let mangled = format!("{}{}", &text[..index], &text[index + next..]);
                let _ = parse_document("file.xml", &mangled);
            }
        }
        assert!(parse_document("file.xml", &text).is_ok());

        // Every byte prefix, in UTF-8 (cutting characters in two) and in UTF-16 of
        // either byte order (cutting code units and surrogate pairs in two).
        let text = text
            .replace("\u{e9}", "\u{1d49c}")
            .replace(" encoding=\"utf-8\"", "");
        let root = text.trim_end();
        let encodings = [
            (text.as_bytes().to_vec(), root.len(), 1),
            (utf16(&text, true), utf16(root, true).len(), 2),
            (utf16(&text, false), utf16(root, false).len(), 2),
        ];
        for (bytes, root_end, unit) in &encodings {
            for end in 0..bytes.len() {
                let result = parse_bytes("file.xml", bytes.get(..end).unwrap_or_default());
                // Only the white space after the root element may be missing, and
                // only whole code units of it.
                let whole = end >= *root_end && end % unit == 0;
                assert_eq!(result.is_ok(), whole, "prefix of {end} bytes");
            }
            assert!(parse_bytes("file.xml", bytes).is_ok());
        }
    }
}
