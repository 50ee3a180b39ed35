//! Function arguments as OData URL literals, one writer per kind of type (OData URL
//! conventions, section 5.1.1.1): strings quoted, numbers and the like bare, durations and
//! binary values prefixed, enum members qualified by their type, complex values and
//! collections as JSON. The result is not yet percent-encoded: the request path does that.

use std::fmt::Display;

use super::enums::{FlagSet, StringEnum};
use super::request::odata_string_literal;

/// `'text'`, with every `'` doubled (`Edm.String`).
pub fn string(value: &str) -> String {
    odata_string_literal(value)
}

/// The value as it is written: integers, `true`/`false`, GUIDs, dates, times of day and
/// date-times.
pub fn bare(value: impl Display) -> String {
    value.to_string()
}

/// A floating-point number: `INF`, `-INF` and `NaN` as OData spells them, others in decimal.
pub fn float(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "INF".into()
        } else {
            "-INF".into()
        }
    } else {
        value.to_string()
    }
}

/// A single-precision number, written with the digits it has (not those of its `f64` widening).
pub fn float32(value: f32) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        float(f64::from(value))
    }
}

/// `duration'P1DT2H'` (`Edm.Duration`, ISO 8601).
pub fn duration(value: &str) -> String {
    format!("duration{}", odata_string_literal(value))
}

/// `binary'…'` (`Edm.Binary`, base64url).
pub fn binary(value: &str) -> String {
    format!("binary{}", odata_string_literal(value))
}

/// `Namespace.EnumType'member'`.
pub fn enum_member<T: StringEnum>(qualified: &str, value: &T) -> String {
    format!("{qualified}{}", odata_string_literal(value.as_str()))
}

/// `Namespace.EnumType'a,b'`: a set of flags.
pub fn flags<T: StringEnum>(qualified: &str, value: &FlagSet<T>) -> String {
    let members: Vec<&str> = value.iter().map(StringEnum::as_str).collect();
    format!("{qualified}{}", odata_string_literal(&members.join(",")))
}

/// JSON, for complex values, collections and untyped values. A value that cannot be written
/// as JSON (a map with non-string keys; the generated types have none) is written `null`.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::UnknownValue;

    #[derive(Debug, Clone, PartialEq)]
    struct Color(UnknownValue);

    impl StringEnum for Color {
        fn from_wire(name: &str) -> Self {
            Color(UnknownValue::new(name))
        }
        fn as_str(&self) -> &str {
            self.0.as_str()
        }
    }

    #[test]
    fn each_kind_is_written_as_odata_says() {
        assert_eq!(string("it's"), "'it''s'");
        assert_eq!(bare(42), "42");
        assert_eq!(bare("2024-01-31"), "2024-01-31");
        assert_eq!(float(f64::INFINITY), "INF");
        assert_eq!(float(f64::NEG_INFINITY), "-INF");
        assert_eq!(float(f64::NAN), "NaN");
        assert_eq!(float(1.5), "1.5");
        assert_eq!(float32(0.1), "0.1");
        assert_eq!(duration("P1D"), "duration'P1D'");
        assert_eq!(binary("AQID"), "binary'AQID'");
        assert_eq!(
            enum_member("ns.color", &Color::from_wire("red")),
            "ns.color'red'"
        );
        let set: FlagSet<Color> = [Color::from_wire("a"), Color::from_wire("b")]
            .into_iter()
            .collect();
        assert_eq!(flags("ns.color", &set), "ns.color'a,b'");
        assert_eq!(json(&["a", "b"]), r#"["a","b"]"#);
    }
}
