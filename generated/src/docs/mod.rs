//! Task guides: what an Intune administrator does with Apple VPP tokens, step by step, with
//! this crate.
//!
//! Each page is prose and examples; the examples compile against the real API (as doctests)
//! but are not run, since they need a tenant, except those of [`sign_in_offline`], which
//! run against servers on this machine. They build transport-free request values: a
//! value renders an [`http::Request`] with [`Operation::to_request`], you send it with any HTTP
//! client (adding `Authorization: Bearer …`), and [`Operation::parse_response`] reads the
//! answer. With the cargo feature `client`, `send()` on the same values does all three (see
//! `client::Client`).
//!
//! | page | task | versions |
//! |---|---|---|
//! | [`list_and_inspect`] | list the tenant's tokens and read their state, expiration and last sync | v1.0, beta |
//! | [`renew`] | upload a new token string from Apple Business Manager before the old one expires | v1.0, beta |
//! | [`revoke_licenses`] | take back every app license assigned through a token | beta |
//! | [`licenses_for_app`] | find the licenses that each token holds for one app | beta |
//! | [`vpp_app_token`] | from a VPP app to its token, for readers of the retired `…/iosVppApp/vppToken` page | v1.0, beta |
//! | [`sync`] | synchronize a token's licenses with Apple | v1.0, beta |
//! | [`sign_in_offline`] | try or test an Entra ID sign-in against a local token endpoint and Graph mock, without a tenant or network (features `client`, `azure-identity`) | v1.0 |
//!
//! Every request needs an access token for Microsoft Graph with the application or delegated
//! permission `DeviceManagementServiceConfig.Read.All` (reading) or
//! `DeviceManagementServiceConfig.ReadWrite.All` (changing).
//!
//! Two URLs appear throughout: the **service root** of an API version,
//! `https://graph.microsoft.com/v1.0` or `https://graph.microsoft.com/beta`, under which every
//! request path lies (`v1_0::GraphRequestBuilder::with_service_root` sets another, such as a
//! national cloud's), and the cloud's **Graph endpoint**, `https://graph.microsoft.com`, which
//! the client takes since it serves both versions (`ClientBuilder::endpoint`).
//!
//! [`Operation::to_request`]: crate::runtime::Operation::to_request
//! [`Operation::parse_response`]: crate::runtime::Operation::parse_response

pub mod licenses_for_app;
pub mod list_and_inspect;
pub mod renew;
pub mod revoke_licenses;
pub mod sign_in_offline;
pub mod sync;
pub mod vpp_app_token;
