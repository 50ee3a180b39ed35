//! `Edm.DateTimeOffset`: a date-time that keeps Graph's text form.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// An `Edm.DateTimeOffset` value, such as `2016-12-31T23:57:57.2481234-08:00`.
///
/// Graph sends date-times with up to 7 fractional digits (100 ns) and an offset that may be
/// `Z` or `±HH:MM`. A `DateTimeOffset` keeps the value as a [`time::OffsetDateTime`] together
/// with how it was written, so that serializing a deserialized value gives back the identical
/// text, byte for byte (it is kept inline, without any heap allocation, so writing it back is
/// a copy).
///
/// Two values are equal when they denote the same instant in the same offset *and* are written
/// the same way: `…T00:00:00Z` and `…T00:00:00+00:00` are different values.
///
/// ```
/// use graph_vpptoken::runtime::DateTimeOffset;
///
/// let text = "2016-12-31T23:57:57.2481234-08:00";
/// let value: DateTimeOffset = text.parse().unwrap();
/// assert_eq!(value.to_string(), text);
/// assert_eq!(value.to_offset_date_time().nanosecond(), 248_123_400);
/// ```
#[derive(Clone)]
pub struct DateTimeOffset {
    value: OffsetDateTime,
    text: Text,
}

/// The exact text of a [`DateTimeOffset`], held inline: every valid form fits in
/// [`MAX_LEN`] bytes, so reading and writing a date-time never allocates, and writing it back
/// is a copy.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Text {
    len: u8,
    bytes: [u8; MAX_LEN],
}

impl Text {
    /// `text` must be ASCII and at most [`MAX_LEN`] bytes (the parser checks both).
    fn new(text: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_LEN];
        let len = text.len().min(MAX_LEN);
        bytes[..len].copy_from_slice(&text[..len]);
        Self {
            len: len as u8,
            bytes,
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this never fails.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// The error returned when a text is not a valid `Edm.DateTimeOffset`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid Edm.DateTimeOffset: {reason}")]
pub struct DateTimeParseError {
    reason: &'static str,
}

impl DateTimeParseError {
    const fn new(reason: &'static str) -> Self {
        Self { reason }
    }
}

/// The longest valid text: `-YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM`.
const MAX_LEN: usize = 36;

/// Powers of ten used to scale fractional digits to nanoseconds.
const POW10: [u32; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

impl DateTimeOffset {
    /// Parses an `Edm.DateTimeOffset` as OData writes it (RFC 3339 / ISO 8601):
    /// `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM`, with 1 to 9 fractional
    /// digits and an optional leading `-` on the year.
    ///
    /// # Errors
    /// Returns a [`DateTimeParseError`] when the text does not have that form or names a date or
    /// time that does not exist (such as month 13 or February 30). Leap seconds (`:60`) are
    /// not accepted.
    pub fn parse(s: &str) -> Result<Self, DateTimeParseError> {
        Parser {
            bytes: s.as_bytes(),
            pos: 0,
        }
        .parse(s)
    }

    /// The value as a [`time::OffsetDateTime`], in the offset it was written with.
    #[must_use]
    pub fn to_offset_date_time(&self) -> OffsetDateTime {
        self.value
    }

    /// The exact text of the value, as received or as written by `From<OffsetDateTime>`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }
}

/// Writes `v` as Graph does, `YYYY-MM-DDTHH:MM:SS.fffffff` and `Z` for UTC or `±HH:MM`,
/// into `buf`, returning the length.
fn write_graph_form(v: OffsetDateTime, buf: &mut [u8; MAX_LEN]) -> usize {
    fn put2(buf: &mut [u8; MAX_LEN], at: usize, n: u8) {
        buf[at] = b'0' + n / 10;
        buf[at + 1] = b'0' + n % 10;
    }
    let mut n = 0;
    let year = v.year();
    if year < 0 {
        buf[0] = b'-';
        n = 1;
    }
    let y = year.unsigned_abs();
    // The `time` crate limits years to ±9999 unless `large-dates` is on; keep 4 digits
    // and let the modulo guard the buffer either way.
    for (i, d) in [1000, 100, 10, 1].iter().enumerate() {
        buf[n + i] = b'0' + ((y / d) % 10) as u8;
    }
    n += 4;
    buf[n] = b'-';
    put2(buf, n + 1, u8::from(v.month()));
    buf[n + 3] = b'-';
    put2(buf, n + 4, v.day());
    buf[n + 6] = b'T';
    put2(buf, n + 7, v.hour());
    buf[n + 9] = b':';
    put2(buf, n + 10, v.minute());
    buf[n + 12] = b':';
    put2(buf, n + 13, v.second());
    buf[n + 15] = b'.';
    n += 16;
    // Seven fractional digits: Graph's 100 ns precision.
    let mut frac = v.nanosecond() / 100;
    for i in (0..7).rev() {
        buf[n + i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    n += 7;
    let offset = v.offset();
    if offset.is_utc() {
        buf[n] = b'Z';
        n + 1
    } else {
        buf[n] = if offset.is_negative() { b'-' } else { b'+' };
        put2(buf, n + 1, offset.whole_hours().unsigned_abs());
        buf[n + 3] = b':';
        put2(buf, n + 4, offset.minutes_past_hour().unsigned_abs());
        n + 6
    }
}

impl From<OffsetDateTime> for DateTimeOffset {
    /// Converts a date-time, written with 7 fractional digits (Graph's 100 ns precision) and
    /// `Z` for UTC or `±HH:MM` otherwise.
    ///
    /// Precision below 100 ns is truncated, so that the value equals what its text says. An
    /// offset with a seconds component (which `±HH:MM` cannot express) is converted to UTC.
    fn from(value: OffsetDateTime) -> Self {
        let mut value = value;
        if value.offset().seconds_past_minute() != 0 {
            if let Some(utc) = value.checked_to_offset(UtcOffset::UTC) {
                value = utc;
            } else {
                // Converting would leave the supported year range: drop the seconds of the
                // offset instead, moving the instant by under a minute.
                let (h, m, _) = value.offset().as_hms();
                if let Ok(offset) = UtcOffset::from_hms(h, m, 0) {
                    value = value.replace_offset(offset);
                }
            }
        }
        let nanos = value.nanosecond();
        if let Ok(truncated) = value.replace_nanosecond(nanos - nanos % 100) {
            value = truncated;
        }
        let mut buf = [0u8; MAX_LEN];
        let len = write_graph_form(value, &mut buf);
        Self {
            value,
            text: Text::new(&buf[..len]),
        }
    }
}

impl From<DateTimeOffset> for OffsetDateTime {
    fn from(value: DateTimeOffset) -> Self {
        value.value
    }
}

impl FromStr for DateTimeOffset {
    type Err = DateTimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DateTimeOffset")
            .field(&format_args!("{self}"))
            .finish()
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        // `OffsetDateTime` compares instants only; the offset is part of this value.
        self.value == other.value
            && self.value.offset() == other.value.offset()
            && self.text == other.text
    }
}

impl Eq for DateTimeOffset {}

impl Hash for DateTimeOffset {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
        self.value.offset().hash(state);
        self.text.hash(state);
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateTimeOffsetVisitor)
    }
}

/// Reads a [`DateTimeOffset`] from a (borrowed or owned) string.
struct DateTimeOffsetVisitor;

impl Visitor<'_> for DateTimeOffsetVisitor {
    type Value = DateTimeOffset;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Edm.DateTimeOffset string such as \"2016-12-31T23:57:57.2481234-08:00\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // The text is not quoted: error messages never show the values they could not read.
        DateTimeOffset::parse(v).map_err(E::custom)
    }
}

/// A fixed-position parser over the bytes of a date-time.
struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), DateTimeParseError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(DateTimeParseError::new(reason))
        }
    }

    fn digit(&mut self) -> Option<u8> {
        match self.peek() {
            Some(b @ b'0'..=b'9') => {
                self.pos += 1;
                Some(b - b'0')
            }
            _ => None,
        }
    }

    fn two_digits(&mut self, reason: &'static str) -> Result<u8, DateTimeParseError> {
        match (self.digit(), self.digit()) {
            (Some(a), Some(b)) => Ok(a * 10 + b),
            _ => Err(DateTimeParseError::new(reason)),
        }
    }

    fn parse(mut self, original: &str) -> Result<DateTimeOffset, DateTimeParseError> {
        let date = self.date()?;
        if !matches!(self.peek(), Some(b'T' | b't')) {
            return Err(DateTimeParseError::new("expected 'T' after the date"));
        }
        self.pos += 1;
        let time = self.time_of_day()?;
        let offset = self.offset()?;
        if self.pos != self.bytes.len() {
            return Err(DateTimeParseError::new("unexpected text after the offset"));
        }
        if original.len() > MAX_LEN {
            return Err(DateTimeParseError::new("too long"));
        }
        Ok(DateTimeOffset {
            value: OffsetDateTime::new_in_offset(date, time, offset),
            text: Text::new(original.as_bytes()),
        })
    }

    /// `[-]YYYY-MM-DD`
    fn date(&mut self) -> Result<Date, DateTimeParseError> {
        let negative_year = self.eat(b'-');
        let mut year: i32 = 0;
        for _ in 0..4 {
            let d = self
                .digit()
                .ok_or(DateTimeParseError::new("expected a 4-digit year"))?;
            year = year * 10 + i32::from(d);
        }
        if negative_year {
            if year == 0 {
                return Err(DateTimeParseError::new("year -0000 does not exist"));
            }
            year = -year;
        }
        self.expect(b'-', "expected '-' after the year")?;
        let month = self.two_digits("expected a 2-digit month")?;
        self.expect(b'-', "expected '-' after the month")?;
        let day = self.two_digits("expected a 2-digit day")?;
        let month =
            Month::try_from(month).map_err(|_| DateTimeParseError::new("month out of range"))?;
        Date::from_calendar_date(year, month, day)
            .map_err(|_| DateTimeParseError::new("day out of range for the month"))
    }

    /// `HH:MM[:SS[.fraction]]`.
    fn time_of_day(&mut self) -> Result<Time, DateTimeParseError> {
        let hour = self.two_digits("expected a 2-digit hour")?;
        self.expect(b':', "expected ':' after the hour")?;
        let minute = self.two_digits("expected a 2-digit minute")?;
        let seconds = self.eat(b':');
        let mut second = 0;
        let mut nanosecond = 0;
        let mut fraction_digits = 0u8;
        if seconds {
            second = self.two_digits("expected 2-digit seconds")?;
            if self.eat(b'.') {
                let mut fraction: u32 = 0;
                while let Some(d) = self.digit() {
                    if fraction_digits == 9 {
                        return Err(DateTimeParseError::new(
                            "more than 9 fractional second digits",
                        ));
                    }
                    fraction = fraction * 10 + u32::from(d);
                    fraction_digits += 1;
                }
                if fraction_digits == 0 {
                    return Err(DateTimeParseError::new("expected digits after '.'"));
                }
                nanosecond = fraction * POW10[9 - usize::from(fraction_digits)];
            }
        }
        if second > 59 {
            return Err(DateTimeParseError::new("second out of range"));
        }
        Time::from_hms_nano(hour, minute, second, nanosecond)
            .map_err(|_| DateTimeParseError::new("time of day out of range"))
    }

    /// `Z` (or `z`) or `±HH:MM`.
    fn offset(&mut self) -> Result<UtcOffset, DateTimeParseError> {
        let sign = match self.peek() {
            Some(b'Z' | b'z') => {
                self.pos += 1;
                return Ok(UtcOffset::UTC);
            }
            Some(sign @ (b'+' | b'-')) => sign,
            _ => {
                return Err(DateTimeParseError::new(
                    "expected an offset ('Z' or '±HH:MM')",
                ));
            }
        };
        self.pos += 1;
        let hours = self.two_digits("expected a 2-digit offset hour")?;
        self.expect(b':', "expected ':' in the offset")?;
        let minutes = self.two_digits("expected 2-digit offset minutes")?;
        let out_of_range = || DateTimeParseError::new("offset out of range");
        if hours > 23 || minutes > 59 {
            return Err(out_of_range());
        }
        let h = i8::try_from(hours).map_err(|_| out_of_range())?;
        let m = i8::try_from(minutes).map_err(|_| out_of_range())?;
        let negative = sign == b'-';
        if negative {
            UtcOffset::from_hms(-h, -m, 0)
        } else {
            UtcOffset::from_hms(h, m, 0)
        }
        .map_err(|_| out_of_range())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn round_trip(text: &str) -> DateTimeOffset {
        let value = DateTimeOffset::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(value.to_string(), text);
        let json = format!("\"{text}\"");
        let from_json: DateTimeOffset = serde_json::from_str(&json).unwrap();
        assert_eq!(from_json, value);
        assert_eq!(serde_json::to_string(&from_json).unwrap(), json);
        value
    }

    #[test]
    fn documented_strings_round_trip_exactly() {
        for text in [
            "2016-12-31T23:57:57.2481234-08:00",
            "2023-01-01T00:00:00Z",
            "2023-01-01T00:00:00.0000000+01:00",
            "2019-11-25T23:59:59.9999999Z",
        ] {
            round_trip(text);
        }
    }

    #[test]
    fn every_fraction_length_round_trips() {
        for text in [
            "2023-05-06T07:08:09Z",
            "2023-05-06T07:08:09.1Z",
            "2023-05-06T07:08:09.12Z",
            "2023-05-06T07:08:09.123Z",
            "2023-05-06T07:08:09.1234Z",
            "2023-05-06T07:08:09.12345Z",
            "2023-05-06T07:08:09.123456Z",
            "2023-05-06T07:08:09.1234567Z",
            "2023-05-06T07:08:09.12345678Z",
            "2023-05-06T07:08:09.123456789Z",
            "2023-05-06T07:08:09.000000000Z",
            "2023-05-06T07:08:09.0100+05:30",
        ] {
            round_trip(text);
        }
        assert_eq!(
            DateTimeOffset::parse("2023-05-06T07:08:09.12Z")
                .unwrap()
                .to_offset_date_time()
                .nanosecond(),
            120_000_000
        );
    }

    #[test]
    fn offset_spellings_round_trip() {
        let z = round_trip("2023-01-01T00:00:00Z");
        let plus = round_trip("2023-01-01T00:00:00+00:00");
        let minus = round_trip("2023-01-01T00:00:00-00:00");
        assert_ne!(z, plus);
        assert_ne!(plus, minus);
        assert_eq!(z.to_offset_date_time(), plus.to_offset_date_time());
        round_trip("2023-01-01T00:00-05:00");
        round_trip("-0044-03-15T12:00:00Z");
        round_trip("0000-01-01T00:00:00Z");
    }

    #[test]
    fn unusual_spellings_are_kept_verbatim() {
        for text in ["2023-01-01t00:00:00z", "2023-01-01T00:00:00.5z"] {
            let value = round_trip(text);
            assert_eq!(value.as_str(), text);
        }
        assert_eq!(
            DateTimeOffset::parse("2023-01-01t00:00:00z")
                .unwrap()
                .to_offset_date_time(),
            datetime!(2023-01-01 00:00:00 UTC)
        );
    }

    #[test]
    fn the_longest_form_fits_inline() {
        let text = "-0044-03-15T12:00:00.123456789+14:00";
        assert_eq!(text.len(), MAX_LEN);
        assert_eq!(round_trip(text).as_str(), text);
    }

    #[test]
    fn conversion_keeps_100ns_and_offset() {
        let value = DateTimeOffset::parse("2016-12-31T23:57:57.2481234-08:00").unwrap();
        let odt = value.to_offset_date_time();
        assert_eq!(odt, datetime!(2016-12-31 23:57:57.2481234 -08:00));
        assert_eq!(odt.nanosecond(), 248_123_400);
        assert_eq!(odt.offset(), UtcOffset::from_hms(-8, 0, 0).unwrap());
        assert_eq!(OffsetDateTime::from(value.clone()), odt);
    }

    #[test]
    fn from_offset_date_time_uses_seven_digits() {
        let utc = DateTimeOffset::from(datetime!(2023-01-01 00:00:00 UTC));
        assert_eq!(utc.to_string(), "2023-01-01T00:00:00.0000000Z");
        let pst = DateTimeOffset::from(datetime!(2016-12-31 23:57:57.248123456 -08:00));
        assert_eq!(pst.to_string(), "2016-12-31T23:57:57.2481234-08:00");
        assert_eq!(pst.to_offset_date_time().nanosecond(), 248_123_400);
        assert_eq!(pst, DateTimeOffset::parse(&pst.to_string()).unwrap());
        let india = DateTimeOffset::from(datetime!(2020-02-29 12:00:00 +05:30));
        assert_eq!(india.to_string(), "2020-02-29T12:00:00.0000000+05:30");
        let odd = DateTimeOffset::from(datetime!(2020-02-29 12:00:00 +01:00:30));
        assert_eq!(odd.to_string(), "2020-02-29T10:59:30.0000000Z");
    }

    #[test]
    fn debug_shows_the_text() {
        let value = DateTimeOffset::parse("2023-01-01T00:00:00Z").unwrap();
        assert_eq!(format!("{value:?}"), "DateTimeOffset(2023-01-01T00:00:00Z)");
    }

    #[test]
    fn invalid_inputs_error() {
        for text in [
            "",
            "garbage",
            "2016-13-01T00:00:00Z",
            "2016-00-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2016-12-32T00:00:00Z",
            "2016-12-31T24:00:00Z",
            "2016-12-31T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:59",
            "2016-12-31 23:59:59Z",
            "2016-12-31T23:59:59.Z",
            "2016-12-31T23:59:59.1234567890Z",
            "2016-12-31T23:59:59+0800",
            "2016-12-31T23:59:59+24:00",
            "2016-12-31T23:59:59Zjunk",
            "16-12-31T23:59:59Z",
            "-0000-01-01T00:00:00Z",
            "2016-12-31T23:59:59.2481234-08:00 ",
        ] {
            assert!(DateTimeOffset::parse(text).is_err(), "{text:?} parsed");
        }
        let err = DateTimeOffset::parse("2016-13-01T00:00:00Z").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Edm.DateTimeOffset: month out of range"
        );
        let err = serde_json::from_str::<DateTimeOffset>("\"nope\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid Edm.DateTimeOffset: expected a 4-digit year at"),
            "{err}"
        );
        assert!(serde_json::from_str::<DateTimeOffset>("42").is_err());
    }

    #[test]
    fn hash_agrees_with_eq() {
        use std::collections::HashSet;
        let set: HashSet<DateTimeOffset> = [
            "2023-01-01T00:00:00Z",
            "2023-01-01T00:00:00+00:00",
            "2023-01-01T00:00:00Z",
            "2023-01-01T01:00:00+01:00",
        ]
        .into_iter()
        .map(|s| s.parse().unwrap())
        .collect();
        assert_eq!(set.len(), 3);
    }
}
