//! A real SMTP server for tests, on 127.0.0.1: EHLO/HELO, MAIL, RCPT, DATA (with
//! dot-unstuffing), RSET, NOOP and QUIT, no STARTTLS (clients fall back to plain), no AUTH.
//! It keeps every accepted message in memory and can be stopped and restarted on the same port
//! (to test retries), or told to refuse messages with a given reply code. Plus a small MIME
//! reader for assertions: headers, quoted-printable/base64 text parts, the `.ics` attachment.
//!
//! Must not: listen on anything but loopback, or be used outside tests.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One message the sink accepted.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message as received (headers and body, CRLF line ends, dots unstuffed).
    pub data: String,
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<ReceivedMail>>,
    /// Reply code for the end of DATA instead of 250 (e.g. 451 or 550).
    refuse_with: Mutex<Option<u16>>,
    /// Wait this long before answering the end of DATA (a slow server).
    delay: Mutex<Option<Duration>>,
    /// Accept connections but never greet (a hung server).
    stall: Mutex<bool>,
    connections: Mutex<usize>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An SMTP server on 127.0.0.1 for one test. Stops when dropped.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpSink {
    /// Starts on a random free port.
    #[expect(
        clippy::unused_async,
        reason = "spawns onto the caller's tokio runtime; async makes that requirement visible"
    )]
    pub async fn start() -> Self {
        let listener =
            bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind SMTP sink on 127.0.0.1");
        let addr = listener.local_addr().expect("sink address");
        let shared = Arc::new(Shared::default());
        let server = tokio::spawn(serve(listener, Arc::clone(&shared)));
        Self {
            addr,
            shared,
            server: Mutex::new(Some(server)),
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `smtp://127.0.0.1:<port>` (what `MEDSPA_SMTP_URL` would be).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port())
    }

    /// Stops listening and drops every open connection mid-conversation; messages received so
    /// far are kept. Connecting afterwards is refused.
    pub fn stop(&self) {
        if let Some(server) = lock(&self.server).take() {
            // Aborting the accept loop drops its JoinSet, which aborts every connection.
            server.abort();
        }
    }

    /// Listens again on the same port (after [`Self::stop`]).
    pub async fn restart(&self) {
        self.stop();
        // The aborted task releases the socket once it is dropped; retry briefly.
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match bind(self.addr) {
                Ok(l) => break l,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("rebind SMTP sink on port {}: {e}", self.port()),
            }
        };
        *lock(&self.server) = Some(tokio::spawn(serve(listener, Arc::clone(&self.shared))));
    }

    /// Makes the end of DATA answer `code` (e.g. 451 transient, 550 permanent) instead of 250;
    /// `None` accepts again.
    pub fn refuse_with(&self, code: Option<u16>) {
        *lock(&self.shared.refuse_with) = code;
    }

    /// Makes the server wait `delay` before answering the end of DATA; `None` answers at once.
    pub fn delay_replies(&self, delay: Option<Duration>) {
        *lock(&self.shared.delay) = delay;
    }

    /// `true`: accept connections but never send the greeting, so clients hang until their
    /// timeout (a server that died mid-conversation). Takes effect for new connections.
    pub fn stall(&self, stall: bool) {
        *lock(&self.shared.stall) = stall;
    }

    /// Every message accepted so far, in order of arrival.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        lock(&self.shared.messages).clone()
    }

    /// How many connections have been opened so far.
    pub fn connections(&self) -> usize {
        *lock(&self.shared.connections)
    }

    /// Waits until at least `n` messages have arrived and returns all of them; panics after
    /// `timeout` with the count it saw.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "SMTP sink: expected {n} messages within {timeout:?}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(64)
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    *lock(&shared.connections) += 1;
                    connections.spawn(session(stream, Arc::clone(&shared)));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// One SMTP conversation (RFC 5321, the subset clients use).
async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if *lock(&shared.stall) {
        std::future::pending::<()>().await;
    }
    write
        .write_all(b"220 127.0.0.1 medspa test sink ESMTP\r\n")
        .await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let upper = text.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default();
        let reply: &[u8] = match verb {
            "EHLO" => b"250-127.0.0.1\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 26214400\r\n",
            "HELO" => b"250 127.0.0.1\r\n",
            "MAIL" => {
                from = Some(path_arg(text));
                to.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if from.is_some() => {
                to.push(path_arg(text));
                b"250 2.1.5 OK\r\n"
            }
            "RCPT" => b"503 5.5.1 MAIL first\r\n",
            "DATA" if from.is_some() && !to.is_empty() => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut lines).await?;
                let delay = *lock(&shared.delay);
                if let Some(delay) = delay {
                    tokio::time::sleep(delay).await;
                }
                let refuse = *lock(&shared.refuse_with);
                let sender = from.take().unwrap_or_default();
                let recipients = std::mem::take(&mut to);
                if let Some(code) = refuse {
                    write
                        .write_all(format!("{code} refused by test sink\r\n").as_bytes())
                        .await?;
                } else {
                    lock(&shared.messages).push(ReceivedMail {
                        from: sender,
                        to: recipients,
                        data,
                    });
                    write.write_all(b"250 2.0.0 queued\r\n").await?;
                }
                continue;
            }
            "DATA" => b"503 5.5.1 RCPT first\r\n",
            "RSET" => {
                from = None;
                to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address inside `MAIL FROM:<a@b> ...` / `RCPT TO:<a@b>`.
fn path_arg(line: &str) -> String {
    match (line.find('<'), line.find('>')) {
        (Some(open), Some(close)) if close > open => line[open + 1..close].to_owned(),
        _ => line
            .split_once(':')
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default(),
    }
}

/// Reads DATA up to the lone `.` line, undoing dot-stuffing (RFC 5321 4.5.2).
async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut R) -> std::io::Result<String> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            break;
        }
        let body = if line.first() == Some(&b'.') {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(body);
    }
    Ok(String::from_utf8_lossy(&data).into_owned())
}

/// One leaf of a MIME message, decoded.
#[derive(Clone, Debug)]
pub struct MimePart {
    /// Lowercase `type/subtype`.
    pub content_type: String,
    /// Parameters of `Content-Type` and `Content-Disposition` (lowercase names), e.g.
    /// `method`, `charset`, `filename`.
    pub params: HashMap<String, String>,
    /// The body after transfer decoding, as UTF-8 (lossy).
    pub body: String,
}

impl ReceivedMail {
    /// A top-level header, unfolded and with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_head(&self.data);
        header_in(head, name)
    }

    /// The `Message-ID` header.
    pub fn message_id(&self) -> Option<String> {
        self.header("Message-ID")
    }

    /// Every leaf part, depth first.
    pub fn parts(&self) -> Vec<MimePart> {
        let mut out = Vec::new();
        collect_parts(&self.data, &mut out);
        out
    }

    /// The first leaf of this content type (e.g. `text/plain`).
    pub fn part(&self, content_type: &str) -> Option<MimePart> {
        self.parts()
            .into_iter()
            .find(|p| p.content_type == content_type)
    }

    /// The plain-text body.
    pub fn text(&self) -> Option<String> {
        self.part("text/plain").map(|p| p.body)
    }

    /// The HTML body.
    pub fn html(&self) -> Option<String> {
        self.part("text/html").map(|p| p.body)
    }

    /// The attached iCalendar file.
    pub fn ics(&self) -> Option<MimePart> {
        self.part("text/calendar")
    }

    /// Every header and decoded part in one string, for "never contains" assertions.
    pub fn everything(&self) -> String {
        let (head, _) = split_head(&self.data);
        let mut all = unfold(head);
        for (_, v) in header_lines(head) {
            all.push('\n');
            all.push_str(&decode_words(&v));
        }
        for p in self.parts() {
            all.push('\n');
            all.push_str(&p.body);
        }
        all
    }
}

fn split_head(data: &str) -> (&str, &str) {
    data.split_once("\r\n\r\n")
        .or_else(|| data.split_once("\n\n"))
        .unwrap_or((data, ""))
}

fn unfold(head: &str) -> String {
    head.replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .replace("\n ", " ")
}

fn header_lines(head: &str) -> Vec<(String, String)> {
    unfold(head)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect()
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    header_lines(head)
        .into_iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| decode_words(&v))
}

/// `type/subtype; a=b; c="d"` -> (`type/subtype`, {a: b, c: d}).
fn parse_params(value: &str) -> (String, HashMap<String, String>) {
    let mut it = value.split(';');
    let main = it.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = it
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_owned(),
            )
        })
        .collect();
    (main, params)
}

fn collect_parts(entity: &str, out: &mut Vec<MimePart>) {
    let (head, body) = split_head(entity);
    let (content_type, mut params) = header_in(head, "Content-Type").map_or_else(
        || ("text/plain".to_owned(), HashMap::new()),
        |v| parse_params(&v),
    );
    if content_type.starts_with("multipart/") {
        let Some(boundary) = params.get("boundary") else {
            return;
        };
        let delimiter = format!("--{boundary}");
        for chunk in body.split(&delimiter).skip(1) {
            if chunk.starts_with("--") {
                break;
            }
            let chunk = chunk
                .strip_prefix("\r\n")
                .or_else(|| chunk.strip_prefix('\n'))
                .unwrap_or(chunk);
            let chunk = chunk
                .strip_suffix("\r\n")
                .or_else(|| chunk.strip_suffix('\n'))
                .unwrap_or(chunk);
            collect_parts(chunk, out);
        }
        return;
    }
    if let Some(disposition) = header_in(head, "Content-Disposition") {
        params.extend(parse_params(&disposition).1);
    }
    let encoding = header_in(head, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => base64_decode(body),
        "quoted-printable" => qp_decode(body),
        _ => body.as_bytes().to_vec(),
    };
    out.push(MimePart {
        content_type,
        params,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
}

/// Quoted-printable (RFC 2045 6.7): `=XX` octets and `=` soft line breaks.
pub fn qp_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if bytes.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Standard base64, ignoring whitespace and stopping at padding.
pub fn base64_decode(input: &str) -> Vec<u8> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in input.bytes() {
        if c == b'=' {
            break;
        }
        let Some(v) = value(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap_or_default());
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`) in a header value.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let after = &rest[start + 2..];
        let mut fields = after.splitn(3, '?');
        let (Some(_charset), Some(enc), Some(tail)) = (fields.next(), fields.next(), fields.next())
        else {
            break;
        };
        let Some(end) = tail.find("?=") else { break };
        let text = &tail[..end];
        // Whitespace between two adjacent encoded words is not part of the text.
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let bytes = match enc.to_ascii_lowercase().as_str() {
            "b" => base64_decode(text),
            _ => qp_decode(&text.replace('_', " ")),
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &tail[end + 2..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders() {
        assert_eq!(
            qp_decode("caf=C3=A9 =\r\nau lait"),
            "café au lait".as_bytes()
        );
        assert_eq!(base64_decode("aGVsbG8g\r\nd29ybGQ="), b"hello world");
        assert_eq!(
            decode_words("=?utf-8?b?Y2Fmw6k=?= =?utf-8?q?au_lait?= !"),
            "caféau lait !"
        );
        assert_eq!(path_arg("MAIL FROM:<a@b.example> SIZE=10"), "a@b.example");
    }

    #[test]
    fn mime_parts() {
        let mail = ReceivedMail {
            from: String::new(),
            to: vec![],
            data: "Subject: =?utf-8?q?Hi_there?=\r\nContent-Type: multipart/mixed;\r\n boundary=\"X\"\r\n\r\n\
                   --X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello =\r\nAna\r\n\
                   --X\r\nContent-Type: text/calendar; method=PUBLISH\r\nContent-Disposition: attachment; filename=\"a.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\nQkVHSU46VkNBTEVOREFS\r\n\
                   --X--\r\n"
                .into(),
        };
        assert_eq!(mail.header("subject").unwrap(), "Hi there");
        assert_eq!(mail.text().unwrap(), "Hello Ana");
        let ics = mail.ics().unwrap();
        assert_eq!(ics.body, "BEGIN:VCALENDAR");
        assert_eq!(ics.params["method"], "PUBLISH");
        assert_eq!(ics.params["filename"], "a.ics");
    }
}
