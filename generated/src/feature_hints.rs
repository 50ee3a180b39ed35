//! Compile-time hints for the methods that a cargo feature brings.
//!
//! Without its feature, a method such as `Client::beta` would simply not
//! exist, and calling it would fail with a bare "no method named `beta` found". Instead, a
//! hidden stand-in of the same name is present without the feature. It is bound by one of the
//! traits below, which no type implements, so that calling it fails to compile with a message
//! that names the feature to enable and how to enable it. The stand-ins can never be called
//! successfully.
//!
//! - `V1_0Feature`: `Client::v1_0` (feature `v1_0`).
//! - `BetaFeature`: `Client::beta` (feature `beta`).
//! - `AzureIdentityFeature`: `ClientBuilder::credential`, `ClientBuilder::scope` and
//!   `ClientBuilder::azure_client_options` (feature `azure-identity`).
//! - `ClientFeature`: `send` and `stream` of the request values (feature `client`).
//!
//! Not a part of the crate's API: the names may change at any time.

/// Keeps the traits below from being implemented outside this crate (and this crate
/// implements none of them).
mod sealed {
    pub trait Sealed {}
}

/// The bound of the stand-in of `Client::v1_0` without the cargo feature `v1_0`.
#[diagnostic::on_unimplemented(
    message = "`Client::v1_0` needs the cargo feature `v1_0` of graph-vpptoken",
    label = "the cargo feature `v1_0` of graph-vpptoken is not enabled",
    note = "enable it in Cargo.toml: graph-vpptoken = {{ version = \"0.1\", features = [\"v1_0\"] }}"
)]
pub trait V1_0Feature: sealed::Sealed {
    /// Never called: no type implements the trait.
    fn unavailable<T>() -> T;
}

/// The bound of the stand-in of `Client::beta` without the cargo feature `beta`.
#[diagnostic::on_unimplemented(
    message = "`Client::beta` needs the cargo feature `beta` of graph-vpptoken",
    label = "the cargo feature `beta` of graph-vpptoken is not enabled",
    note = "enable it in Cargo.toml: graph-vpptoken = {{ version = \"0.1\", features = [\"beta\"] }}"
)]
pub trait BetaFeature: sealed::Sealed {
    /// Never called: no type implements the trait.
    fn unavailable<T>() -> T;
}

/// The bound of the stand-ins of the Microsoft Entra ID sign-in methods of `ClientBuilder`
/// without the cargo feature `azure-identity`.
#[diagnostic::on_unimplemented(
    message = "this method of `ClientBuilder` needs the cargo feature `azure-identity` of graph-vpptoken",
    label = "the cargo feature `azure-identity` of graph-vpptoken is not enabled",
    note = "enable it in Cargo.toml: graph-vpptoken = {{ version = \"0.1\", features = [\"azure-identity\"] }}"
)]
pub trait AzureIdentityFeature: sealed::Sealed {
    /// Never called: no type implements the trait.
    fn unavailable<T>() -> T;
}

/// The bound of the stand-ins of `send` and `stream` of the request values without the cargo
/// feature `client`.
#[diagnostic::on_unimplemented(
    message = "sending a request needs the cargo feature `client` of graph-vpptoken",
    label = "the cargo feature `client` of graph-vpptoken is not enabled",
    note = "enable it in Cargo.toml: graph-vpptoken = {{ version = \"0.1\", features = [\"client\"] }}; \
            without it, render the request with `Operation::to_request` and read the response with \
            `Operation::parse_response`"
)]
pub trait ClientFeature: sealed::Sealed {
    /// Never called: no type implements the trait.
    fn unavailable<T>() -> T;
}
