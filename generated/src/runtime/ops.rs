//! The request values that generated builders return: list, get, create, update, delete,
//! `$count`, and bound actions and functions.
//!
//! Each is an [`Operation`]: it renders an [`http::Request`] and parses the
//! [`http::Response`], and needs no transport. The entity type `T` and its `$select` names
//! `P` come from the generated code.

use std::fmt;
use std::marker::PhantomData;

use http::{Method, Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::collection::Collection;
use super::error::{BuildError, ResponseError};
use super::redact::Secrets;
use super::request::{self, JsonBody, Model, Operation, QueryOptions, RequestBody, RequestPath};

/// The property names of an entity that `$select` accepts (generated per entity).
pub trait Selectable: Copy {
    /// The property's name on the wire.
    fn wire_name(self) -> &'static str;
}

/// `GET` on a collection: one page of entities. Builds the query options.
pub struct List<T, P> {
    path: RequestPath,
    query: QueryOptions,
    marker: PhantomData<fn() -> (T, P)>,
}

/// `GET` on one entity.
pub struct Get<T, P> {
    path: RequestPath,
    query: QueryOptions,
    marker: PhantomData<fn() -> (T, P)>,
}

macro_rules! common_impls {
    ($name:ident) => {
        impl<T, P> Clone for $name<T, P> {
            fn clone(&self) -> Self {
                Self {
                    path: self.path.clone(),
                    query: self.query.clone(),
                    marker: PhantomData,
                }
            }
        }

        impl<T, P> fmt::Debug for $name<T, P> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("path", &self.path)
                    .field("query", &self.query)
                    .finish()
            }
        }

        impl<T, P> PartialEq for $name<T, P> {
            fn eq(&self, other: &Self) -> bool {
                self.path == other.path && self.query == other.query
            }
        }

        impl<T, P: Selectable> $name<T, P> {
            /// A request on `path` with no query options.
            pub fn new(path: RequestPath) -> Self {
                Self {
                    path,
                    query: QueryOptions::default(),
                    marker: PhantomData,
                }
            }

            /// `$select`: only these properties are returned (added to any selected before).
            pub fn select(mut self, properties: impl IntoIterator<Item = P>) -> Self {
                self.query
                    .select
                    .extend(properties.into_iter().map(Selectable::wire_name));
                self
            }

            /// `$expand`: navigation properties to return inline.
            pub fn expand<S: Into<String>>(
                mut self,
                properties: impl IntoIterator<Item = S>,
            ) -> Self {
                self.query
                    .expand
                    .extend(properties.into_iter().map(Into::into));
                self
            }

            /// The query options so far.
            pub fn query(&self) -> &QueryOptions {
                &self.query
            }

            /// The full URL, query included.
            pub fn url(&self) -> String {
                let mut url = self.path.url();
                self.query.append_to(&mut url);
                url
            }
        }
    };
}

common_impls!(List);
common_impls!(Get);

impl<T, P: Selectable> List<T, P> {
    /// `$filter`: an OData filter expression, such as `state eq 'valid'`.
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.query.filter = Some(expression.into());
        self
    }

    /// `$search`: a search expression, sent as given (Graph expects it in double quotes).
    pub fn search(mut self, expression: impl Into<String>) -> Self {
        self.query.search = Some(expression.into());
        self
    }

    /// `$orderby`: properties, each optionally followed by ` asc` or ` desc`.
    pub fn order_by<S: Into<String>>(mut self, orderings: impl IntoIterator<Item = S>) -> Self {
        self.query
            .order_by
            .extend(orderings.into_iter().map(Into::into));
        self
    }

    /// `$top`: at most this many items.
    pub fn top(mut self, count: u32) -> Self {
        self.query.top = Some(count);
        self
    }

    /// `$skip`: skip this many items.
    pub fn skip(mut self, count: u32) -> Self {
        self.query.skip = Some(count);
        self
    }

    /// `$count`: ask for the total number of items in `@odata.count`.
    pub fn count(mut self, include: bool) -> Self {
        self.query.count = Some(include);
        self
    }
}

impl<T: DeserializeOwned, P: Selectable> Operation for List<T, P> {
    type Output = Collection<T>;

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        self.path.check()?;
        request::build(Method::GET, self.url(), None)
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError> {
        request::parse_json(response).map_err(|e| e.redacted(&self.secrets()))
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.path.secret_names())
    }

    fn path_template(&self) -> Option<&'static str> {
        self.path.template()
    }
}

impl<T: Model, P: Selectable> Operation for Get<T, P> {
    type Output = T;

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        self.path.check()?;
        request::build(Method::GET, self.url(), None)
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError> {
        request::parse_single(response).map_err(|e| e.redacted(&self.secrets()))
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.path.secret_names())
    }

    fn path_template(&self) -> Option<&'static str> {
        self.path.template()
    }
}

/// `GET …/$count`: the number of entities, as plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    path: RequestPath,
    query: QueryOptions,
}

impl Count {
    /// A count request on `path` (which ends in `$count`).
    pub fn new(path: RequestPath) -> Self {
        Self {
            path,
            query: QueryOptions::default(),
        }
    }

    /// `$filter`: count only the entities that match.
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.query.filter = Some(expression.into());
        self
    }

    /// `$search`: count only the entities that match.
    pub fn search(mut self, expression: impl Into<String>) -> Self {
        self.query.search = Some(expression.into());
        self
    }

    /// The full URL, query included.
    pub fn url(&self) -> String {
        let mut url = self.path.url();
        self.query.append_to(&mut url);
        url
    }
}

impl Operation for Count {
    type Output = u64;

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        self.path.check()?;
        request::build_text(Method::GET, self.url(), "text/plain")
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError> {
        request::parse_count(response).map_err(|e| e.redacted(&self.secrets()))
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.path.secret_names())
    }

    fn path_template(&self) -> Option<&'static str> {
        self.path.template()
    }
}

/// A request with a JSON body, serialized once when the request value is made.
macro_rules! body_request {
    ($(#[$doc:meta])* $name:ident, $method:expr, $output:ty, $parse:path) => {
        $(#[$doc])*
        pub struct $name<T> {
            path: RequestPath,
            body: JsonBody,
            marker: PhantomData<fn() -> T>,
        }

        impl<T> $name<T> {
            /// A request on `path` sending `body` as JSON.
            pub fn new<B: Serialize + ?Sized>(path: RequestPath, body: &B) -> Self {
                Self {
                    path,
                    body: JsonBody::new(body),
                    marker: PhantomData,
                }
            }

            /// The URL.
            pub fn url(&self) -> String {
                self.path.url()
            }

            /// The serialized body.
            pub fn body(&self) -> &JsonBody {
                &self.body
            }
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                Self {
                    path: self.path.clone(),
                    body: self.body.clone(),
                    marker: PhantomData,
                }
            }
        }

        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("path", &self.path)
                    .field("body", &self.body)
                    .finish()
            }
        }

        impl<T: Model> Operation for $name<T> {
            type Output = $output;

            fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
                self.path.check()?;
                request::build($method, self.url(), Some(&self.body))
            }

            fn parse_response<B: AsRef<[u8]>>(
                &self,
                response: &Response<B>,
            ) -> Result<Self::Output, ResponseError> {
                $parse(response).map_err(|e| e.redacted(&self.secrets()))
            }

            fn secrets(&self) -> Secrets {
                body_secrets(&self.path, Some(&self.body))
            }

            fn path_template(&self) -> Option<&'static str> {
                self.path.template()
            }
        }
    };
}

body_request!(
    /// `POST` on a collection: creates an entity and returns it as the service stored it
    /// (read as [`request::parse_single`] reads it).
    Create,
    Method::POST,
    T,
    request::parse_single
);

body_request!(
    /// `PATCH` on one entity: sends only the properties set in the patch. Graph answers with
    /// the updated entity (`200`, read as [`request::parse_single`] reads it) or with no
    /// content (`204`), hence the `Option`.
    Update,
    Method::PATCH,
    Option<T>,
    request::parse_single_or_empty
);

/// `DELETE` on one entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delete {
    path: RequestPath,
}

impl Delete {
    /// A delete request on `path`.
    pub fn new(path: RequestPath) -> Self {
        Self { path }
    }

    /// The URL.
    pub fn url(&self) -> String {
        self.path.url()
    }
}

impl Operation for Delete {
    type Output = ();

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        self.path.check()?;
        request::build(Method::DELETE, self.url(), None)
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError> {
        request::parse_empty(response).map_err(|e| e.redacted(&self.secrets()))
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.path.secret_names())
    }

    fn path_template(&self) -> Option<&'static str> {
        self.path.template()
    }
}

/// The secrets of a request on `path` that sends `body`: the path's secret names and the
/// values the body gives the properties so named.
fn body_secrets(path: &RequestPath, body: Option<&JsonBody>) -> Secrets {
    let secrets = Secrets::new(path.secret_names());
    match body.map(JsonBody::bytes) {
        Some(Ok(bytes)) => secrets.with_sent_body(bytes),
        Some(Err(_)) | None => secrets,
    }
}

/// How the response of a bound action or function is read.
pub trait Expect {
    /// The typed result.
    type Output;

    /// Reads the response.
    ///
    /// # Errors
    /// As the [`request`] parsers.
    fn parse<B: AsRef<[u8]>>(response: &Response<B>) -> Result<Self::Output, ResponseError>;
}

/// No content (`204`): the result is `()`.
#[derive(Debug)]
pub enum NoContent {}

/// A single entity or complex value (read as [`request::parse_single`] reads it), or no
/// content: `Option<T>`.
#[derive(Debug)]
pub struct JsonOrEmpty<T>(PhantomData<fn() -> T>);

/// A collection of values: [`Collection<T>`].
#[derive(Debug)]
pub struct Values<T>(PhantomData<fn() -> T>);

/// A primitive or enum value wrapped as `{"value": …}`: `T`.
#[derive(Debug)]
pub struct Value<T>(PhantomData<fn() -> T>);

impl Expect for NoContent {
    type Output = ();

    fn parse<B: AsRef<[u8]>>(response: &Response<B>) -> Result<(), ResponseError> {
        request::parse_empty(response)
    }
}

impl<T: Model> Expect for JsonOrEmpty<T> {
    type Output = Option<T>;

    fn parse<B: AsRef<[u8]>>(response: &Response<B>) -> Result<Option<T>, ResponseError> {
        request::parse_single_or_empty(response)
    }
}

impl<T: DeserializeOwned> Expect for Values<T> {
    type Output = Collection<T>;

    fn parse<B: AsRef<[u8]>>(response: &Response<B>) -> Result<Collection<T>, ResponseError> {
        request::parse_json(response)
    }
}

impl<T: DeserializeOwned> Expect for Value<T> {
    type Output = T;

    fn parse<B: AsRef<[u8]>>(response: &Response<B>) -> Result<T, ResponseError> {
        #[derive(serde::Deserialize)]
        struct Wrapped<T> {
            value: T,
        }
        request::parse_json::<Wrapped<T>, B>(response).map(|w| w.value)
    }
}

/// A bound action (`POST`, with an optional JSON body of parameters) or function (`GET`,
/// parameters in the URL); `E` says how the response is read.
pub struct Invoke<E> {
    method: Method,
    path: RequestPath,
    body: Option<JsonBody>,
    query: QueryOptions,
    marker: PhantomData<fn() -> E>,
}

impl<E> Invoke<E> {
    /// An action on `path` (which ends in the action's name).
    pub fn action(path: RequestPath, body: Option<JsonBody>) -> Self {
        Self {
            method: Method::POST,
            path,
            body,
            query: QueryOptions::default(),
            marker: PhantomData,
        }
    }

    /// A function call on `path` (which ends in `name(arguments)`).
    pub fn function(path: RequestPath) -> Self {
        Self {
            method: Method::GET,
            path,
            body: None,
            query: QueryOptions::default(),
            marker: PhantomData,
        }
    }

    /// `$filter` on the function's result.
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.query.filter = Some(expression.into());
        self
    }

    /// `$top` on the function's result.
    pub fn top(mut self, count: u32) -> Self {
        self.query.top = Some(count);
        self
    }

    /// `$skip` on the function's result.
    pub fn skip(mut self, count: u32) -> Self {
        self.query.skip = Some(count);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL, query included.
    pub fn url(&self) -> String {
        let mut url = self.path.url();
        self.query.append_to(&mut url);
        url
    }
}

impl<E> Clone for Invoke<E> {
    fn clone(&self) -> Self {
        Self {
            method: self.method.clone(),
            path: self.path.clone(),
            body: self.body.clone(),
            query: self.query.clone(),
            marker: PhantomData,
        }
    }
}

impl<E> fmt::Debug for Invoke<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invoke")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &self.body)
            .field("query", &self.query)
            .finish()
    }
}

impl<E: Expect> Operation for Invoke<E> {
    type Output = E::Output;

    fn to_request(&self) -> Result<Request<RequestBody>, BuildError> {
        self.path.check()?;
        request::build(self.method.clone(), self.url(), self.body.as_ref())
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError> {
        E::parse(response).map_err(|e| e.redacted(&self.secrets()))
    }

    fn secrets(&self) -> Secrets {
        body_secrets(&self.path, self.body.as_ref())
    }

    fn path_template(&self) -> Option<&'static str> {
        self.path.template()
    }
}

/// `send` and `stream` on the request values, with the client their path carries (see
/// [`RequestPath::with_client`] and [`crate::client`]).
#[cfg(feature = "client")]
mod send {
    use serde::de::DeserializeOwned;

    use super::{
        Count, Create, Delete, Expect, Get, Invoke, List, Model, Selectable, Update, Values,
    };
    use crate::client::{Error, ItemStream, send_bound};
    use crate::runtime::collection::Collection;

    impl<T: DeserializeOwned, P: Selectable> List<T, P> {
        /// Sends the request with the client its path carries and reads one page.
        ///
        /// The page is decoded whole: one item that does not decode fails it, with the
        /// item's JSON path (such as `value[417].state`). [`Self::stream`] yields such an
        /// item's error in its place and goes on.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<Collection<T>, Error> {
            send_bound(self.path.client(), self).await
        }

        /// All the items of the collection, page after page (following `@odata.nextLink`),
        /// fetched with the client the path carries. Nothing is sent until the stream is
        /// polled; [`ItemStream::max_pages`] limits the number of pages.
        ///
        /// An item that does not decode is yielded as its error and the stream goes on; a
        /// page that cannot be read ends it (see [`ItemStream`]).
        ///
        /// If the path carries no client, the stream yields [`Error::NotBound`] once.
        pub fn stream(&self) -> ItemStream<T>
        where
            T: Send + 'static,
            P: 'static,
        {
            ItemStream::from_operation(self.path.client().cloned(), self.clone())
        }
    }

    impl<T: Model, P: Selectable> Get<T, P> {
        /// Sends the request with the client its path carries and reads the entity.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<T, Error> {
            send_bound(self.path.client(), self).await
        }
    }

    impl<T: Model> Create<T> {
        /// Sends the request with the client its path carries and reads the created entity.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<T, Error> {
            send_bound(self.path.client(), self).await
        }
    }

    impl<T: Model> Update<T> {
        /// Sends the request with the client its path carries; the updated entity, if the
        /// service returned it.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<Option<T>, Error> {
            send_bound(self.path.client(), self).await
        }
    }

    impl Delete {
        /// Sends the request with the client its path carries.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<(), Error> {
            send_bound(self.path.client(), self).await
        }
    }

    impl Count {
        /// Sends the request with the client its path carries and reads the count.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<u64, Error> {
            send_bound(self.path.client(), self).await
        }
    }

    impl<E: Expect> Invoke<E> {
        /// Sends the action or function call with the client its path carries and reads the
        /// result.
        ///
        /// # Errors
        /// [`Error::NotBound`] when the path carries no client, else as
        /// [`crate::client::Client::execute`].
        pub async fn send(&self) -> Result<E::Output, Error> {
            send_bound(self.path.client(), self).await
        }
    }

    impl<T: DeserializeOwned + Send + 'static> Invoke<Values<T>> {
        /// All the items the function returns, page after page, as [`List::stream`].
        pub fn stream(&self) -> ItemStream<T> {
            ItemStream::from_operation(self.path.client().cloned(), self.clone())
        }
    }
}

// Without the cargo feature `client`: stand-ins of `send` and `stream` on the request values,
// with the bounds of the methods they stand in for, whose calls fail to compile with a message
// naming the feature (see `crate::feature_hints`).

#[cfg(not(feature = "client"))]
use crate::feature_hints::ClientFeature;

#[cfg(not(feature = "client"))]
impl<T: DeserializeOwned, P: Selectable> List<T, P> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }

    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn stream<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl<T: Model, P: Selectable> Get<T, P> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl<T: Model> Create<T> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl<T: Model> Update<T> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl Delete {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl Count {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl<E: Expect> Invoke<E> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn send<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(not(feature = "client"))]
impl<T: DeserializeOwned> Invoke<Values<T>> {
    /// Needs the cargo feature `client`.
    #[doc(hidden)]
    pub fn stream<'a, R>(&'a self) -> R
    where
        &'a Self: ClientFeature,
    {
        <&'a Self as ClientFeature>::unavailable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    enum Prop {
        Id,
        DisplayName,
    }

    impl Selectable for Prop {
        fn wire_name(self) -> &'static str {
            match self {
                Prop::Id => "id",
                Prop::DisplayName => "displayName",
            }
        }
    }

    fn root() -> RequestPath {
        RequestPath::new("https://graph.microsoft.com/beta").segment("things")
    }

    #[test]
    fn list_renders_query_options_in_order() {
        let list: List<serde_json::Value, Prop> = List::new(root())
            .top(5)
            .select([Prop::Id, Prop::DisplayName])
            .filter("state eq 'valid'")
            .order_by(["displayName desc"])
            .skip(10)
            .count(true);
        let request = list.to_request().unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri().to_string(),
            "https://graph.microsoft.com/beta/things?$select=id,displayName&$filter=state%20eq%20'valid'\
             &$orderby=displayName%20desc&$top=5&$skip=10&$count=true"
        );
        assert!(request.body().is_empty());
    }

    #[test]
    fn update_sends_json_and_accepts_200_or_204() {
        let update: Update<serde_json::Value> =
            Update::new(root().key("a/b"), &serde_json::json!({"x": null}));
        let request = update.to_request().unwrap();
        assert_eq!(request.method(), Method::PATCH);
        assert_eq!(request.uri().path(), "/beta/things/a%2Fb");
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(&**request.body(), br#"{"x":null}"#);
        let ok = Response::builder().status(200).body(r#"{"x":1}"#).unwrap();
        assert_eq!(
            update.parse_response(&ok).unwrap(),
            Some(serde_json::json!({"x": 1}))
        );
        let empty = Response::builder().status(204).body("").unwrap();
        assert_eq!(update.parse_response(&empty).unwrap(), None);
    }

    #[test]
    fn count_accepts_text() {
        let count = Count::new(root().segment("$count")).filter("a eq 1");
        let request = count.to_request().unwrap();
        assert_eq!(request.headers()["accept"], "text/plain");
        assert_eq!(
            request.uri().to_string(),
            "https://graph.microsoft.com/beta/things/$count?$filter=a%20eq%201"
        );
        let response = Response::builder().status(200).body("42").unwrap();
        assert_eq!(count.parse_response(&response).unwrap(), 42);
    }

    #[test]
    fn actions_and_functions() {
        let action: Invoke<NoContent> = Invoke::action(root().segment("sync"), None);
        let request = action.to_request().unwrap();
        assert_eq!(request.method(), Method::POST);
        assert!(request.headers().get("content-type").is_none());
        let done = Response::builder().status(204).body("").unwrap();
        action.parse_response(&done).unwrap();

        let function: Invoke<Value<i32>> = Invoke::function(root().function("n", &[]));
        let response = Response::builder()
            .status(200)
            .body(r#"{"value": 7}"#)
            .unwrap();
        assert_eq!(function.parse_response(&response).unwrap(), 7);
        assert_eq!(function.to_request().unwrap().method(), Method::GET);
    }

    #[test]
    fn keys_that_cannot_address_an_entity_are_refused() {
        for key in ["", ".", ".."] {
            let get: Get<serde_json::Value, Prop> = Get::new(root().key(key).segment("x"));
            match get.to_request() {
                Err(BuildError::InvalidKey { key: k }) => assert_eq!(k, key),
                other => panic!("{key:?}: expected InvalidKey, got {other:?}"),
            }
        }
        assert!(Delete::new(root().key("...")).to_request().is_ok());
        assert!(Delete::new(root().key("a.b")).to_request().is_ok());
    }

    #[test]
    fn errors_surface_as_graph_errors() {
        let delete = Delete::new(root().key("1"));
        let response = Response::builder()
            .status(404)
            .body(r#"{"error":{"code":"ResourceNotFound","message":"gone"}}"#)
            .unwrap();
        match delete.parse_response(&response) {
            Err(ResponseError::Status(e)) => {
                assert_eq!(e.status, 404);
                assert_eq!(e.code.as_deref(), Some("ResourceNotFound"));
            }
            other => panic!("expected a Graph error, got {other:?}"),
        }
    }
}
