//! [`ItemStream`]: the items of a collection, page after page, following `@odata.nextLink`.

use std::fmt;
use std::future::{Future, poll_fn};
use std::iter::Enumerate;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::vec;

use futures_core::Stream;
use http::{Request, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::Client;
use super::error::Error;
use crate::runtime::collection::{RawCollection, decode_item};
use crate::runtime::request::parse_json;
use crate::runtime::{
    BuildError, Collection, NextPage, Operation, RequestBody, ResponseError, Secrets,
};

/// The request for one page, in flight or not yet polled.
type PageFuture = Pin<Box<dyn Future<Output = Result<RawPage, Error>> + Send>>;

/// A page as the stream reads it: its items still JSON text, decoded one at a time as they
/// are taken, so that one that does not decode costs only itself.
struct RawPage {
    /// The status of the response, for the errors of its items.
    status: StatusCode,
    /// The secrets of the request, kept out of the errors of its items as out of its own.
    secrets: Secrets,
    page: RawCollection,
}

/// The request of `O`, whose response is read as a [`RawPage`] rather than as `O` reads it:
/// as a JSON OData collection page, with an error status or a body that is not such a page
/// failing as it does for `O` (redacted with `O`'s secrets).
struct ReadRaw<O>(O);

impl<O: Operation> Operation for ReadRaw<O> {
    type Output = RawPage;

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        self.0.to_request()
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<RawPage, ResponseError> {
        let secrets = self.0.secrets();
        let page = parse_json(response).map_err(|e| e.redacted(&secrets))?;
        Ok(RawPage {
            status: response.status(),
            secrets,
            page,
        })
    }

    fn secrets(&self) -> Secrets {
        self.0.secrets()
    }

    fn path_template(&self) -> Option<&'static str> {
        self.0.path_template()
    }
}

/// A [`Stream`] of all the items of a collection: the first page's, then those of the page at
/// its `@odata.nextLink`, and so on until a page has no next link or
/// [`max_pages`](Self::max_pages) pages were read.
///
/// Made by `stream()` on a list request ([`crate::runtime::ops::List::stream`]) or by
/// [`Client::stream`]. Pages are requested one at a time, when the items of the previous one
/// have been taken, each with the client's retries. The stream holds at most one page, its
/// items as JSON text, and decodes each item when it is taken.
///
/// # Errors
///
/// An item that does not decode is yielded as its [`Error::Decode`], with the HTTP status of
/// its page and its JSON path from the page (`value[417].state`, as decoding the whole page
/// would report it); the stream then goes on with the next item, and the next pages. The
/// page's `@odata.nextLink` is read apart from its items, so a bad item never hides the pages
/// after it. The line and column a syntax message may give count from the start of the item.
///
/// A page that cannot be read at all (an error status once the retries are spent, a
/// transport error, a body that is not JSON or has no `value` array) is yielded as an error,
/// after which the stream ends: that page is not requested again, and the pages after it,
/// whose link it held, cannot be reached.
///
/// To stop at the first error of either kind, use `?` on [`try_next`](Self::try_next), or
/// [`collect_all`](Self::collect_all):
///
/// ```no_run
/// # async fn run(client: graph_vpptoken::client::Client) -> Result<(), graph_vpptoken::client::Error> {
/// let mut tokens = client.v1_0().device_app_management().vpp_tokens().list().stream();
/// while let Some(token) = tokens.try_next().await? {
///     println!("{:?}", token.id);
/// }
/// # Ok(()) }
/// ```
///
/// To go past items that do not decode, match each one; the loop still ends after an error
/// that ends the stream:
///
/// ```no_run
/// # async fn run(client: graph_vpptoken::client::Client) {
/// use graph_vpptoken::futures_core::Stream;
/// use std::future::poll_fn;
/// use std::pin::Pin;
///
/// let mut tokens = client.v1_0().device_app_management().vpp_tokens().list().stream();
/// while let Some(token) = poll_fn(|cx| Pin::new(&mut tokens).poll_next(cx)).await {
///     match token {
///         Ok(token) => println!("{:?}", token.id),
///         Err(e) => eprintln!("skipped: {e}"),
///     }
/// }
/// # }
/// ```
///
/// (With `futures::StreamExt`, that loop is `while let Some(token) = tokens.next().await`.)
///
/// A single page read with `list().send()` or [`NextPage::send`] is decoded whole: there, one
/// item that does not decode fails the page (see [`Collection`]).
///
/// # Tracing
///
/// Each page read is a `DEBUG` event (`read a page`) with the page number, the number of
/// items (decodable or not), whether a next link follows and the URL template of the first
/// request; each item that does not decode is a `DEBUG` event (`cannot decode an item`) with
/// the page number, the item's index in the page and the URL template. The next links, whose
/// query holds skip tokens, are never logged.
///
/// It works with any `Stream` combinator library; [`try_next`](Self::try_next) and
/// [`collect_all`](Self::collect_all) need none.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    client: Option<Client>,
    /// The request being made (or about to be), if any.
    in_flight: Option<PageFuture>,
    /// The URL of the next page to request once `items` is drained.
    next_link: Option<String>,
    /// The items of the current page not taken yet, with their index in its `value` array.
    items: Enumerate<vec::IntoIter<Box<RawValue>>>,
    /// The status of the current page's response, for the errors of its items.
    status: StatusCode,
    /// The secrets of the current page's request, kept out of the errors of its items.
    secrets: Secrets,
    pages: usize,
    max_pages: Option<usize>,
    /// The secret property names of the first request, for the requests of the next pages.
    secret_names: &'static [&'static str],
    /// The URL template of the first request, for the requests of the next pages and the
    /// page events (the next links themselves are never logged).
    template: Option<&'static str>,
    item: PhantomData<fn() -> T>,
}

// No field is ever pinned in place: the futures are boxed and the items are plain values.
impl<T> Unpin for ItemStream<T> {}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("max_pages", &self.max_pages)
            .field("buffered", &self.items.len())
            .field("waiting", &self.in_flight.is_some())
            // The link's query can hold a skip token: only whether there is one is shown.
            .field("has_next_link", &self.next_link.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    /// The stream whose first page is the response to `operation`, sent with `client` (or
    /// failing with [`Error::NotBound`] without one).
    pub(crate) fn from_operation<O>(client: Option<Client>, operation: O) -> Self
    where
        O: Operation<Output = Collection<T>> + Send + Sync + 'static,
    {
        let secret_names = operation.secrets().names();
        let template = operation.path_template();
        let first: PageFuture = match client.clone() {
            Some(client) => {
                let operation = ReadRaw(operation);
                Box::pin(async move { client.execute(&operation).await })
            }
            None => Box::pin(async { Err(Error::NotBound) }),
        };
        Self::starting_with(client, first, secret_names, template)
    }

    /// A stream whose first page is `first`, before any page has been read.
    fn starting_with(
        client: Option<Client>,
        first: PageFuture,
        secret_names: &'static [&'static str],
        template: Option<&'static str>,
    ) -> Self {
        Self {
            client,
            in_flight: Some(first),
            next_link: None,
            items: Vec::new().into_iter().enumerate(),
            status: StatusCode::OK,
            secrets: Secrets::default(),
            pages: 0,
            max_pages: None,
            secret_names,
            template,
            item: PhantomData,
        }
    }

    /// Reads at most `pages` pages (the first included); `0` reads none. Set it before the
    /// stream is first polled.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages);
        if pages == 0 {
            self.in_flight = None;
        }
        self
    }

    /// How many pages have been read so far.
    #[must_use]
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// The next item, `Ok(None)` at the end.
    ///
    /// With `?`, a loop over it stops at the first error of either kind:
    /// `while let Some(item) = stream.try_next().await? { … }`.
    ///
    /// # Errors
    /// - [`Error::Decode`] for an item that does not decode (its path starts with `value[`):
    ///   the stream goes on, and the next call gives the next item;
    /// - the error of the request for a page, after which the stream has ended.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// All the remaining items, in order.
    ///
    /// # Errors
    /// The first error: that of an item that does not decode or that of a page request. The
    /// items read before it are dropped and no further page is requested.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.try_next().await? {
            all.push(item);
        }
        Ok(all)
    }

    fn limit_reached(&self) -> bool {
        self.max_pages.is_some_and(|max| self.pages >= max)
    }

    /// Decodes the item at `index` of the current page, its error redacted as the page's
    /// would be (the request's secrets, and the access tokens the client has sent).
    fn decode(&self, index: usize, item: &RawValue) -> Result<T, Error> {
        decode_item(index, item, self.status).map_err(|e| {
            tracing::debug!(
                target: super::TARGET,
                page = self.pages,
                item = index,
                url.template = self.template,
                "cannot decode an item"
            );
            let error = Error::from(e.redacted(&self.secrets));
            match &self.client {
                Some(client) => client.redact(error),
                None => error,
            }
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((index, item)) = this.items.next() {
                return Poll::Ready(Some(this.decode(index, &item)));
            }
            if let Some(page) = this.in_flight.as_mut() {
                let result = match page.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                this.in_flight = None;
                match result {
                    Ok(RawPage {
                        status,
                        secrets,
                        page,
                    }) => {
                        this.pages += 1;
                        tracing::debug!(
                            target: super::TARGET,
                            page = this.pages,
                            items = page.value.len(),
                            more = page.next_link.is_some(),
                            url.template = this.template,
                            "read a page"
                        );
                        this.next_link = page.next_link;
                        this.items = page.value.into_iter().enumerate();
                        this.status = status;
                        this.secrets = secrets;
                        continue;
                    }
                    Err(error) => {
                        this.next_link = None;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }
            match (this.next_link.take(), &this.client) {
                (Some(url), Some(client)) if !this.limit_reached() => {
                    let client = client.clone();
                    let mut next = NextPage::<T>::new(url).with_secret_names(this.secret_names);
                    if let Some(template) = this.template {
                        next = next.with_template(template);
                    }
                    let next = ReadRaw(next);
                    this.in_flight = Some(Box::pin(async move { client.execute(&next).await }));
                }
                _ => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.items.len();
        if self.in_flight.is_none() && self.next_link.is_none() {
            (buffered, Some(buffered))
        } else {
            (buffered, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// An item whose `on` must be a boolean.
    #[derive(Debug, serde::Deserialize)]
    struct Flagged {
        id: String,
        #[serde(default)]
        on: Option<bool>,
        #[serde(default)]
        labels: BTreeMap<String, bool>,
    }

    /// A list of `Flagged` on a path with the secret name `token`.
    fn list() -> ReadRaw<NextPage<Flagged>> {
        ReadRaw(
            NextPage::new("https://graph.microsoft.com/v1.0/things?$skiptoken=1".into())
                .with_secret_names(&["token"]),
        )
    }

    fn response(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    /// A stream that has read `page` (or failed to) and has no client for more.
    fn read(page: Result<RawPage, ResponseError>) -> ItemStream<Flagged> {
        let page = page.map_err(Error::from);
        ItemStream::starting_with(None, Box::pin(async move { page }), &[], None)
    }

    const MIXED: &str = r#"{"@odata.count":9,"value":[{"id":"a"},{"id":"b","on":"yes"},{"id":"c","on":false}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/things?$skiptoken=2"}"#;

    #[test]
    fn a_page_is_read_apart_from_its_items() {
        let page = list().parse_response(&response(203, MIXED)).unwrap();
        assert_eq!(page.status, StatusCode::NON_AUTHORITATIVE_INFORMATION);
        assert_eq!(page.secrets.names(), ["token"]);
        assert_eq!(page.page.value.len(), 3);
        assert_eq!(page.page.count, Some(9));
        assert!(page.page.next_link.unwrap().ends_with("$skiptoken=2"));
    }

    #[test]
    fn a_page_that_cannot_be_read_is_an_error() {
        for (status, body, path) in [
            (200, "<html>busy</html>", "."),
            (200, r#"{"@odata.nextLink":"x"}"#, "."),
            (200, r#"{"value":{"id":"a"}}"#, "value"),
        ] {
            match list().parse_response(&response(status, body)) {
                Err(ResponseError::Decode { path: p, .. }) => assert_eq!(p, path, "{body}"),
                other => panic!("{body}: expected a decode error, got {:?}", other.err()),
            }
        }
        let err = list()
            .parse_response(&response(
                404,
                r#"{"error":{"code":"NotFound","message":"no"}}"#,
            ))
            .err()
            .unwrap();
        assert!(matches!(err, ResponseError::Status(_)), "{err:?}");
        let err = list().parse_response(&response(200, " ")).err().unwrap();
        assert!(
            matches!(err, ResponseError::UnexpectedStatus { .. }),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_bad_item_is_yielded_and_the_next_ones_follow() {
        let page = list().parse_response(&response(200, MIXED));
        let mut stream = read(page);
        assert_eq!(stream.try_next().await.unwrap().unwrap().id, "a");
        assert_eq!(stream.size_hint(), (2, None));
        let err = stream.try_next().await.unwrap_err();
        let Error::Decode {
            status,
            path,
            message,
        } = &err
        else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!((status.as_u16(), path.as_str()), (200, "value[1].on"));
        assert!(
            message.starts_with("invalid type: string, expected a boolean"),
            "{message}"
        );
        assert!(!message.contains("yes"), "{message}");
        let last = stream.try_next().await.unwrap().unwrap();
        assert_eq!((last.id.as_str(), last.on), ("c", Some(false)));
        assert!(last.labels.is_empty());
        // No client: the next link is not followed.
        assert!(stream.try_next().await.unwrap().is_none());
        assert_eq!(stream.pages(), 1);
    }

    #[tokio::test]
    async fn collect_all_returns_the_first_bad_item() {
        let page = list().parse_response(&response(200, MIXED));
        let err = read(page).collect_all().await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "value[1].on"),
            "{err:?}"
        );
        let good = r#"{"value":[{"id":"a"},{"id":"b"}]}"#;
        let all = read(list().parse_response(&response(200, good)))
            .collect_all()
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
    }

    #[tokio::test]
    async fn a_page_error_ends_the_stream() {
        let page = list().parse_response(&response(200, "not json"));
        let mut stream = read(page);
        let err = stream.try_next().await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "."),
            "{err:?}"
        );
        assert!(stream.try_next().await.unwrap().is_none());
        assert_eq!(stream.size_hint(), (0, Some(0)));
        assert_eq!(stream.pages(), 0);
    }

    /// Item errors are redacted with the secrets of the page's request, as page errors are.
    #[tokio::test]
    async fn item_errors_are_redacted_like_page_errors() {
        const SENT: &str = "s3cr3t-v4lue";
        let body = format!(r#"{{"value":[{{"id":"a","labels":{{"{SENT}":"yes"}}}}]}}"#);
        let mut page = list().parse_response(&response(200, &body)).unwrap();
        // As a request that sent the value as its `token` would have it.
        page.secrets =
            Secrets::new(&["token"]).with_sent_body(format!(r#"{{"token":"{SENT}"}}"#).as_bytes());
        let err = read(Ok(page)).try_next().await.unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains(SENT), "{text}");
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "value[0].labels.[redacted]"),
            "{err:?}"
        );
    }
}
