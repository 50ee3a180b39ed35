//! Helpers for the hand-rolled serde visitors of generated models: map keys that borrow from
//! the input, explicit `null`s and unknown properties kept for writing back, `@odata.type`
//! matching, and redaction of secrets in `Debug` output; [`RawJson`] and [`Number`], JSON kept
//! as its exact text.
//!
//! # Exact JSON
//!
//! What a model does not know (the `additional` members, `Edm.Untyped` values) is kept as
//! [`RawJson`], the exact text it was read from, and `Edm.Decimal` values as [`Number`], the
//! exact text of a JSON number. Writing a model back writes that text unchanged, so a number
//! such as `123456789012345678901234567890`, `1.826817409522712e299` or `1e400` survives a
//! read and a write byte for byte, where a `serde_json::Value` would round it to an `f64` (or
//! fail on `1e400`).
//!
//! Why not the other ways:
//!
//! - serde_json's `arbitrary_precision` feature keeps number text inside `serde_json::Value`,
//!   but cargo features are shared by the whole program: turning it on here would change
//!   `serde_json::Number` for every crate of a user's program, and with it their behaviour
//!   (numbers inside `#[serde(flatten)]` or untagged enums then fail to decode) and speed.
//! - Keeping `serde_json::Value` and only the text of numbers is not possible without that
//!   feature: serde hands a visitor an `f64`, not the text.
//!
//! So the models use serde_json's `RawValue` (the additive `raw_value` feature, which changes
//! nothing for other crates), wrapped in [`RawJson`]. The price is the type of `additional`:
//! its values are JSON text to be parsed on demand ([`RawJson::parse`], [`RawJson::to_value`])
//! rather than `serde_json::Value`s. It is also the cheaper way: keeping a page of unknown
//! members as `RawJson` takes 17 % fewer instructions to read and 61 % fewer to write than as
//! `Value`, and `arbitrary_precision` makes `Value` 15 % slower to read still (figures and how
//! to reproduce them in the repository's `BENCHMARKS.md`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::patch::Patch;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// The properties of a JSON object that a model does not know, kept as their exact text in
/// order to be written back (sorted by name).
pub type Map = BTreeMap<String, RawJson>;

/// A JSON value kept as the exact text it was read from (or written as).
///
/// Writing it writes that text, so nothing is lost: numbers keep every digit and their
/// spelling (`1.0`, `1e400`, `-0`), strings their escapes. Two values are equal when their
/// texts are.
///
/// ```
/// use graph_vpptoken::runtime::json::RawJson;
/// use graph_vpptoken::serde_json;
///
/// let raw: RawJson = serde_json::from_str("123456789012345678901234567890").unwrap();
/// assert_eq!(serde_json::to_string(&raw).unwrap(), "123456789012345678901234567890");
/// assert_eq!(raw.get(), "123456789012345678901234567890");
/// assert_eq!(raw.parse::<f64>().unwrap(), 1.2345678901234568e29);
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// JSON `null`.
    #[must_use]
    pub fn null() -> Self {
        Self(RawValue::NULL.to_owned())
    }

    /// The exact JSON text.
    #[must_use]
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Whether the value is JSON `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        self.get() == "null"
    }

    /// Validates `text` as one JSON value and keeps it as it is.
    ///
    /// # Errors
    /// When `text` is not valid JSON.
    pub fn from_text(text: impl Into<String>) -> Result<Self, serde_json::Error> {
        RawValue::from_string(text.into()).map(Self)
    }

    /// The JSON text of a serializable value.
    ///
    /// # Errors
    /// When `value` cannot be written as JSON (a map with non-string keys, for instance).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// Decodes the text as `T`.
    ///
    /// # Errors
    /// When the text does not decode as `T`.
    pub fn parse<T: de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.get())
    }

    /// The value as a [`serde_json::Value`], whose numbers are `f64`, `i64` or `u64`: exact
    /// only when the number fits one of those.
    ///
    /// # Errors
    /// When a number is out of the range of `f64` (such as `1e400`).
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        self.parse()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        Self(RawValue::from_string(value.to_string()).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }
}

impl From<&Value> for RawJson {
    fn from(value: &Value) -> Self {
        Self::from(value.clone())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Self)
    }
}

/// An exact JSON number (`Edm.Decimal`): the text it was read from, every digit kept.
///
/// ```
/// use graph_vpptoken::runtime::json::Number;
/// use graph_vpptoken::serde_json;
///
/// let n: Number = serde_json::from_str("0.10000000000000000000001").unwrap();
/// assert_eq!(serde_json::to_string(&n).unwrap(), "0.10000000000000000000001");
/// assert_eq!("12.50".parse::<Number>().unwrap().as_str(), "12.50");
/// assert!("12,5".parse::<Number>().is_err());
/// assert!(serde_json::from_str::<Number>("\"1\"").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(Box<str>);

/// A text that is not a JSON number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a JSON number")]
pub struct NumberError;

impl Number {
    /// The number's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64` (infinite when out of range).
    #[must_use]
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

/// Whether `text` follows the JSON number grammar.
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

impl FromStr for Number {
    type Err = NumberError;

    fn from_str(text: &str) -> Result<Self, NumberError> {
        if is_json_number(text) {
            Ok(Self(text.into()))
        } else {
            Err(NumberError)
        }
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Self(n.to_string().into())
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Self {
        Self(n.to_string().into())
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match RawValue::from_string(self.0.to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawJson::deserialize(deserializer)?;
        let text = raw.get().trim();
        if is_json_number(text) {
            Ok(Self(text.into()))
        } else {
            Err(de::Error::invalid_type(
                de::Unexpected::Other("a non-number"),
                &"a JSON number",
            ))
        }
    }
}

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
        additional.insert(key.into_string(), RawJson::null());
    }
    Ok(value)
}

/// Reads the value of a known, optional property into `slot`, like [`next_optional`], but
/// fails when the object already had a member of that name.
///
/// # Duplicate members
/// JSON leaves objects with two members of one name undefined; this crate refuses them (the
/// error's path names the second one) rather than keeping one value and silently dropping the
/// other.
///
/// # Errors
/// A duplicate member, or the error of reading the value (for instance a wrong JSON type).
pub fn next_property<'de, A, T>(
    map: &mut A,
    key: Key<'de>,
    slot: &mut Option<T>,
    additional: &mut Map,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() || additional.contains_key(key.as_str()) {
        return Err(duplicate(map, &key));
    }
    *slot = next_optional(map, key, additional)?;
    Ok(())
}

/// Reads a nullable property of an update body into `slot`: `null` gives [`Patch::Null`]
/// (clear the property), a value gives [`Patch::Value`]; a property that is absent stays
/// [`Patch::Unset`]. Fails on a duplicate member like [`next_property`].
///
/// # Errors
/// A duplicate member, or the error of reading the value (for instance a wrong JSON type).
pub fn next_patch<'de, A, T>(
    map: &mut A,
    key: Key<'de>,
    slot: &mut Patch<T>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if !slot.is_unset() {
        return Err(duplicate(map, &key));
    }
    *slot = match map.next_value::<Option<T>>()? {
        Some(value) => Patch::Value(value),
        None => Patch::Null,
    };
    Ok(())
}

/// Reads a property of an update body that is not nullable into `slot`: a value sets it, and
/// `null` is refused with an error naming the property (such a property cannot be cleared).
/// Fails on a duplicate member like [`next_property`].
///
/// # Errors
/// `null`, a duplicate member, or the error of reading the value.
pub fn next_not_null<'de, A, T>(
    map: &mut A,
    key: Key<'de>,
    slot: &mut Option<T>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(duplicate(map, &key));
    }
    match map.next_value::<Option<T>>()? {
        Some(value) => {
            *slot = Some(value);
            Ok(())
        }
        None => Err(de::Error::custom(format_args!(
            "the property `{}` is not nullable: it cannot be set to null",
            key.as_str()
        ))),
    }
}

/// The error for a second member named `key`, raised while reading its value so that the
/// error's path names it.
fn duplicate<'de, A: MapAccess<'de>>(map: &mut A, key: &Key<'de>) -> A::Error {
    /// Refuses the value.
    struct Refuse;
    impl<'de> de::DeserializeSeed<'de> for Refuse {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
            Err(de::Error::custom(DUPLICATE))
        }
    }
    match map.next_value_seed(Refuse) {
        Err(e) => e,
        Ok(()) => de::Error::custom(format_args!("{DUPLICATE}: {key}")),
    }
}

/// The message of a duplicate member (the error's path names it).
const DUPLICATE: &str = "duplicate member: an object has two members of this name";

/// Reads the value of a property that only some variants of a polymorphic value have, as its
/// exact text: which variant applies is known only at the end of the object, and a value
/// whose type turns out not to have the property keeps it, whatever its JSON type, in
/// `additional` ([`keep_raw`]). Fails on a duplicate member like [`next_property`].
///
/// # Errors
/// A duplicate member, or invalid JSON.
pub fn next_deferred<'de, A>(
    map: &mut A,
    key: Key<'de>,
    slot: &mut Option<RawJson>,
    additional: &mut Map,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
{
    next_property(map, key, slot, additional)
}

/// Decodes a value read by [`next_deferred`] once the variant that has the property is known.
///
/// # Errors
/// When the value does not decode as `T`; the message names the property and never quotes
/// the value. The error is raised after the whole object was read, where serde knows only the
/// object's path: the message carries the property in a form that the response parsers move
/// into the path (`tokenActionResults[0].failedLicensesCount`, see [`split_deferred`]).
pub fn decode_deferred<T: de::DeserializeOwned>(
    key: &str,
    value: Option<RawJson>,
) -> Result<Option<T>, String> {
    value
        .map(|raw| raw.parse::<T>())
        .transpose()
        .map_err(|e| format!("{DEFERRED}{key}: {}", super::redact::decode_message(&e)))
}

/// Starts the message of a [`decode_deferred`] error, before the property name (a wire name,
/// which holds no `:`). No message of serde's starts so.
const DEFERRED: &str = "property ";

/// Splits the message of a [`decode_deferred`] error into the property it names and the
/// message proper; `None` for any other message.
#[must_use]
pub fn split_deferred(message: &str) -> Option<(&str, &str)> {
    message.strip_prefix(DEFERRED)?.split_once(": ")
}

/// Keeps a value read by [`next_deferred`] in `additional`, for a variant without the property.
pub fn keep_raw(additional: &mut Map, key: &str, value: Option<RawJson>) {
    if let Some(value) = value {
        additional.insert(key.to_owned(), value);
    }
}

/// The `@odata.type` of a JSON object's text, if it has a string one.
#[must_use]
pub fn odata_type_of(value: &RawJson) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Annotated {
        #[serde(rename = "@odata.type")]
        odata_type: Option<String>,
    }
    value.parse::<Annotated>().ok()?.odata_type
}

/// Reads the value of a property the model does not know into `additional`, as its exact
/// text.
///
/// # Errors
/// A duplicate member (see [`next_property`]), or the error of reading the value.
pub fn next_unknown<'de, A>(
    map: &mut A,
    key: Key<'de>,
    additional: &mut Map,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
{
    if additional.contains_key(key.as_str()) {
        return Err(duplicate(map, &key));
    }
    let value = map.next_value::<RawJson>()?;
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
        additional.insert(key.to_owned(), RawJson::from_serialize(&value)?);
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
        expected.insert("name".into(), RawJson::null());
        expected.insert(
            "@odata.type".into(),
            RawJson::from_text("\"#x.y\"").unwrap(),
        );
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
