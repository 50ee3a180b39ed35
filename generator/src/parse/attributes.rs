//! The attributes of a start tag: checked for XML syntax (names, quoting, separation,
//! duplicates, `<` and entities in values) and normalized, borrowing from the input
//! where nothing needs replacing.

use std::borrow::Cow;
use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::escape::EscapeError;
use quick_xml::events::BytesStart;
use quick_xml::events::attributes::{AttrError, Attributes};

use super::lexical::{excerpt, is_xml_char, is_xml_space, xml_name_fault};

/// A malformed attribute: a message and the byte offset in the tag (after its `<`).
pub(super) struct AttrFault {
    pub(super) offset: usize,
    pub(super) message: String,
}

/// How many attribute names [`Attrs`] remembers without allocating.
pub(super) const INLINE_NAMES: usize = 8;

/// The attributes of one tag as `(name, normalized value)`, borrowing from the input
/// where no entity or white space needs replacing. Duplicated names are reported
/// without allocating for tags of up to [`INLINE_NAMES`] attributes.
pub(super) struct Attrs<'t> {
    inner: Attributes<'t>,
    /// The tag between `<` and `>`, to turn names and values into offsets.
    content: &'t str,
    version: XmlVersion,
    seen: [&'t str; INLINE_NAMES],
    seen_len: usize,
    seen_more: Option<HashSet<&'t str>>,
}

impl<'t> Attrs<'t> {
    pub(super) fn new(start: &'t BytesStart<'_>, version: XmlVersion) -> Self {
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

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::parse::test_support::{assert_errors, doc, parse_err, parse_schema, pos};

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
    fn attribute_values_are_normalized() {
        let schema = parse_schema(
            "      <Annotations Target=\"a\tb\r\nc&#10;d&#x9;e &lt;&gt;&apos;\">\n      </Annotations>\n",
        );
        // Literal tabs and line breaks become spaces; character references are kept.
        assert_eq!(schema.annotations[0].target, "a b c\nd\te <>'");
    }
}
