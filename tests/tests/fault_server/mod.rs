//! A small HTTP/1.1 server on loopback that answers by a script and can fail the ways a network
//! does: reset a connection, close it before or in the middle of a response, or stall before
//! the headers or in the middle of the body. wiremock answers every request completely, so it
//! cannot stand in for these.
//!
//! It reads what the client sends (request line, headers, a `Content-Length` body; chunked
//! bodies are refused), counts the attempts of every request (method and target), and answers
//! each with the [`Reply`] the script returns for it. Connections are kept alive after complete
//! responses and dropped after any other reply. Everything stays on `127.0.0.1`.
//!
//! Shared by the `faults` and `faults_memory` test binaries, which use different parts of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The longest request head (request line and headers) the server accepts.
const MAX_HEAD: usize = 64 * 1024;

/// One request as the server read it.
#[derive(Debug)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// The headers, names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which attempt of this method and target this is, from 1.
    pub attempt: u32,
}

impl Request {
    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The value of a query parameter, as sent (not decoded).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// The first value of a header (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A complete response: status, headers and body (`Content-Length` is added when written).
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a JSON body.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::raw_json(status, serde_json::to_vec(body).expect("JSON"))
    }

    /// A response whose body is `body`, labelled as JSON whether or not it is.
    pub fn raw_json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// The response with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The status line and headers, `Content-Length` announcing the whole body.
    fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        head.into_bytes()
    }
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answer completely and keep the connection open for the next request.
    Full(Response),
    /// Close the connection without sending a byte.
    Close,
    /// Reset the connection (`SO_LINGER` zero, then close: the client reads `ECONNRESET`)
    /// without sending a byte.
    Reset,
    /// Send nothing for this long, then close the connection.
    Stall(Duration),
    /// Send the status line and the headers, with a `Content-Length` for the whole body, and
    /// the first `sent` bytes of the body; then `then`.
    Partial {
        response: Response,
        sent: usize,
        then: Then,
    },
}

/// How a [`Reply::Partial`] ends.
#[derive(Clone, Copy, Debug)]
pub enum Then {
    /// Close the connection: the body ends early.
    Close,
    /// Reset the connection.
    Reset,
    /// Send nothing more for this long, then close the connection.
    Stall(Duration),
}

/// The script: the reply to each request.
type Script = dyn Fn(&Request) -> Reply + Send + Sync;

/// What the server saw.
struct State {
    script: Box<Script>,
    /// Attempts by `"{method} {target}"`.
    attempts: Mutex<HashMap<String, u32>>,
    requests: AtomicUsize,
    connections: AtomicUsize,
    /// Requests the server could not read (malformed or unsupported).
    errors: Mutex<Vec<String>>,
}

/// A running server; it stops, and drops its connections, when dropped.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server on a free loopback port that answers every request with `script`.
    pub async fn start(script: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let state = Arc::new(State {
            script: Box::new(script),
            attempts: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            errors: Mutex::new(Vec::new()),
        });
        let task = tokio::spawn(accept(listener, Arc::clone(&state)));
        Self { addr, state, task }
    }

    /// `http://127.0.0.1:{port}`: the Graph endpoint to give the client.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many times `method target` was received.
    pub fn attempts(&self, method: &str, target: &str) -> u32 {
        let key = format!("{method} {target}");
        self.state
            .attempts
            .lock()
            .unwrap()
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    /// The attempts of every request received, by `"{method} {target}"`.
    pub fn all_attempts(&self) -> HashMap<String, u32> {
        self.state.attempts.lock().unwrap().clone()
    }

    /// How many requests were received in all.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Fails if a request could not be read.
    pub fn assert_no_protocol_errors(&self) {
        let errors = self.state.errors.lock().unwrap();
        assert!(errors.is_empty(), "unreadable requests: {errors:?}");
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts the connections.
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        state.connections.fetch_add(1, Ordering::SeqCst);
        connections.spawn(serve(stream, Arc::clone(&state)));
        // Forget the connections that have ended.
        while connections.try_join_next().is_some() {}
    }
}

/// Serves the requests of one connection until the client closes it or a reply ends it.
async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buffer = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buffer).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(error) => {
                state.errors.lock().unwrap().push(error);
                return;
            }
        };
        let request = {
            let mut attempts = state.attempts.lock().unwrap();
            let count = attempts
                .entry(format!("{} {}", request.method, request.target))
                .or_insert(0);
            *count += 1;
            Request {
                attempt: *count,
                ..request
            }
        };
        state.requests.fetch_add(1, Ordering::SeqCst);
        match (state.script)(&request) {
            Reply::Full(response) => {
                let mut bytes = response.head();
                bytes.extend_from_slice(&response.body);
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::Close => return,
            Reply::Reset => return reset(stream),
            Reply::Stall(hold) => return tokio::time::sleep(hold).await,
            Reply::Partial {
                response,
                sent,
                then,
            } => {
                let mut bytes = response.head();
                bytes.extend_from_slice(&response.body[..sent.min(response.body.len())]);
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                match then {
                    Then::Close => return,
                    Then::Reset => return reset(stream),
                    Then::Stall(hold) => return tokio::time::sleep(hold).await,
                }
            }
        }
    }
}

/// Drops the connection with a reset instead of an orderly close.
fn reset(stream: TcpStream) {
    stream.set_zero_linger().expect("SO_LINGER");
    drop(stream);
}

/// Reads the next request of the connection; `None` when the client closed it between
/// requests. `buffer` keeps what was read past the request.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<Option<Request>, String> {
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD {
            return Err(format!("a request head longer than {MAX_HEAD} bytes"));
        }
        let mut chunk = [0_u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) if buffer.is_empty() => return Ok(None),
            Ok(0) => return Err("the connection closed inside a request head".into()),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            // A client that gave up on the connection (such as after its timeout).
            Err(_) if buffer.is_empty() => return Ok(None),
            Err(e) => return Err(format!("reading a request head: {e}")),
        }
    };
    let head = std::str::from_utf8(&buffer[..head_end])
        .map_err(|_| "a request head that is not UTF-8".to_owned())?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some("HTTP/1.1"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("a malformed request line: {request_line:?}"));
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("a malformed header line: {line:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: Vec::new(),
        attempt: 0,
    };
    if request.header("transfer-encoding").is_some() {
        return Err(format!("a chunked request body: {request_line}"));
    }
    let length = match request.header("content-length") {
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| format!("a malformed Content-Length: {text:?}"))?,
        None => 0,
    };
    buffer.drain(..head_end + 4);
    while buffer.len() < length {
        let mut chunk = [0_u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) => return Err("the connection closed inside a request body".into()),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("reading a request body: {e}")),
        }
    }
    request.body = buffer.drain(..length).collect();
    Ok(Some(request))
}

/// The reason phrase of the statuses the tests use.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
