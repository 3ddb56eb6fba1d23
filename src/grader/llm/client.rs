//! A minimal OpenAI-compatible chat-completions client with viva's own retry policy:
//! 429 honours `Retry-After` (capped), 5xx, timeouts and broken connections retry with jittered
//! exponential back-off, 401/403 and an unknown model fail at once with a clear message.
//! Replies are read leniently (any server that returns `choices[0].message.content`).
//! The key goes only into the `Authorization` header: no error, log or reply carries it.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::file::LlmSettings;

/// Token counts the endpoint reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// A successful reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub content: String,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub attempts: u32,
    pub latency: Duration,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    #[error(
        "{host} refused the request ({status}): check the API key (OPENAI_API_KEY or `api_key` in `viva config path`)"
    )]
    Auth { host: String, status: u16 },
    #[error("model `{model}` is not served by {host}{}", if available.is_empty() { String::new() } else { format!("; it serves: {}", available.join(", ")) })]
    UnknownModel { model: String, host: String, available: Vec<String> },
    #[error("{host} rejected the request ({status}): {message}")]
    BadRequest { host: String, status: u16, message: String },
    #[error("{host} kept failing after {attempts} attempts: {last}")]
    GaveUp { host: String, attempts: u32, last: String },
    #[error("cannot reach {host}: {message}")]
    Unreachable { host: String, message: String },
    #[error("{host} sent a reply that is not a chat completion: {message}")]
    Malformed { host: String, message: String },
}

pub struct Client {
    http: reqwest::blocking::Client,
    settings: LlmSettings,
}

/// Installs the TLS crypto provider once (reqwest's `rustls-no-provider` needs one, even for http).
fn crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Client {
    pub fn new(settings: LlmSettings) -> Result<Client, CallError> {
        crypto();
        let http = reqwest::blocking::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| CallError::Unreachable { host: settings.host(), message: e.to_string() })?;
        Ok(Client { http, settings })
    }

    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::blocking::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{path}", self.settings.base_url));
        if let Some(key) = &self.settings.api_key {
            r = r.bearer_auth(key.expose());
        }
        r
    }

    /// The models the endpoint lists (`GET /models`), empty when it lists none or cannot be asked.
    pub fn models(&self) -> Vec<String> {
        self.list_models().unwrap_or_default()
    }

    /// The models the endpoint lists (`GET /models`), or why it could not be asked, in words:
    /// a failed DNS lookup, a refused connection, a timeout, an HTTP status, a body that is not
    /// a model list.
    pub fn list_models(&self) -> Result<Vec<String>, String> {
        let host = self.settings.host();
        let resp = self.request(reqwest::Method::GET, "/models").send().map_err(|e| {
            if e.is_timeout() {
                format!("{host} did not answer within {}", crate::ui::duration(self.settings.timeout.as_secs_f64()))
            } else {
                no_answer(&e, &host)
            }
        })?;
        let status = resp.status().as_u16();
        let text = resp.text().map_err(|e| no_answer(&e, &host))?;
        if !(200..300).contains(&status) {
            return Err(format!("GET /models answered {status}: {}", excerpt(&text)));
        }
        let v: Value = serde_json::from_str(&text)
            .map_err(|_| format!("GET /models answered something that is not JSON: {}", excerpt(&text)))?;
        let list = v["data"].as_array().ok_or_else(|| "GET /models answered JSON without a `data` list".to_string())?;
        Ok(list.iter().filter_map(|m| m["id"].as_str().map(str::to_string)).collect())
    }

    /// Posts a chat-completions request, retrying as the module doc says.
    pub fn chat(&self, body: &Value) -> Result<Reply, CallError> {
        self.send(body, None)
    }

    /// Like [`Client::chat`], but streams: `on_event` sees each piece of content as it arrives
    /// (and `Restart` when a broken stream is retried). A stream that ends before `[DONE]` counts
    /// as a failed attempt.
    pub fn chat_stream(&self, body: &Value, on_event: &mut dyn FnMut(StreamEvent<'_>)) -> Result<Reply, CallError> {
        let mut body = body.clone();
        body["stream"] = Value::Bool(true);
        body["stream_options"] = serde_json::json!({"include_usage": true});
        self.send(&body, Some(on_event))
    }

    fn send(&self, body: &Value, mut on_event: Option<&mut dyn FnMut(StreamEvent<'_>)>) -> Result<Reply, CallError> {
        let host = self.settings.host();
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last_try = attempt > self.settings.retries;
            let outcome = self.request(reqwest::Method::POST, "/chat/completions").json(body).send();
            let wait = match outcome {
                Err(e) => {
                    let message = if e.is_timeout() { "timed out".to_string() } else { no_answer(&e, &host) };
                    if last_try {
                        return Err(if attempt == 1 && e.is_connect() {
                            CallError::Unreachable { host, message }
                        } else {
                            CallError::GaveUp { host, attempts: attempt, last: message }
                        });
                    }
                    self.backoff(attempt)
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .filter(|s| s.is_finite());
                    // A success is read as a stream or as one body; anything else as an error body.
                    let (parsed, text) = if (200..300).contains(&status) {
                        let parsed = match on_event.as_deref_mut() {
                            Some(callback) => {
                                if attempt > 1 {
                                    callback(StreamEvent::Restart);
                                }
                                read_stream(resp, callback)
                            }
                            None => parse_reply(&resp.text().unwrap_or_default()),
                        };
                        (Some(parsed), String::new())
                    } else {
                        (None, resp.text().unwrap_or_default())
                    };
                    match (status, parsed) {
                        (_, Some(Ok((content, finish_reason, usage)))) => {
                            return Ok(Reply {
                                content,
                                finish_reason,
                                usage,
                                attempts: attempt,
                                latency: started.elapsed(),
                            });
                        }
                        (_, Some(Err(message))) if last_try => return Err(CallError::Malformed { host, message }),
                        (_, Some(Err(_))) => self.backoff(attempt),
                        (401 | 403, _) => return Err(CallError::Auth { host, status }),
                        (404, _) if text.to_lowercase().contains("model") => {
                            return Err(CallError::UnknownModel {
                                model: self.settings.model.clone(),
                                host,
                                available: self.models(),
                            });
                        }
                        (400 | 404 | 413 | 422, _) => {
                            return Err(CallError::BadRequest { host, status, message: excerpt(&text) });
                        }
                        (429, _) => {
                            if last_try {
                                return Err(CallError::GaveUp {
                                    host,
                                    attempts: attempt,
                                    last: "rate limited (429)".into(),
                                });
                            }
                            retry_after.map_or_else(
                                || self.backoff(attempt),
                                |s| Duration::from_secs_f64(s.clamp(0.0, self.settings.max_wait.as_secs_f64())),
                            )
                        }
                        _ => {
                            if last_try {
                                return Err(CallError::GaveUp {
                                    host,
                                    attempts: attempt,
                                    last: format!("HTTP {status}: {}", excerpt(&text)),
                                });
                            }
                            self.backoff(attempt)
                        }
                    }
                }
            };
            std::thread::sleep(wait);
        }
    }

    /// `backoff × 2^(attempt-1)`, ±50 % jitter, at most 8 s.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff.as_secs_f64() * 2f64.powi(attempt.saturating_sub(1).min(6) as i32);
        let jitter = 0.5 + rand::random::<f64>();
        Duration::from_secs_f64((base * jitter).min(8.0))
    }
}

/// Why a request got no HTTP answer, said plainly: a DNS failure is named as one (reqwest
/// reports it as a connect error whose cause chain says "dns error" or "failed to lookup
/// address"), and so is a refused connection; anything else is the innermost cause.
pub(crate) fn no_answer(e: &dyn std::error::Error, host: &str) -> String {
    let mut chain = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        chain.push(err.to_string().to_lowercase());
        cur = err.source();
    }
    let said = |needles: &[&str]| chain.iter().any(|m| needles.iter().any(|n| m.contains(n)));
    let root = root_cause(e);
    let name = host.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map_or(host, |(name, _)| name);
    if said(&[
        "dns error", "failed to lookup address", "name or service not known", "temporary failure in name resolution",
        "no address associated", "nodename nor servname", "no such host",
    ]) {
        format!("DNS lookup of `{name}` failed ({root}): check the host in the base URL, or the network")
    } else if said(&["connection refused"]) {
        format!("{host} refused the connection: is the server running? ({root})")
    } else {
        root
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The first 200 characters of an error body, on one line.
fn excerpt(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(200).collect()
}

/// What a streaming call reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEvent<'a> {
    /// More content.
    Delta(&'a str),
    /// The stream broke and is being retried: discard what was shown.
    Restart,
}

/// Reads a server-sent-events chat stream: `data: {chunk}` lines until `data: [DONE]`.
fn read_stream(
    resp: reqwest::blocking::Response,
    on_event: &mut dyn FnMut(StreamEvent<'_>),
) -> Result<(String, Option<String>, Option<Usage>), String> {
    use std::io::BufRead;
    let mut content = String::new();
    let (mut finish_reason, mut usage) = (None, None);
    for line in std::io::BufReader::new(resp).lines() {
        let line = line.map_err(|e| format!("the stream broke: {e}"))?;
        let Some(data) = line.strip_prefix("data:").map(str::trim) else { continue };
        if data == "[DONE]" {
            return Ok((content, finish_reason, usage));
        }
        let chunk: Value = serde_json::from_str(data).map_err(|e| format!("a stream chunk is not JSON ({e})"))?;
        if let Some(choice) = chunk["choices"].get(0) {
            if let Some(delta) = choice["delta"]["content"].as_str() {
                content.push_str(delta);
                on_event(StreamEvent::Delta(delta));
            }
            if let Some(f) = choice["finish_reason"].as_str() {
                finish_reason = Some(f.to_string());
            }
        }
        if let Some(u) = chunk.get("usage").filter(|u| u.is_object()) {
            usage = u["prompt_tokens"]
                .as_u64()
                .map(|p| Usage { prompt_tokens: p, completion_tokens: u["completion_tokens"].as_u64().unwrap_or(0) });
        }
    }
    Err("the stream ended before [DONE]".into())
}

/// `(content, finish_reason, usage)` from a chat-completions body; lenient about everything else.
pub fn parse_reply(text: &str) -> Result<(String, Option<String>, Option<Usage>), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON ({e})"))?;
    let choice = v["choices"].get(0).ok_or("no `choices`")?;
    let content = choice["message"]["content"].as_str().ok_or("no `choices[0].message.content`")?.to_string();
    let finish_reason = choice["finish_reason"].as_str().map(str::to_string);
    let usage = v.get("usage").and_then(|u| {
        Some(Usage {
            prompt_tokens: u["prompt_tokens"].as_u64()?,
            completion_tokens: u["completion_tokens"].as_u64().unwrap_or(0),
        })
    });
    Ok((content, finish_reason, usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a cause, as reqwest nests hyper's and the resolver's.
    #[derive(Debug)]
    struct Wrapped(&'static str, Option<Box<Wrapped>>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    fn chain(messages: &[&'static str]) -> Wrapped {
        messages.iter().rev().fold(None, |inner, m| Some(Wrapped(m, inner.map(Box::new)))).unwrap()
    }

    #[test]
    fn a_dns_failure_is_called_one_and_so_is_a_refused_connection() {
        let dns = chain(&[
            "error sending request for url (http://llm.example.invalid:8080/v1/models)",
            "client error (Connect)",
            "dns error",
            "failed to lookup address information: Name or service not known",
        ]);
        assert_eq!(
            no_answer(&dns, "llm.example.invalid:8080"),
            "DNS lookup of `llm.example.invalid` failed (failed to lookup address information: Name or service not known): check the host in the base URL, or the network"
        );
        let refused = chain(&["error sending request", "client error (Connect)", "Connection refused (os error 111)"]);
        assert_eq!(
            no_answer(&refused, "127.0.0.1:9"),
            "127.0.0.1:9 refused the connection: is the server running? (Connection refused (os error 111))"
        );
        assert_eq!(no_answer(&chain(&["outer", "tls handshake eof"]), "h"), "tls handshake eof");
    }
}
