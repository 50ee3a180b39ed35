//! Forward-compatible enums: unknown members, the [`StringEnum`] trait that generated enums
//! implement, and [`FlagSet`] for `IsFlags` enums.
//!
//! Generated enums serialize as their member name. A member this crate does not know (Graph
//! adds members over time) is kept as an [`UnknownValue`] and written back unchanged.

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;

/// The text of an enum member that this crate does not know.
///
/// It is written back exactly as it was received.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Wraps the text of an unknown member.
    ///
    /// Generated code calls this from [`StringEnum::from_wire`]; constructing an unknown value
    /// by hand for a member the crate knows gives a value that never compares equal to the
    /// known variant.
    #[doc(hidden)]
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The member's text as it appears on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// An enum whose wire form is the member name as a JSON string.
///
/// Generated enums implement this and delegate their serde impls to [`serialize`] and
/// [`deserialize`].
pub trait StringEnum: Sized {
    /// Maps a member name to its variant; any other text becomes the catch-all variant holding
    /// an [`UnknownValue`]. Never fails.
    fn from_wire(s: &str) -> Self;

    /// The member name as it appears on the wire.
    fn as_str(&self) -> &str;
}

/// Deserializes a [`StringEnum`] from a string, without allocating for known members.
///
/// # Errors
/// Fails only when the input is not a string.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: StringEnum,
{
    deserializer.deserialize_str(StringEnumVisitor(PhantomData))
}

/// Serializes a [`StringEnum`] as its member name.
///
/// # Errors
/// Passes on the serializer's error.
pub fn serialize<S, T>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: StringEnum,
{
    serializer.serialize_str(value.as_str())
}

/// Reads a [`StringEnum`] from a borrowed or owned string.
struct StringEnumVisitor<T>(PhantomData<fn() -> T>);

impl<T: StringEnum> Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from_wire(v))
    }
}

/// The value of a CSDL `IsFlags` enum: a set of members.
///
/// The wire form is one string with the members separated by commas (`"a,b"`; the empty string
/// is the empty set). Members keep the order they were inserted or received in, so a value
/// that is read and written again gives the same text. Equality ignores that order.
pub struct FlagSet<T> {
    members: Vec<T>,
}

impl<T> FlagSet<T> {
    /// An empty set.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            members: Vec::new(),
        }
    }

    /// Whether `member` is in the set.
    pub fn contains(&self, member: &T) -> bool
    where
        T: PartialEq,
    {
        self.members.contains(member)
    }

    /// Adds `member` at the end unless it is already present; returns whether it was added.
    pub fn insert(&mut self, member: T) -> bool
    where
        T: PartialEq,
    {
        if self.contains(&member) {
            false
        } else {
            self.members.push(member);
            true
        }
    }

    /// The members in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.members.iter()
    }

    /// The number of members.
    #[must_use]
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the set has no member.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<T> Default for FlagSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Clone for FlagSet<T> {
    fn clone(&self) -> Self {
        Self {
            members: self.members.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for FlagSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.members).finish()
    }
}

impl<T: PartialEq> PartialEq for FlagSet<T> {
    fn eq(&self, other: &Self) -> bool {
        // Members are unique, so equal lengths and inclusion one way mean equal sets.
        self.len() == other.len() && self.iter().all(|m| other.contains(m))
    }
}

impl<T: Eq> Eq for FlagSet<T> {}

impl<T: Hash> Hash for FlagSet<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Order-independent, to agree with `PartialEq`: combine per-member hashes with a
        // commutative operation.
        let combined = self.members.iter().fold(0u64, |acc, m| {
            let mut h = DefaultHasher::new();
            m.hash(&mut h);
            acc.wrapping_add(h.finish())
        });
        state.write_usize(self.members.len());
        state.write_u64(combined);
    }
}

impl<T: PartialEq> FromIterator<T> for FlagSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::new();
        set.extend(iter);
        set
    }
}

impl<T: PartialEq> Extend<T> for FlagSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for member in iter {
            self.insert(member);
        }
    }
}

impl<'a, T> IntoIterator for &'a FlagSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.iter()
    }
}

impl<T> IntoIterator for FlagSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

/// Writes the members of a [`FlagSet`] separated by commas.
struct WireForm<'a, T>(&'a FlagSet<T>);

impl<T: StringEnum> fmt::Display for WireForm<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, member) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(member.as_str())?;
        }
        Ok(())
    }
}

impl<T: StringEnum> serde::Serialize for FlagSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&WireForm(self))
    }
}

impl<'de, T: StringEnum + PartialEq> serde::Deserialize<'de> for FlagSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FlagSetVisitor(PhantomData))
    }
}

/// Reads a [`FlagSet`] from its comma-separated string.
struct FlagSetVisitor<T>(PhantomData<fn() -> T>);

impl<T: StringEnum + PartialEq> Visitor<'_> for FlagSetVisitor<T> {
    type Value = FlagSet<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a comma-separated list of enum member names")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.split(',')
            .map(str::trim)
            .filter(|member| !member.is_empty())
            .map(T::from_wire)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    enum Color {
        Red,
        DarkBlue,
        Unknown(UnknownValue),
    }

    impl StringEnum for Color {
        fn from_wire(s: &str) -> Self {
            match s {
                "red" => Self::Red,
                "darkBlue" => Self::DarkBlue,
                other => Self::Unknown(UnknownValue::new(other)),
            }
        }

        fn as_str(&self) -> &str {
            match self {
                Self::Red => "red",
                Self::DarkBlue => "darkBlue",
                Self::Unknown(v) => v.as_str(),
            }
        }
    }

    impl Serialize for Color {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self, s)
        }
    }

    impl<'de> Deserialize<'de> for Color {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d)
        }
    }

    #[test]
    fn known_member_round_trips() {
        let c: Color = serde_json::from_str("\"darkBlue\"").unwrap();
        assert_eq!(c, Color::DarkBlue);
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"darkBlue\"");
        // Owned strings (from a `Value`) work as well.
        let c: Color = serde_json::from_value(serde_json::json!("red")).unwrap();
        assert_eq!(c, Color::Red);
    }

    #[test]
    fn unknown_member_is_kept_and_written_back() {
        let c: Color = serde_json::from_str("\"ultraViolet\"").unwrap();
        assert_eq!(c, Color::Unknown(UnknownValue::new("ultraViolet")));
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"ultraViolet\"");
        // Member names are case-sensitive.
        let c: Color = serde_json::from_str("\"Red\"").unwrap();
        assert_eq!(c.as_str(), "Red");
        assert!(matches!(c, Color::Unknown(_)));
    }

    #[test]
    fn non_string_is_an_error() {
        let err = serde_json::from_str::<Color>("3").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `3`, expected an enum member name at line 1 column 1"
        );
    }

    #[test]
    fn unknown_value_basics() {
        let v = UnknownValue::new("x");
        assert_eq!(v.to_string(), "x");
        assert_eq!(format!("{v:?}"), "\"x\"");
        assert!(UnknownValue::new("a") < UnknownValue::new("b"));
    }

    #[test]
    fn flag_set_round_trips_in_wire_order() {
        let set: FlagSet<Color> = serde_json::from_str("\"darkBlue,red,neon\"").unwrap();
        assert_eq!(set.len(), 3);
        assert!(set.contains(&Color::Red));
        assert!(set.contains(&Color::Unknown(UnknownValue::new("neon"))));
        assert_eq!(
            set.iter().map(StringEnum::as_str).collect::<Vec<_>>(),
            ["darkBlue", "red", "neon"]
        );
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            "\"darkBlue,red,neon\""
        );
    }

    #[test]
    fn flag_set_reading_is_tolerant() {
        let set: FlagSet<Color> = serde_json::from_str("\"red, darkBlue,red\"").unwrap();
        assert_eq!(serde_json::to_string(&set).unwrap(), "\"red,darkBlue\"");
        let empty: FlagSet<Color> = serde_json::from_str("\"\"").unwrap();
        assert!(empty.is_empty());
        assert_eq!(serde_json::to_string(&empty).unwrap(), "\"\"");
    }

    #[test]
    fn flag_set_is_a_set() {
        let mut set = FlagSet::new();
        assert!(set.insert(Color::Red));
        assert!(!set.insert(Color::Red));
        assert!(set.insert(Color::DarkBlue));
        let reversed: FlagSet<Color> = [Color::DarkBlue, Color::Red].into_iter().collect();
        assert_eq!(set, reversed);
        let hash = |s: &FlagSet<Color>| {
            let mut h = DefaultHasher::new();
            s.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&set), hash(&reversed));
        assert_ne!(set, FlagSet::from_iter([Color::Red]));
        assert_eq!(format!("{set:?}"), "{Red, DarkBlue}");
        let names: Vec<&str> = (&set).into_iter().map(StringEnum::as_str).collect();
        assert_eq!(names, ["red", "darkBlue"]);
        assert_eq!(FlagSet::<Color>::default(), FlagSet::new());
    }
}
