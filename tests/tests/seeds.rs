//! The seeds: versions of Microsoft's "Update vppToken" page (`shared/seeds/*.txt`), whose
//! request and response bodies are copied into `fixtures/seeds/<seed file stem>.json`.
//!
//! Each test builds the page's request through the generated API, the way the pages' SDK
//! snippets do (`graph_client.device_app_management.vpp_tokens.by_vpp_token_id(id).patch(body)`
//! is `device_app_management().vpp_tokens().by_id(id).update(&patch)` here), compares method,
//! path and body exactly, then parses the documented response, checks it and writes it back.
//!
//! Seed 000 (an update through a retired type-cast path) is tested with the generator fixtures.

mod common;

use common::sample::*;
use common::{
    Example, assert_date_time, assert_token_redacted, assert_v1_documented_token, run_case,
};
use graph_vpptoken::{beta, v1_0};

/// Seeds whose documented form differs from the wire in a way no honest normalization covers,
/// as `(seed, reason)`. Each must still fail; one that passes fails its test.
const KNOWN_DEVIATIONS: &[(&str, &str)] = &[];

/// Seed fixtures whose test lives in another file, as `(seed, file under tests/tests/)`.
const TESTED_ELSEWHERE: &[(&str, &str)] = &[
    // The retired type-cast path, generated from a synthetic CSDL fixture.
    ("000_80c815304b23218e", "fixture_code.rs"),
];

/// One test per seed fixture, and the list of fixtures that have one.
macro_rules! seeds {
    ($($test:ident => $check:path,)*) => {
        /// The seed fixtures that have a test.
        const SEEDS: &[&str] = &[$(stem(stringify!($test))),*];

        $(
            #[test]
            fn $test() {
                let id = stem(stringify!($test));
                let example = Example::load("seeds", id);
                run_case(id, KNOWN_DEVIATIONS, || $check(&example));
            }
        )*
    };
}

/// The seed file stem a test is named after: `seed_001_953dd7535f9bbfb5` → `001_953dd7535f9bbfb5`.
const fn stem(test: &'static str) -> &'static str {
    let (_, rest) = test.as_bytes().split_at(5);
    match std::str::from_utf8(rest) {
        Ok(stem) => stem,
        Err(_) => panic!("a seed test name is ASCII"),
    }
}

seeds! {
    seed_001_953dd7535f9bbfb5 => v1_update_with_odata_type,
    seed_002_1778f6666e348e6c => v1_update_with_odata_type,
    seed_003_78b0a18c1d4790f2 => v1_update_with_last_modified,
    seed_004_f8258530bf2be64f => beta_update_with_action_results,
}

/// Seeds 001 and 002: the current v1.0 page, whose request sends `@odata.type`.
fn v1_update_with_odata_type(example: &Example) {
    assert_eq!(example.api_version(), "v1.0");
    let patch = v1_0::VppTokenPatch::new()
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
        .country_or_region(COUNTRY);
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .update(&patch);
    example.assert_request(&operation);
    let token = example
        .parse(&operation)
        .expect("the page's response has a body");
    assert_v1_documented_token(&token);
    example.assert_round_trip(&token);
}

/// Seed 003: an older v1.0 page, whose request has no `@odata.type` but sends
/// `lastModifiedDateTime`.
fn v1_update_with_last_modified(example: &Example) {
    assert_eq!(example.api_version(), "v1.0");
    let patch = v1_0::VppTokenPatch::new()
        .organization_name(ORGANIZATION)
        .vpp_token_account_type(v1_0::VppTokenAccountType::Education)
        .apple_id(APPLE_ID)
        .expiration_date_time(dt(EXPIRATION))
        .last_sync_date_time(dt(LAST_SYNC))
        .token(TOKEN)
        .last_modified_date_time(dt(LAST_MODIFIED))
        .state(v1_0::VppTokenState::Valid)
        .last_sync_status(v1_0::VppTokenSyncStatus::InProgress)
        .automatically_update_apps(true)
        .country_or_region(COUNTRY);
    let operation = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .update(&patch);
    example.assert_request(&operation);
    let token = example
        .parse(&operation)
        .expect("the page's response has a body");
    assert_v1_documented_token(&token);
    example.assert_round_trip(&token);
}

/// Seed 004: an older beta page, whose request sends `tokenActionResults` (its items with
/// `@odata.type` written without `#`) and `lastModifiedDateTime`, and no `@odata.type`.
fn beta_update_with_action_results(example: &Example) {
    assert_eq!(example.api_version(), "beta");
    let action_result = beta::VppTokenActionResult {
        odata_type: Some("microsoft.graph.vppTokenActionResult".into()),
        action_name: Some("Action Name value".into()),
        action_state: Some(beta::ActionState::Pending),
        start_date_time: Some(dt(ACTION_START)),
        last_updated_date_time: Some(dt(ACTION_UPDATED)),
        ..beta::VppTokenActionResult::default()
    };
    let patch = beta::VppTokenPatch::new()
        .organization_name(ORGANIZATION)
        .vpp_token_account_type(beta::VppTokenAccountType::Education)
        .apple_id(APPLE_ID)
        .expiration_date_time(dt(EXPIRATION))
        .last_sync_date_time(dt(LAST_SYNC))
        .token(TOKEN)
        .last_modified_date_time(dt(LAST_MODIFIED))
        .state(beta::VppTokenState::Valid)
        .token_action_results(vec![action_result.into()])
        .last_sync_status(beta::VppTokenSyncStatus::InProgress)
        .automatically_update_apps(true)
        .country_or_region(COUNTRY)
        .data_sharing_consent_granted(true)
        .display_name("Display Name value")
        .location_name("Location Name value")
        .claim_token_management_from_external_mdm(true);
    let operation = beta::device_app_management()
        .vpp_tokens()
        .by_id(example.key())
        .update(&patch);
    example.assert_request(&operation);

    let token = example
        .parse(&operation)
        .expect("the page's response has a body");
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
    assert_eq!(token.display_name.as_deref(), Some("Display Name value"));
    assert_eq!(token.location_name.as_deref(), Some("Location Name value"));
    assert_eq!(token.claim_token_management_from_external_mdm, Some(true));
    assert_eq!(token.role_scope_tag_ids, None);
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
    assert_eq!(result.action_state, Some(beta::ActionState::Pending));
    assert_date_time(result.start_date_time.as_ref(), ACTION_START);
    assert_date_time(result.last_updated_date_time.as_ref(), ACTION_UPDATED);
    assert!(token.additional.is_empty(), "{:?}", token.additional);
    assert_token_redacted(&format!("{token:?}"), TOKEN);
    example.assert_round_trip(&token);
}

#[test]
fn every_seed_fixture_has_a_test() {
    common::assert_all_fixtures_covered("seeds", SEEDS, TESTED_ELSEWHERE);
}

#[test]
fn seed_fixtures_name_their_seed() {
    for id in SEEDS {
        let example = Example::load("seeds", id);
        assert_eq!(example.json["source_seed"], format!("{id}.txt"), "{id}");
        assert_eq!(example.json["operation"], "update", "{id}");
        let url = example.request().expect("a request")["url"]
            .as_str()
            .unwrap();
        let root = format!("https://graph.microsoft.com/{}/", example.api_version());
        assert!(url.starts_with(&root), "{id}: {url}");
    }
}

#[test]
fn known_deviations_name_seeds_and_reasons() {
    for (id, reason) in KNOWN_DEVIATIONS {
        assert!(
            SEEDS.contains(id),
            "KNOWN_DEVIATIONS names {id}, which has no fixture"
        );
        assert!(
            !reason.trim().is_empty(),
            "KNOWN_DEVIATIONS gives no reason for {id}"
        );
    }
}
