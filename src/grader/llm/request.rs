//! The one request builder: every call the LLM grader makes (grade, follow-up, improve,
//! re-check) is a [`Call`] — its kind, messages, reply schema and token limit — built into a
//! typed async-openai request here, and sent down the structured-output ladder:
//!
//! JSON schema (strict, the call's own schema) → JSON object mode → prompted JSON (no
//! `response_format`; the prompt describes the shape and the reply is read tolerantly).
//!
//! When the endpoint rejects a level (400/404/413/422), the call steps down and the level that
//! then works is remembered per endpoint and model — for every call kind, and across runs when
//! a file is given — so each rejected level costs one request, once.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, CreateChatCompletionRequest, ResponseFormat,
    ResponseFormatJsonSchema,
};
use serde_json::Value;

use super::endpoint::{Endpoint, OnEvent, Reply, reborrow};
use super::retry::CallError;

/// How the reply's shape is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    JsonSchema,
    JsonObject,
    Prompted,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::JsonSchema, Level::JsonObject, Level::Prompted];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::JsonSchema => "json_schema",
            Level::JsonObject => "json_object",
            Level::Prompted => "prompted",
        }
    }

    fn lower(self) -> Option<Level> {
        match self {
            Level::JsonSchema => Some(Level::JsonObject),
            Level::JsonObject => Some(Level::Prompted),
            Level::Prompted => None,
        }
    }
}

/// What a call is for: names its schema, and is recorded in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Grade,
    FollowUp,
    Improve,
    Recheck,
    /// A proposed answer key (`viva bank keypoints`).
    Keypoints,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Grade => "grade",
            Kind::FollowUp => "followup",
            Kind::Improve => "improve",
            Kind::Recheck => "recheck",
            Kind::Keypoints => "keypoints",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    System(String),
    User(String),
    Assistant(String),
}

impl Msg {
    fn typed(&self) -> ChatCompletionRequestMessage {
        match self {
            Msg::System(t) => ChatCompletionRequestSystemMessage::from(t.as_str()).into(),
            Msg::User(t) => ChatCompletionRequestUserMessage::from(t.as_str()).into(),
            Msg::Assistant(t) => ChatCompletionRequestAssistantMessage::from(t.as_str()).into(),
        }
    }
}

/// One call: what it is for, what it says, the shape of its reply, and its token limit.
#[derive(Debug, Clone)]
pub struct Call {
    pub kind: Kind,
    pub messages: Vec<Msg>,
    pub schema: Value,
    pub max_tokens: u32,
}

/// The endpoint with its ladder.
pub struct Requests {
    endpoint: Endpoint,
    /// The level that works, per endpoint + model.
    levels: Mutex<HashMap<String, Level>>,
    /// Where the levels are remembered between runs (a small JSON file).
    file: Option<PathBuf>,
}

impl Requests {
    pub fn new(endpoint: Endpoint) -> Requests {
        Requests { endpoint, levels: Mutex::new(HashMap::new()), file: None }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Remembers the working level per endpoint and model in `path`, across runs.
    pub fn remember_in(mut self, path: PathBuf) -> Requests {
        let known: HashMap<String, String> =
            std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let levels = known
            .into_iter()
            .filter_map(|(k, v)| Some((k, Level::ALL.into_iter().find(|l| l.as_str() == v)?)))
            .collect();
        self.levels = Mutex::new(levels);
        self.file = Some(path);
        self
    }

    fn key(&self) -> String {
        let s = self.endpoint.settings();
        format!("{} {}", s.shown_url(), s.model)
    }

    /// The level used for this endpoint and model.
    pub fn level(&self) -> Level {
        self.levels.lock().ok().and_then(|l| l.get(&self.key()).copied()).unwrap_or(Level::JsonSchema)
    }

    fn remember(&self, level: Level) {
        let Ok(mut l) = self.levels.lock() else { return };
        if l.insert(self.key(), level) == Some(level) {
            return;
        }
        if let Some(path) = &self.file {
            let map: BTreeMap<&String, &str> = l.iter().map(|(k, v)| (k, v.as_str())).collect();
            if let Ok(json) = serde_json::to_vec_pretty(&map) {
                let _ = path.parent().map(std::fs::create_dir_all);
                // Losing this cache only costs one rejected request next time.
                let _ = crate::transcript::store::write_atomic(path, &json);
            }
        }
    }

    /// The typed request for `call` at `level`.
    pub fn build(&self, call: &Call, level: Level, stream: bool) -> CreateChatCompletionRequest {
        let s = self.endpoint.settings();
        let response_format = match level {
            Level::JsonSchema => Some(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: call.kind.name().into(),
                    schema: call.schema.clone(),
                    strict: Some(true),
                },
            }),
            Level::JsonObject => Some(ResponseFormat::JsonObject),
            Level::Prompted => None,
        };
        #[allow(deprecated)]
        CreateChatCompletionRequest {
            model: s.model.clone(),
            messages: call.messages.iter().map(Msg::typed).collect(),
            temperature: Some(s.temperature),
            // `max_tokens`, not `max_completion_tokens`: what every local server reads.
            max_tokens: Some(call.max_tokens),
            response_format,
            stream: stream.then_some(true),
            stream_options: stream
                .then_some(ChatCompletionStreamOptions { include_usage: Some(true), include_obfuscation: None }),
            ..Default::default()
        }
    }

    /// Sends `call` down the ladder from the remembered level; streams with `on_event`.
    pub async fn send(&self, call: &Call, mut on_event: Option<OnEvent<'_>>) -> Result<(Reply, Level), CallError> {
        let mut level = self.level();
        let mut stepped = false;
        loop {
            let request = self.build(call, level, on_event.is_some());
            match self.endpoint.chat(&request, reborrow(&mut on_event)).await {
                Err(CallError::BadRequest { .. }) if level.lower().is_some() => {
                    level = level.lower().unwrap_or(Level::Prompted);
                    stepped = true;
                }
                other => {
                    if stepped && !matches!(other, Err(CallError::BadRequest { .. })) {
                        self.remember(level);
                    }
                    return other.map(|r| (r, level));
                }
            }
        }
    }
}
