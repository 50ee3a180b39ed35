//! Rustdoc text: the metadata's descriptions made safe for rustdoc, and the generator's own prose.

use crate::ir::Doc;

/// Makes metadata text safe for rustdoc: escapes brackets and angle brackets (no
/// accidental links or HTML) and wraps bare URLs.
pub fn doc_lines(text: &str) -> Doc {
    text.lines()
        .map(|line| {
            let line = line.trim_end();
            let mut out = String::with_capacity(line.len() + 1);
            out.push(' ');
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

/// Rustdoc lines of text the generator writes itself (trusted markdown, links included).
pub fn prose(text: &str) -> Doc {
    text.lines().map(|line| format!(" {}", line.trim_end())).collect()
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
}
