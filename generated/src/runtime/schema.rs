//! What the metadata says about each generated type, as data: property names and types,
//! enum members, base types. Tools use it to look at JSON the way the models do, for
//! example to list the properties a captured response has that the metadata does not know.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The types of one API version.
#[derive(Debug)]
pub struct Schema {
    /// The API version, such as `v1.0`.
    pub api_version: &'static str,
    /// The entity and complex types, sorted by qualified name.
    pub types: &'static [TypeInfo],
    /// The enum types, sorted by qualified name.
    pub enums: &'static [EnumInfo],
}

/// An entity or complex type.
#[derive(Debug)]
pub struct TypeInfo {
    /// The CSDL name, such as `vppToken`.
    pub name: &'static str,
    /// The qualified name, such as `microsoft.graph.vppToken`.
    pub qualified: &'static str,
    /// The qualified name of the base type, if any.
    pub base: Option<&'static str>,
    /// All properties, inherited ones included.
    pub properties: &'static [PropertyInfo],
    /// Deserializes JSON text into the generated type and serializes it back, as exact text
    /// (numbers and unknown members keep their spelling).
    pub round_trip: fn(&str) -> Result<String, DecodeError>,
}

/// A property of a [`TypeInfo`].
#[derive(Debug)]
pub struct PropertyInfo {
    /// The wire name.
    pub name: &'static str,
    /// The qualified type name of the value (of each item, for a collection), such as
    /// `Edm.String` or `microsoft.graph.vppTokenState`.
    pub ty: &'static str,
    /// Whether the property is a collection.
    pub collection: bool,
}

/// An enum type.
#[derive(Debug)]
pub struct EnumInfo {
    /// The CSDL name.
    pub name: &'static str,
    /// The qualified name.
    pub qualified: &'static str,
    /// The member names, in declaration order.
    pub members: &'static [&'static str],
    /// Whether values are comma-separated sets of members.
    pub flags: bool,
}

/// A value that did not decode into its generated type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {path}: {message}")]
pub struct DecodeError {
    /// The JSON path of the failing value (`.` for the root), such as `tokenActionResults[0].startDateTime`.
    pub path: String,
    /// What was wrong and what was expected; it never quotes the value.
    pub message: String,
}

/// Deserializes the JSON text `json` as `T` and serializes it back; the
/// [`TypeInfo::round_trip`] of every generated type. It reads exactly as the response parsers
/// do (a UTF-8 byte order mark is skipped).
///
/// # Errors
/// A [`DecodeError`] with the JSON path of the first value that did not decode.
pub fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, DecodeError> {
    let typed: T = super::request::decode_slice(json.as_bytes())
        .map_err(|(path, message)| DecodeError { path, message })?;
    serde_json::to_string(&typed).map_err(|e| DecodeError {
        path: ".".into(),
        message: e.to_string(),
    })
}

impl Schema {
    /// The type with this CSDL or qualified name (`vppToken` or `microsoft.graph.vppToken`).
    pub fn type_named(&self, name: &str) -> Option<&'static TypeInfo> {
        self.types
            .iter()
            .find(|t| t.name == name || t.qualified == name)
    }

    /// The enum with this CSDL or qualified name.
    pub fn enum_named(&self, name: &str) -> Option<&'static EnumInfo> {
        self.enums
            .iter()
            .find(|e| e.name == name || e.qualified == name)
    }

    /// The type named by an `@odata.type` value (with or without `#`, any case), if it is
    /// `base` or derives from it.
    pub fn resolve_odata_type(
        &self,
        odata_type: &str,
        base: &TypeInfo,
    ) -> Option<&'static TypeInfo> {
        let candidate = self
            .types
            .iter()
            .find(|t| super::json::odata_type_is(odata_type, t.qualified))?;
        let mut current = Some(candidate);
        while let Some(t) = current {
            if t.qualified == base.qualified {
                return Some(candidate);
            }
            current = t.base.and_then(|b| self.type_named(b));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_reports_the_failing_path() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Item {
            n: i32,
        }
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Outer {
            items: Vec<Item>,
        }
        let ok = round_trip::<Outer>(r#"{"items": [{"n": 1}]}"#).unwrap();
        assert_eq!(ok, r#"{"items":[{"n":1}]}"#);
        let err = round_trip::<Outer>(r#"{"items": [{"n": 1}, {"n": "x"}]}"#).unwrap_err();
        assert_eq!(err.path, "items[1].n");
    }

    #[test]
    fn resolves_derived_types_only() {
        fn same(v: &str) -> Result<String, DecodeError> {
            Ok(v.to_owned())
        }
        static TYPES: &[TypeInfo] = &[
            TypeInfo {
                name: "a",
                qualified: "ns.a",
                base: None,
                properties: &[],
                round_trip: same,
            },
            TypeInfo {
                name: "b",
                qualified: "ns.b",
                base: Some("ns.a"),
                properties: &[],
                round_trip: same,
            },
            TypeInfo {
                name: "c",
                qualified: "ns.c",
                base: None,
                properties: &[],
                round_trip: same,
            },
        ];
        let schema = Schema {
            api_version: "v",
            types: TYPES,
            enums: &[],
        };
        let a = schema.type_named("a").unwrap();
        assert_eq!(
            schema.resolve_odata_type("#NS.B", a).map(|t| t.name),
            Some("b")
        );
        assert!(schema.resolve_odata_type("ns.c", a).is_none());
        assert_eq!(schema.type_named("ns.c").map(|t| t.name), Some("c"));
    }
}
