//! Lexical checks: what makes a CSDL simple identifier, an XML name, an XML character
//! and an XML declaration, and how a character or a long text is shown in a message.

use std::borrow::Cow;

/// What is wrong with an XML declaration whose content (between `<?` and `?>`) is
/// `content`, if anything: XML 1.0 allows `version`, then optionally `encoding`, then
/// optionally `standalone` (`yes` or `no`), each `name = "value"` after white space, and
/// nothing else. quick-xml reads the values it is asked for and ignores the rest.
pub(super) fn declaration_fault(content: &str) -> Option<String> {
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
        let name_end = part
            .find(|c: char| c == '=' || is_xml_space(c))
            .unwrap_or(part.len());
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
        let value = part
            .get(name_end..)
            .unwrap_or_default()
            .trim_start_matches(is_xml_space);
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

/// The most characters of a CSDL simple identifier.
pub(super) const MAX_IDENTIFIER_CHARS: usize = 128;

/// The most characters of a CSDL namespace.
pub(super) const MAX_NAMESPACE_CHARS: usize = 511;

/// Why `name` is not a CSDL `SimpleIdentifier`, or `None` if it is one: a letter
/// (general category L or Nl) or `_`, then letters, digits (Nd), combining marks (Mn,
/// Mc), connector punctuation (Pc, which includes `_`) or format characters (Cf); at
/// most [`MAX_IDENTIFIER_CHARS`] characters.
pub(super) fn simple_identifier_fault(name: &str) -> Option<String> {
    identifier_fault(name, &[])
}

/// [`simple_identifier_fault`] that also allows the characters of `extra` after the
/// first character.
pub(super) fn identifier_fault(name: &str, extra: &[char]) -> Option<String> {
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
pub(super) fn describe_char(c: char) -> String {
    let category = unicode_general_category::get_general_category(c).abbreviation();
    let code = u32::from(c);
    if c.is_control() || c.is_whitespace() {
        format!("U+{code:04X} (category {category})")
    } else {
        format!("`{c}` (U+{code:04X}, category {category})")
    }
}

/// `text` for a message: whole if short, else its first characters and `…`.
pub(super) fn excerpt(text: &str) -> Cow<'_, str> {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", text.get(..end).unwrap_or_default())),
    }
}

/// Whether XML 1.0 allows `c` in a document (production `Char`): tab, line feed,
/// carriage return, and everything from U+0020 but the surrogates (which `char`
/// cannot hold) and U+FFFE and U+FFFF.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// The first character of `text` that XML does not allow, with its byte offset.
///
/// Only two kinds of bytes can start one: a control byte below U+0020 and `0xEF`,
/// which starts U+FFFE and U+FFFF (and the rest of U+F000..U+FFFF). Blocks without
/// either are passed over by a loop the compiler vectorizes.
pub(super) fn first_non_xml_char(text: &str) -> Option<(usize, char)> {
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
pub(super) fn xml_name_fault(name: &str) -> Option<String> {
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
pub(super) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csdl::AnnotationValue;
    use crate::error::{Error, Location};
    use crate::parse::test_support::{assert_errors, doc, parse, parse_err, parse_schema, pos};

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
}
