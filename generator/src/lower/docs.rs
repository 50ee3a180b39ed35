//! Rustdoc text: the metadata's descriptions made safe for rustdoc, and the generator's own prose.
//!
//! A description is text, never code: no line of it can open a code block (leading
//! indentation is dropped, a fence at the start of a line is escaped), so nothing from the
//! metadata becomes a doctest; brackets and angle brackets are escaped (no links, no HTML);
//! and control, format and bidi characters are written as `\u{…}` escapes, since rustc
//! refuses a bare carriage return or a direction override in a doc comment.

use std::borrow::Cow;

use unicode_general_category::{GeneralCategory, get_general_category};

use crate::ir::Doc;

/// Writes characters that would be invisible, reorder the text or break a doc comment as
/// `\u{…}`: controls (a tab becomes a space), format characters (bidi overrides, zero-width
/// joiners) and line and paragraph separators.
pub fn visible(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        matches!(
            get_general_category(c),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
    };
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            c if hidden(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Makes metadata text safe for rustdoc (see the module docs) and wraps bare URLs.
pub fn doc_lines(text: &str) -> Doc {
    text.lines()
        .map(|line| {
            let line = visible(line.trim());
            let fence = line.starts_with("```") || line.starts_with("~~~");
            let line: &str = &line;
            let mut out = String::with_capacity(line.len() + 2);
            out.push(' ');
            if fence {
                out.push('\\');
            }
            // Whether the text written so far ends inside a backtick code span (an odd
            // number of backticks): kept up to date as text is written, so that each
            // line is read once whatever its length.
            let mut in_code = false;
            let mut rest = line;
            while !rest.is_empty() {
                if !in_code && (rest.starts_with("http://") || rest.starts_with("https://")) {
                    let end = rest.find(|c: char| c.is_whitespace() || c == ')').unwrap_or(rest.len());
                    let url = rest[..end].trim_end_matches(['.', ',', ';']);
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    in_code ^= url.matches('`').count() % 2 == 1;
                    rest = &rest[url.len()..];
                    continue;
                }
                let mut chars = rest.chars();
                let c = chars.next().unwrap_or_default();
                match c {
                    '[' | ']' | '<' | '>' if !in_code => {
                        out.push('\\');
                        out.push(c);
                    }
                    '`' => {
                        in_code = !in_code;
                        out.push(c);
                    }
                    _ => out.push(c),
                }
                rest = chars.as_str();
            }
            out
        })
        .collect()
}

/// Rustdoc lines of text the generator writes itself (trusted markdown, links included;
/// wire names in it are made [`visible`]).
pub fn prose(text: &str) -> Doc {
    text.lines().map(|line| format!(" {}", visible(line.trim_end()))).collect()
}

/// The metadata's description, made safe for rustdoc, or the generator's own `fallback`.
pub fn doc_or(description: Option<&str>, fallback: impl FnOnce() -> String) -> Doc {
    match description {
        Some(d) => doc_lines(d),
        None => prose(&fallback()),
    }
}

/// Appends a paragraph of the generator's own text.
pub fn push_doc(doc: &mut Doc, text: &str) {
    doc.push(String::new());
    doc.extend(prose(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_escape_markdown_and_wrap_urls() {
        assert_eq!(
            doc_lines("See [x] <b> at https://example.com/a. And `a[0]`"),
            vec![" See \\[x\\] \\<b\\> at <https://example.com/a>. And `a[0]`".to_owned()]
        );
        assert_eq!(doc_lines("two\nlines"), vec![" two".to_owned(), " lines".to_owned()]);
        assert_eq!(doc_lines("`https://a.test/x`"), vec![" `https://a.test/x`".to_owned()]);
    }

    #[test]
    fn descriptions_cannot_open_code_blocks() {
        assert_eq!(doc_lines("```rust\nstd::fs::write(\"x\", \"\");\n```"), vec![
            " \\```rust".to_owned(),
            " std::fs::write(\"x\", \"\");".to_owned(),
            " \\```".to_owned()
        ]);
        assert_eq!(doc_lines("text\n\n    indented();"), vec![" text", " ", " indented();"]);
        assert_eq!(doc_lines("~~~\ncode\n~~~")[0], " \\~~~");
    }

    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(doc_lines("a\u{202e}b\rc\td"), vec![" a\\u{202e}b\\u{000d}c d".to_owned()]);
        assert_eq!(prose("`a\u{200d}b`"), vec![" `a\\u{200d}b`".to_owned()]);
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    }
}
