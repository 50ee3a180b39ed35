//! Update bodies send only what was set: an untouched property is absent, a nullable property
//! set to null is sent as `null`. (That a non-nullable property cannot be set to null is a
//! compile error, checked in `compile_fail.rs`.) Update bodies also read from JSON: absent stays
//! unset, `null` clears a nullable property and is refused for one that is not, unknown
//! properties are kept.

use graph_vpptoken::runtime::{JsonBody, Operation, Patch};
use graph_vpptoken::{beta, v1_0};
use serde_json::json;

/// The body bytes of the update request for `patch` (beta).
fn beta_update_body(patch: &beta::VppTokenPatch) -> Vec<u8> {
    let request = beta::device_app_management()
        .vpp_tokens()
        .by_id("1")
        .update(patch)
        .to_request()
        .unwrap();
    assert_eq!(request.method(), http::Method::PATCH);
    assert_eq!(
        request.headers()[http::header::CONTENT_TYPE],
        "application/json"
    );
    request.into_body().into_vec()
}

/// The body bytes of the update request for `patch` (v1.0).
fn v1_update_body(patch: &v1_0::VppTokenPatch) -> Vec<u8> {
    let request = v1_0::device_app_management()
        .vpp_tokens()
        .by_id("1")
        .update(patch)
        .to_request()
        .unwrap();
    request.into_body().into_vec()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn empty_patch_sends_an_empty_object() {
    assert_eq!(text(&beta_update_body(&beta::VppTokenPatch::new())), "{}");
    assert_eq!(text(&v1_update_body(&v1_0::VppTokenPatch::new())), "{}");
    assert_eq!(
        text(&beta_update_body(&beta::VppTokenPatch::default())),
        "{}"
    );
}

#[test]
fn explicit_null_is_sent_as_null() {
    let body = beta_update_body(&beta::VppTokenPatch::new().display_name_null());
    assert_eq!(text(&body), r#"{"displayName":null}"#);

    let body = v1_update_body(&v1_0::VppTokenPatch::new().country_or_region_null());
    assert_eq!(text(&body), r#"{"countryOrRegion":null}"#);

    let patch = beta::VppTokenPatch::new()
        .location_name_null()
        .role_scope_tag_ids_null()
        .token_action_results_null()
        .token_null()
        .apple_id_null()
        .organization_name_null()
        .country_or_region_null()
        .display_name("Contoso");
    let sent: serde_json::Value = serde_json::from_slice(&beta_update_body(&patch)).unwrap();
    assert_eq!(
        sent,
        json!({
            "appleId": null,
            "countryOrRegion": null,
            "displayName": "Contoso",
            "locationName": null,
            "organizationName": null,
            "roleScopeTagIds": null,
            "token": null,
            "tokenActionResults": null
        })
    );
}

#[test]
fn only_set_properties_are_sent() {
    let patch = beta::VppTokenPatch::new()
        .state(beta::VppTokenState::Valid)
        .automatically_update_apps(false);
    assert_eq!(
        text(&beta_update_body(&patch)),
        r#"{"automaticallyUpdateApps":false,"state":"valid"}"#
    );

    let patch =
        v1_0::VppTokenPatch::new().vpp_token_account_type(v1_0::VppTokenAccountType::Business);
    assert_eq!(
        text(&v1_update_body(&patch)),
        r#"{"vppTokenAccountType":"business"}"#
    );
}

#[test]
fn fields_can_be_set_directly() {
    let mut patch = beta::VppTokenPatch::new();
    patch.display_name = Patch::Value("x".into());
    patch.location_name = Patch::Null;
    patch.organization_name = Patch::Unset;
    patch.state = Some(beta::VppTokenState::Expired);
    patch
        .additional
        .insert("futureProperty".into(), json!({"nested": [1, null]}).into());
    let sent: serde_json::Value = serde_json::from_slice(&beta_update_body(&patch)).unwrap();
    assert_eq!(
        sent,
        json!({"displayName": "x", "locationName": null, "state": "expired", "futureProperty": {"nested": [1, null]}})
    );
}

#[test]
fn the_last_setting_wins() {
    let patch = beta::VppTokenPatch::new()
        .display_name_null()
        .display_name("y");
    assert_eq!(text(&beta_update_body(&patch)), r#"{"displayName":"y"}"#);
    let patch = beta::VppTokenPatch::new()
        .display_name("y")
        .display_name_null();
    assert_eq!(text(&beta_update_body(&patch)), r#"{"displayName":null}"#);
}

#[test]
fn patch_debug_redacts_the_token() {
    let patch = beta::VppTokenPatch::new()
        .token("secret-token-text")
        .display_name("shown");
    let debug = format!("{patch:?}");
    assert!(!debug.contains("secret-token-text"), "{debug}");
    assert!(debug.contains("token: <redacted>"), "{debug}");
    assert!(debug.contains("\"shown\""), "{debug}");
    let debug = format!(
        "{:?}",
        v1_0::VppTokenPatch::new().token("secret-token-text")
    );
    assert!(!debug.contains("secret-token-text"), "{debug}");
    // A body's Debug shows its length only.
    let debug = format!("{:?}", JsonBody::new(&patch));
    assert!(!debug.contains("secret-token-text"), "{debug}");
}

#[test]
fn revoke_licenses_parameters() {
    let item = beta::device_app_management().vpp_tokens().by_id("1");
    let body = |parameters: &beta::RevokeLicensesParameters| {
        let request = item.revoke_licenses(parameters).to_request().unwrap();
        assert_eq!(request.method(), http::Method::POST);
        String::from_utf8(request.into_body().into_vec()).unwrap()
    };
    assert_eq!(
        body(&beta::RevokeLicensesParameters::default()),
        r#"{"notifyManagedDevices":false}"#
    );
    assert_eq!(
        body(&beta::RevokeLicensesParameters {
            notify_managed_devices: true,
            revoke_untracked_licenses: Some(false),
        }),
        r#"{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}"#
    );
}

#[test]
fn create_sends_only_what_the_entity_holds() {
    let request = v1_0::device_app_management()
        .vpp_tokens()
        .create(&v1_0::VppToken::default())
        .to_request()
        .unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(text(request.body()), "{}");
    let token = beta::VppToken {
        token: Some("t".into()),
        ..beta::VppToken::default()
    };
    let request = beta::device_app_management()
        .vpp_tokens()
        .create(&token)
        .to_request()
        .unwrap();
    assert_eq!(text(request.body()), r#"{"token":"t"}"#);
}

#[test]
fn a_created_entity_is_built_with_chained_setters() {
    let token = v1_0::VppToken::new()
        .odata_type("#microsoft.graph.vppToken")
        .apple_id("admin@contoso.example")
        .token("Token value")
        .vpp_token_account_type(v1_0::VppTokenAccountType::Business)
        .automatically_update_apps(true);
    assert_eq!(
        token,
        v1_0::VppToken {
            odata_type: Some("#microsoft.graph.vppToken".into()),
            apple_id: Some("admin@contoso.example".into()),
            token: Some("Token value".into()),
            vpp_token_account_type: Some(v1_0::VppTokenAccountType::Business),
            automatically_update_apps: Some(true),
            ..v1_0::VppToken::default()
        }
    );
    assert!(
        !format!("{token:?}").contains("Token value"),
        "the token is redacted"
    );
    let request = v1_0::device_app_management()
        .vpp_tokens()
        .create(&token)
        .to_request()
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(
        sent,
        json!({
            "@odata.type": "#microsoft.graph.vppToken",
            "appleId": "admin@contoso.example",
            "token": "Token value",
            "vppTokenAccountType": "business",
            "automaticallyUpdateApps": true
        })
    );
    // Fields and setters share names but not namespaces: the field is read as before.
    assert_eq!(token.apple_id.as_deref(), Some("admin@contoso.example"));
    let beta_token = beta::VppToken::new()
        .display_name("Paris office")
        .role_scope_tag_ids(vec!["0".into()]);
    assert_eq!(beta_token.display_name.as_deref(), Some("Paris office"));
    assert_eq!(beta_token.role_scope_tag_ids, Some(vec!["0".to_owned()]));
}

#[test]
fn update_and_sync_accept_no_content() {
    let no_content = http::Response::builder()
        .status(204)
        .body(Vec::new())
        .unwrap();
    let item = beta::device_app_management().vpp_tokens().by_id("1");
    let update = item.update(&beta::VppTokenPatch::new().display_name("x"));
    assert_eq!(update.parse_response(&no_content).unwrap(), None);
    assert_eq!(
        item.sync_licenses().parse_response(&no_content).unwrap(),
        None
    );
    let update = v1_0::device_app_management()
        .vpp_tokens()
        .by_id("1")
        .update(&v1_0::VppTokenPatch::new());
    assert_eq!(update.parse_response(&no_content).unwrap(), None);
}

// ---------------------------------------------------------------------------------------------
// Reading update bodies from JSON

/// Reads `text` as a beta patch, writes it back, and checks that the JSON is unchanged.
fn beta_round_trip(text: &str) -> beta::VppTokenPatch {
    let patch: beta::VppTokenPatch =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let written: serde_json::Value = serde_json::from_slice(&beta_update_body(&patch)).unwrap();
    let sent: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(written, sent, "{text}");
    let again: beta::VppTokenPatch = serde_json::from_value(written).unwrap();
    assert_eq!(again, patch, "{text}");
    patch
}

#[test]
fn a_patch_reads_absent_as_unset_null_as_null_and_values_as_set() {
    let patch = beta_round_trip(
        r#"{"displayName":null,"locationName":"Paris","automaticallyUpdateApps":true,"roleScopeTagIds":["0","7"]}"#,
    );
    assert_eq!(patch.display_name, Patch::Null);
    assert_eq!(patch.location_name, Patch::Value("Paris".to_owned()));
    assert_eq!(patch.automatically_update_apps, Some(true));
    assert_eq!(
        patch.role_scope_tag_ids,
        Patch::Value(vec!["0".to_owned(), "7".to_owned()])
    );
    assert_eq!(patch.apple_id, Patch::Unset);
    assert_eq!(patch.state, None);
    assert_eq!(patch.odata_type, None);
    assert!(patch.additional.is_empty());
    assert_eq!(
        patch,
        beta::VppTokenPatch::new()
            .display_name_null()
            .location_name("Paris")
            .automatically_update_apps(true)
            .role_scope_tag_ids(vec!["0".to_owned(), "7".to_owned()])
    );

    let empty = beta_round_trip("{}");
    assert_eq!(empty, beta::VppTokenPatch::new());
}

#[test]
fn a_patch_read_from_json_writes_back_what_the_builder_writes() {
    let built = v1_0::VppTokenPatch::new()
        .odata_type("#microsoft.graph.vppToken")
        .organization_name("Contoso")
        .apple_id_null()
        .token("Token value")
        .state(v1_0::VppTokenState::Valid)
        .vpp_token_account_type(v1_0::VppTokenAccountType::Education)
        .expiration_date_time("2016-12-31T23:57:57.2481234-08:00".parse().unwrap());
    let body = v1_update_body(&built);
    let read: v1_0::VppTokenPatch = serde_json::from_slice(&body).unwrap();
    assert_eq!(read, built);
    assert_eq!(v1_update_body(&read), body);
    assert!(text(&body).contains(r#""expirationDateTime":"2016-12-31T23:57:57.2481234-08:00""#));
    assert!(
        !format!("{read:?}").contains("Token value"),
        "the token is redacted"
    );
}

#[test]
fn a_patch_keeps_unknown_properties_and_the_key_in_additional() {
    let patch = beta_round_trip(
        r##"{"id":"9ceb2f92","lastAppCount":3,"future":{"a":[1,null]},"state":"someFutureState","@odata.type":"#microsoft.graph.vppToken"}"##,
    );
    assert_eq!(patch.additional.len(), 3);
    assert_eq!(patch.additional["id"].get(), r#""9ceb2f92""#);
    assert_eq!(patch.additional["lastAppCount"].get(), "3");
    assert_eq!(
        patch.state.as_ref().map(|s| s.as_str()),
        Some("someFutureState")
    );
    assert_eq!(
        patch.odata_type.as_deref(),
        Some("#microsoft.graph.vppToken")
    );
}

#[test]
fn a_patch_reads_polymorphic_values_by_their_type() {
    let patch = beta_round_trip(
        r##"{"tokenActionResults":[{"@odata.type":"#microsoft.graph.vppTokenRevokeLicensesActionResult","actionName":"revoke","totalLicensesCount":4},{"actionName":"sync"}]}"##,
    );
    let Patch::Value(results) = &patch.token_action_results else {
        panic!("set: {patch:?}");
    };
    assert!(matches!(
        results[0],
        beta::AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(_)
    ));
    assert!(matches!(
        results[1],
        beta::AnyVppTokenActionResult::VppTokenActionResult(_)
    ));
}

#[test]
fn null_for_a_property_that_is_not_nullable_is_an_error_naming_it() {
    for (text, property) in [
        (r#"{"state":null}"#, "state"),
        (
            r#"{"appleId":"a","automaticallyUpdateApps":null}"#,
            "automaticallyUpdateApps",
        ),
        (r#"{"expirationDateTime":null}"#, "expirationDateTime"),
    ] {
        let err = serde_json::from_str::<beta::VppTokenPatch>(text)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("the property `{property}` is not nullable")),
            "{text}: {err}"
        );
        let err = serde_json::from_str::<v1_0::VppTokenPatch>(text)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("`{property}`")), "{text}: {err}");
    }
}

#[test]
fn a_patch_refuses_duplicates_and_wrong_types() {
    for text in [
        r#"{"appleId":"a","appleId":null}"#,
        r#"{"state":"valid","state":"expired"}"#,
        r#"{"lastAppCount":1,"lastAppCount":2}"#,
    ] {
        let err = serde_json::from_str::<beta::VppTokenPatch>(text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate member"), "{text}: {err}");
    }
    let err = serde_json::from_str::<v1_0::VppTokenPatch>(r#"{"automaticallyUpdateApps":"yes"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("expected a boolean"), "{err}");
    assert!(serde_json::from_str::<v1_0::VppTokenPatch>("[]").is_err());
}
