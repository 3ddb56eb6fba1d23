//! A local fake of an OpenAI-compatible chat-completions server, started by the tests: it
//! records every request and answers from a script, faults included (status codes,
//! `Retry-After`, delays, broken or truncated bodies, dropped connections).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

/// What the server does with one request.
pub enum Reply {
    Status {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    Delay(Duration, Box<Reply>),
    /// Close the connection without answering.
    Drop,
}

pub fn ok(body: String) -> Reply {
    Reply::Status { status: 200, headers: vec![], body }
}

pub fn status(status: u16, body: &str) -> Reply {
    Reply::Status { status, headers: vec![], body: body.to_string() }
}

/// A chat completion whose message content is `content` (lenient: no id, object or created).
pub fn completion(content: &str, finish: &str) -> String {
    serde_json::json!({
        "choices": [{"message": {"content": content}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 321, "completion_tokens": 54}
    })
    .to_string()
}

/// A valid checklist reply in the schema's shape: depth and clarity (0–2 each), and the verdicts
/// given as `(key point number, status, quote)`; points not named are left out (read as missed).
pub fn grading(depth: u32, clarity: u32, points: &[(usize, &str, &str)]) -> String {
    let points: Vec<_> = points
        .iter()
        .map(|(id, status, quote)| serde_json::json!({"id": id, "status": status, "quote": quote}))
        .collect();
    serde_json::json!({
        "points": points, "misconceptions": [],
        "depth": {"score": depth, "feedback": "ok"}, "clarity": {"score": clarity, "feedback": "ok"},
        "feedback": "Fine.", "injection": false
    })
    .to_string()
}

/// A checklist reply to `request` that covers every key point it lists, quoting the first words
/// of the candidate's answer (as a model would that says "ten"), depth and clarity in full.
pub fn covering(request: &Recorded) -> String {
    let body = request.json();
    let user = body["messages"].as_array().and_then(|m| m.last()).and_then(|m| m["content"].as_str()).unwrap_or("");
    let points = user.split("## Key points").nth(1).and_then(|s| s.split("\n## ").next()).map_or(0, |s| {
        s.lines().filter(|l| l.split_once(". ").is_some_and(|(n, _)| n.parse::<usize>().is_ok())).count()
    });
    let marker = user.lines().find(|l| l.starts_with("<<<ANSWER-")).unwrap_or("");
    let answer = user.split(&format!("\n{marker}\n")).nth(1).unwrap_or("").trim();
    let quote: String = answer.split_whitespace().take(5).collect::<Vec<_>>().join(" ");
    let verdicts: Vec<(usize, &str, &str)> = (1..=points).map(|i| (i, "covered", quote.as_str())).collect();
    grading(2, 2, &verdicts)
}

/// A streamed (SSE) reply carrying `content` in `pieces` deltas; `done` ends it properly.
pub fn sse(content: &str, pieces: usize, done: bool) -> String {
    let chars: Vec<char> = content.chars().collect();
    let size = chars.len().div_ceil(pieces);
    let mut out = String::new();
    for chunk in chars.chunks(size) {
        let piece: String = chunk.iter().collect();
        let event = serde_json::json!({"choices": [{"delta": {"content": piece}, "finish_reason": null}]});
        out.push_str(&format!("data: {event}\n\n"));
    }
    if done {
        out.push_str("data: {\"choices\": [{\"delta\": {}, \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": 300, \"completion_tokens\": 40}}\n\ndata: [DONE]\n\n");
    }
    out
}

pub struct FakeLlm {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

type Script = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

impl FakeLlm {
    /// Starts the server; `script(n, request)` answers the n-th request (0-based).
    pub fn start(script: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> FakeLlm {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let recorded = recorded.clone();
                let script = script.clone();
                std::thread::spawn(move || serve(stream, &recorded, &*script));
            }
        });
        FakeLlm { url, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// Chat requests only (not `GET /models`).
    pub fn chats(&self) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path.ends_with("/chat/completions")).collect()
    }
}

fn serve(stream: std::net::TcpStream, recorded: &Mutex<Vec<Recorded>>, script: &Script) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let req = Recorded { method, path, headers, body: String::from_utf8_lossy(&body).into_owned() };
    let n = {
        let mut all = recorded.lock().unwrap();
        all.push(req.clone());
        all.len() - 1
    };
    let mut reply = script(n, &req);
    let mut stream = stream;
    loop {
        match reply {
            Reply::Delay(d, next) => {
                std::thread::sleep(d);
                reply = *next;
            }
            Reply::Drop => return,
            Reply::Status { status, headers, body } => {
                // An event stream is served as one, as real servers do.
                let kind = if body.starts_with("data:") { "text/event-stream" } else { "application/json" };
                let mut out = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&body);
                let _ = stream.write_all(out.as_bytes());
                let _ = stream.flush();
                return;
            }
        }
    }
}
