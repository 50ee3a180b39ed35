//! Update bodies send only what was set: an untouched property is absent, a nullable property
//! set to null is sent as `null`. (That a non-nullable property cannot be set to null is a
//! compile error, checked in `compile_fail.rs`.)

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
