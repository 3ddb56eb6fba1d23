//! viva's retry policy, as the tower service that carries every HTTP request async-openai makes.
//!
//! async-openai's own client retries with its `OpenAIRetryLayer`. viva replaces that layer (and
//! the plain `ReqwestService` under it) with [`Transport`], installed with
//! `Client::with_http_service` — the `middleware` feature's hook. async-openai hands the service
//! a replayable `HttpRequestFactory`, so each attempt rebuilds a fresh request:
//!
//! - **attempts**: at most `retries + 1` per call, counted in a [`CallState`] shared with the
//!   caller, which spends the same budget when a 200 carries a body that is not a chat completion
//!   or a stream breaks off (see `endpoint`);
//! - **status mapping**: 2xx is handed to async-openai — a streamed request answered with a
//!   plain JSON completion (a server that ignores `stream: true`) as the one-event stream it
//!   amounts to ([`super::reply::as_event_stream`]); 401/403 ([`CallError::Auth`]), a 404
//!   naming the model ([`CallError::UnknownModel`]), and 400/404/413/422
//!   ([`CallError::BadRequest`], which the structured-output ladder reads) fail at once; 429, 408,
//!   5xx, timeouts and broken connections are retried;
//! - **Retry-After**: a 429's `Retry-After` (seconds) is honoured, capped at `max_wait`;
//! - **jitter**: otherwise `backoff × 2^(attempt-1)`, times a random 0.5–1.5, at most 8 s;
//! - **total deadline**: every attempt's timeout is cut to what is left of the call's deadline
//!   ([`Policy::total`]: `deadline_secs` / `VIVA_DEADLINE`, by default twice the per-attempt
//!   timeout), and a wait that would end past it is not started: the call fails at once with the
//!   last fault. An unresponsive endpoint costs one call at most its deadline, however many
//!   retries are configured.
//!
//! Errors leave the service boxed in `OpenAIError::Boxed` and are unboxed by the caller, so the
//! typed [`CallError`] (host, status, what to fix) reaches the grade's reason. The API key is
//! only ever in the `Authorization` header that async-openai's config adds: no error, log or
//! reply built here carries it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;

use crate::config::file::LlmSettings;

/// Why a call failed, as a user reads it.
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

/// The policy, from the settings.
#[derive(Debug, Clone)]
pub struct Policy {
    pub host: String,
    pub model: String,
    /// One attempt's limit.
    pub timeout: Duration,
    /// The whole call's limit.
    pub deadline: Duration,
    /// Attempts per call (`retries + 1`).
    pub attempts: u32,
    /// First back-off delay.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured.
    pub max_wait: Duration,
    /// Whether an API key is configured (else no bearer header is sent).
    pub has_key: bool,
    /// Credentials in the base URL (`http://user:password@host`), sent as basic auth.
    pub basic: Option<(String, Option<String>)>,
}

/// The longest back-off between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

impl Policy {
    pub fn new(s: &LlmSettings) -> Policy {
        Policy {
            host: s.host(),
            model: s.model.clone(),
            timeout: s.timeout,
            deadline: s.deadline,
            attempts: s.retries.saturating_add(1),
            backoff: s.backoff,
            max_wait: s.max_wait,
            has_key: s.api_key.is_some(),
            basic: reqwest::Url::parse(&s.base_url)
                .ok()
                .filter(|u| !u.username().is_empty() || u.password().is_some())
                .map(|u| (u.username().to_string(), u.password().map(str::to_string))),
        }
    }

    /// The whole call's deadline, retries and waits included (`deadline_secs`, by default twice
    /// one attempt's timeout).
    pub fn total(&self) -> Duration {
        self.deadline
    }

    /// `backoff × 2^(attempt-1)`, ±50 % jitter, at most 8 s.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let base = self.backoff.as_secs_f64() * 2f64.powi(attempt.saturating_sub(1).min(6) as i32);
        let jitter = 0.5 + rand::random::<f64>();
        Duration::from_secs_f64(base * jitter).min(MAX_BACKOFF)
    }
}

/// One call's attempts and deadline, shared by the transport and the caller.
#[derive(Debug)]
pub struct CallState {
    attempts: AtomicU32,
    pub started: Instant,
    pub deadline: Instant,
}

impl CallState {
    pub fn new(policy: &Policy) -> Arc<CallState> {
        let now = Instant::now();
        Arc::new(CallState { attempts: AtomicU32::new(0), started: now, deadline: now + policy.total() })
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::SeqCst)
    }

    fn begin(&self) -> u32 {
        self.attempts.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The wait before the next attempt after a fault the caller saw (a body that is not a chat
    /// completion, a broken stream); `None` when the attempts or the deadline are spent.
    pub fn next_wait(&self, policy: &Policy) -> Option<Duration> {
        let attempt = self.attempts();
        let wait = policy.backoff(attempt);
        (attempt < policy.attempts && wait < self.left()).then_some(wait)
    }

    /// One attempt's limit: the policy's timeout, cut to what is left of the deadline.
    pub fn attempt_timeout(&self, policy: &Policy) -> Duration {
        policy.timeout.min(self.left())
    }
}

/// The tower service under async-openai: sends each attempt with reqwest, as the module doc says.
#[derive(Clone)]
pub struct Transport {
    pub http: reqwest::Client,
    pub policy: Arc<Policy>,
    pub state: Arc<CallState>,
}

type Sent = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = Sent;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Sent {
        let this = self.clone();
        Box::pin(async move { this.send(factory).await.map_err(|e| OpenAIError::Boxed(Box::new(e))) })
    }
}

/// What one attempt came to, when it is worth another.
struct Fault {
    message: String,
    connect: bool,
    retry_after: Option<Duration>,
}

impl Transport {
    async fn send(&self, factory: HttpRequestFactory) -> Result<reqwest::Response, CallError> {
        let (policy, host) = (&*self.policy, self.policy.host.clone());
        let mut only_connect_faults = true;
        loop {
            let attempt = self.state.begin();
            let request = factory.build().await.map_err(|e| CallError::BadRequest {
                host: host.clone(),
                status: 0,
                message: e.to_string(),
            })?;
            let request = self.authorize(request)?;
            let streamed = request
                .body()
                .and_then(|b| b.as_bytes())
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
                .is_some_and(|v| v["stream"] == true);
            let limit = self.state.attempt_timeout(policy);
            let fault = match tokio::time::timeout(limit, self.http.execute(request)).await {
                Err(_) => Fault { message: "timed out".into(), connect: false, retry_after: None },
                Ok(Err(e)) => Fault {
                    message: if e.is_timeout() { "timed out".into() } else { no_answer(&e, &host) },
                    connect: e.is_connect(),
                    retry_after: None,
                },
                Ok(Ok(resp)) => match self.classify(resp, streamed).await? {
                    Ok(resp) => return Ok(resp),
                    Err(fault) => fault,
                },
            };
            only_connect_faults &= fault.connect;
            let wait = fault.retry_after.unwrap_or_else(|| policy.backoff(attempt));
            if attempt >= policy.attempts || wait >= self.state.left() {
                return Err(if only_connect_faults {
                    CallError::Unreachable { host, message: fault.message }
                } else {
                    CallError::GaveUp { host, attempts: attempt, last: fault.message }
                });
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The request's credentials: the API key as a bearer token when one is set (async-openai's
    /// config adds it); otherwise no bearer header, and credentials in the base URL
    /// (`http://user:password@host`) are sent as HTTP basic auth, never in the request line.
    fn authorize(&self, mut request: reqwest::Request) -> Result<reqwest::Request, CallError> {
        if request.url().password().is_some() || !request.url().username().is_empty() {
            let _ = request.url_mut().set_username("");
            let _ = request.url_mut().set_password(None);
        }
        if self.policy.has_key {
            return Ok(request);
        }
        request.headers_mut().remove(reqwest::header::AUTHORIZATION);
        let Some((user, password)) = self.policy.basic.clone() else { return Ok(request) };
        reqwest::RequestBuilder::from_parts(self.http.clone(), request)
            .basic_auth(user, password)
            .build()
            .map_err(|e| CallError::BadRequest { host: self.policy.host.clone(), status: 0, message: e.to_string() })
    }

    /// A response: handed on (2xx), a fault worth another attempt, or a failure.
    async fn classify(
        &self,
        resp: reqwest::Response,
        streamed: bool,
    ) -> Result<Result<reqwest::Response, Fault>, CallError> {
        let status = resp.status().as_u16();
        let event_stream = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.trim_start().starts_with("text/event-stream"));
        if (200..300).contains(&status) && streamed && !event_stream {
            // A server that ignored `stream: true`: its whole reply, read as one event.
            let limit = self.state.attempt_timeout(&self.policy);
            let body = match tokio::time::timeout(limit, resp.text()).await {
                Err(_) => return Ok(Err(Fault { message: "timed out".into(), connect: false, retry_after: None })),
                Ok(Err(e)) => {
                    let message = format!("the reply broke off: {}", e.without_url());
                    return Ok(Err(Fault { message, connect: false, retry_after: None }));
                }
                Ok(Ok(body)) => body,
            };
            let whole = http::Response::builder()
                .status(status)
                .header(reqwest::header::CONTENT_TYPE, "text/event-stream")
                .body(super::reply::as_event_stream(&body))
                .map_err(|e| CallError::BadRequest {
                    host: self.policy.host.clone(),
                    status,
                    message: e.to_string(),
                })?;
            return Ok(Ok(reqwest::Response::from(whole)));
        }
        if (200..300).contains(&status) {
            return Ok(Ok(resp));
        }
        let host = self.policy.host.clone();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite())
            .map(|s| Duration::from_secs_f64(s.clamp(0.0, self.policy.max_wait.as_secs_f64())));
        let limit = self.state.attempt_timeout(&self.policy);
        let text = tokio::time::timeout(limit, resp.text()).await.ok().and_then(Result::ok).unwrap_or_default();
        match status {
            401 | 403 => Err(CallError::Auth { host, status }),
            404 if text.to_lowercase().contains("model") => {
                Err(CallError::UnknownModel { model: self.policy.model.clone(), host, available: Vec::new() })
            }
            400 | 404 | 413 | 422 => Err(CallError::BadRequest { host, status, message: excerpt(&text) }),
            429 => Ok(Err(Fault { message: "rate limited (429)".into(), connect: false, retry_after })),
            _ => Ok(Err(Fault {
                message: format!("HTTP {status}: {}", excerpt(&text)),
                connect: false,
                retry_after: None,
            })),
        }
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
pub fn excerpt(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(200).collect()
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

    fn policy() -> Policy {
        Policy {
            host: "h".into(),
            model: "m".into(),
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(20),
            attempts: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
            has_key: false,
            basic: None,
        }
    }

    #[test]
    fn back_off_doubles_with_jitter_and_is_capped() {
        let p = policy();
        for _ in 0..50 {
            let first = p.backoff(1).as_secs_f64();
            assert!((0.25..=0.75).contains(&first), "{first}");
            let third = p.backoff(3).as_secs_f64();
            assert!((1.0..=3.0).contains(&third), "{third}");
            assert!(p.backoff(20) <= MAX_BACKOFF);
        }
    }

    #[test]
    fn the_caller_retries_only_within_the_attempts_and_the_deadline() {
        let p = policy();
        let state = CallState::new(&p);
        assert_eq!(state.deadline - state.started, Duration::from_secs(20), "the policy's deadline");
        state.begin();
        assert!(state.next_wait(&p).is_some());
        state.begin();
        state.begin();
        assert!(state.next_wait(&p).is_none(), "three attempts spent");
        let mut short = policy();
        short.timeout = Duration::from_millis(1);
        short.deadline = Duration::from_millis(2);
        let state = CallState::new(&short);
        state.begin();
        assert!(state.next_wait(&short).is_none(), "a wait past the deadline is not started");
    }
}
