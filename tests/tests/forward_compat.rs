//! Forward compatibility: what the service sends that this crate does not know (an enum member,
//! a property, a derived type) is kept and written back unchanged; `@odata.type` selects the
//! derived type with or without `#` and in any case.

use graph_vpptoken::runtime::Operation;
use graph_vpptoken::{beta, v1_0};
use serde_json::{Value, json};

/// Parses `text` as `T`, writes it back, and checks that nothing changed: the same JSON value
/// and, since `text` is written in the model's field order, the same bytes.
fn assert_byte_identical_round_trip<T>(text: &str) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let written = serde_json::to_string(&typed).unwrap();
    assert_eq!(written, text);
    assert_eq!(
        serde_json::from_str::<Value>(&written).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
    typed
}

#[test]
fn unknown_enum_member_survives() {
    let text = r##"{"@odata.type":"#microsoft.graph.vppToken","id":"1","state":"somethingNew","futureProperty":{"nested":[1,2.5,null,"x"]}}"##;
    let token: beta::VppToken = assert_byte_identical_round_trip(text);
    let state = token.state.as_ref().expect("a state");
    assert!(
        matches!(state, beta::VppTokenState::UnknownValue(_)),
        "{state:?}"
    );
    assert_eq!(state.as_str(), "somethingNew");
    assert_eq!(state.to_string(), "somethingNew");
    assert_ne!(state, &beta::VppTokenState::Unknown);
    assert_eq!(
        token
            .additional
            .get("futureProperty")
            .map(|r| r.to_value().unwrap()),
        Some(json!({"nested": [1, 2.5, null, "x"]}))
    );

    let token: v1_0::VppToken = assert_byte_identical_round_trip(text);
    assert!(matches!(
        token.state,
        Some(v1_0::VppTokenState::UnknownValue(_))
    ));
}

#[test]
fn beta_member_is_unknown_to_v1() {
    let text = r#"{"id":"1","state":"duplicateLocationId"}"#;
    let v1: v1_0::VppToken = assert_byte_identical_round_trip(text);
    assert_eq!(
        v1.state.as_ref().map(|s| s.as_str()),
        Some("duplicateLocationId")
    );
    assert!(matches!(
        v1.state,
        Some(v1_0::VppTokenState::UnknownValue(_))
    ));
    let beta: beta::VppToken = assert_byte_identical_round_trip(text);
    assert_eq!(beta.state, Some(beta::VppTokenState::DuplicateLocationId));
}

#[test]
fn unknown_members_in_every_enum_survive() {
    let text = r##"{"@odata.type":"#microsoft.graph.vppToken","id":"1","appleDeviceAppDeliveryProtocolType":"carrierPigeon","lastSyncStatus":"paused","state":"valid","tokenActionResults":[{"@odata.type":"#microsoft.graph.vppTokenRevokeLicensesActionResult","actionState":"retrying","actionFailureReason":"appleOutage"}],"vppTokenAccountType":"government"}"##;
    let token: beta::VppToken = assert_byte_identical_round_trip(text);
    assert_eq!(token.state, Some(beta::VppTokenState::Valid));
    assert_eq!(
        token.vpp_token_account_type.as_ref().map(|v| v.as_str()),
        Some("government")
    );
    assert_eq!(
        token.last_sync_status.as_ref().map(|v| v.as_str()),
        Some("paused")
    );
    assert_eq!(
        token
            .apple_device_app_delivery_protocol_type
            .as_ref()
            .map(|v| v.as_str()),
        Some("carrierPigeon")
    );
    let [beta::AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(result)] =
        token.token_action_results.as_deref().unwrap()
    else {
        panic!("the derived type: {:?}", token.token_action_results);
    };
    assert_eq!(
        result.action_state.as_ref().map(|v| v.as_str()),
        Some("retrying")
    );
    assert_eq!(
        result.action_failure_reason.as_ref().map(|v| v.as_str()),
        Some("appleOutage")
    );
}

#[test]
fn known_members_with_odd_names_read_and_write_exactly() {
    let text = r#"{"state":"assignedToExternalMDM","lastSyncStatus":"none","appleDeviceAppDeliveryProtocolType":"default"}"#;
    let token: beta::VppToken = serde_json::from_str(text).unwrap();
    assert_eq!(
        token.state,
        Some(beta::VppTokenState::AssignedToExternalMdm)
    );
    assert_eq!(token.last_sync_status, Some(beta::VppTokenSyncStatus::None));
    assert_eq!(
        token.apple_device_app_delivery_protocol_type,
        Some(beta::AppleDeviceDeliveryProtocol::Default)
    );
    assert_eq!(
        serde_json::to_value(&token).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
}

#[test]
fn unknown_properties_and_annotations_survive_a_response() {
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceAppManagement/vppTokens/$entity",
        "@odata.type": "#microsoft.graph.vppToken",
        "@odata.etag": "W/\"1\"",
        "id": "1",
        "displayName": null,
        "lastAppCount": 12,
        "futureObject": {"a": [true, {"b": null}]},
        "tokenActionResults": [
            {"@odata.type": "#microsoft.graph.vppTokenActionResult", "actionName": "sync", "futureNumber": 1.25}
        ]
    });
    let operation = beta::device_app_management().vpp_tokens().by_id("1").get();
    let response = http::Response::builder()
        .status(200)
        .body(body.to_string())
        .unwrap();
    let token = operation.parse_response(&response).unwrap();
    assert_eq!(token.id.as_deref(), Some("1"));
    assert_eq!(token.display_name, None);
    assert_eq!(
        token
            .additional
            .get("lastAppCount")
            .map(|r| r.to_value().unwrap()),
        Some(json!(12))
    );
    assert_eq!(
        token
            .additional
            .get("@odata.etag")
            .map(|r| r.to_value().unwrap()),
        Some(json!("W/\"1\""))
    );
    assert_eq!(serde_json::to_value(&token).unwrap(), body);
}

/// The spellings of the derived type's `@odata.type` that must select it.
const DERIVED_SPELLINGS: &[&str] = &[
    "#microsoft.graph.vppTokenRevokeLicensesActionResult",
    "microsoft.graph.vppTokenRevokeLicensesActionResult",
    "#Microsoft.Graph.VppTokenRevokeLicensesActionResult",
    "MICROSOFT.GRAPH.VPPTOKENREVOKELICENSESACTIONRESULT",
    "#microsoft.graph.vpptokenrevokelicensesactionresult",
];

#[test]
fn odata_type_selects_the_derived_type_with_or_without_hash_in_any_case() {
    for spelling in DERIVED_SPELLINGS {
        let input = json!({
            "@odata.type": spelling,
            "actionName": "revoke",
            "actionState": "done",
            "startDateTime": "2023-01-01T00:00:00.0000000+01:00",
            "lastUpdatedDateTime": "2023-01-01T00:05:00Z",
            "totalLicensesCount": 10,
            "failedLicensesCount": 1,
            "actionFailureReason": "appleFailure",
            "futureProperty": "kept"
        });
        let value: beta::AnyVppTokenActionResult = serde_json::from_value(input.clone()).unwrap();
        let beta::AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(result) = &value
        else {
            panic!("{spelling}: expected the derived type, got {value:?}");
        };
        assert_eq!(result.odata_type.as_deref(), Some(*spelling));
        assert_eq!(result.total_licenses_count, Some(10));
        assert_eq!(result.failed_licenses_count, Some(1));
        assert_eq!(
            result.action_failure_reason,
            Some(beta::VppTokenActionFailureReason::AppleFailure)
        );
        assert_eq!(result.action_state, Some(beta::ActionState::Done));
        assert_eq!(
            result
                .additional
                .get("futureProperty")
                .map(|r| r.to_value().unwrap()),
            Some(json!("kept"))
        );
        assert_eq!(value.odata_type(), Some(*spelling));
        assert_eq!(serde_json::to_value(&value).unwrap(), input, "{spelling}");
    }
}

#[test]
fn derived_type_inside_a_token() {
    let body = json!({
        "id": "1",
        "tokenActionResults": [
            {"@odata.type": "microsoft.graph.vppTokenActionResult", "actionName": "a"},
            {"@odata.type": "microsoft.graph.vppTokenRevokeLicensesActionResult", "totalLicensesCount": 3},
            {"actionName": "no type"}
        ]
    });
    let token: beta::VppToken = serde_json::from_value(body.clone()).unwrap();
    let results = token.token_action_results.as_deref().unwrap();
    assert!(matches!(
        results[0],
        beta::AnyVppTokenActionResult::VppTokenActionResult(_)
    ));
    assert!(
        matches!(&results[1], beta::AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(r) if r.total_licenses_count == Some(3))
    );
    assert!(
        matches!(&results[2], beta::AnyVppTokenActionResult::VppTokenActionResult(r) if r.odata_type.is_none())
    );
    assert_eq!(serde_json::to_value(&token).unwrap(), body);
}

#[test]
fn unknown_derived_type_falls_back_to_the_base_type_keeping_its_properties() {
    let input = json!({
        "@odata.type": "#microsoft.graph.vppTokenFutureActionResult",
        "actionName": "future",
        "actionState": "pending",
        "startDateTime": "2023-01-01T00:00:00Z",
        "futureCount": 3,
        "futureDetails": {"reason": ["a", "b"]},
        "totalLicensesCount": 7
    });
    let value: beta::AnyVppTokenActionResult = serde_json::from_value(input.clone()).unwrap();
    let beta::AnyVppTokenActionResult::VppTokenActionResult(result) = &value else {
        panic!("expected the base type, got {value:?}");
    };
    assert_eq!(
        result.odata_type.as_deref(),
        Some("#microsoft.graph.vppTokenFutureActionResult")
    );
    assert_eq!(result.action_name.as_deref(), Some("future"));
    assert_eq!(result.action_state, Some(beta::ActionState::Pending));
    assert_eq!(
        result
            .additional
            .get("futureCount")
            .map(|r| r.to_value().unwrap()),
        Some(json!(3))
    );
    assert_eq!(
        result
            .additional
            .get("futureDetails")
            .map(|r| r.to_value().unwrap()),
        Some(json!({"reason": ["a", "b"]}))
    );
    // A property of a known derived type is not one of the base type: it is kept as unknown.
    assert_eq!(
        result
            .additional
            .get("totalLicensesCount")
            .map(|r| r.to_value().unwrap()),
        Some(json!(7))
    );
    assert_eq!(serde_json::to_value(&value).unwrap(), input);
}

#[test]
fn a_type_that_is_not_derived_is_not_selected() {
    // `vppTokenLicenseSummary` is a known type but not a vppTokenActionResult.
    let input =
        json!({"@odata.type": "#microsoft.graph.vppTokenLicenseSummary", "actionName": "x"});
    let value: beta::AnyVppTokenActionResult = serde_json::from_value(input.clone()).unwrap();
    assert!(
        matches!(
            value,
            beta::AnyVppTokenActionResult::VppTokenActionResult(_)
        ),
        "{value:?}"
    );
    assert_eq!(serde_json::to_value(&value).unwrap(), input);
}

#[test]
fn date_times_keep_their_text() {
    for text in [
        "2016-12-31T23:57:57.2481234-08:00",
        "2023-01-01T00:00:00.0000000+01:00",
        "2023-01-01T00:00:00Z",
        "2023-01-01T00:00:00+00:00",
        "2023-06-15T12:30:45.1Z",
    ] {
        let body = json!({"expirationDateTime": text});
        let token: v1_0::VppToken = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(
            token.expiration_date_time.as_ref().unwrap().to_string(),
            text
        );
        assert_eq!(serde_json::to_value(&token).unwrap(), body);
    }
}
