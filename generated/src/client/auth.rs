//! Access tokens: the [`TokenSource`] asked before every attempt, and the `Authorization`
//! header made from its answer.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use http::HeaderValue;

use super::credentials::SentCredentials;
use super::error::{BoxError, Error};

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// Where the client gets the OAuth access token it sends as `Authorization: Bearer …`.
///
/// It is asked before every attempt of every request, so an implementation can cache a token
/// and refresh it when it is about to expire. Any closure returning a future of
/// `Result<String, BoxError>` is a token source:
///
/// ```
/// use graph_vpptoken::client::{BoxError, Client};
///
/// let client = Client::builder()
///     .token_source(|| async { Ok::<_, BoxError>(std::env::var("GRAPH_TOKEN")?) })
///     .build()
///     .unwrap();
/// # drop(client);
/// ```
pub trait TokenSource: Send + Sync {
    /// The access token to send with the next attempt (without the `Bearer ` prefix).
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut> TokenSource for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self())
    }
}

/// A token given once, sent as is with every request.
pub(crate) struct StaticToken(pub(crate) String);

impl TokenSource for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

/// Why a token could not be used; never shows the token.
#[derive(Debug)]
struct InvalidToken(&'static str);

impl fmt::Display for InvalidToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for InvalidToken {}

/// Asks `source` for a token and makes the `Authorization` header value, marked sensitive;
/// the token is remembered in `sent` first, so that it is scrubbed from whatever the
/// response brings back.
pub(crate) async fn authorization(
    source: &dyn TokenSource,
    sent: &SentCredentials,
) -> Result<HeaderValue, Error> {
    let token = source.token().await.map_err(Error::Token)?;
    sent.remember(token.trim());
    bearer(&token)
}

/// `Bearer {token}` as a sensitive header value.
fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::Token(Box::new(InvalidToken(
            "the access token is empty",
        ))));
    }
    let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
        Error::Token(Box::new(InvalidToken(
            "the access token contains characters that cannot be sent in a header",
        )))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn static_and_closure_sources() {
        let value = block_on(authorization(
            &StaticToken("abc".into()),
            &SentCredentials::default(),
        ))
        .unwrap();
        assert_eq!(value, "Bearer abc");
        assert!(value.is_sensitive());
        assert_eq!(
            format!("{:?}", StaticToken("abc".into())),
            "StaticToken(<redacted>)"
        );

        let source = || async { Ok::<_, BoxError>(" from-closure\n".to_owned()) };
        let value = block_on(authorization(&source, &SentCredentials::default())).unwrap();
        assert_eq!(value, "Bearer from-closure");
    }

    #[test]
    fn bad_tokens_are_errors_without_the_token() {
        let err = block_on(authorization(
            &StaticToken("se\ncret".into()),
            &SentCredentials::default(),
        ))
        .unwrap_err();
        assert!(matches!(err, Error::Token(_)));
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains("se\ncret") && !text.contains("cret"),
            "{text}"
        );

        let err = block_on(authorization(
            &StaticToken("  ".into()),
            &SentCredentials::default(),
        ))
        .unwrap_err();
        assert_eq!(err.to_string(), "cannot get an access token");
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("the access token is empty"));

        let failing = || async { Err::<String, BoxError>("vault unreachable".into()) };
        let err = block_on(authorization(&failing, &SentCredentials::default())).unwrap_err();
        assert_eq!(err.to_string(), "cannot get an access token");
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("vault unreachable"));
    }
}
