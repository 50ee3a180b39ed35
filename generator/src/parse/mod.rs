//! Parse: CSDL text into the document model, keeping where every element was written.
//!
//! [`parse_bytes`] reads one `edmx:Edmx` file (OData CSDL v4, XML form) into a
//! [`Document`]; [`parse_document`] does the same from text already in memory. Nothing
//! is resolved here: names and type references are kept as written.
//!
//! The module is split by job:
//!
//! - this file: the entry points and the encoding of the input (byte order marks,
//!   UTF-8 and UTF-16);
//! - `cursor`: a `Cursor` over quick-xml's zero-copy [`Reader`](quick_xml::Reader) that
//!   hands out element start tags (`Tag`) with their line and column, tracks nesting so
//!   that a caller can ask for the next child of an element (anything it left unread is
//!   skipped), checks attribute values as CSDL reads them, and turns every failure into
//!   an [`Error`] carrying a [`Location`];
//! - `attributes`: the attributes of a tag, checked for XML syntax and normalized;
//! - `position`: byte offsets turned into lines and columns;
//! - `lexical`: what makes a CSDL identifier, an XML name, an XML character or an XML
//!   declaration, and how such faults are described;
//! - `elements`: one function per CSDL element (`parse_schema`, `parse_structured_type`,
//!   `parse_property`, …), each reading its attributes and then its children;
//! - `annotation`: `Annotation` elements, out-of-line `Annotations` blocks and the
//!   annotation values.
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

mod annotation;
mod attributes;
mod cursor;
mod elements;
mod lexical;
mod position;
#[cfg(test)]
mod test_support;

use crate::csdl::{Document, Pos};
use crate::error::{Error, Location, Result};

use cursor::Cursor;
use elements::parse_edmx;
use lexical::first_non_xml_char;
use position::Lines;

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
///   `Member Value` or `Int`, …), an `Annotation` or `PropertyValue` has two values (an
///   attribute and an expression child, two attributes or two children), or an annotation
///   expression stands more than 128 elements deep in the document.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::test_support::{doc, parse, parse_err, pos};

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
