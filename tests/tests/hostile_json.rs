//! Hostile JSON read by the models and the response parsers: numbers no `f64` holds, syntax
//! errors, byte order marks, polymorphic values with unexpected shapes and duplicate members.

use graph_vpptoken::runtime::json::{Number, RawJson};
use graph_vpptoken::runtime::{Operation, ResponseError};
use graph_vpptoken::{beta, v1_0};

fn response(body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(200)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// Reads `body` as a v1.0 vppToken with `get`'s parser.
fn get_token(body: &str) -> Result<v1_0::VppToken, ResponseError> {
    v1_0::device_app_management()
        .vpp_tokens()
        .by_id("a")
        .get()
        .parse_response(&response(body))
}

/// The path and message of a decode error.
fn decode_error(err: ResponseError) -> (String, String) {
    match err {
        ResponseError::Decode { path, message, .. } => (path, message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn unknown_numbers_are_written_back_byte_for_byte() {
    for text in [
        r#"{"x":123456789012345678901234567890}"#,
        r#"{"x":1.826817409522712e299}"#,
        r#"{"x":1e400}"#,
        r#"{"x":-0,"y":1.0,"z":[1E+2,{"w":0.1000000000000000000001}]}"#,
    ] {
        let token = get_token(text).unwrap();
        let once = serde_json::to_string(&token).unwrap();
        assert_eq!(once, text);
        // And again: nothing flips between reads and writes.
        let again: v1_0::VppToken = serde_json::from_str(&once).unwrap();
        assert_eq!(serde_json::to_string(&again).unwrap(), text);
    }
    let token = get_token(r#"{"x":123456789012345678901234567890}"#).unwrap();
    assert_eq!(
        token.additional["x"].get(),
        "123456789012345678901234567890"
    );
    assert_eq!(
        token.additional["x"].parse::<f64>().unwrap(),
        1.2345678901234568e29
    );
}

#[test]
fn exact_numbers_and_raw_json() {
    let n: Number = serde_json::from_str("12345678901234567890.123456789").unwrap();
    assert_eq!(
        serde_json::to_string(&n).unwrap(),
        "12345678901234567890.123456789"
    );
    assert_eq!(n.to_string(), "12345678901234567890.123456789");
    assert!(serde_json::from_str::<Number>("\"1\"").is_err());
    for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "1 ", "NaN"] {
        assert!(bad.parse::<Number>().is_err(), "{bad:?}");
    }
    for good in ["0", "-0", "1.5", "1e400", "2E-3", "-12.0e+7"] {
        assert_eq!(good.parse::<Number>().unwrap().as_str(), good);
    }
    let raw = RawJson::from(serde_json::json!({"a": [1, null]}));
    assert_eq!(raw.get(), r#"{"a":[1,null]}"#);
    assert!(RawJson::null().is_null());
    assert!(RawJson::from_text("{").is_err());
}

#[test]
fn an_unclosed_object_has_a_path_and_a_position() {
    let (path, message) = decode_error(get_token("{").unwrap_err());
    assert_eq!(path, ".");
    assert_eq!(message, "EOF while parsing an object at line 1 column 1");
    let (path, message) = decode_error(get_token(r#"{"roleScopeTagIds":["a","b"],"#).unwrap_err());
    assert_eq!(path, ".");
    assert_eq!(message, "EOF while parsing a value at line 1 column 29");
    // Inside a nested value the path stops at the innermost member read.
    let body = r#"{"value":[{"id":"a","tokenActionResults":[{"#;
    let err = v1_0::device_app_management()
        .vpp_tokens()
        .list()
        .parse_response(&response(body))
        .unwrap_err();
    let (path, _) = decode_error(err);
    assert_eq!(path, "value[0].tokenActionResults");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    assert_eq!(
        get_token("\u{feff}{\"id\":\"a\"}").unwrap().id.as_deref(),
        Some("a")
    );
}

#[test]
fn a_base_or_unknown_typed_action_result_keeps_a_derived_property_of_another_shape() {
    for odata_type in [
        "#microsoft.graph.vppTokenActionResult",
        "#microsoft.graph.vppTokenFutureActionResult",
    ] {
        let item = format!(
            r#"{{"@odata.type":"{odata_type}","actionName":"revoke","failedLicensesCount":"many","actionFailureReason":{{"code":7}}}}"#
        );
        let result: beta::AnyVppTokenActionResult = serde_json::from_str(&item).unwrap();
        let beta::AnyVppTokenActionResult::VppTokenActionResult(base) = &result else {
            panic!("read as the base type: {result:?}");
        };
        assert_eq!(base.action_name.as_deref(), Some("revoke"));
        assert_eq!(base.additional["failedLicensesCount"].get(), r#""many""#);
        assert_eq!(
            base.additional["actionFailureReason"].get(),
            r#"{"code":7}"#
        );
        let back: serde_json::Value = serde_json::to_value(&result).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(&item).unwrap()
        );
    }
    // Without `@odata.type` too.
    let result: beta::AnyVppTokenActionResult =
        serde_json::from_str(r#"{"totalLicensesCount":[1]}"#).unwrap();
    assert!(matches!(
        result,
        beta::AnyVppTokenActionResult::VppTokenActionResult(_)
    ));
}

#[test]
fn a_derived_action_result_still_decodes_its_own_properties() {
    let item = r##"{"failedLicensesCount":2,"@odata.type":"#microsoft.graph.vppTokenRevokeLicensesActionResult","totalLicensesCount":9}"##;
    let result: beta::AnyVppTokenActionResult = serde_json::from_str(item).unwrap();
    let beta::AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(revoke) = &result else {
        panic!("read as the derived type: {result:?}");
    };
    assert_eq!(revoke.failed_licenses_count, Some(2));
    assert_eq!(revoke.total_licenses_count, Some(9));
    assert!(revoke.additional.is_empty());
    // Of the wrong shape, it fails, naming the property but not the value.
    let body = r##"{"id":"a","tokenActionResults":[{"@odata.type":"#microsoft.graph.vppTokenRevokeLicensesActionResult","failedLicensesCount":"s3cret"}]}"##;
    let err = beta::device_app_management()
        .vpp_tokens()
        .by_id("a")
        .get()
        .parse_response(&response(body))
        .unwrap_err();
    let (path, message) = decode_error(err);
    assert_eq!(path, "tokenActionResults[0].failedLicensesCount");
    assert!(
        message.starts_with("invalid type: string, expected i32"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    // In a list, the path runs from the body's root to the property.
    let page = format!(r#"{{"value":[{{"id":"b"}},{body}]}}"#);
    let err = beta::device_app_management()
        .vpp_tokens()
        .list()
        .parse_response(&response(&page))
        .unwrap_err();
    assert_eq!(
        decode_error(err).0,
        "value[1].tokenActionResults[0].failedLicensesCount"
    );
    // Read directly with serde_json, the message names the property.
    let err = serde_json::from_str::<beta::VppToken>(body).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("property failedLicensesCount: invalid type: string, expected i32"),
        "{err}"
    );
}

#[test]
fn duplicate_members_are_an_error_with_their_path() {
    for (body, at) in [
        (r#"{"id":"a","id":"b"}"#, "id"),
        (r#"{"appleId":null,"appleId":"x"}"#, "appleId"),
        (r#"{"x":1,"x":2}"#, "x"),
    ] {
        let (path, message) = decode_error(get_token(body).unwrap_err());
        assert_eq!(path, at, "{body}");
        assert!(message.starts_with("duplicate member"), "{message}");
    }
    for (body, at) in [
        (
            r#"{"tokenActionResults":[{"actionName":"a","actionName":"b"}]}"#,
            "tokenActionResults[0].actionName",
        ),
        (
            r##"{"tokenActionResults":[{"@odata.type":"#a","@odata.type":"#b"}]}"##,
            "tokenActionResults[0].@odata.type",
        ),
        (
            r#"{"tokenActionResults":[{"failedLicensesCount":1,"failedLicensesCount":2}]}"#,
            "tokenActionResults[0].failedLicensesCount",
        ),
    ] {
        let err = beta::device_app_management()
            .vpp_tokens()
            .by_id("a")
            .get()
            .parse_response(&response(body))
            .unwrap_err();
        let (path, message) = decode_error(err);
        assert_eq!(path, at, "{body}");
        assert!(message.starts_with("duplicate member"), "{message}");
    }
    // Inside a value the model does not know, both members are kept, as written.
    let text = r#"{"future":{"a":1,"a":2}}"#;
    assert_eq!(
        serde_json::to_string(&get_token(text).unwrap()).unwrap(),
        text
    );
    let err = v1_0::device_app_management()
        .vpp_tokens()
        .list()
        .parse_response(&response(
            r#"{"value":[],"@odata.nextLink":"a","@odata.nextLink":"b"}"#,
        ))
        .unwrap_err();
    assert_eq!(decode_error(err).0, "@odata.nextLink");
}
