//! [`Patch`]: a property in a PATCH body that can be left out, sent as `null`, or sent with a
//! value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A property in a PATCH (update) body.
///
/// - [`Patch::Unset`] leaves the property out of the body, so the service keeps its value;
/// - [`Patch::Null`] sends `null`, clearing a nullable property;
/// - [`Patch::Value`] sends the value.
///
/// It fits nullable properties; a non-nullable property needs only `Option<T>`, which cannot
/// express `null` at all.
///
/// `Unset` itself serializes as `null`: it is the container that leaves it out, with
/// `#[serde(skip_serializing_if = "Patch::is_unset")]` (which generated bodies carry).
/// Deserializing gives `Null` for `null` and `Value` otherwise; a container that marks the
/// field `#[serde(default)]` gets `Unset` for an absent property.
///
/// ```
/// use graph_vpptoken::runtime::Patch;
/// use graph_vpptoken::{serde, serde_json};
///
/// #[derive(serde::Serialize)]
/// #[serde(crate = "graph_vpptoken::serde")] // serde through the re-export
/// struct Body {
///     #[serde(skip_serializing_if = "Patch::is_unset")]
///     name: Patch<String>,
///     #[serde(skip_serializing_if = "Patch::is_unset")]
///     location: Patch<String>,
/// }
///
/// let body = Body { name: Patch::Null, location: Patch::Unset };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"name":null}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the property keeps its current value.
    #[default]
    Unset,
    /// Sent as `null`: the property is cleared.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the property is left out of the body.
    #[must_use]
    pub const fn is_unset(&self) -> bool {
        matches!(self, Self::Unset)
    }

    /// Whether the property is sent as `null`.
    #[must_use]
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value to send, if there is one.
    #[must_use]
    pub const fn value(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Unset | Self::Null => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => serializer.serialize_some(v),
            Self::Unset | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Self::Value(v),
            None => Self::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_unset")]
        display_name: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_unset")]
        location_name: Patch<String>,
        #[serde(default, skip_serializing_if = "Patch::is_unset")]
        count: Patch<i32>,
    }

    #[test]
    fn serializes_only_what_was_set() {
        let update = Update {
            display_name: "Contoso".to_owned().into(),
            location_name: Patch::Null,
            count: Patch::Unset,
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"display_name":"Contoso","location_name":null}"#
        );
        assert_eq!(serde_json::to_string(&Update::default()).unwrap(), "{}");
    }

    #[test]
    fn unset_alone_serializes_as_null() {
        assert_eq!(serde_json::to_string(&Patch::<i32>::Unset).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Patch::<i32>::Null).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Patch::Value(3)).unwrap(), "3");
    }

    #[test]
    fn deserializes_to_the_three_states() {
        let update: Update =
            serde_json::from_str(r#"{"display_name":"x","location_name":null}"#).unwrap();
        assert_eq!(
            update,
            Update {
                display_name: Patch::Value("x".to_owned()),
                location_name: Patch::Null,
                count: Patch::Unset,
            }
        );
    }

    #[test]
    fn accessors() {
        let unset = Patch::<u8>::default();
        assert!(unset.is_unset() && !unset.is_null() && unset.value().is_none());
        let null = Patch::<u8>::Null;
        assert!(!null.is_unset() && null.is_null() && null.value().is_none());
        let value = Patch::from(7u8);
        assert!(!value.is_unset() && !value.is_null());
        assert_eq!(value.value(), Some(&7));
    }
}
