//! Helpers for the hand-rolled serde visitors of generated models: map keys that borrow from
//! the input, explicit `null`s and unknown properties kept for writing back, `@odata.type`
//! matching, and redaction of secrets in `Debug` output.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// The properties of a JSON object that a model does not know, kept in order to be written
/// back.
pub type Map = serde_json::Map<String, Value>;

/// A JSON object key, borrowed from the input when the deserializer can lend it.
///
/// `serde_json::from_str` and `from_slice` lend keys that contain no escape sequences, so the
/// common case does not allocate.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string (allocating only if it was borrowed).
    #[must_use]
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// Whether the key was borrowed from the input rather than copied.
    #[must_use]
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Cow::Borrowed(_))
    }
}

impl fmt::Debug for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a [`Key`], borrowing when possible.
struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Reads the value of a known, optional property.
///
/// An explicit JSON `null` gives `None` and is recorded as `key: null` in `additional`, so that
/// writing the model back reproduces it.
///
/// # Errors
/// Passes on the error of reading the value (for instance a wrong JSON type).
pub fn next_optional<'de, A, T>(
    map: &mut A,
    key: Key<'de>,
    additional: &mut Map,
) -> Result<Option<T>, A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    let value = map.next_value::<Option<T>>()?;
    if value.is_none() {
        additional.insert(key.into_string(), Value::Null);
    }
    Ok(value)
}

/// Reads the value of a property the model does not know into `additional`.
///
/// # Errors
/// Passes on the error of reading the value.
pub fn next_unknown<'de, A>(
    map: &mut A,
    key: Key<'de>,
    additional: &mut Map,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
{
    let value = map.next_value::<Value>()?;
    additional.insert(key.into_string(), value);
    Ok(())
}

/// Keeps a property that was read as a known type's but belongs to another: when a
/// polymorphic value turns out to be a type without the property, its value goes to
/// `additional` so that it is written back.
///
/// # Errors
/// When the value cannot be turned back into JSON (it always can for generated types).
pub fn keep_unknown<T: serde::Serialize>(
    additional: &mut Map,
    key: &str,
    value: Option<T>,
) -> Result<(), serde_json::Error> {
    if let Some(value) = value {
        additional.insert(key.to_owned(), serde_json::to_value(value)?);
    }
    Ok(())
}

/// Whether the `@odata.type` value `actual` names the type `qualified`.
///
/// A leading `#` is optional (the service writes it, the documentation often does not) and the
/// comparison ignores ASCII case.
///
/// ```
/// use graph_vpptoken::runtime::json::odata_type_is;
///
/// assert!(odata_type_is(
///     "#Microsoft.Graph.VppTokenRevokeLicensesActionResult",
///     "microsoft.graph.vppTokenRevokeLicensesActionResult",
/// ));
/// ```
#[must_use]
pub fn odata_type_is(actual: &str, qualified: &str) -> bool {
    let actual = actual.strip_prefix('#').unwrap_or(actual);
    let qualified = qualified.strip_prefix('#').unwrap_or(qualified);
    actual.eq_ignore_ascii_case(qualified)
}

/// A stand-in for a secret in `Debug` output: it prints `<redacted>`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny model with a hand-written visitor in the style of generated code.
    #[derive(Debug, Default, PartialEq)]
    struct Model {
        name: Option<String>,
        count: Option<i32>,
        additional: Map,
    }

    impl<'de> Deserialize<'de> for Model {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Model;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a model")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Model, A::Error> {
                    let mut model = Model::default();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "name" => {
                                model.name = next_optional(&mut map, key, &mut model.additional)?;
                            }
                            "count" => {
                                model.count = next_optional(&mut map, key, &mut model.additional)?;
                            }
                            _ => next_unknown(&mut map, key, &mut model.additional)?,
                        }
                    }
                    Ok(model)
                }
            }
            d.deserialize_map(V)
        }
    }

    #[test]
    fn key_borrows_from_str_input() {
        let key: Key<'_> = serde_json::from_str("\"displayName\"").unwrap();
        assert!(key.is_borrowed());
        assert_eq!(key.as_str(), "displayName");
        // An escape sequence forces a copy.
        let key: Key<'_> = serde_json::from_str(r#""a\u0062c""#).unwrap();
        assert!(!key.is_borrowed());
        assert_eq!(key.clone().into_string(), "abc");
        assert_eq!(format!("{key:?} {key}"), "\"abc\" abc");
        // Owned input still works.
        let key = Key::deserialize(Value::String("x".into())).unwrap();
        assert_eq!(key.into_string(), "x");
    }

    #[test]
    fn next_optional_records_explicit_nulls() {
        let model: Model =
            serde_json::from_str(r##"{"name":null,"count":3,"@odata.type":"#x.y"}"##).unwrap();
        assert_eq!(model.name, None);
        assert_eq!(model.count, Some(3));
        let mut expected = Map::new();
        expected.insert("name".into(), Value::Null);
        expected.insert("@odata.type".into(), Value::String("#x.y".into()));
        assert_eq!(model.additional, expected);

        let absent: Model = serde_json::from_str("{}").unwrap();
        assert!(absent.additional.is_empty());
    }

    #[test]
    fn next_optional_reports_wrong_types() {
        let err = serde_json::from_str::<Model>(r#"{"count":"three"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: string \"three\", expected i32 at line 1 column 16"
        );
    }

    #[test]
    fn odata_type_matching() {
        let q = "microsoft.graph.vppTokenRevokeLicensesActionResult";
        assert!(odata_type_is(
            "#microsoft.graph.vppTokenRevokeLicensesActionResult",
            q
        ));
        assert!(odata_type_is(
            "microsoft.graph.vppTokenRevokeLicensesActionResult",
            q
        ));
        assert!(odata_type_is(
            "#Microsoft.Graph.VppTokenRevokeLicensesActionResult",
            q
        ));
        assert!(odata_type_is(
            "MICROSOFT.GRAPH.VPPTOKENREVOKELICENSESACTIONRESULT",
            q
        ));
        assert!(!odata_type_is("#microsoft.graph.vppTokenActionResult", q));
        assert!(!odata_type_is(
            "##microsoft.graph.vppTokenRevokeLicensesActionResult",
            q
        ));
        assert!(!odata_type_is("", q));
    }

    #[test]
    fn redacted_debug() {
        assert_eq!(format!("{Redacted:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(Redacted)), "Some(<redacted>)");
    }
}
