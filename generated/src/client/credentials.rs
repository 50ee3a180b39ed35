//! [`SentCredentials`]: the access tokens a client has sent, kept so that a service that
//! echoes one back (in an error message, an inner error, a header, a body that is not JSON)
//! cannot make it appear in what the client reports.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use crate::runtime::redact::Secrets;

/// How many distinct tokens are remembered. A token lives about an hour and a request is
/// answered within minutes, so the last few cover every response that can still arrive.
const REMEMBERED: usize = 8;

/// The shortest token scrubbed. A real access token is hundreds of characters long; a
/// shorter one (a placeholder in a test) would have its letters replaced all over every
/// message.
const SHORTEST: usize = 8;

/// The access tokens a client has sent (the most recent [`REMEMBERED`] distinct ones), shared
/// by its clones: whatever the token came from, a fixed bearer token, a
/// [`TokenSource`](super::TokenSource) or a Microsoft Entra ID credential.
#[derive(Default)]
pub(crate) struct SentCredentials {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    tokens: VecDeque<String>,
    /// The secrets made of `tokens`, rebuilt when a new token comes.
    secrets: Secrets,
}

impl SentCredentials {
    /// Remembers `token`, about to be sent (unless it is shorter than [`SHORTEST`]).
    pub(crate) fn remember(&self, token: &str) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if token.len() < SHORTEST || state.tokens.iter().any(|t| t == token) {
            return;
        }
        if state.tokens.len() == REMEMBERED {
            state.tokens.pop_front();
        }
        state.tokens.push_back(token.to_owned());
        state.secrets = Secrets::default().with_values(state.tokens.iter().cloned());
    }

    /// The remembered tokens, as [`Secrets`] to scrub with.
    pub(crate) fn secrets(&self) -> Secrets {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .secrets
            .clone()
    }

    /// `text` with every remembered token (in each form it may take) replaced.
    pub(crate) fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.secrets().scrub(text)
    }
}

impl std::fmt::Debug for SentCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("SentCredentials")
            .field("tokens", &state.tokens.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_distinct_tokens_are_scrubbed() {
        let sent = SentCredentials::default();
        assert_eq!(sent.scrub("nothing yet"), "nothing yet");
        sent.remember("");
        sent.remember("short");
        assert_eq!(sent.scrub("short"), "short");
        sent.remember("first-token");
        sent.remember("first-token");
        assert_eq!(sent.secrets().sent_values(), 1);
        for i in 0..REMEMBERED {
            sent.remember(&format!("later-token-{i}"));
        }
        assert_eq!(sent.secrets().sent_values(), REMEMBERED);
        assert_eq!(sent.scrub("first-token"), "first-token");
        assert_eq!(
            sent.scrub("later-token-0 and later-token-7"),
            "[redacted] and [redacted]"
        );
        assert_eq!(format!("{sent:?}"), "SentCredentials { tokens: 8 }");
    }
}
