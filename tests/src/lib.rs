//! Integration tests live in `tests/`; this library holds data that several of them share.

/// What a body of [`VALUE_WRAPPER_CASES`] holds, read as one `vppToken`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapperReading {
    /// One token with this `id`; `value_kept` says whether a `value` member is kept as an
    /// unknown property (when it stands beside the token's own properties).
    Token {
        /// The token's `id`.
        id: &'static str,
        /// Whether `value` is an unknown property of the token.
        value_kept: bool,
    },
    /// A collection (`{"value": [...]}`) of this many items: not one token.
    Collection {
        /// The number of items.
        items: usize,
    },
}

/// Bodies of v1.0 `vppToken` responses, bare or wrapped in `"value"`, that `parse_response` of
/// a single-entity request and the `check_payload` example must read alike
/// (`tests/tests/documented_examples.rs` and `tests/tests/check_payload.rs`), as
/// `(name, body, reading)`.
pub const VALUE_WRAPPER_CASES: &[(&str, &str, WrapperReading)] = &[
    (
        "bare",
        r#"{"id":"a","appleId":"x@example.com"}"#,
        WrapperReading::Token {
            id: "a",
            value_kept: false,
        },
    ),
    (
        "wrapped",
        r#"{"value":{"id":"a","appleId":"x@example.com"}}"#,
        WrapperReading::Token {
            id: "a",
            value_kept: false,
        },
    ),
    (
        "wrapped-with-context",
        r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceAppManagement/vppTokens/$entity","value":{"id":"a","appleId":"x@example.com"}}"#,
        WrapperReading::Token {
            id: "a",
            value_kept: false,
        },
    ),
    (
        "value-beside-a-property",
        r#"{"id":"a","value":{"appleId":"x@example.com"}}"#,
        WrapperReading::Token {
            id: "a",
            value_kept: true,
        },
    ),
    (
        "collection",
        r#"{"value":[{"id":"a","appleId":"x@example.com"}]}"#,
        WrapperReading::Collection { items: 1 },
    ),
];
