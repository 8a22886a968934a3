//! The HTTP/1.1 accept loop, with the limits a server facing the open internet needs:
//!
//! - **Header-read timeout**: a client that does not finish sending its request headers within
//!   [`Limits::header_read_timeout`] is disconnected (slowloris). Bodies have their own timeout
//!   in [`crate::middleware`].
//! - **Connection cap**: at most [`Limits::max_connections`] connections are served at once.
//!   Past that, a new connection gets a complete `503` problem answer with `Connection: close`
//!   and is closed, instead of waiting in the kernel's queue while `/healthz` starves.
//! - **Accept errors** (out of file descriptors, aborted handshakes) never end the loop: it
//!   pauses briefly and goes on.
//! - **Bounded shutdown**: when `shutdown` resolves, the listener closes, idle keep-alive
//!   connections close, in-flight requests get [`Limits::shutdown_grace`] to finish, and then
//!   the server returns whatever is still running.
//!
//! Header lines that are not valid HTTP are dropped rather than failing the whole request with
//! hyper's bare `400`, and a NUL byte in the first request's head is answered in the
//! application's own error shape ([`first_head`]). Each request carries the peer address
//! as [`ConnectInfo`].

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Connection limits of the server loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; more are refused with `503`.
    pub max_connections: usize,
    /// Time a client has to send its request headers (each request on a kept-alive connection).
    pub header_read_timeout: Duration,
    /// Time in-flight requests get to finish after shutdown begins.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` with `limits` until `shutdown` resolves (see the module docs).
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max));
    let (closing_tx, closing) = watch::channel(false);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .ignore_invalid_headers(true)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_error(&e).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let service = router
            .clone()
            .map_request(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let http = http.clone();
        let mut closing = closing.clone();
        let header_wait = limits.header_read_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            match first_head(&stream, header_wait).await {
                Head::Usable => {}
                Head::Silent => return,
                Head::HasNul { api } => {
                    answer_and_close(stream, BAD_HEADER_STATUS, bad_header_answer(api)).await;
                    return;
                }
            }
            let conn = http
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                () = closed(&mut closing) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            open = max - permits.available_permits(),
            grace_s = limits.shutdown_grace.as_secs(),
            "connections still open after the shutdown grace period; stopping anyway"
        );
    }
    Ok(())
}

/// Resolves once shutdown has begun.
async fn closed(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|c| *c).await;
}

/// Accept failures are the client's (aborted handshake) or momentary (out of descriptors):
/// never fatal. Pausing on the latter lets connections close before the next try.
async fn accept_error(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(error = %e, "accept failed (raise the open-file limit?); retrying");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// The answer for a connection over the cap: a complete problem response, then a clean close.
const REFUSAL_BODY: &str = r#"{"type":"https://medspa.dev/problems/overloaded","title":"Too many connections","status":503,"detail":"The server is at its connection limit. Please try again in a moment.","code":"overloaded"}"#;

async fn refuse(stream: TcpStream) {
    answer_and_close(
        stream,
        "503 Service Unavailable\r\nretry-after: 1",
        ("application/problem+json", REFUSAL_BODY),
    )
    .await;
}

const BAD_HEADER_STATUS: &str = "400 Bad Request";

/// The answer to a request whose headers hold a NUL byte (hyper would otherwise answer a bare
/// `400` with no body): problem+json under `/api/`, a short page elsewhere.
fn bad_header_answer(api: bool) -> (&'static str, &'static str) {
    if api {
        (
            "application/problem+json",
            r#"{"type":"https://medspa.dev/problems/bad_header","title":"Bad request","status":400,"detail":"A request header holds a character HTTP does not allow.","code":"bad_header"}"#,
        )
    } else {
        (
            "text/html; charset=utf-8",
            "<!doctype html><html lang=\"en\"><title>Bad request</title><h1>Bad request</h1>\
             <p>Your browser sent a request we could not read. Please try again.</p></html>",
        )
    }
}

/// What the start of a connection holds.
enum Head {
    /// Nothing at all within the header timeout: closed without an answer.
    Silent,
    /// A NUL byte in the head of the first request.
    HasNul { api: bool },
    /// Anything else: hyper parses it.
    Usable,
}

/// Looks at the first request's head before hyper parses it. A NUL byte there is a line hyper
/// refuses outright with a bare `400` (httparse rejects NUL even when told to skip invalid
/// header lines), so it is answered here in the application's shape. Only what already arrived
/// is looked at; a head split over packets, or a later request on a kept-alive connection,
/// still gets hyper's own answer.
async fn first_head(stream: &TcpStream, wait: Duration) -> Head {
    let mut buf = [0u8; 8192];
    let n = match tokio::time::timeout(wait, stream.peek(&mut buf)).await {
        Ok(Ok(n)) if n > 0 => n,
        Ok(_) | Err(_) => return Head::Silent,
    };
    let data = &buf[..n];
    let end = data.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(n);
    let head = &data[..end];
    if !head.contains(&0) {
        return Head::Usable;
    }
    let target = head.split(|b| *b == b' ').nth(1).unwrap_or_default();
    Head::HasNul {
        api: target.starts_with(b"/api/"),
    }
}

/// Writes a complete response with `Connection: close`, then closes cleanly: what the client
/// sent is read (up to 64 KiB, for at most two seconds) so closing does not reset the
/// connection and discard the answer before the client reads it.
async fn answer_and_close(mut stream: TcpStream, status: &str, (content_type, body): (&str, &str)) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n",
        body.len()
    );
    let answer = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        let mut left = 64 * 1024;
        while left > 0 {
            match stream.read(&mut sink).await? {
                0 => break,
                n => left -= n.min(left),
            }
        }
        std::io::Result::Ok(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), answer).await;
}
