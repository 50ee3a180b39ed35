//! The input and the plain-struct contender shared by the model benchmarks.

use serde::{Deserialize, Serialize};

/// Number of tokens in the page.
pub const TOKENS: usize = 1_000;

/// The token of the documented beta list response, compact, in the documented property order.
/// `{ID}` is replaced by a distinct id per token.
const TOKEN_TEMPLATE: &str = concat!(
    r##"{"@odata.type":"#microsoft.graph.vppToken","##,
    r#""id":"{ID}","#,
    r#""organizationName":"Organization Name value","#,
    r#""vppTokenAccountType":"education","#,
    r#""appleId":"Apple Id value","#,
    r#""expirationDateTime":"2016-12-31T23:57:57.2481234-08:00","#,
    r#""lastSyncDateTime":"2017-01-01T00:02:49.3205976-08:00","#,
    r#""token":"Token value","#,
    r#""lastModifiedDateTime":"2017-01-01T00:00:35.1329464-08:00","#,
    r#""state":"valid","#,
    r#""tokenActionResults":[{"#,
    r#""@odata.type":"microsoft.graph.vppTokenActionResult","#,
    r#""actionName":"Action Name value","#,
    r#""actionState":"pending","#,
    r#""startDateTime":"2016-12-31T23:58:46.7156189-08:00","#,
    r#""lastUpdatedDateTime":"2017-01-01T00:00:56.8321556-08:00""#,
    r#"}],"#,
    r#""lastSyncStatus":"inProgress","#,
    r#""automaticallyUpdateApps":true,"#,
    r#""countryOrRegion":"Country Or Region value","#,
    r#""dataSharingConsentGranted":true,"#,
    r#""displayName":"Display Name value","#,
    r#""locationName":"Location Name value","#,
    r#""claimTokenManagementFromExternalMdm":true,"#,
    r#""roleScopeTagIds":["Role Scope Tag Ids value"]}"#,
);

/// `{"value":[token × TOKENS]}`, ids `00000000-2f92-9ceb-922f-eb9c922feb9c`, `00000001-…`, ….
pub fn page() -> Vec<u8> {
    let mut out = String::from(r#"{"value":["#);
    for i in 0..TOKENS {
        if i > 0 {
            out.push(',');
        }
        let id = format!("{i:08x}-2f92-9ceb-922f-eb9c922feb9c");
        out.push_str(&TOKEN_TEMPLATE.replace("{ID}", &id));
    }
    out.push_str("]}");
    out.into_bytes()
}

/// Members a token of a later service version might carry, unknown to the models: one of
/// each JSON kind, numbers beyond `f64` included. Appended to every token by [`unknown_page`].
#[allow(dead_code, reason = "only the instructions bench reads this page")]
const UNKNOWN_MEMBERS: &str = concat!(
    r#""futureCount":42,"#,
    r#""futureSerial":123456789012345678901234567890,"#,
    r#""futureRatio":0.1000000000000000055511151231257827,"#,
    r#""futureLabel":"Future label value","#,
    r#""futureFlag":false,"#,
    r#""futureNothing":null,"#,
    r#""futureSettings":{"mode":"strict","limits":[1,2,3],"nested":{"depth":2}},"#,
    r#""futureTags":["a","b","c"]"#,
);

/// [`page`] with the eight [`UNKNOWN_MEMBERS`] added to every token (before its other members).
#[allow(dead_code, reason = "only the instructions bench reads this page")]
pub fn unknown_page() -> Vec<u8> {
    let page = String::from_utf8(page()).expect("the page is UTF-8");
    let marker = r##"{"@odata.type":"#microsoft.graph.vppToken","##;
    page.replace(marker, &format!("{marker}{UNKNOWN_MEMBERS},"))
        .into_bytes()
}

/// A page of [`PlainVppToken`]s.
#[derive(Debug, Deserialize, Serialize)]
pub struct PlainCollection {
    pub value: Vec<PlainVppToken>,
}

/// The properties of `microsoft.graph.vppToken` as a plain derived struct.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainVppToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apple_device_app_delivery_protocol_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apple_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    automatically_update_apps: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim_token_management_from_external_mdm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country_or_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_sharing_consent_granted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sync_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sync_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_scope_tag_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_action_results: Option<Vec<PlainVppTokenActionResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpp_token_account_type: Option<String>,
}

/// The properties of `microsoft.graph.vppTokenActionResult` as a plain derived struct.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainVppTokenActionResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    action_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date_time: Option<String>,
}
