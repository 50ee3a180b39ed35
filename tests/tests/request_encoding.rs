//! How requests are written into URLs: entity keys as one percent-encoded path segment, OData
//! string literals in function calls, the system query options, `$count`, and paging through
//! `@odata.nextLink`. Every URL is asserted exactly.

use graph_vpptoken::runtime::{Collection, Operation};
use graph_vpptoken::{beta, v1_0};

/// A key with every character that could split or end a path: `/`, `?`, `#`, `%`, a space and `'`.
const AWKWARD_KEY: &str = "a/b?c#d%e f'g";
/// The same key as one percent-encoded path segment.
const AWKWARD_SEGMENT: &str = "a%2Fb%3Fc%23d%25e%20f%27g";

/// Decodes `%XX` escapes (the inverse of the key encoding, for checking).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// Checks that `request` addresses `/{version}/deviceAppManagement/vppTokens/{segment}{suffix}`
/// and that the key is exactly one segment.
fn assert_key_segment(
    request: &http::Request<graph_vpptoken::runtime::RequestBody>,
    version: &str,
    segment: &str,
    key: &str,
    suffix: &str,
) {
    let path = request.uri().path();
    assert_eq!(
        path,
        format!("/{version}/deviceAppManagement/vppTokens/{segment}{suffix}")
    );
    assert_eq!(request.uri().query(), None);
    let segments: Vec<&str> = path.split('/').collect();
    let expected = if suffix.is_empty() { 5 } else { 6 };
    assert_eq!(segments.len(), expected, "{segments:?}");
    assert_eq!(segments[4], segment);
    assert_eq!(percent_decode(segments[4]), key);
}

#[test]
fn beta_key_is_one_path_segment_in_every_item_request() {
    let item = beta::device_app_management()
        .vpp_tokens()
        .by_id(AWKWARD_KEY);
    assert_eq!(
        item.path().path(),
        format!("/deviceAppManagement/vppTokens/{AWKWARD_SEGMENT}")
    );
    let revoke = beta::RevokeLicensesParameters {
        notify_managed_devices: false,
        revoke_untracked_licenses: None,
    };
    let requests = [
        (item.get().to_request().unwrap(), ""),
        (item.delete().to_request().unwrap(), ""),
        (
            item.update(&beta::VppTokenPatch::new())
                .to_request()
                .unwrap(),
            "",
        ),
        (item.sync_licenses().to_request().unwrap(), "/syncLicenses"),
        (
            item.revoke_licenses(&revoke).to_request().unwrap(),
            "/revokeLicenses",
        ),
    ];
    for (request, suffix) in &requests {
        assert_key_segment(request, "beta", AWKWARD_SEGMENT, AWKWARD_KEY, suffix);
    }
    assert_eq!(
        requests[0].0.uri().to_string(),
        "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens/a%2Fb%3Fc%23d%25e%20f%27g"
    );
}

#[test]
fn v1_key_is_one_path_segment_in_every_item_request() {
    let item = v1_0::device_app_management()
        .vpp_tokens()
        .by_id(AWKWARD_KEY);
    let requests = [
        (item.get().to_request().unwrap(), ""),
        (item.delete().to_request().unwrap(), ""),
        (
            item.update(&v1_0::VppTokenPatch::new())
                .to_request()
                .unwrap(),
            "",
        ),
        (item.sync_licenses().to_request().unwrap(), "/syncLicenses"),
    ];
    for (request, suffix) in &requests {
        assert_key_segment(request, "v1.0", AWKWARD_SEGMENT, AWKWARD_KEY, suffix);
    }
    assert_eq!(
        requests[3].0.uri().to_string(),
        "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens/a%2Fb%3Fc%23d%25e%20f%27g/syncLicenses"
    );
}

#[test]
fn non_ascii_and_plain_keys() {
    let request = beta::device_app_management()
        .vpp_tokens()
        .by_id("ünï €")
        .get()
        .to_request()
        .unwrap();
    assert_key_segment(&request, "beta", "%C3%BCn%C3%AF%20%E2%82%AC", "ünï €", "");
    // Unreserved characters are written as they are.
    let request = beta::device_app_management()
        .vpp_tokens()
        .by_id("A-z.0_9~")
        .get()
        .to_request()
        .unwrap();
    assert_key_segment(&request, "beta", "A-z.0_9~", "A-z.0_9~", "");
}

#[test]
fn another_service_root() {
    let root = beta::GraphRequestBuilder::with_service_root("http://127.0.0.1:8080/graph/beta/");
    let request = root
        .device_app_management()
        .vpp_tokens()
        .by_id(AWKWARD_KEY)
        .sync_licenses()
        .to_request()
        .unwrap();
    assert_eq!(
        request.uri().to_string(),
        "http://127.0.0.1:8080/graph/beta/deviceAppManagement/vppTokens/a%2Fb%3Fc%23d%25e%20f%27g/syncLicenses"
    );
    assert_eq!(request.uri().path().split('/').count(), 7);
}

/// The former names of the service root still compile, with a deprecation warning, and mean
/// the same.
#[test]
#[allow(deprecated)]
fn the_former_service_root_names_are_aliases() {
    let root = "https://graph.microsoft.us/v1.0";
    assert_eq!(
        v1_0::GraphRequestBuilder::with_base_url(root),
        v1_0::GraphRequestBuilder::with_service_root(root)
    );
    assert_eq!(
        v1_0::GraphRequestBuilder::DEFAULT_BASE_URL,
        v1_0::GraphRequestBuilder::DEFAULT_SERVICE_ROOT
    );
    assert_eq!(
        beta::GraphRequestBuilder::DEFAULT_SERVICE_ROOT,
        "https://graph.microsoft.com/beta"
    );
    let path = v1_0::GraphRequestBuilder::with_service_root(root)
        .path()
        .clone();
    assert_eq!(path.service_root(), root);
    assert_eq!(path.base_url(), root);
}

#[test]
fn function_parameter_is_an_escaped_odata_literal() {
    let tokens = beta::device_app_management().vpp_tokens();
    let request = tokens.get_licenses_for_app("it's").to_request().unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri().to_string(),
        "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens/getLicensesForApp(bundleId='it''s')"
    );
    assert!(request.body().is_empty());

    let request = tokens
        .get_licenses_for_app("com.contoso.app")
        .to_request()
        .unwrap();
    assert_eq!(
        request.uri().path(),
        "/beta/deviceAppManagement/vppTokens/getLicensesForApp(bundleId='com.contoso.app')"
    );

    // Characters that would end the path or the URL are percent-encoded inside the literal.
    let request = tokens
        .get_licenses_for_app("a b/c?d#e%f&g''")
        .to_request()
        .unwrap();
    assert_eq!(
        request.uri().path(),
        "/beta/deviceAppManagement/vppTokens/getLicensesForApp(bundleId='a%20b%2Fc%3Fd%23e%25f%26g''''')"
    );
    assert_eq!(request.uri().query(), None);

    let request = tokens.get_licenses_for_app("").to_request().unwrap();
    assert_eq!(
        request.uri().path(),
        "/beta/deviceAppManagement/vppTokens/getLicensesForApp(bundleId='')"
    );
}

#[test]
fn function_with_query_options() {
    let request = beta::device_app_management()
        .vpp_tokens()
        .get_licenses_for_app("com.contoso.app")
        .filter("usedLicenseCount gt 0")
        .top(5)
        .skip(10)
        .to_request()
        .unwrap();
    assert_eq!(
        request.uri().to_string(),
        "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens/getLicensesForApp(bundleId='com.contoso.app')\
         ?$filter=usedLicenseCount%20gt%200&$top=5&$skip=10"
    );
}

#[test]
fn list_query_options() {
    use beta::VppTokenProperty as P;
    let list = beta::device_app_management()
        .vpp_tokens()
        .list()
        .select([
            P::Id,
            P::DisplayName,
            P::State,
            P::ClaimTokenManagementFromExternalMdm,
        ])
        .expand(["tokenActionResults"])
        .filter("displayName eq 'O''Brien VPP' and state eq 'valid'")
        .search("\"contoso\"")
        .order_by(["displayName desc", "expirationDateTime"])
        .top(10)
        .skip(20)
        .count(true);
    let request = list.to_request().unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert!(request.body().is_empty());
    let expected_query = "$select=id,displayName,state,claimTokenManagementFromExternalMdm\
         &$expand=tokenActionResults\
         &$filter=displayName%20eq%20'O''Brien%20VPP'%20and%20state%20eq%20'valid'\
         &$search=%22contoso%22\
         &$orderby=displayName%20desc,expirationDateTime\
         &$top=10&$skip=20&$count=true";
    assert_eq!(request.uri().path(), "/beta/deviceAppManagement/vppTokens");
    assert_eq!(request.uri().query(), Some(expected_query));
    assert_eq!(
        request.uri().to_string(),
        format!("https://graph.microsoft.com/beta/deviceAppManagement/vppTokens?{expected_query}")
    );
    let options: Vec<&str> = expected_query
        .split('&')
        .map(|o| o.split('=').next().unwrap())
        .collect();
    assert_eq!(
        options,
        [
            "$select", "$expand", "$filter", "$search", "$orderby", "$top", "$skip", "$count"
        ]
    );
}

#[test]
fn filter_characters_that_end_a_query_component_are_encoded() {
    let request = v1_0::device_app_management()
        .vpp_tokens()
        .list()
        .filter("appleId eq 'a+b@contoso.com' and organizationName eq 'R&D #1 = 100%'")
        .to_request()
        .unwrap();
    assert_eq!(
        request.uri().query(),
        Some(
            "$filter=appleId%20eq%20'a%2Bb@contoso.com'%20and%20organizationName%20eq%20\
             'R%26D%20%231%20%3D%20100%25'"
        )
    );
    // The query holds exactly one option: no `&` or `=` leaked out of the expression.
    assert_eq!(request.uri().query().unwrap().matches('&').count(), 0);
    assert_eq!(request.uri().query().unwrap().matches('=').count(), 1);
}

#[test]
fn get_with_select_and_no_options() {
    use v1_0::VppTokenProperty as P;
    let item = v1_0::device_app_management().vpp_tokens().by_id("1");
    assert_eq!(
        item.get()
            .select([P::Token, P::LastSyncStatus])
            .to_request()
            .unwrap()
            .uri()
            .to_string(),
        "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens/1?$select=token,lastSyncStatus"
    );
    assert_eq!(
        item.get().to_request().unwrap().uri().to_string(),
        "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens/1"
    );
    assert_eq!(
        v1_0::device_app_management()
            .vpp_tokens()
            .list()
            .count(false)
            .to_request()
            .unwrap()
            .uri()
            .to_string(),
        "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens?$count=false"
    );
}

#[test]
fn count_segment() {
    let count = beta::device_app_management().vpp_tokens().count();
    let request = count.to_request().unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri().to_string(),
        "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens/$count"
    );
    assert_eq!(request.headers()[http::header::ACCEPT], "text/plain");
    assert_eq!(count.parse_response(&response(200, "3")).unwrap(), 3);

    let filtered = v1_0::device_app_management()
        .vpp_tokens()
        .count()
        .filter("state eq 'expired'");
    assert_eq!(
        filtered.to_request().unwrap().uri().to_string(),
        "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens/$count?$filter=state%20eq%20'expired'"
    );
}

#[test]
fn paging_follows_the_next_link() {
    let next_link = "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens?$top=2&$skiptoken=RFNwdCVGQw%3D%3D";
    let first_page = serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceAppManagement/vppTokens",
        "@odata.count": 3,
        "value": [
            {"@odata.type": "#microsoft.graph.vppToken", "id": "1", "state": "valid"},
            {"@odata.type": "#microsoft.graph.vppToken", "id": "2", "state": "duplicateLocationId"}
        ],
        "@odata.nextLink": next_link
    });
    let list = beta::device_app_management()
        .vpp_tokens()
        .list()
        .top(2)
        .count(true);
    assert_eq!(
        list.to_request().unwrap().uri().to_string(),
        "https://graph.microsoft.com/beta/deviceAppManagement/vppTokens?$top=2&$count=true"
    );
    let page: Collection<beta::VppToken> = list
        .parse_response(&response(200, &first_page.to_string()))
        .unwrap();
    assert_eq!(page.value.len(), 2);
    assert_eq!(
        page.value[1].state,
        Some(beta::VppTokenState::DuplicateLocationId)
    );
    assert_eq!(page.count, Some(3));
    assert_eq!(page.next_link.as_deref(), Some(next_link));
    assert_eq!(serde_json::to_value(&page).unwrap(), first_page);

    let next = page.next_page().expect("a next page");
    let request = next.to_request().unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.uri().to_string(), next_link);
    assert_eq!(request.headers()[http::header::ACCEPT], "application/json");

    let last_page = serde_json::json!({"value": [{"id": "3"}]});
    let page = next
        .parse_response(&response(200, &last_page.to_string()))
        .unwrap();
    assert_eq!(page.value.len(), 1);
    assert_eq!(page.value[0].id.as_deref(), Some("3"));
    assert!(page.next_page().is_none());
    assert_eq!(serde_json::to_value(&page).unwrap(), last_page);
}
