//! TLS of the HTTP client that [`ClientBuilder::build`](super::ClientBuilder::build) makes
//! (a client given with `http_client` keeps its own).
//!
//! rustls with the **ring** crypto provider and the platform's certificate verifier (the
//! operating system's trust store, as browsers use it). Why ring: it builds in seconds, where
//! aws-lc-rs (reqwest's default) spends about a minute compiling C code, and it offers what
//! Microsoft Graph needs: TLS 1.2 and 1.3 with ECDHE key exchange and AES-GCM or
//! ChaCha20-Poly1305. What it lacks is the post-quantum hybrid key exchange and a FIPS
//! module: the cargo feature `aws-lc-rs` switches to aws-lc-rs for those. The provider is given
//! to this client alone; the process-wide rustls default is neither read nor installed.

use super::error::Error;

/// Gives `builder` the TLS configuration described in the module docs.
#[cfg(not(feature = "aws-lc-rs"))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::Config(format!("the TLS configuration could not be made: {e}")))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// With the `aws-lc-rs` feature, reqwest configures rustls itself, with aws-lc-rs.
#[cfg(feature = "aws-lc-rs")]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

/// A `reqwest` client builder with the TLS configuration of the clients this crate builds
/// (rustls with ring and the platform's verifier; with the `aws-lc-rs` feature, reqwest's
/// own), to configure further (proxies, pools, certificates) and give to
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
}
