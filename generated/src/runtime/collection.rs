//! [`Collection`]: one page of an OData collection response.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::json::{Key, Map, next_property, next_unknown};
use super::request::NextPage;

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
