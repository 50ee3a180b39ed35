//! TLS of the HTTP client that [`ClientBuilder::build`](super::ClientBuilder::build) makes
//! (a client given with `http_client` keeps its own).
//!
//! rustls with the platform's certificate verifier (the operating system's trust store, as
//! browsers use it) and one of two crypto providers, chosen by cargo features:
//!
//! | feature | provider | key exchange, in order of preference |
//! |---|---|---|
//! | `tls-aws-lc-rs` (default) | aws-lc-rs | X25519MLKEM768 (hybrid post-quantum), then X25519, P-256, P-384 |
//! | `tls-ring` (with `default-features = false`) | ring | X25519, P-256, P-384 |
//!
//! Both offer TLS 1.2 and 1.3 with AES-GCM or ChaCha20-Poly1305, which is what Microsoft Graph
//! and Microsoft Entra ID need. When both features are on, aws-lc-rs is used: a feature turned
//! on elsewhere in a program's dependency graph never weakens its key exchange. With `client`
//! and neither feature, the crate does not compile, and says which to turn on. The provider is
//! given to this client alone; the process-wide rustls default is neither read nor installed.
//!
//! # Why aws-lc-rs by default
//!
//! - **Recorded traffic stays secret.** The key exchange X25519MLKEM768 combines X25519 with
//!   ML-KEM-768 (NIST FIPS 203), so a session is safe as long as either holds: traffic
//!   recorded today cannot be decrypted later by a quantum computer. What these connections
//!   carry lives long: Apple VPP token strings (valid for a year), and access tokens and
//!   client secrets of Microsoft Entra ID. A server that does not offer the hybrid group is
//!   met with X25519, as before.
//! - **rustls recommends it.** rustls 0.23.48 deprecates `rustls::crypto::ring::default_provider`
//!   ("no support for post-quantum algorithms"), aws-lc-rs is its own and reqwest's default,
//!   and its manual names aws-lc-rs as the provider of X25519MLKEM768. The crate's
//!   `prefer-post-quantum` feature, which puts the hybrid group first in rustls before 0.23.48
//!   (and has no effect since, where it is first anyway), is turned on with `tls-aws-lc-rs`.
//! - **A FIPS 140-3 path.** aws-lc-rs is the provider of rustls' `fips` feature, which an
//!   application can turn on for its whole dependency graph.
//!
//! The price is the build: aws-lc-sys compiles aws-lc's C code. A clean debug build of a small
//! program with the client took 133 s and 138 s of CPU time with aws-lc-rs against 95 s and
//! 99 s with ring (106 crates against 102; 92 s of wall time on a quiet 2-core machine), so
//! about 40 s more (BENCHMARKS.md, "Build cost of the client"). It needs a C compiler (on
//! Windows, prebuilt NASM objects are used). Later builds reuse it.
//!
//! # ring
//!
//! ring builds in a few seconds. `tls-ring` keeps it for programs that value that above
//! post-quantum key exchange (development machines, CI of programs that talk to test
//! servers), with `default-features = false` so that aws-lc-rs is not built at all:
//!
//! ```toml
//! graph-vpptoken = { version = "0.1", default-features = false, features = ["v1_0", "beta", "client", "tls-ring"] }
//! ```
//!
//! rustls offers ring's provider only through the deprecated `default_provider` (its other
//! parts, the random source, key loader and signature algorithms, are private), or by reading
//! and installing the process-wide default, which this crate does not touch; so the ring
//! branch below allows that one deprecation.

#[cfg(all(not(feature = "tls-aws-lc-rs"), not(feature = "tls-ring")))]
compile_error!(
    "graph-vpptoken's `client` needs a TLS crypto provider: turn on the feature `tls-aws-lc-rs` \
     (a default feature; post-quantum key exchange) or `tls-ring` (a quicker build)"
);

use super::error::Error;

/// The crypto provider of the feature that is on (aws-lc-rs when both are).
#[cfg(feature = "tls-aws-lc-rs")]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

/// The crypto provider of the feature that is on (aws-lc-rs when both are).
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
fn provider() -> rustls::crypto::CryptoProvider {
    // Deprecated since rustls 0.23.48 for lacking post-quantum key exchange, which is what
    // `tls-ring` is documented to trade for a quicker build (see the module docs).
    #[allow(deprecated)]
    rustls::crypto::ring::default_provider()
}

/// Gives `builder` the TLS configuration described in the module docs.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::Config(format!("the TLS configuration could not be made: {e}")))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// A `reqwest` client builder with the TLS configuration of the clients this crate builds
/// (rustls with the platform's verifier and the crypto provider of the `tls-aws-lc-rs` or
/// `tls-ring` feature), to configure further (proxies, pools, certificates) and give to
/// [`ClientBuilder::http_client`](super::ClientBuilder::http_client).
///
/// ```
/// use graph_vpptoken::client::{Client, http_client_builder};
///
/// let http = http_client_builder()?.pool_max_idle_per_host(4).build()?;
/// let client = Client::builder().bearer_token("eyJ0eXAi…").http_client(http).build()?;
/// # drop(client);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Config`] when the platform's certificate verifier cannot be set up.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    configure(reqwest::Client::builder())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_client_with_the_crate_tls_configuration_builds() {
        let builder = super::configure(reqwest::Client::builder()).expect("TLS configuration");
        builder.build().expect("a client");
    }

    /// With aws-lc-rs, the hybrid post-quantum group comes first, whichever rustls 0.23 is
    /// resolved (before 0.23.48 only with its `prefer-post-quantum` feature).
    #[cfg(feature = "tls-aws-lc-rs")]
    #[test]
    fn aws_lc_rs_prefers_the_post_quantum_key_exchange() {
        use rustls::NamedGroup;

        let provider = super::provider();
        let groups: Vec<NamedGroup> = provider.kx_groups.iter().map(|g| g.name()).collect();
        assert_eq!(groups.first(), Some(&NamedGroup::X25519MLKEM768), "{groups:?}");
        assert!(groups.contains(&NamedGroup::X25519), "{groups:?}");
    }

    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
    #[test]
    fn ring_offers_x25519_first() {
        let provider = super::provider();
        let first = provider.kx_groups.first().map(|g| g.name());
        assert_eq!(first, Some(rustls::NamedGroup::X25519));
    }
}
