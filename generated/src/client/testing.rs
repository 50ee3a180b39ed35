//! Test support: a loopback HTTP/1.1 server that misbehaves on cue, and the check that an
//! error's chain says each thing once.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::mpsc;

/// What the server does with one connection, in the order the connections come.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// Reads the request, then answers `status` with `body` and closes the connection.
    Answer { status: u16, body: &'static str },
    /// Reads the request, then closes the connection without answering.
    Close,
    /// Waits for the request and closes the connection without reading it: the kernel answers
    /// the unread data with a reset.
    Reset,
    /// Reads the request, sends `head` (a status line and headers) and `body`, then closes
    /// the connection before the body is complete.
    CloseInBody {
        head: &'static str,
        body: &'static str,
    },
    /// Reads the request, sends `head` and `body` (if any), then keeps the connection open,
    /// silent, until the client goes away.
    Stall {
        head: &'static str,
        body: &'static str,
    },
    /// Reads the request and answers with text that is not HTTP.
    Garbage,
}

/// A server on `127.0.0.1` that handles one connection per [`Fault`], then stops accepting.
pub(crate) struct FaultServer {
    /// `http://127.0.0.1:{port}`.
    pub(crate) url: String,
    /// The request line (`GET /v1.0/… HTTP/1.1`) of each request read.
    requests: Arc<Mutex<Vec<String>>>,
    /// A message per connection, once it has done its part (for a [`Fault::Stall`], once its
    /// bytes have been written: they are then waiting in the client's socket).
    done: mpsc::UnboundedReceiver<usize>,
    /// Whether a connection is left silent: the clock must then be paused.
    stalls: bool,
    /// Whether the clock is paused (by [`send_pausing`]); the next attempt resumes it.
    paused: Arc<AtomicBool>,
}

impl FaultServer {
    pub(crate) fn start(faults: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (tx, done) = mpsc::unbounded_channel();
        let seen = Arc::clone(&requests);
        let stalls = faults.iter().any(|f| matches!(f, Fault::Stall { .. }));
        thread::spawn(move || {
            for (n, fault) in faults.into_iter().enumerate() {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let seen = Arc::clone(&seen);
                let tx = tx.clone();
                // A stalled connection must not hold up the next one.
                thread::spawn(move || {
                    serve(stream, &fault, &seen, || {
                        let _ = tx.send(n);
                    })
                });
            }
        });
        Self {
            url,
            requests,
            done,
            stalls,
            paused: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A client of this server (see [`fault_client`]) whose attempts after the first run
    /// with the clock going again, so that only the stalled attempt times out.
    pub(crate) fn client(&self, attempts: u32) -> super::Client {
        client(&self.url, attempts, Arc::clone(&self.paused))
    }

    /// The request lines read so far.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, fault: &Fault, seen: &Mutex<Vec<String>>, done: impl FnOnce()) {
    if let Fault::Reset = fault {
        // Wait until the request is there, without reading it, then close.
        let mut byte = [0_u8; 1];
        let _ = stream.peek(&mut byte);
        seen.lock()
            .unwrap()
            .push("(reset before reading)".to_owned());
        drop(stream);
        done();
        return;
    }
    let head = read_head(&mut stream);
    seen.lock()
        .unwrap()
        .push(head.lines().next().unwrap_or_default().to_owned());
    match fault {
        Fault::Answer { status, body } => {
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
            let _ = stream.shutdown(Shutdown::Write);
            done();
        }
        Fault::Close => {
            drop(stream);
            done();
        }
        Fault::CloseInBody { head, body } => {
            let _ = stream.write_all(format!("{head}\r\n\r\n{body}").as_bytes());
            drop(stream);
            done();
        }
        Fault::Stall { head, body } => {
            if !head.is_empty() {
                let _ = stream.write_all(format!("{head}\r\n\r\n{body}").as_bytes());
            }
            let _ = stream.flush();
            done();
            // Until the client closes its side.
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
        }
        Fault::Garbage => {
            let _ = stream.write_all(b"HELLO THERE\r\n\r\n");
            drop(stream);
            done();
        }
        Fault::Reset => unreachable!(),
    }
}

/// Reads the request: its head, and the body its `content-length` announces (a connection
/// closed with unread data would be reset instead).
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0_u8; length];
    let _ = stream.read_exact(&mut body);
    head
}

/// Pauses tokio's clock once the server has done its part on a connection: the timers of the
/// attempt then run out at once, but only after the client has read what was sent.
///
/// The bytes are in the client's socket when the server reports; a task that yields is woken
/// only after the runtime has polled its I/O driver, so once this one has yielded the client's
/// tasks have been told of the bytes, and they read them before the runtime is idle (when a
/// paused clock moves to the next timer).
async fn pause_when_done(done: &mut mpsc::UnboundedReceiver<usize>, paused: &AtomicBool) {
    done.recv().await.expect("the server did its part");
    tokio::task::yield_now().await;
    tokio::time::pause();
    paused.store(true, Ordering::SeqCst);
    std::future::pending::<()>().await;
}

/// Fails when a message of `error`'s chain (its `Display` and those of its sources) contains
/// the message of a later link, or is empty: each cause is told once, by its own error.
pub(crate) fn assert_each_cause_once(error: &(dyn std::error::Error + 'static)) {
    let mut chain = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        chain.push(e.to_string());
        current = e.source();
    }
    for (i, message) in chain.iter().enumerate() {
        assert!(
            !message.is_empty(),
            "an empty message in the chain {chain:#?}"
        );
        for later in &chain[i + 1..] {
            assert!(
                !message.contains(later.as_str()),
                "{message:?} repeats its cause {later:?}; the chain: {chain:#?}"
            );
        }
    }
}

/// A client for `url` with `attempts` attempts, quick exact backoffs, a request timeout that
/// only a paused clock reaches, and no connection pool (each attempt is a connection).
pub(crate) fn fault_client(url: &str, attempts: u32) -> super::Client {
    client(url, attempts, Arc::new(AtomicBool::new(false)))
}

fn client(url: &str, attempts: u32, paused: Arc<AtomicBool>) -> super::Client {
    let http = super::http_client_builder()
        .unwrap()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // Asked before every attempt: the clock goes again for the attempt after a stalled one.
    let token = move || {
        let paused = Arc::clone(&paused);
        async move {
            if paused.swap(false, Ordering::SeqCst) {
                tokio::time::resume();
            }
            Ok::<_, super::BoxError>("t".to_owned())
        }
    };
    super::Client::builder()
        .endpoint(url)
        .token_source(token)
        .http_client(http)
        .max_attempts(attempts)
        .base_delay(std::time::Duration::from_millis(1))
        .jitter(super::Jitter::None)
        .timeout(std::time::Duration::from_secs(3600))
        .build()
        .unwrap()
}

/// `http://127.0.0.1:{port}` with a port that was free a moment ago: connections are refused.
pub(crate) fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

/// Sends `operation` with `client`; once `server` has done its part on a connection that it
/// then leaves silent ([`Fault::Stall`]), pauses the clock so that the timeout runs out.
pub(crate) async fn send_pausing<O: crate::runtime::Operation>(
    client: &super::Client,
    operation: &O,
    server: &mut FaultServer,
) -> Result<O::Output, super::Error> {
    if !server.stalls {
        return client.execute(operation).await;
    }
    let result = tokio::select! {
        result = client.execute(operation) => result,
        () = pause_when_done(&mut server.done, &server.paused) => unreachable!(),
    };
    if server.paused.swap(false, Ordering::SeqCst) {
        tokio::time::resume();
    }
    result
}
