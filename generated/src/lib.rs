//! Typed models and requests for Microsoft Graph's Intune vppToken API (Apple Volume
//! Purchase Program tokens), generated from Graph's CSDL metadata for v1.0 and beta.
//!
//! - [`v1_0`] and [`beta`] (cargo features of the same names, both on by default) hold one
//!   model type per entity, complex and enum type, and request builders that mirror the URL:
//!   `device_app_management().vpp_tokens().by_id(id).update(&patch)`.
//! - [`runtime`] is the small hand-written support they share: date-times, tri-state patch
//!   values, forward-compatible enums, collections and paging, errors and request plumbing.
//!
//! - [`docs`] holds task guides: list and inspect tokens, renew one, revoke licenses, find
//!   the licenses for an app, reach the token of a VPP app.
//!
//! Requests are values that need no transport: they render an [`http::Request`] and parse an
//! [`http::Response`] (see [`runtime::Operation`]).
//!
//! The optional cargo feature `client` adds `client`, an async HTTP client (reqwest) that
//! sends them: bearer token, retries on throttling honouring `Retry-After`, paging streams.
//! Without it the crate depends on no HTTP client and no async runtime.
#![forbid(unsafe_code)]

pub mod runtime;

#[cfg(feature = "client")]
pub mod client;

// Task guides with examples; they use both API versions, so they need both features.
#[cfg(all(feature = "v1_0", feature = "beta"))]
pub mod docs;

#[cfg(feature = "beta")]
pub mod beta;
#[cfg(feature = "v1_0")]
pub mod v1_0;

/// The examples of the workspace README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
