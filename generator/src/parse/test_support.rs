//! What the tests of the parser's modules share: a one-schema document around a body, and
//! parsing that expects success or failure.

use crate::csdl::{Document, Pos, Schema};
use crate::error::Error;
use crate::parse::parse_document;

const EDMX_OPEN: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example.ns" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"#;
const EDMX_CLOSE: &str = "    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n";

/// A document with one schema holding `body`, which starts on line 5.
pub(super) fn doc(body: &str) -> String {
    format!("{EDMX_OPEN}{body}{EDMX_CLOSE}")
}

pub(super) fn parse(text: &str) -> Document {
    match parse_document("file.xml", text) {
        Ok(document) => document,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

pub(super) fn parse_schema(body: &str) -> Schema {
    let mut document = parse(&doc(body));
    assert_eq!(document.schemas.len(), 1);
    document.schemas.remove(0)
}

pub(super) fn parse_err(text: &str) -> Error {
    match parse_document("file.xml", text) {
        Ok(document) => panic!("expected an error, got {document:?}"),
        Err(error) => error,
    }
}

pub(super) fn pos(line: u32, column: u32) -> Pos {
    Pos { line, column }
}

/// `(payload, expected error)` pairs, each payload a line of the schema (line 5).
pub(super) fn assert_errors(cases: &[(&str, &str)]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(body, expected)| {
            let error = parse_err(&doc(&format!("      {body}\n"))).to_string();
            (error != format!("file.xml:{expected}")).then(|| format!("{body}\n  got {error}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
