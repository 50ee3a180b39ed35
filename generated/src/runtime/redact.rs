//! Keeping secrets out of output: [`Secrets`] (the secret property names of an API version
//! and the exact secret values a request sent), applied to error responses, and
//! [`RedactedJson`], the `Debug` form of kept JSON.
//!
//! Secret names are the wire names of the properties listed under `secrets` in the
//! generator's `codegen.toml` (each version module has them as `SECRET_NAMES`). Whatever JSON
//! this crate keeps without a type (the `additional` members of models, error bodies) is
//! matched against them ignoring case, at any depth; typed decoding still takes only the exact
//! wire name.
//!
//! ```
//! use graph_vpptoken::runtime::redact::{RedactedJson, Secrets};
//! use graph_vpptoken::serde_json;
//!
//! let secrets = Secrets::new(&["token"]).with_sent_body(br#"{"token":"s3cret"}"#);
//! let mut echoed = serde_json::json!({"Token": "s3cret", "note": "sent s3cret"});
//! secrets.redact_json(&mut echoed);
//! assert_eq!(echoed, serde_json::json!({"Token": "[redacted]", "note": "sent [redacted]"}));
//!
//! let kept = serde_json::json!({"nested": [{"TOKEN": "s3cret"}]});
//! assert!(!format!("{:?}", RedactedJson::new(&kept, &["token"])).contains("s3cret"));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

/// What takes the place of a secret in an error's body, code, message and inner error.
pub const REDACTED: &str = "[redacted]";

/// The secrets to keep out of an error response: the secret property names of the API
/// version (whose values are replaced at any depth of a JSON body, names matched ignoring
/// case) and exact secret values: those the request sent in its body and credentials such as
/// the access token (replaced wherever they appear in the text of the body, code, message and
/// inner error).
///
/// A value is replaced in each form it may take in a response: as it is, written inside a
/// JSON string (escaped), and percent-encoded (with upper- or lower-case hex digits), as a
/// service that quotes a URL or a form body would write it.
///
/// Its `Debug` output shows the names and how many values there are, never the values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    names: &'static [&'static str],
    /// The values as given, deduplicated.
    values: Arc<[String]>,
    /// Every form of every value (see [`forms_of`]), longest first, so that a value that
    /// contains another is replaced whole.
    forms: Arc<[String]>,
}

impl Secrets {
    /// Secrets with these property names and no sent values.
    #[must_use]
    pub fn new(names: &'static [&'static str]) -> Self {
        Self {
            names,
            values: Arc::from([]),
            forms: Arc::from([]),
        }
    }

    /// Adds exact secret values, such as the access token a request was sent with: each is
    /// replaced in every form it may take (see the type's documentation). Empty values are
    /// ignored.
    ///
    /// ```
    /// use graph_vpptoken::runtime::redact::Secrets;
    ///
    /// let secrets = Secrets::default().with_values(["a+b/c"]);
    /// assert_eq!(
    ///     secrets.scrub("sent a+b/c, echoed a%2Bb%2Fc and a%2bb%2fc"),
    ///     "sent [redacted], echoed [redacted] and [redacted]"
    /// );
    /// ```
    #[must_use]
    pub fn with_values<I, S>(self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut all: Vec<String> = self.values.to_vec();
        all.extend(values.into_iter().map(Into::into));
        self.with_all_values(all)
    }

    /// These secrets with exactly `values` (deduplicated, empty ones dropped) and their forms.
    fn with_all_values(self, mut values: Vec<String>) -> Self {
        values.retain(|v| !v.is_empty());
        values.sort();
        values.dedup();
        let mut forms: Vec<String> = values.iter().flat_map(|v| forms_of(v)).collect();
        // Longest first, so that a value that contains another is replaced whole.
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Self {
            names: self.names,
            values: values.into(),
            forms: forms.into(),
        }
    }

    /// Adds the secret values found in `body`, a JSON request body: the values of the
    /// properties with a secret name, at any depth (every string, number and boolean below
    /// such a property). A body that is not JSON adds nothing.
    #[must_use]
    pub fn with_sent_body(self, body: &[u8]) -> Self {
        if self.names.is_empty() || body.is_empty() {
            return self;
        }
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return self;
        };
        let mut values: Vec<String> = self.values.to_vec();
        collect_secret_values(&value, self.names, false, &mut values);
        self.with_all_values(values)
    }

    /// The secret property names.
    #[must_use]
    pub fn names(&self) -> &'static [&'static str] {
        self.names
    }

    /// How many secret values there are (sent in the body or added with
    /// [`Self::with_values`]).
    #[must_use]
    pub fn sent_values(&self) -> usize {
        self.values.len()
    }

    /// Whether there is nothing to redact.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.values.is_empty()
    }

    /// Whether `key` is a secret name, ignoring case.
    #[must_use]
    pub fn is_secret_name(&self, key: &str) -> bool {
        is_secret_name(key, self.names)
    }

    /// `text` with every secret value, in each of its forms, replaced by [`REDACTED`].
    #[must_use]
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for form in self.forms.iter() {
            if out.contains(form.as_str()) {
                out = Cow::Owned(out.replace(form.as_str(), REDACTED));
            }
        }
        out
    }

    /// Whether `text` holds a secret value in any of its forms.
    #[must_use]
    pub fn reveals(&self, text: &str) -> bool {
        self.forms.iter().any(|form| text.contains(form.as_str()))
    }

    /// Scrubs `text` in place; whether it changed.
    pub fn scrub_in_place(&self, text: &mut String) -> bool {
        match self.scrub(text) {
            Cow::Borrowed(_) => false,
            Cow::Owned(scrubbed) => {
                *text = scrubbed;
                true
            }
        }
    }

    /// Replaces, at any depth of `value`, the value of every property with a secret name by
    /// [`REDACTED`], and every sent secret value in the keys and strings (and numbers written
    /// like one) by [`REDACTED`]; whether anything changed.
    pub fn redact_json(&self, value: &mut Value) -> bool {
        match value {
            Value::Object(map) => {
                let mut changed = false;
                let entries = std::mem::take(map);
                for (mut key, mut item) in entries {
                    if self.is_secret_name(&key) {
                        changed |= item != Value::String(REDACTED.to_owned());
                        item = Value::String(REDACTED.to_owned());
                    } else {
                        changed |= self.redact_json(&mut item);
                    }
                    changed |= self.scrub_in_place(&mut key);
                    map.insert(key, item);
                }
                changed
            }
            Value::Array(items) => items
                .iter_mut()
                .fold(false, |changed, item| self.redact_json(item) | changed),
            Value::String(text) => self.scrub_in_place(text),
            Value::Number(number) => {
                let text = number.to_string();
                if self.reveals(&text) {
                    *value = Value::String(REDACTED.to_owned());
                    true
                } else {
                    false
                }
            }
            Value::Bool(_) | Value::Null => false,
        }
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("names", &self.names)
            .field("sent_values", &self.values.len())
            .finish()
    }
}

/// Characters left as they are by percent-encoding: the unreserved ones (RFC 3986).
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The forms `value` may take in a response: as it is, inside a JSON string, and
/// percent-encoded with upper- and lower-case hex digits (each form once).
fn forms_of(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_owned()];
    let quoted = Value::String(value.to_owned()).to_string();
    forms.push(quoted[1..quoted.len() - 1].to_owned());
    let encoded = percent_encoding::utf8_percent_encode(value, UNRESERVED).to_string();
    forms.push(lower_hex_escapes(&encoded));
    forms.push(encoded);
    forms.sort();
    forms.dedup();
    forms
}

/// `encoded` with the hex digits of its `%XX` escapes in lower case.
fn lower_hex_escapes(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if hex_left > 0 {
            out.push(c.to_ascii_lowercase());
            hex_left -= 1;
        } else {
            hex_left = if c == '%' { 2 } else { 0 };
            out.push(c);
        }
    }
    out
}

/// Whether `key` is one of `names`, ignoring case.
fn is_secret_name(key: &str, names: &[&str]) -> bool {
    names.iter().any(|name| {
        key.eq_ignore_ascii_case(name)
            || (!key.is_ascii() && key.to_lowercase() == name.to_lowercase())
    })
}

/// Collects the scalar values below the properties with a secret name.
fn collect_secret_values(value: &Value, names: &[&str], secret: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                collect_secret_values(item, names, secret || is_secret_name(key, names), out);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_secret_values(item, names, secret, out);
            }
        }
        Value::String(text) if secret => out.push(text.clone()),
        Value::Number(number) if secret => out.push(number.to_string()),
        Value::Bool(_) | Value::Null | Value::String(_) | Value::Number(_) => {}
    }
}

/// A `Debug` view of kept JSON (a [`serde_json::Value`], a [`RawJson`](super::json::RawJson) or the `additional` map
/// of a model) in which the value of every property whose name is one of `names` (ignoring
/// case, at any depth) is shown as `<redacted>`.
///
/// A kept number too large for an `f64` shows as `<unrepresentable JSON>`, as does the value
/// holding it.
pub struct RedactedJson<'a, J: ?Sized> {
    json: &'a J,
    names: &'a [&'a str],
}

impl<'a, J: ?Sized> RedactedJson<'a, J> {
    /// The view of `json` with the properties named in `names` redacted.
    pub fn new(json: &'a J, names: &'a [&'a str]) -> Self {
        Self { json, names }
    }
}

impl<J: serde::Serialize + ?Sized> fmt::Debug for RedactedJson<'_, J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(mut value) = serde_json::to_value(self.json) else {
            return f.write_str("<unrepresentable JSON>");
        };
        redact_names_for_debug(&mut value, self.names);
        match &value {
            // An object prints as a map, like the `additional` map itself.
            Value::Object(map) => fmt::Debug::fmt(map, f),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

/// Replaces the values of secret-named properties, at any depth, for `Debug`.
fn redact_names_for_debug(value: &mut Value, names: &[&str]) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_name(key, names) {
                    *item = Value::String("<redacted>".to_owned());
                } else {
                    redact_names_for_debug(item, names);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_names_for_debug(item, names);
            }
        }
        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => {}
    }
}

/// The message of a failure to decode JSON, without the values it quotes.
///
/// serde's messages quote the value they could not read (``invalid type: integer `7253619`,
/// expected a string``, `unknown variant "x"`); this keeps what was wrong and what was
/// expected but drops every quoted segment before the `expected` part:
/// `invalid type: integer, expected a string`. Syntax errors quote nothing and are kept.
#[must_use]
pub fn decode_message(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Data => without_quoted_values(&error.to_string()),
        serde_json::error::Category::Io
        | serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof => error.to_string(),
    }
}

/// `message` without the quoted segments (`` `…` `` or `"…"`) before its last `, expected `.
/// The names of missing or duplicate fields come from the type, not the input, and are kept.
fn without_quoted_values(message: &str) -> String {
    if message.starts_with("missing field `") || message.starts_with("duplicate field `") {
        return message.to_owned();
    }
    let (head, tail) = match message.rfind(", expected ") {
        Some(at) => message.split_at(at),
        None => (message, ""),
    };
    let mut out = String::with_capacity(message.len());
    let mut chars = head.chars();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
            }
            _ => out.push(c),
        }
    }
    // `integer `5`` leaves `integer `; tidy the spaces left around the dropped value.
    let mut tidy = String::with_capacity(out.len() + tail.len());
    for word in out.split(' ').filter(|w| !w.is_empty()) {
        if !tidy.is_empty() && !word.starts_with([',', ':']) {
            tidy.push(' ');
        }
        tidy.push_str(word);
    }
    tidy.push_str(tail);
    tidy
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sent_values_are_found_at_any_depth() {
        let secrets = Secrets::new(&["token"]).with_sent_body(
            br#"{"token":"abc","x":{"TOKEN":7253619},"y":[{"Token":["p","q"]}],"z":"other"}"#,
        );
        assert_eq!(secrets.sent_values(), 4);
        assert_eq!(
            secrets.scrub("abc 7253619 p q other"),
            "[redacted] [redacted] [redacted] [redacted] other"
        );
        assert_eq!(
            format!("{secrets:?}"),
            r#"Secrets { names: ["token"], sent_values: 4 }"#
        );
        assert_eq!(
            Secrets::new(&[])
                .with_sent_body(br#"{"token":"a"}"#)
                .sent_values(),
            0
        );
        assert_eq!(
            Secrets::new(&["token"])
                .with_sent_body(b"not json")
                .sent_values(),
            0
        );
        assert!(Secrets::default().is_empty());
    }

    #[test]
    fn added_values_are_replaced_in_every_form() {
        let secrets = Secrets::default().with_values(["to\"k/en+1", "", "to\"k/en+1"]);
        assert_eq!(secrets.sent_values(), 1);
        for form in [
            "to\"k/en+1",
            "to\\\"k/en+1",
            "to%22k%2Fen%2B1",
            "to%22k%2fen%2b1",
        ] {
            assert!(secrets.reveals(form), "{form}");
            assert_eq!(
                secrets.scrub(&format!("<{form}>")),
                "<[redacted]>",
                "{form}"
            );
        }
        assert!(!secrets.reveals("to k en 1"));
        // Names are kept when values are added.
        let named = Secrets::new(&["token"]).with_values(["v"]);
        assert_eq!(named.names(), ["token"]);
        assert_eq!(
            format!("{named:?}"),
            r#"Secrets { names: ["token"], sent_values: 1 }"#
        );
        // A JSON body that quotes the value escaped is redacted once decoded.
        let mut json: Value = serde_json::from_str(r#"{"m":"a to\"k/en+1 b"}"#).unwrap();
        assert!(secrets.redact_json(&mut json));
        assert_eq!(json, json!({"m": "a [redacted] b"}));
    }

    #[test]
    fn longer_values_are_replaced_first() {
        let secrets =
            Secrets::new(&["token"]).with_sent_body(br#"{"token":"ab","a":{"token":"abcd"}}"#);
        assert_eq!(secrets.scrub("abcd ab"), "[redacted] [redacted]");
    }

    #[test]
    fn json_is_redacted_by_name_and_value() {
        let secrets = Secrets::new(&["token"]).with_sent_body(br#"{"token":"s3cret"}"#);
        let mut value = json!({
            "error": {"message": "bad s3cret", "innerError": {"tOkEn": {"deep": 1}}},
            "list": [7, "s3cret"],
            "s3cret": true
        });
        assert!(secrets.redact_json(&mut value));
        assert_eq!(
            value,
            json!({
                "error": {"message": "bad [redacted]", "innerError": {"tOkEn": "[redacted]"}},
                "list": [7, "[redacted]"],
                "[redacted]": true
            })
        );
        assert!(!secrets.redact_json(&mut value));
        let numbers = Secrets::new(&["token"]).with_sent_body(br#"{"token":"7253619"}"#);
        let mut value = json!({"echo": 7253619});
        assert!(numbers.redact_json(&mut value));
        assert_eq!(value, json!({"echo": "[redacted]"}));
    }

    #[test]
    fn names_match_ignoring_case() {
        let secrets = Secrets::new(&["token"]);
        for key in ["token", "Token", "TOKEN", "to\u{212A}en"] {
            assert!(secrets.is_secret_name(key), "{key}");
        }
        assert!(!secrets.is_secret_name("tokens"));
    }

    #[test]
    fn debug_view_redacts_names_at_any_depth() {
        let map = json!({"a": 1, "Token": "x1", "b": [{"TOKEN": {"y": "x2"}}]});
        let shown = format!("{:?}", RedactedJson::new(&map, &["token"]));
        assert!(!shown.contains("x1") && !shown.contains("x2"), "{shown}");
        assert!(
            shown.contains("<redacted>") && shown.contains("Number(1)"),
            "{shown}"
        );
        let serde_json::Value::Object(map) = map else {
            unreachable!()
        };
        assert_eq!(
            format!("{:?}", RedactedJson::new(&map, &[])),
            format!("{map:?}")
        );
    }

    #[test]
    fn decode_messages_quote_no_value() {
        let cases: &[(&str, &str)] = &[
            (
                r#""x""#,
                "invalid type: string, expected i32 at line 1 column 3",
            ),
            (
                "7253619",
                "invalid type: integer, expected a string at line 1 column 7",
            ),
            (
                "1.5",
                "invalid type: floating point, expected a string at line 1 column 3",
            ),
        ];
        for (input, expected) in cases {
            let err = if input.starts_with('"') {
                serde_json::from_str::<i32>(input).unwrap_err()
            } else {
                serde_json::from_str::<String>(input).unwrap_err()
            };
            assert_eq!(decode_message(&err), *expected);
        }
        let err = serde_json::from_str::<u8>("300").unwrap_err();
        assert_eq!(
            decode_message(&err),
            "invalid value: integer, expected u8 at line 1 column 3"
        );
        let err = serde_json::from_str::<i32>(r#""a \"b, expected c\" d""#).unwrap_err();
        assert_eq!(
            decode_message(&err),
            "invalid type: string, expected i32 at line 1 column 23"
        );
        let err = serde_json::from_str::<i32>("{").unwrap_err();
        assert_eq!(decode_message(&err), err.to_string());
        assert_eq!(
            without_quoted_values("unknown variant `secret`, expected `valid` or `expired`"),
            "unknown variant, expected `valid` or `expired`"
        );
        assert_eq!(
            without_quoted_values("missing field `id`"),
            "missing field `id`"
        );
        assert_eq!(without_quoted_values("bad value: \"x\""), "bad value:");
    }
}
