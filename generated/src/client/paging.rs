//! [`ItemStream`]: the items of a collection, page after page, following `@odata.nextLink`.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::Client;
use super::error::Error;
use crate::runtime::{Collection, NextPage, Operation};

/// The request for one page, in flight or not yet polled.
type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Collection<T>, Error>> + Send>>;

/// A [`Stream`] of all the items of a collection: the first page's, then those of the page at
/// its `@odata.nextLink`, and so on until a page has no next link or
/// [`max_pages`](Self::max_pages) pages were read.
///
/// Made by `stream()` on a list request ([`crate::runtime::ops::List::stream`]) or by
/// [`Client::stream`]. Pages are requested one at a time, when the items of the previous one
/// have been taken, each with the client's retries. After an error the stream ends.
///
/// Each page read is a `DEBUG` event (`read a page`) with the page number, the number of
/// items, whether a next link follows and the URL template of the first request; the next
/// links, whose query holds skip tokens, are never logged.
///
/// It works with any `Stream` combinator library; [`try_next`](Self::try_next) and
/// [`collect_all`](Self::collect_all) need none.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    client: Option<Client>,
    /// The request being made (or about to be), if any.
    in_flight: Option<PageFuture<T>>,
    /// The URL of the next page to request once `items` is drained.
    next_link: Option<String>,
    items: std::vec::IntoIter<T>,
    pages: usize,
    max_pages: Option<usize>,
    /// The secret property names of the first request, for the requests of the next pages.
    secret_names: &'static [&'static str],
    /// The URL template of the first request, for the requests of the next pages and the
    /// page events (the next links themselves are never logged).
    template: Option<&'static str>,
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
        let first: PageFuture<T> = match client.clone() {
            Some(client) => Box::pin(async move { client.execute(&operation).await }),
            None => Box::pin(async { Err(Error::NotBound) }),
        };
        Self {
            client,
            in_flight: Some(first),
            next_link: None,
            items: Vec::new().into_iter(),
            pages: 0,
            max_pages: None,
            secret_names,
            template,
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
    /// # Errors
    /// The error of the request for the next page, after which the stream has ended.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// All the remaining items, in order.
    ///
    /// # Errors
    /// The first error of a page request (the items read before it are dropped).
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
}

impl<T: DeserializeOwned + Send + 'static> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(page) = this.in_flight.as_mut() {
                let result = match page.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                this.in_flight = None;
                match result {
                    Ok(page) => {
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
                        this.items = page.value.into_iter();
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
