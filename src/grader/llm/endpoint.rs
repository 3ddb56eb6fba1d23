//! The OpenAI-compatible endpoint, through async-openai: typed chat-completion requests in,
//! replies read leniently out, with viva's retry policy underneath ([`super::retry`]).
//!
//! Replies use async-openai's `byot` methods with viva's own response types: local servers
//! (llama.cpp, Ollama, vLLM, LM Studio) leave out fields the typed response requires (`id`,
//! `created`, `object`), and only `choices[0].message.content`, `finish_reason` and `usage` are
//! read. Streams are async-openai's SSE parsing (`eventsource-stream`); a stream that ends
//! without a `finish_reason` broke off and counts as a failed attempt, like a 200 whose body
//! is not a chat completion.
//!
//! A call is a future: dropping it (a cancel, a deadline) drops the connection at once, so
//! nothing more is generated or billed for it.

use std::sync::Arc;
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::CreateChatCompletionRequest;
use futures_util::StreamExt;
use serde::Deserialize;

use super::retry::{CallError, CallState, Policy, Transport};
use crate::config::file::LlmSettings;

/// Token counts the endpoint reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    #[serde(default)]
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

/// What a streaming call reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEvent<'a> {
    /// More content.
    Delta(&'a str),
    /// The stream broke and is being retried: discard what was shown.
    Restart,
}

/// Receives a streaming call's events (sent across threads by the grading service).
pub type OnEvent<'a> = &'a mut (dyn FnMut(StreamEvent<'_>) + Send);

/// Lends an optional event receiver for one call.
pub fn reborrow<'b>(on_event: &'b mut Option<OnEvent<'_>>) -> Option<OnEvent<'b>> {
    match on_event {
        Some(f) => Some(&mut **f),
        None => None,
    }
}

/// A chat completion, as much of it as viva reads.
#[derive(Debug, Deserialize)]
struct Completion {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
}

/// One chunk of a streamed completion.
#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<Message>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ModelEntry {
    id: String,
}

/// One attempt's failure as the caller sees it.
enum Failed {
    /// Worth another attempt (within the call's budget): the message says what was wrong.
    Again(String),
    /// Final.
    Fatal(CallError),
}

/// Installs the TLS crypto provider once (reqwest's `rustls-no-provider` needs one, even for http).
fn crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// An endpoint and model, with the settings they were resolved from.
pub struct Endpoint {
    http: reqwest::Client,
    config: OpenAIConfig,
    policy: Arc<Policy>,
    settings: LlmSettings,
}

impl Endpoint {
    pub fn new(settings: LlmSettings) -> Result<Endpoint, CallError> {
        crypto();
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| CallError::Unreachable { host: settings.host(), message: e.to_string() })?;
        let key = settings.api_key.as_ref().map_or("", |k| k.expose());
        let config = OpenAIConfig::new().with_api_base(settings.base_url.clone()).with_api_key(key);
        Ok(Endpoint { http, config, policy: Arc::new(Policy::new(&settings)), settings })
    }

    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// An async-openai client whose HTTP goes through viva's [`Transport`] for one call.
    fn client(&self, state: Arc<CallState>) -> async_openai::Client<OpenAIConfig> {
        let transport = Transport { http: self.http.clone(), policy: self.policy.clone(), state };
        async_openai::Client::build(self.http.clone(), self.config.clone()).with_http_service(transport)
    }

    /// The models the endpoint lists (`GET /models`), empty when it lists none or cannot be asked.
    pub async fn models(&self) -> Vec<String> {
        self.list_models().await.unwrap_or_default()
    }

    /// The models the endpoint lists (`GET /models`, through async-openai's `model` API), or why
    /// it could not be asked, in words: a failed DNS lookup, a refused connection, a timeout, an
    /// HTTP status, a body that is not a model list.
    pub async fn list_models(&self) -> Result<Vec<String>, String> {
        let client = self.client(CallState::new(&self.policy));
        let host = &self.policy.host;
        match client.models().list_byot::<serde_json::Value>().await {
            Ok(v) => {
                let list = v["data"]
                    .as_array()
                    .ok_or_else(|| "GET /models answered JSON without a `data` list".to_string())?;
                Ok(list
                    .iter()
                    .filter_map(|m| serde_json::from_value::<ModelEntry>(m.clone()).ok())
                    .map(|m| m.id)
                    .collect())
            }
            Err(OpenAIError::JSONDeserialize(_, body)) => {
                Err(format!("GET /models answered something that is not JSON: {}", super::retry::excerpt(&body)))
            }
            Err(OpenAIError::Boxed(b)) => Err(match b.downcast::<CallError>().map(|e| *e) {
                Ok(CallError::BadRequest { status, message, .. }) => {
                    format!("GET /models answered {status}: {message}")
                }
                Ok(CallError::UnknownModel { .. }) => "GET /models answered 404".to_string(),
                Ok(CallError::GaveUp { last, .. }) if last == "timed out" => {
                    format!("{host} did not answer within {}", crate::ui::duration(self.policy.timeout.as_secs_f64()))
                }
                Ok(CallError::GaveUp { last, .. }) => format!("GET /models failed: {last}"),
                Ok(CallError::Unreachable { message, .. }) => message,
                Ok(other) => other.to_string(),
                Err(other) => other.to_string(),
            }),
            Err(other) => Err(format!("GET /models failed: {other}")),
        }
    }

    /// Sends `request`; with `on_event`, streams it and hands over each piece as it arrives.
    /// Retries as [`super::retry`] says; the reply's `attempts` counts every attempt made.
    pub async fn chat(
        &self,
        request: &CreateChatCompletionRequest,
        mut on_event: Option<OnEvent<'_>>,
    ) -> Result<Reply, CallError> {
        let state = CallState::new(&self.policy);
        let client = self.client(state.clone());
        let mut shown = false;
        loop {
            let outcome = match reborrow(&mut on_event) {
                None => self.unary(&client, request, &state).await,
                Some(callback) => {
                    if shown {
                        callback(StreamEvent::Restart);
                        shown = false;
                    }
                    self.streamed(&client, request, &state, callback, &mut shown).await
                }
            };
            let message = match outcome {
                Ok((content, finish_reason, usage)) => {
                    return Ok(Reply {
                        content,
                        finish_reason,
                        usage,
                        attempts: state.attempts().max(1),
                        latency: state.started.elapsed(),
                    });
                }
                Err(Failed::Fatal(CallError::UnknownModel { model, host, .. })) => {
                    return Err(CallError::UnknownModel { model, host, available: self.models().await });
                }
                Err(Failed::Fatal(e)) => return Err(e),
                Err(Failed::Again(message)) => message,
            };
            match state.next_wait(&self.policy) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return Err(CallError::Malformed { host: self.policy.host.clone(), message }),
            }
        }
    }

    async fn unary(
        &self,
        client: &async_openai::Client<OpenAIConfig>,
        request: &CreateChatCompletionRequest,
        state: &CallState,
    ) -> Result<(String, Option<String>, Option<Usage>), Failed> {
        let limit = state.attempt_timeout(&self.policy) + Duration::from_millis(50);
        let sent = tokio::time::timeout(limit, client.chat().create_byot::<_, Completion>(request)).await;
        let completion = match sent {
            Err(_) => return Err(Failed::Again("timed out reading the reply".into())),
            Ok(result) => result.map_err(|e| self.failed(e))?,
        };
        let choice = completion.choices.into_iter().next().ok_or_else(|| Failed::Again("no `choices`".into()))?;
        let content = choice
            .message
            .and_then(|m| m.content)
            .ok_or_else(|| Failed::Again("no `choices[0].message.content`".into()))?;
        Ok((content, choice.finish_reason, completion.usage))
    }

    async fn streamed(
        &self,
        client: &async_openai::Client<OpenAIConfig>,
        request: &CreateChatCompletionRequest,
        state: &CallState,
        on_event: &mut (dyn FnMut(StreamEvent<'_>) + Send),
        shown: &mut bool,
    ) -> Result<(String, Option<String>, Option<Usage>), Failed> {
        let mut stream = client.chat().create_stream_byot::<_, Chunk>(request).await.map_err(|e| self.failed(e))?;
        let (mut content, mut finish_reason, mut usage) = (String::new(), None, None);
        loop {
            // Each piece must come within one attempt's timeout (cut to the call's deadline).
            let limit = state.attempt_timeout(&self.policy).max(Duration::from_millis(1));
            let next = match tokio::time::timeout(limit, stream.next()).await {
                Err(_) => return Err(Failed::Again("the stream stalled (timed out)".into())),
                Ok(next) => next,
            };
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| match self.failed(e) {
                Failed::Again(m) => Failed::Again(format!("a stream chunk is not a chat completion chunk ({m})")),
                fatal => fatal,
            })?;
            for choice in chunk.choices.into_iter().take(1) {
                if let Some(delta) = choice.delta.and_then(|d| d.content).filter(|d| !d.is_empty()) {
                    content.push_str(&delta);
                    on_event(StreamEvent::Delta(&delta));
                    *shown = true;
                }
                if choice.finish_reason.is_some() {
                    finish_reason = choice.finish_reason;
                }
            }
            if chunk.usage.is_some() {
                usage = chunk.usage;
            }
        }
        if finish_reason.is_none() {
            return Err(Failed::Again("the stream ended before [DONE] (no finish_reason)".into()));
        }
        Ok((content, finish_reason, usage))
    }

    /// An async-openai error as viva reads it: the transport's own errors unboxed, a body that is
    /// not a chat completion worth another attempt.
    fn failed(&self, e: OpenAIError) -> Failed {
        match e {
            OpenAIError::Boxed(b) => match b.downcast::<CallError>() {
                Ok(call) => Failed::Fatal(*call),
                Err(other) => {
                    Failed::Fatal(CallError::Unreachable { host: self.policy.host.clone(), message: other.to_string() })
                }
            },
            OpenAIError::JSONDeserialize(err, _) => Failed::Again(format!("invalid JSON ({err})")),
            OpenAIError::StreamError(err) => Failed::Again(format!("the stream broke: {err}")),
            OpenAIError::Reqwest(err) => Failed::Again(format!("the reply broke off: {}", err.without_url())),
            other => Failed::Again(other.to_string()),
        }
    }
}
