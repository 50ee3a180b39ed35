//! [`Collection`]: one page of an OData collection response.

use std::fmt;
use std::marker::PhantomData;

use http::StatusCode;
use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::error::ResponseError;
use super::json::{Key, Map, next_property, next_unknown};
use super::request::{NextPage, decode_slice};

/// The wire name of the items.
const VALUE: &str = "value";
/// The wire name of the next page's URL.
const NEXT_LINK: &str = "@odata.nextLink";
/// The wire name of the total count.
const COUNT: &str = "@odata.count";

/// One page of an OData collection response:
/// `{"@odata.context": "…", "@odata.count": 2, "value": […], "@odata.nextLink": "…"}`.
///
/// Members other than `value`, `@odata.nextLink` and `@odata.count` (such as
/// `@odata.context`) are kept in `additional` and written back.
///
/// Read as a whole (as `list().send()` and `NextPage::send` read a page), one item that
/// does not decode fails the whole page, with its JSON path (`value[417].state`). The
/// client's paging stream reads the items apart from the page instead, so that such an item
/// costs only itself (see `client::ItemStream`).
#[derive(Clone, Debug, PartialEq)]
pub struct Collection<T> {
    /// The items of this page.
    pub value: Vec<T>,
    /// The URL of the next page (`@odata.nextLink`); `None` on the last page.
    pub next_link: Option<String>,
    /// The total number of items (`@odata.count`), when `$count=true` was requested.
    pub count: Option<i64>,
    /// Other members of the response, kept as received.
    pub additional: Map,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Self {
            value: Vec::new(),
            next_link: None,
            count: None,
            additional: Map::new(),
        }
    }
}

impl<T> Collection<T> {
    /// The request for the next page, if the service sent an `@odata.nextLink`.
    ///
    /// The request is a value, bound to no client: with the crate's `client` feature, send it
    /// with `Client::next_page(&page)` (or `Client::execute`), or read every page with the
    /// list request's `stream()`.
    #[must_use]
    pub fn next_page(&self) -> Option<NextPage<T>> {
        self.next_link.clone().map(NextPage::new)
    }
}

impl<T: Serialize> Serialize for Collection<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let is_known = |key: &str| {
            key == VALUE
                || (key == NEXT_LINK && self.next_link.is_some())
                || (key == COUNT && self.count.is_some())
        };
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in &self.additional {
            if !is_known(key) {
                map.serialize_entry(key, value)?;
            }
        }
        if let Some(count) = &self.count {
            map.serialize_entry(COUNT, count)?;
        }
        map.serialize_entry(VALUE, &self.value)?;
        if let Some(next_link) = &self.next_link {
            map.serialize_entry(NEXT_LINK, next_link)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collection<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CollectionVisitor(PhantomData))
    }
}

/// Reads a [`Collection`] member by member, without buffering.
struct CollectionVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for CollectionVisitor<T> {
    type Value = Collection<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OData collection object with a \"value\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = None;
        let mut page = Collection {
            value: Vec::new(),
            next_link: None,
            count: None,
            additional: Map::new(),
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                VALUE => {
                    if value.is_some() {
                        return Err(de::Error::duplicate_field(VALUE));
                    }
                    value = Some(map.next_value::<Vec<T>>()?);
                }
                NEXT_LINK => {
                    next_property(&mut map, key, &mut page.next_link, &mut page.additional)?
                }
                COUNT => next_property(&mut map, key, &mut page.count, &mut page.additional)?,
                _ => next_unknown(&mut map, key, &mut page.additional)?,
            }
        }
        page.value = value.ok_or_else(|| de::Error::missing_field(VALUE))?;
        Ok(page)
    }
}

/// A page whose items are kept as their JSON text, to be decoded one at a time with
/// [`decode_item`]: its next link and count can be read even when some items do not decode.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub(crate) type RawCollection = Collection<Box<RawValue>>;

/// Decodes the item at `index` of the `value` array of a page received with `status`.
///
/// A failure is the [`ResponseError::Decode`] that decoding the whole page would have given
/// for this item: its path starts at the page (`value[417].state`). The line and column a
/// syntax message may give count from the start of the item.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub(crate) fn decode_item<T: DeserializeOwned>(
    index: usize,
    item: &RawValue,
    status: StatusCode,
) -> Result<T, ResponseError> {
    decode_slice(item.get().as_bytes()).map_err(|(path, message)| {
        let path = match path.as_str() {
            "." => format!("{VALUE}[{index}]"),
            inner if inner.starts_with('[') => format!("{VALUE}[{index}]{inner}"),
            inner => format!("{VALUE}[{index}].{inner}"),
        };
        ResponseError::Decode {
            status,
            path,
            message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Item {
        id: String,
    }

    const PAGE: &str = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceAppManagement/vppTokens","@odata.count":3,"value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens?$skiptoken=abc"}"#;

    #[test]
    fn page_round_trips() {
        let page: Collection<Item> = serde_json::from_str(PAGE).unwrap();
        assert_eq!(page.value.len(), 2);
        assert_eq!(page.value[1].id, "b");
        assert_eq!(page.count, Some(3));
        assert_eq!(
            page.next_link.as_deref(),
            Some("https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens?$skiptoken=abc")
        );
        assert_eq!(
            serde_json::to_value(&page.additional).unwrap(),
            json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceAppManagement/vppTokens"})
        );
        assert_eq!(serde_json::to_string(&page).unwrap(), PAGE);
    }

    #[test]
    fn next_page_url() {
        let page: Collection<Item> = serde_json::from_str(PAGE).unwrap();
        let next = page.next_page().unwrap();
        assert_eq!(
            next.url(),
            "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens?$skiptoken=abc"
        );
        let last: Collection<Item> = serde_json::from_str(r#"{"value":[]}"#).unwrap();
        assert!(last.next_page().is_none());
        assert_eq!(last, Collection::default());
    }

    #[test]
    fn explicit_nulls_and_unknown_members_are_kept() {
        let text = r#"{"@odata.count":null,"@odata.nextLink":null,"other":[1],"value":[]}"#;
        let page: Collection<Item> = serde_json::from_str(text).unwrap();
        assert_eq!((page.count, page.next_link.as_deref()), (None, None));
        let back: serde_json::Value = serde_json::to_value(&page).unwrap();
        assert_eq!(
            back,
            json!({"@odata.count": null, "@odata.nextLink": null, "other": [1], "value": []})
        );
    }

    #[test]
    fn set_fields_win_over_additional() {
        let mut page: Collection<Item> =
            serde_json::from_str(r#"{"@odata.nextLink":null,"value":[]}"#).unwrap();
        page.next_link = Some("https://x/next".into());
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"{"value":[],"@odata.nextLink":"https://x/next"}"#
        );
    }

    /// An item with a property that must be a boolean.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Flagged {
        id: String,
        #[serde(default)]
        on: Option<bool>,
        #[serde(default)]
        tags: Vec<String>,
    }

    const MIXED: &str = r#"{"@odata.count":5,"value":[{"id":"a","on":true},{"id":"b","on":"yes"},
        {"id":"c"},{"id":"d","tags":["x",7]},null],"@odata.nextLink":"https://x/next"}"#;

    fn decode_all(page: &RawCollection) -> Vec<Result<Flagged, ResponseError>> {
        page.value
            .iter()
            .enumerate()
            .map(|(index, item)| decode_item(index, item, StatusCode::OK))
            .collect()
    }

    fn path_of(result: &Result<Flagged, ResponseError>) -> &str {
        match result {
            Err(ResponseError::Decode { path, .. }) => path,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn a_raw_page_is_read_whatever_its_items() {
        let page: RawCollection = serde_json::from_str(MIXED).unwrap();
        assert_eq!(page.value.len(), 5);
        assert_eq!(page.count, Some(5));
        assert_eq!(page.next_link.as_deref(), Some("https://x/next"));
        // The items keep their text as received.
        assert_eq!(page.value[1].get(), r#"{"id":"b","on":"yes"}"#);
        // Through the crate's decoder too (which tracks paths).
        let page: RawCollection = decode_slice(MIXED.as_bytes()).unwrap();
        assert_eq!(page.value[4].get(), "null");
        // What is not a page is still an error.
        for text in [
            "{}",
            r#"{"value":{}}"#,
            r#"{"value":[],"@odata.count":"x"}"#,
            "<html>",
        ] {
            assert!(
                decode_slice::<RawCollection>(text.as_bytes()).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_bad_item_costs_only_itself() {
        let page: RawCollection = serde_json::from_str(MIXED).unwrap();
        let items = decode_all(&page);
        assert_eq!(items[0].as_ref().unwrap().on, Some(true));
        assert_eq!(path_of(&items[1]), "value[1].on");
        assert_eq!(items[2].as_ref().unwrap().id, "c");
        assert_eq!(path_of(&items[3]), "value[3].tags[1]");
        assert_eq!(path_of(&items[4]), "value[4]");
        let Err(ResponseError::Decode {
            status, message, ..
        }) = &items[1]
        else {
            unreachable!()
        };
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(
            message,
            "invalid type: string, expected a boolean at line 1 column 20"
        );
    }

    /// An item decoded on its own fails with the error that decoding the whole page gives.
    #[test]
    fn item_errors_match_those_of_the_whole_page() {
        for (text, path) in [
            (r#"{"value":[{"id":"a"},{"id":"b","on":1}]}"#, "value[1].on"),
            (r#"{"value":[{"id":"a","extra":1}]}"#, "value[0].extra"),
            (r#"{"value":[{"on":true}]}"#, "value[0]"),
            (r#"{"value":[{"id":"a"},[]]}"#, "value[1]"),
        ] {
            let whole = decode_slice::<Collection<Flagged>>(text.as_bytes()).unwrap_err();
            assert_eq!(whole.0, path, "{text}");
            let page: RawCollection = serde_json::from_str(text).unwrap();
            let first_error = decode_all(&page).into_iter().find_map(Result::err);
            let Some(ResponseError::Decode {
                path: item_path,
                message,
                ..
            }) = first_error
            else {
                panic!("{text}: no decode error");
            };
            assert_eq!(item_path, path, "{text}");
            // The same message but for the position, counted from the item.
            let without_position = |m: &str| m.split(" at line ").next().unwrap().to_owned();
            assert_eq!(
                without_position(&message),
                without_position(&whole.1),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_pages_are_errors() {
        for (text, message) in [
            ("{}", "missing field `value` at line 1 column 2"),
            (
                r#"{"value":[],"value":[]}"#,
                "duplicate field `value` at line 1 column 19",
            ),
            (
                r#"{"value":{}}"#,
                "invalid type: map, expected a sequence at line 1 column 9",
            ),
            (
                "[]",
                "invalid type: sequence, expected an OData collection object with a \"value\" array at line 1 column 0",
            ),
        ] {
            let err = serde_json::from_str::<Collection<Item>>(text).unwrap_err();
            assert_eq!(err.to_string(), message, "{text}");
        }
    }
}
