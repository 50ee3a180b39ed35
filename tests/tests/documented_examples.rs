//! The documented HTTP examples of the Graph vppToken pages (v1.0 and beta), one test each.
//!
//! Each fixture in `fixtures/docs/` holds one example exactly as published, with its source page
//! and commit, and the named normalizations that the tests apply (see `common`). A test
//!
//! - builds the documented request through the generated API from typed Rust values, renders it
//!   and compares method, scheme and host, path, query, headers and body (as JSON values);
//! - feeds the documented response (normalized) to the operation's `parse_response`, checks the
//!   typed values, writes the typed result back and compares it with the documented body;
//! - snapshots the typed value's `Debug` output, where the token must be redacted.
//!
//! Resource pages have no request; their JSON template is made valid by the fixture's
//! `resource_template` normalization, checked against the metadata, and round-tripped.

mod common;

use common::sample::*;
use common::{
    Example, assert_date_time, assert_expiration_converts, assert_token_redacted,
    assert_v1_documented_token, run_case,
};
use graph_vpptoken::runtime::Collection;
use graph_vpptoken::{beta, v1_0};

/// Examples whose documented form differs from the wire in a way no honest normalization
/// covers, as `(fixture id, reason)`. Each must still fail; one that passes fails its test.
const KNOWN_DEVIATIONS: &[(&str, &str)] = &[];

/// One test per fixture, and the list of fixtures that have one.
macro_rules! documented_examples {
    ($($test:ident: $id:literal => $check:path,)*) => {
        /// The fixtures that have a test.
        const EXAMPLES: &[&str] = &[$($id),*];

        $(
            #[test]
            fn $test() {
                let example = Example::load("docs", $id);
                run_case($id, KNOWN_DEVIATIONS, || $check(&example));
            }
        )*
    };
}

documented_examples! {
    beta_vpptoken_create_01: "beta-vppToken-create-01" => beta_create,
    beta_vpptoken_delete_01: "beta-vppToken-delete-01" => beta_delete,
    beta_vpptoken_get_01: "beta-vppToken-get-01" => beta_get,
    beta_vpptoken_get_licenses_for_app_01: "beta-vppToken-getLicensesForApp-01" => beta_get_licenses_for_app,
    beta_vpptoken_list_01: "beta-vppToken-list-01" => beta_list,
    beta_vpptoken_resource_01: "beta-vppToken-resource-01" => beta_resource,
    beta_vpptoken_revoke_licenses_01: "beta-vppToken-revokeLicenses-01" => beta_revoke_licenses,
    beta_vpptoken_sync_license_counts_01: "beta-vppToken-syncLicenseCounts-01" => beta_sync_license_counts,
    beta_vpptoken_sync_licenses_01: "beta-vppToken-syncLicenses-01" => beta_sync_licenses,
    beta_vpptoken_update_01: "beta-vppToken-update-01" => beta_update,
    beta_vpptoken_action_result_resource_01: "beta-vppTokenActionResult-resource-01" => beta_action_result_resource,
    beta_vpptoken_revoke_licenses_action_result_resource_01:
        "beta-vppTokenRevokeLicensesActionResult-resource-01" => beta_revoke_licenses_action_result_resource,
    v1_0_vpptoken_create_01: "v1.0-vppToken-create-01" => v1_create,
    v1_0_vpptoken_delete_01: "v1.0-vppToken-delete-01" => v1_delete,
    v1_0_vpptoken_get_01: "v1.0-vppToken-get-01" => v1_get,
    v1_0_vpptoken_list_01: "v1.0-vppToken-list-01" => v1_list,
    v1_0_vpptoken_resource_01: "v1.0-vppToken-resource-01" => v1_resource,
    v1_0_vpptoken_sync_licenses_01: "v1.0-vppToken-syncLicenses-01" => v1_sync_licenses,
    v1_0_vpptoken_update_01: "v1.0-vppToken-update-01" => v1_update,
}

/// Snapshots the `Debug` output of a typed response, naming the fixture and its source.
fn snapshot<T: std::fmt::Debug>(example: &Example, value: &T) {
    insta::with_settings!({ description => example.source(), omit_expression => true }, {
        insta::assert_debug_snapshot!(example.id.as_str(), value);
    });
}

// ---------------------------------------------------------------------------------------------
// v1.0

/// The entity of the documented v1.0 create request.
fn v1_documented_entity() -> v1_0::VppToken {
    v1_0::VppToken {
        odata_type: Some("#microsoft.graph.vppToken".into()),
        organization_name: Some(ORGANIZATION.into()),
        vpp_token_account_type: Some(v1_0::VppTokenAccountType::Education),
        apple_id: Some(APPLE_ID.into()),
        expiration_date_time: Some(dt(EXPIRATION)),
        last_sync_date_time: Some(dt(LAST_SYNC)),
        token: Some(TOKEN.into()),
        state: Some(v1_0::VppTokenState::Valid),
        last_sync_status: Some(v1_0::VppTokenSyncStatus::InProgress),
        automatically_update_apps: Some(true),
        country_or_region: Some(COUNTRY.into()),
        ..v1_0::VppToken::default()
    }
}

/// The update of the documented v1.0 update request.
fn v1_documented_patch() -> v1_0::VppTokenPatch {
    v1_0::VppTokenPatch::new()
        .odata_type("#microsoft.graph.vppToken")
        .organization_name(ORGANIZATION)
        .vpp_token_account_type(v1_0::VppTokenAccountType::Education)
        .apple_id(APPLE_ID)
        .expiration_date_time(dt(EXPIRATION))
        .last_sync_date_time(dt(LAST_SYNC))
        .token(TOKEN)
        .state(v1_0::VppTokenState::Valid)
        .last_sync_status(v1_0::VppTokenSyncStatus::InProgress)
        .automatically_update_apps(true)
        .country_or_region(COUNTRY)
}

fn v1_create(example: &Example) {
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .create(&v1_documented_entity());
    example.assert_request(&operation);
    let created = example.parse(&operation);
    assert_v1_documented_token(&created);
    example.assert_round_trip(&created);
    snapshot(example, &created);
}

fn v1_delete(example: &Example) {
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .delete();
    example.assert_request(&operation);
    example.assert_no_content();
    let result = example.parse_with(&operation);
    assert!(matches!(result, Ok(())), "{result:?}");
}

fn v1_get(example: &Example) {
    assert!(example.has_normalization("unwrap_value"));
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .get();
    example.assert_request(&operation);
    let token = example.parse(&operation);
    assert_v1_documented_token(&token);
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn v1_list(example: &Example) {
    let operation = v1_0::device_app_management().vpp_tokens().list();
    example.assert_request(&operation);
    let page: Collection<v1_0::VppToken> = example.parse(&operation);
    assert_eq!(page.value.len(), 1);
    assert_v1_documented_token(&page.value[0]);
    assert_eq!(page.next_link, None);
    assert!(page.next_page().is_none());
    assert_eq!(page.count, None);
    assert!(page.additional.is_empty());
    example.assert_round_trip(&page);
    snapshot(example, &page);
}

fn v1_sync_licenses(example: &Example) {
    assert!(example.has_normalization("unwrap_value"));
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .sync_licenses();
    example.assert_request(&operation);
    let token = example
        .parse(&operation)
        .expect("the documented response has a body");
    assert_v1_documented_token(&token);
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn v1_update(example: &Example) {
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .update(&v1_documented_patch());
    example.assert_request(&operation);
    let token = example
        .parse(&operation)
        .expect("the documented response has a body");
    assert_v1_documented_token(&token);
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn v1_resource(example: &Example) {
    assert!(example.request().is_none());
    example.assert_template_valid(&v1_0::schema::SCHEMA);
    let token: v1_0::VppToken =
        serde_json::from_value(example.response_body().unwrap()).expect("the resource parses");
    assert_eq!(
        token.odata_type.as_deref(),
        Some("#microsoft.graph.vppToken")
    );
    assert_eq!(token.id.as_deref(), Some("String (identifier)"));
    assert_eq!(token.organization_name.as_deref(), Some("String"));
    assert_eq!(
        token.vpp_token_account_type,
        Some(v1_0::VppTokenAccountType::Education)
    );
    assert_eq!(token.apple_id.as_deref(), Some("String"));
    assert_date_time(token.expiration_date_time.as_ref(), "2027-06-30T12:00:00Z");
    assert_date_time(
        token.last_sync_date_time.as_ref(),
        "2026-05-04T03:02:01.1234567+02:00",
    );
    assert_date_time(
        token.last_modified_date_time.as_ref(),
        "2026-05-04T03:00:00.5-07:00",
    );
    assert_eq!(token.token.as_deref(), Some("String"));
    assert_eq!(token.state, Some(v1_0::VppTokenState::Expired));
    assert_eq!(
        token.last_sync_status,
        Some(v1_0::VppTokenSyncStatus::Failed)
    );
    assert_eq!(token.automatically_update_apps, Some(true));
    assert_eq!(token.country_or_region.as_deref(), Some("String"));
    assert!(token.additional.is_empty(), "{:?}", token.additional);
    assert_token_redacted(&format!("{token:?}"), "token: \"String\"");
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

// ---------------------------------------------------------------------------------------------
// beta

/// The action result in the documented beta requests and responses: the base type, written
/// with `@odata.type` as the docs do (without `#`).
fn beta_documented_action_result() -> beta::AnyVppTokenActionResult {
    beta::VppTokenActionResult {
        odata_type: Some("microsoft.graph.vppTokenActionResult".into()),
        action_name: Some(ACTION_NAME.into()),
        action_state: Some(beta::ActionState::Pending),
        start_date_time: Some(dt(ACTION_START)),
        last_updated_date_time: Some(dt(ACTION_UPDATED)),
        ..beta::VppTokenActionResult::default()
    }
    .into()
}

/// The entity of the documented beta create request.
fn beta_documented_entity() -> beta::VppToken {
    beta::VppToken {
        odata_type: Some("#microsoft.graph.vppToken".into()),
        organization_name: Some(ORGANIZATION.into()),
        vpp_token_account_type: Some(beta::VppTokenAccountType::Education),
        apple_id: Some(APPLE_ID.into()),
        expiration_date_time: Some(dt(EXPIRATION)),
        last_sync_date_time: Some(dt(LAST_SYNC)),
        token: Some(TOKEN.into()),
        state: Some(beta::VppTokenState::Valid),
        token_action_results: Some(vec![beta_documented_action_result()]),
        last_sync_status: Some(beta::VppTokenSyncStatus::InProgress),
        automatically_update_apps: Some(true),
        country_or_region: Some(COUNTRY.into()),
        data_sharing_consent_granted: Some(true),
        display_name: Some(DISPLAY_NAME.into()),
        location_name: Some(LOCATION.into()),
        claim_token_management_from_external_mdm: Some(true),
        role_scope_tag_ids: Some(vec![ROLE_SCOPE_TAG.into()]),
        ..beta::VppToken::default()
    }
}

/// The update of the documented beta update request.
fn beta_documented_patch() -> beta::VppTokenPatch {
    beta::VppTokenPatch::new()
        .odata_type("#microsoft.graph.vppToken")
        .organization_name(ORGANIZATION)
        .vpp_token_account_type(beta::VppTokenAccountType::Education)
        .apple_id(APPLE_ID)
        .expiration_date_time(dt(EXPIRATION))
        .last_sync_date_time(dt(LAST_SYNC))
        .token(TOKEN)
        .state(beta::VppTokenState::Valid)
        .token_action_results(vec![beta_documented_action_result()])
        .last_sync_status(beta::VppTokenSyncStatus::InProgress)
        .automatically_update_apps(true)
        .country_or_region(COUNTRY)
        .data_sharing_consent_granted(true)
        .display_name(DISPLAY_NAME)
        .location_name(LOCATION)
        .claim_token_management_from_external_mdm(true)
        .role_scope_tag_ids(vec![ROLE_SCOPE_TAG.into()])
}

/// The typed values of the token the documented beta responses show; the syncLicenses page
/// leaves out `roleScopeTagIds`.
fn assert_beta_documented_token(token: &beta::VppToken, role_scope_tag_ids: bool) {
    assert_eq!(
        token.odata_type.as_deref(),
        Some("#microsoft.graph.vppToken")
    );
    assert_eq!(token.id.as_deref(), Some(ID));
    assert_eq!(token.organization_name.as_deref(), Some(ORGANIZATION));
    assert_eq!(
        token.vpp_token_account_type,
        Some(beta::VppTokenAccountType::Education)
    );
    assert_eq!(token.apple_id.as_deref(), Some(APPLE_ID));
    assert_date_time(token.expiration_date_time.as_ref(), EXPIRATION);
    assert_date_time(token.last_sync_date_time.as_ref(), LAST_SYNC);
    assert_date_time(token.last_modified_date_time.as_ref(), LAST_MODIFIED);
    assert_eq!(token.token.as_deref(), Some(TOKEN));
    assert_eq!(token.state, Some(beta::VppTokenState::Valid));
    assert_eq!(
        token.last_sync_status,
        Some(beta::VppTokenSyncStatus::InProgress)
    );
    assert_eq!(token.automatically_update_apps, Some(true));
    assert_eq!(token.country_or_region.as_deref(), Some(COUNTRY));
    assert_eq!(token.data_sharing_consent_granted, Some(true));
    assert_eq!(token.display_name.as_deref(), Some(DISPLAY_NAME));
    assert_eq!(token.location_name.as_deref(), Some(LOCATION));
    assert_eq!(token.claim_token_management_from_external_mdm, Some(true));
    assert_eq!(token.apple_device_app_delivery_protocol_type, None);
    if role_scope_tag_ids {
        assert_eq!(
            token.role_scope_tag_ids,
            Some(vec![ROLE_SCOPE_TAG.to_owned()])
        );
    } else {
        assert_eq!(token.role_scope_tag_ids, None);
    }
    let results = token
        .token_action_results
        .as_deref()
        .expect("tokenActionResults");
    assert_eq!(results.len(), 1);
    let beta::AnyVppTokenActionResult::VppTokenActionResult(result) = &results[0] else {
        panic!(
            "tokenActionResults[0] is the base type, got {:?}",
            results[0]
        );
    };
    assert_eq!(
        result.odata_type.as_deref(),
        Some("microsoft.graph.vppTokenActionResult")
    );
    assert_eq!(result.action_name.as_deref(), Some(ACTION_NAME));
    assert_eq!(result.action_state, Some(beta::ActionState::Pending));
    assert_date_time(result.start_date_time.as_ref(), ACTION_START);
    assert_date_time(result.last_updated_date_time.as_ref(), ACTION_UPDATED);
    assert!(result.additional.is_empty(), "{:?}", result.additional);
    assert_eq!(
        results[0].odata_type(),
        Some("microsoft.graph.vppTokenActionResult")
    );
    assert!(
        token.additional.is_empty(),
        "unexpected unknown properties: {:?}",
        token.additional
    );
    assert_expiration_converts(token.expiration_date_time.as_ref());
    assert_token_redacted(&format!("{token:?}"), TOKEN);
}

fn beta_create(example: &Example) {
    let operation = beta::device_app_management()
        .vpp_tokens()
        .create(&beta_documented_entity());
    example.assert_request(&operation);
    let created = example.parse(&operation);
    assert_beta_documented_token(&created, true);
    example.assert_round_trip(&created);
    snapshot(example, &created);
}

fn beta_delete(example: &Example) {
    let operation = beta::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .delete();
    example.assert_request(&operation);
    example.assert_no_content();
    let result = example.parse_with(&operation);
    assert!(matches!(result, Ok(())), "{result:?}");
}

fn beta_get(example: &Example) {
    assert!(example.has_normalization("unwrap_value"));
    let operation = beta::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .get();
    example.assert_request(&operation);
    let token = example.parse(&operation);
    assert_beta_documented_token(&token, true);
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn beta_get_licenses_for_app(example: &Example) {
    // The page calls the function with the bundle ID `parameterValue`.
    let operation = beta::device_app_management()
        .vpp_tokens()
        .get_licenses_for_app("parameterValue");
    example.assert_request(&operation);
    let page: Collection<beta::VppTokenLicenseSummary> = example.parse(&operation);
    assert_eq!(page.value.len(), 1);
    let summary = &page.value[0];
    assert_eq!(
        summary.odata_type.as_deref(),
        Some("microsoft.graph.vppTokenLicenseSummary")
    );
    assert_eq!(summary.vpp_token_id.as_deref(), Some("Vpp Token Id value"));
    assert_eq!(summary.apple_id.as_deref(), Some(APPLE_ID));
    assert_eq!(summary.organization_name.as_deref(), Some(ORGANIZATION));
    assert_eq!(summary.available_license_count, Some(5));
    assert_eq!(summary.used_license_count, Some(0));
    assert!(summary.additional.is_empty(), "{:?}", summary.additional);
    assert_eq!(page.next_link, None);
    assert_eq!(page.count, None);
    example.assert_round_trip(&page);
    snapshot(example, &page);
}

fn beta_list(example: &Example) {
    let operation = beta::device_app_management().vpp_tokens().list();
    example.assert_request(&operation);
    let page: Collection<beta::VppToken> = example.parse(&operation);
    assert_eq!(page.value.len(), 1);
    assert_beta_documented_token(&page.value[0], true);
    assert_eq!(page.next_link, None);
    assert!(page.next_page().is_none());
    assert_eq!(page.count, None);
    assert!(page.additional.is_empty());
    example.assert_round_trip(&page);
    snapshot(example, &page);
}

fn beta_revoke_licenses(example: &Example) {
    let parameters = beta::RevokeLicensesParameters {
        notify_managed_devices: true,
        revoke_untracked_licenses: None,
    };
    let operation = beta::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .revoke_licenses(&parameters);
    example.assert_request(&operation);
    example.assert_no_content();
    let result = example.parse_with(&operation);
    assert!(matches!(result, Ok(())), "{result:?}");
}

fn beta_sync_license_counts(example: &Example) {
    let operation = beta::device_app_management()
        .vpp_tokens()
        .sync_license_counts();
    example.assert_request(&operation);
    example.assert_no_content();
    let result = example.parse_with(&operation);
    assert!(matches!(result, Ok(())), "{result:?}");
}

fn beta_sync_licenses(example: &Example) {
    assert!(example.has_normalization("unwrap_value"));
    let operation = beta::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .sync_licenses();
    example.assert_request(&operation);
    let token = example
        .parse(&operation)
        .expect("the documented response has a body");
    assert_beta_documented_token(&token, false);
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn beta_update(example: &Example) {
    let operation = beta::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .update(&beta_documented_patch());
    example.assert_request(&operation);
    let token = example
        .parse(&operation)
        .expect("the documented response has a body");
    assert_beta_documented_token(&token, true);
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn beta_resource(example: &Example) {
    assert!(example.request().is_none());
    example.assert_template_valid(&beta::schema::SCHEMA);
    let token: beta::VppToken =
        serde_json::from_value(example.response_body().unwrap()).expect("the resource parses");
    assert_eq!(
        token.odata_type.as_deref(),
        Some("#microsoft.graph.vppToken")
    );
    assert_eq!(token.id.as_deref(), Some("String (identifier)"));
    assert_eq!(token.organization_name.as_deref(), Some("String"));
    assert_eq!(
        token.vpp_token_account_type,
        Some(beta::VppTokenAccountType::Business)
    );
    assert_eq!(token.apple_id.as_deref(), Some("String"));
    assert_date_time(token.expiration_date_time.as_ref(), "2027-06-30T12:00:00Z");
    assert_date_time(
        token.last_sync_date_time.as_ref(),
        "2026-05-04T03:02:01.1234567+02:00",
    );
    assert_date_time(
        token.last_modified_date_time.as_ref(),
        "2026-05-04T03:00:00.5-07:00",
    );
    assert_eq!(token.token.as_deref(), Some("String"));
    assert_eq!(token.state, Some(beta::VppTokenState::Valid));
    assert_eq!(
        token.last_sync_status,
        Some(beta::VppTokenSyncStatus::Completed)
    );
    assert_eq!(token.automatically_update_apps, Some(true));
    assert_eq!(token.country_or_region.as_deref(), Some("String"));
    assert_eq!(token.data_sharing_consent_granted, Some(true));
    assert_eq!(token.display_name.as_deref(), Some("String"));
    assert_eq!(token.location_name.as_deref(), Some("String"));
    assert_eq!(token.claim_token_management_from_external_mdm, Some(true));
    assert_eq!(token.role_scope_tag_ids, Some(vec!["String".to_owned()]));
    let results = token
        .token_action_results
        .as_deref()
        .expect("tokenActionResults");
    let [beta::AnyVppTokenActionResult::VppTokenActionResult(result)] = results else {
        panic!("one action result of the base type, got {results:?}");
    };
    assert_eq!(
        result.odata_type.as_deref(),
        Some("microsoft.graph.vppTokenActionResult")
    );
    assert_eq!(result.action_name.as_deref(), Some("String"));
    assert_eq!(result.action_state, Some(beta::ActionState::Done));
    assert_date_time(
        result.start_date_time.as_ref(),
        "2026-05-04T02:59:00.0000000Z",
    );
    assert_date_time(
        result.last_updated_date_time.as_ref(),
        "2026-05-04T03:01:30.9999999Z",
    );
    // `lastAppCount` is on the beta page only, in no metadata: kept as an unknown property.
    assert_eq!(token.additional.len(), 1, "{:?}", token.additional);
    assert_eq!(
        token.additional.get("lastAppCount"),
        Some(&graph_vpptoken::runtime::json::RawJson::from(
            serde_json::json!(1024)
        ))
    );
    assert_token_redacted(&format!("{token:?}"), "token: \"String\"");
    example.assert_round_trip(&token);
    snapshot(example, &token);
}

fn beta_action_result_resource(example: &Example) {
    assert!(example.request().is_none());
    example.assert_template_valid(&beta::schema::SCHEMA);
    let value: beta::AnyVppTokenActionResult =
        serde_json::from_value(example.response_body().unwrap()).expect("the resource parses");
    let beta::AnyVppTokenActionResult::VppTokenActionResult(result) = &value else {
        panic!("the base type, got {value:?}");
    };
    assert_eq!(
        result.odata_type.as_deref(),
        Some("#microsoft.graph.vppTokenActionResult")
    );
    assert_eq!(result.action_name.as_deref(), Some("String"));
    assert_eq!(result.action_state, Some(beta::ActionState::Pending));
    assert_date_time(result.start_date_time.as_ref(), "2026-05-04T02:59:00Z");
    assert_date_time(
        result.last_updated_date_time.as_ref(),
        "2026-05-04T03:01:30.25+01:00",
    );
    assert!(result.additional.is_empty(), "{:?}", result.additional);
    example.assert_round_trip(&value);
    snapshot(example, &value);
}

fn beta_revoke_licenses_action_result_resource(example: &Example) {
    assert!(example.request().is_none());
    example.assert_template_valid(&beta::schema::SCHEMA);
    let value: beta::AnyVppTokenActionResult =
        serde_json::from_value(example.response_body().unwrap()).expect("the resource parses");
    let beta::AnyVppTokenActionResult::VppTokenRevokeLicensesActionResult(result) = &value else {
        panic!("the derived type, got {value:?}");
    };
    assert_eq!(
        result.odata_type.as_deref(),
        Some("#microsoft.graph.vppTokenRevokeLicensesActionResult")
    );
    assert_eq!(result.action_name.as_deref(), Some("String"));
    assert_eq!(result.action_state, Some(beta::ActionState::Failed));
    assert_date_time(result.start_date_time.as_ref(), "2026-05-04T02:59:00Z");
    assert_date_time(
        result.last_updated_date_time.as_ref(),
        "2026-05-04T03:01:30.25+01:00",
    );
    assert_eq!(result.total_licenses_count, Some(1024));
    assert_eq!(result.failed_licenses_count, Some(1024));
    assert_eq!(
        result.action_failure_reason,
        Some(beta::VppTokenActionFailureReason::AppleFailure)
    );
    assert!(result.additional.is_empty(), "{:?}", result.additional);
    example.assert_round_trip(&value);
    snapshot(example, &value);
}

// ---------------------------------------------------------------------------------------------
// The fixtures as a whole

#[test]
fn every_fixture_has_a_test() {
    common::assert_all_fixtures_covered("docs", EXAMPLES, &[]);
}

#[test]
fn fixtures_name_their_source() {
    for id in EXAMPLES {
        let example = Example::load("docs", id);
        let json = &example.json;
        assert_eq!(
            json["source_repo"], "microsoftgraph/microsoft-graph-docs-contrib",
            "{id}"
        );
        let path = json["source_path"].as_str().unwrap_or_default();
        assert!(
            path.starts_with(&format!("api-reference/{}/", example.api_version())),
            "{id}: {path}"
        );
        let commit = json["source_commit"].as_str().unwrap_or_default();
        assert!(
            commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}: {commit}"
        );
        assert!(["v1.0", "beta"].contains(&example.api_version()), "{id}");
        let operation = json["operation"].as_str().unwrap_or_default();
        assert!(
            id.contains(&format!("-{operation}-")),
            "{id}: operation {operation}"
        );
        match json["kind"].as_str() {
            Some("http") => {
                let url = example.request().expect("a request")["url"]
                    .as_str()
                    .unwrap();
                let root = format!("https://graph.microsoft.com/{}/", example.api_version());
                assert!(url.starts_with(&root), "{id}: {url}");
            }
            Some("resource") => assert!(example.request().is_none(), "{id}"),
            other => panic!("{id}: kind {other:?}"),
        }
    }
}

#[test]
fn known_deviations_name_fixtures_and_reasons() {
    for (id, reason) in KNOWN_DEVIATIONS {
        assert!(
            EXAMPLES.contains(id),
            "KNOWN_DEVIATIONS names {id}, which has no fixture"
        );
        assert!(
            !reason.trim().is_empty(),
            "KNOWN_DEVIATIONS gives no reason for {id}"
        );
    }
}

/// The published bodies that the fixtures unwrap (`unwrap_value`) parse, without the
/// normalization, into the same typed value as the unwrapped ones: `parse_response` of a
/// single-entity request unwraps `{"value": {...}}` itself.
#[test]
fn published_value_wrapped_bodies_parse_as_the_unwrapped_ones() {
    fn published<O: graph_vpptoken::runtime::Operation>(
        example: &Example,
        operation: &O,
    ) -> O::Output {
        let status = u16::try_from(example.response()["status"].as_u64().unwrap()).unwrap();
        let body = serde_json::to_vec(&example.response()["body"]).unwrap();
        let response = http::Response::builder().status(status).body(body).unwrap();
        operation
            .parse_response(&response)
            .unwrap_or_else(|e| panic!("{}: {e}", example.id))
    }
    let mut checked = 0;
    for id in EXAMPLES {
        let example = Example::load("docs", id);
        if !example.has_normalization("unwrap_value") {
            continue;
        }
        assert!(example.response()["body"]["value"].is_object(), "{id}");
        let is_beta = example.api_version() == "beta";
        let key = example.key().to_owned();
        match (
            is_beta,
            example.id.rsplit_once("vppToken-").map(|(_, op)| op),
        ) {
            (false, Some("get-01")) => {
                let op = v1_0::device_app_management().vpp_tokens().by_id(&key).get();
                assert_eq!(published(&example, &op), example.parse(&op), "{id}");
            }
            (false, Some("syncLicenses-01")) => {
                let op = v1_0::device_app_management()
                    .vpp_tokens()
                    .by_id(&key)
                    .sync_licenses();
                assert_eq!(published(&example, &op), example.parse(&op), "{id}");
            }
            (true, Some("get-01")) => {
                let op = beta::device_app_management().vpp_tokens().by_id(&key).get();
                assert_eq!(published(&example, &op), example.parse(&op), "{id}");
            }
            (true, Some("syncLicenses-01")) => {
                let op = beta::device_app_management()
                    .vpp_tokens()
                    .by_id(&key)
                    .sync_licenses();
                assert_eq!(published(&example, &op), example.parse(&op), "{id}");
            }
            other => panic!("{id}: add the operation {other:?} here"),
        }
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} wrapped examples");
}

/// `parse_response` of every single-entity request reads the bodies that the `check_payload`
/// test feeds to the checker (`vpptoken_tests::VALUE_WRAPPER_CASES`) as the checker does: a
/// wrapper is unwrapped, `value` beside the token's properties is kept as an unknown property,
/// and a collection is refused with an error at `value`, never read as an empty token.
#[test]
fn value_wrappers_are_read_as_check_payload_reads_them() {
    use graph_vpptoken::runtime::{Operation, ResponseError};
    use vpptoken_tests::{VALUE_WRAPPER_CASES, WrapperReading};

    fn check(name: &str, reading: WrapperReading, result: Result<v1_0::VppToken, ResponseError>) {
        match (reading, result) {
            (WrapperReading::Token { id, value_kept }, Ok(token)) => {
                assert_eq!(token.id.as_deref(), Some(id), "{name}");
                assert_eq!(
                    token.apple_id.as_deref(),
                    Some("x@example.com").filter(|_| !value_kept),
                    "{name}"
                );
                assert_eq!(token.additional.contains_key("value"), value_kept, "{name}");
            }
            (
                WrapperReading::Collection { .. },
                Err(ResponseError::Decode { path, message, .. }),
            ) => {
                assert_eq!(path, "value", "{name}");
                assert!(message.contains("collection"), "{name}: {message}");
            }
            (reading, result) => panic!("{name}: expected {reading:?}, got {result:?}"),
        }
    }

    let item = v1_0::device_app_management().vpp_tokens().by_id("a");
    let get = item.get();
    let update = item.update(&v1_0::VppTokenPatch::new());
    let sync = item.sync_licenses();
    let create = v1_0::device_app_management()
        .vpp_tokens()
        .create(&v1_0::VppToken::default());
    for (name, body, reading) in VALUE_WRAPPER_CASES {
        let response = http::Response::builder().status(200).body(*body).unwrap();
        check(name, *reading, get.parse_response(&response));
        check(name, *reading, create.parse_response(&response));
        check(
            name,
            *reading,
            update.parse_response(&response).map(|t| t.expect("a body")),
        );
        check(
            name,
            *reading,
            sync.parse_response(&response).map(|t| t.expect("a body")),
        );
    }
}
