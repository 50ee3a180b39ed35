//! The hand-written runtime that the generated models and requests build on.
//!
//! - [`datetime`]: [`DateTimeOffset`], an `Edm.DateTimeOffset` that keeps Graph's 100 ns
//!   precision, its offset and its exact text.
//! - [`enums`]: forward-compatible enums ([`StringEnum`], [`UnknownValue`]) and [`FlagSet`]
//!   for `IsFlags` enums.
//! - [`patch`]: [`Patch`], the tri-state value of a property in an update body.
//! - [`json`]: helpers for the generated serde visitors: borrowed keys, explicit `null`s and
//!   unknown properties kept for writing back, `@odata.type` matching, redaction.
//! - [`redact`]: [`Secrets`], what to keep out of errors (secret property names and the values
//!   a request sent), and [`redact::RedactedJson`], the `Debug` view of kept JSON.
//! - [`collection`]: [`Collection`], a page of a collection response with its
//!   `@odata.nextLink`.
//! - [`error`]: [`GraphError`] and the other error types.
//! - [`request`]: the transport-free [`Operation`] trait, URL building ([`RequestPath`],
//!   [`QueryOptions`], [`ODataLiteral`]), [`JsonBody`], and the response parsers.
//! - [`ops`]: the generic request values (list, get, create, update, delete, `$count`,
//!   actions and functions) that generated request builders return.
//!
//! An [`Operation`] renders an [`http::Request`] and parses the [`http::Response`]; sending it is
//! left to any HTTP client:
//!
//! ```
//! use graph_vpptoken::runtime::{Collection, NextPage, Operation};
//!
//! let next = NextPage::<serde_json::Value>::new(
//!     "https://graph.microsoft.com/v1.0/deviceAppManagement/vppTokens?$skiptoken=abc".into(),
//! );
//! let request = next.to_request().unwrap();
//! assert_eq!(request.headers()["accept"], "application/json");
//!
//! // ... send `request` with any client, then:
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(r#"{"value":[{"id":"1"}]}"#)
//!     .unwrap();
//! let page: Collection<serde_json::Value> = next.parse_response(&response).unwrap();
//! assert_eq!(page.value.len(), 1);
//! assert!(page.next_page().is_none());
//! ```
#![warn(missing_docs)]

pub mod collection;
pub mod datetime;
pub mod enums;
pub mod error;
pub mod json;
pub mod literal;
pub mod ops;
pub mod patch;
pub mod redact;
pub mod request;
pub mod schema;

// Generated code names serde through the runtime (`rt::serde::Serialize`, …).
#[doc(hidden)]
pub use serde;
#[doc(hidden)]
pub use serde_json;

pub use collection::Collection;
pub use datetime::{DateTimeOffset, DateTimeParseError};
pub use enums::{FlagSet, StringEnum, UnknownValue};
pub use error::{BuildError, ErrorBody, GraphError, InnerError, ResponseError, RetryAfter};
pub use patch::Patch;
pub use redact::Secrets;
pub use request::{
    JsonBody, Model, NextPage, ODataLiteral, Operation, QueryOptions, RequestBody, RequestPath,
};
