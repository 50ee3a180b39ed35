//! # Sign in offline: an Entra ID credential against a local token endpoint
//!
//! A program that signs in with an `azure_identity` credential (feature `azure-identity`, see
//! [`client::azure`](crate::client::azure)) can be tried and tested without a tenant and
//! without a network: a token endpoint and a Graph mock on this machine stand in for Entra ID
//! and Graph.
//!
//! `azure_identity` only accepts an `https` authority host, so a credential cannot simply be
//! given `http://127.0.0.1:…`. [`LoopbackIdentity`](crate::client::azure::LoopbackIdentity)
//! makes its `ClientOptions` instead: the credential gets a reserved authority host that never
//! resolves, and its transport sends the requests for that host to the local address over
//! plain HTTP, path and query unchanged. It accepts loopback addresses only, and refuses to
//! send anything to another host, so the credential it configures cannot reach a real
//! identity endpoint by mistake.
//!
//! The local token endpoint answers the credential's `POST /{tenant}/oauth2/v2.0/token` (a
//! form with `grant_type=client_credentials`, `client_id`, `client_secret` and `scope`) with
//! Entra ID's JSON: `{"token_type":"Bearer","expires_in":3599,"access_token":"…"}`. Any HTTP
//! server will do: a test's `wiremock` or `httpmock`, or, as in the hidden lines of this
//! example, twenty lines over `tokio::net::TcpListener`. The Graph mock is the client's
//! [`endpoint`](crate::client::ClientBuilder::endpoint), which takes `http` URLs as they are.
//!
//! ```
//! # #[cfg(feature = "azure-identity")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! # /// A local HTTP server that answers every request with `200 OK` and the JSON `body`.
//! # async fn serve(body: &'static str) -> std::io::Result<std::net::SocketAddr> {
//! #     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! #     let address = listener.local_addr()?;
//! #     tokio::spawn(async move {
//! #         while let Ok((mut stream, _)) = listener.accept().await {
//! #             let (mut request, mut buffer) = (Vec::new(), [0; 4096]);
//! #             while !complete(&request) {
//! #                 match stream.read(&mut buffer).await {
//! #                     Ok(0) | Err(_) => break,
//! #                     Ok(n) => request.extend_from_slice(&buffer[..n]),
//! #                 }
//! #             }
//! #             let answer = format!(
//! #                 "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
//! #                 body.len()
//! #             );
//! #             let _ = stream.write_all(answer.as_bytes()).await;
//! #         }
//! #     });
//! #     Ok(address)
//! # }
//! # /// Whether `request` holds its headers and as many body bytes as they announce.
//! # fn complete(request: &[u8]) -> bool {
//! #     let text = String::from_utf8_lossy(request);
//! #     let Some((head, body)) = text.split_once("\r\n\r\n") else { return false };
//! #     let length = head.lines().find_map(|line| {
//! #         let line = line.to_ascii_lowercase();
//! #         line.strip_prefix("content-length:").and_then(|v| v.trim().parse::<usize>().ok())
//! #     });
//! #     body.len() >= length.unwrap_or(0)
//! # }
//! # let token_endpoint = serve(r#"{"token_type":"Bearer","expires_in":3599,"access_token":"local-token"}"#).await?;
//! # let graph = serve(r#"{"value":[{"id":"1","organizationName":"Contoso","state":"valid"}]}"#).await?;
//! use graph_vpptoken::azure_core::credentials::Secret;
//! use graph_vpptoken::azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
//! use graph_vpptoken::client::{Client, azure::LoopbackIdentity};
//!
//! // `token_endpoint` and `graph`: the `SocketAddr`s of two servers on 127.0.0.1.
//! let mut builder = Client::builder().endpoint(format!("http://{graph}"));
//! let identity = LoopbackIdentity::new(token_endpoint)?;
//! let client_options = identity.client_options(builder.azure_client_options()?)?;
//! let options = Some(ClientSecretCredentialOptions { client_options });
//! let secret = Secret::new("not-a-secret");
//! let credential = ClientSecretCredential::new("contoso", "test-app".to_owned(), secret, options)?;
//! let client = builder.credential(credential).build()?;
//!
//! let page = client.v1_0().device_app_management().vpp_tokens().list().send().await?;
//! for token in &page.value {
//!     println!("{:?}: {:?}", token.organization_name, token.state);
//! }
//! # assert_eq!(page.value.len(), 1);
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "azure-identity"))]
//! # fn main() {}
//! ```
//!
//! In a test, keep the servers' handles to check what they received (the form the credential
//! posted, the `Authorization: Bearer local-token` header Graph got), and set
//! [`ClientBuilder::scope`](crate::client::ClientBuilder::scope) when the test checks the
//! scope: by default it is the Graph endpoint's origin, here `http://127.0.0.1:…/.default`.
//!
//! A sign-in that fails shows why in its error chain: a token endpoint that is not running is
//! `could not connect to the identity endpoint`, after a few attempts within seconds
//! (see [Retries](crate::client::azure#retries);
//! [`ClientBuilder::credential_retry`](crate::client::ClientBuilder::credential_retry) with
//! [`RetryPolicy::never`](crate::client::RetryPolicy::never) makes a test fail at the first
//! one), and a rejected one names the HTTP status and Entra ID's error codes.
