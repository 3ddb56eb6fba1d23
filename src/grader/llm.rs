//! The LLM grader: the question, its reference answer and key points, and the candidate's
//! answer (fenced with a random per-request marker) go to an OpenAI-compatible endpoint; the
//! reply is a rubric score, validated in code.
//!
//! - Cheap checks first, without spending tokens: empty, "I don't know", punctuation only,
//!   grader "master key" openers, the question echoed back, another question's reference
//!   pasted in — graded by the offline grader's checks.
//! - Structured output with a ladder: JSON schema (strict) → JSON object mode → prompted JSON,
//!   stepping down when the endpoint rejects a level (remembered per endpoint and model); an
//!   invalid reply gets one repair retry; still invalid → `pending` with the reason.
//! - Validation holds whatever the model says: scores in range, evidence quoted from the
//!   answer, and an answer flagged as an injection attempt, a keyword list or off-topic (an
//!   answer to another question) never scores above its offline score (which caps an injection
//!   attempt at 4 and a keyword list at 2); one only the model calls an injection, 2 above it.
//! - Nothing is lost: every failure is a `pending` grade with its reason, completed later by
//!   `viva resume`.

pub mod client;
pub mod propose;
pub mod reply;

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::offline::OfflineGrader;
use super::prompt::{FollowUpContext, GradeContext, Prompts};
use super::{Grade, GradeStatus, Grader, GraderInfo, Provenance, tokens};
use crate::bank::Question;
use client::{CallError, Client};

/// How the reply's shape is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    JsonSchema,
    JsonObject,
    Prompted,
}

impl Level {
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

/// Flags that mean the offline checks grade the answer without a call.
const PRE_CHECK: &[&str] = &["empty", "dont-know", "echo", "copied-reference"];
/// Flags that cap the model's score near the answer's substance.
/// A contradiction or a misconception found offline is never lifted by the model either.
const ADVERSARIAL: &[&str] = &["injection", "keyword-stuffing", "off-topic", "contradiction", "misconception"];

/// What one call cost.
struct CallFacts {
    prompt_tokens: u64,
    completion_tokens: u64,
    counted: bool,
    cost: Option<f64>,
    truncated: Option<(usize, usize)>,
    latency_ms: u64,
    attempts: u32,
}

pub struct LlmGrader {
    client: Client,
    /// Estimated USD spent by this grader (a session).
    spent: Mutex<f64>,
    prompts: Prompts,
    offline: OfflineGrader,
    /// The level that works, per endpoint + model.
    levels: Mutex<HashMap<String, Level>>,
    /// Where the levels are remembered between runs (a small JSON file).
    levels_file: Option<std::path::PathBuf>,
}

impl LlmGrader {
    pub fn new(client: Client, prompts: Prompts, bank: &[Question]) -> LlmGrader {
        tokens::warm_up(&client.settings().model);
        LlmGrader {
            client,
            spent: Mutex::new(0.0),
            prompts,
            offline: OfflineGrader::new(bank),
            levels: Mutex::new(HashMap::new()),
            levels_file: None,
        }
    }

    /// Remembers the working structured-output level per endpoint and model in `path`, across runs.
    pub fn remember_levels_in(mut self, path: std::path::PathBuf) -> LlmGrader {
        let known: HashMap<String, String> =
            std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let levels = known
            .into_iter()
            .filter_map(|(k, v)| {
                let level =
                    [Level::JsonSchema, Level::JsonObject, Level::Prompted].into_iter().find(|l| l.as_str() == v)?;
                Some((k, level))
            })
            .collect();
        self.levels = Mutex::new(levels);
        self.levels_file = Some(path);
        self
    }

    fn level_key(&self) -> String {
        format!("{} {}", self.client.settings().shown_url(), self.client.settings().model)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The structured-output level currently used for this endpoint and model.
    pub fn level(&self) -> Level {
        self.levels.lock().ok().and_then(|l| l.get(&self.level_key()).copied()).unwrap_or(Level::JsonSchema)
    }

    fn set_level(&self, level: Level) {
        let Ok(mut l) = self.levels.lock() else { return };
        l.insert(self.level_key(), level);
        if let Some(path) = &self.levels_file {
            let map: std::collections::BTreeMap<&String, &str> = l.iter().map(|(k, v)| (k, v.as_str())).collect();
            if let Ok(json) = serde_json::to_vec_pretty(&map) {
                let _ = path.parent().map(std::fs::create_dir_all);
                // Losing this cache only costs one rejected request next time.
                let _ = crate::transcript::store::write_atomic(path, &json);
            }
        }
    }

    fn body(&self, messages: &[Value], level: Level, key_points: usize) -> Value {
        let s = self.client.settings();
        let mut body =
            json!({"model": s.model, "messages": messages, "temperature": s.temperature, "max_tokens": s.max_tokens});
        match level {
            Level::JsonSchema => {
                body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "grade", "strict": true, "schema": reply::schema(&self.prompts.criteria, key_points)}});
            }
            Level::JsonObject => body["response_format"] = json!({"type": "json_object"}),
            Level::Prompted => {}
        }
        body
    }

    fn provenance(&self, level: &str, call: Option<&CallFacts>, unverified: usize, raw: String) -> Provenance {
        let s = self.client.settings();
        Provenance {
            endpoint: s.host(),
            model: s.model.clone(),
            prompt_hash: self.prompts.prompt_hash.clone(),
            rubric_hash: self.prompts.rubric_hash.clone(),
            temperature: s.temperature,
            level: level.into(),
            prompt_tokens: call.map(|c| c.prompt_tokens),
            completion_tokens: call.map(|c| c.completion_tokens),
            latency_ms: call.map_or(0, |c| c.latency_ms),
            attempts: call.map_or(0, |c| c.attempts),
            tokens_counted: call.is_some_and(|c| c.counted),
            cost_usd: call.and_then(|c| c.cost),
            truncated: call.and_then(|c| c.truncated),
            unverified_evidence: unverified,
            raw_reply: raw,
        }
    }

    /// Usage of one call: the endpoint's figures, else counted; its cost, added to the session's.
    fn account(&self, reply: &client::Reply, prompt_text: &str, truncated: Option<(usize, usize)>) -> CallFacts {
        let s = self.client.settings();
        let (prompt_tokens, completion_tokens, counted) = match reply.usage {
            Some(u) => (u.prompt_tokens, u.completion_tokens, false),
            None => (tokens::count(&s.model, prompt_text) as u64, tokens::count(&s.model, &reply.content) as u64, true),
        };
        let cost = s.price.map(|p| p.cost(prompt_tokens, completion_tokens));
        if let (Some(c), Ok(mut spent)) = (cost, self.spent.lock()) {
            *spent += c;
        }
        CallFacts {
            prompt_tokens,
            completion_tokens,
            counted,
            cost,
            truncated,
            latency_ms: reply.latency.as_millis() as u64,
            attempts: reply.attempts,
        }
    }

    /// Estimated spend of this grader so far (USD).
    pub fn spent(&self) -> f64 {
        self.spent.lock().map(|s| *s).unwrap_or(0.0)
    }

    fn pending(&self, reason: String, raw: String) -> Grade {
        let mut g = Grade::pending(self.info(), reason);
        g.provenance = Some(self.provenance(self.level().as_str(), None, 0, raw));
        g
    }

    /// Sends the request, stepping down the ladder when a level is rejected.
    fn call(
        &self,
        messages: &[Value],
        key_points: usize,
        mut progress: Option<&mut dyn FnMut(client::StreamEvent<'_>)>,
    ) -> Result<(client::Reply, Level), CallError> {
        let mut level = self.level();
        loop {
            let body = self.body(messages, level, key_points);
            let outcome = match progress.as_deref_mut() {
                Some(on_event) => self.client.chat_stream(&body, on_event),
                None => self.client.chat(&body),
            };
            match outcome {
                Err(CallError::BadRequest { .. }) if level.lower().is_some() => {
                    level = level.lower().unwrap_or(Level::Prompted);
                    self.set_level(level);
                }
                other => return other.map(|r| (r, level)),
            }
        }
    }
}

/// A marker the candidate cannot have typed: fences their answer in the prompt.
fn marker() -> String {
    format!("<<<ANSWER-{:016x}>>>", rand::random::<u64>())
}

impl Grader for LlmGrader {
    fn info(&self) -> GraderInfo {
        GraderInfo {
            kind: "llm".into(),
            model: Some(self.client.settings().model.clone()),
            version: format!("prompt-{}/rubric-{}", self.prompts.prompt_hash, self.prompts.rubric_hash),
        }
    }

    fn grade(&self, question: &Question, answer: &str) -> Grade {
        self.grade_streaming(question, answer, None)
    }

    /// Streams the reply and hands over each criterion's feedback as soon as its JSON string is
    /// complete, so a practice view shows feedback while the rest is still being written.
    fn grade_live(&self, question: &Question, answer: &str, on_feedback: &mut dyn FnMut(&str)) -> Grade {
        let mut buffer = String::new();
        let mut shown = 0;
        let answer_norm = reply::norm(answer);
        let mut on_event = |e: client::StreamEvent<'_>| match e {
            client::StreamEvent::Restart => {
                buffer.clear();
                shown = 0;
            }
            client::StreamEvent::Delta(piece) => {
                buffer.push_str(piece);
                let done = reply::complete_feedbacks(&buffer);
                for text in done.iter().skip(shown) {
                    let text = reply::useful(text, &answer_norm);
                    if !text.is_empty() {
                        on_feedback(&text);
                    }
                }
                shown = done.len();
            }
        };
        self.grade_streaming(question, answer, Some(&mut on_event))
    }

    /// Asks the model for a minimal edit of the answer that covers what it missed; `None` on any
    /// fault (the view then shows the missed points as additions).
    fn improve(&self, question: &Question, answer: &str, missed: &[String]) -> Option<String> {
        let marker = marker();
        let ctx = FollowUpContext { question: &question.question, reference: "", missed, marker: &marker, answer };
        let user = self.prompts.render_improve(&ctx).ok()?;
        let s = self.client.settings();
        let mut body = json!({"model": s.model, "temperature": s.temperature, "max_tokens": s.max_tokens,
            "messages": [{"role": "user", "content": user}]});
        if self.level() != Level::Prompted {
            body["response_format"] = json!({"type": "json_object"});
        }
        let reply = self.client.chat(&body).ok()?;
        let improved = reply::extract_json(&reply.content)?["improved"].as_str()?.trim().to_string();
        (!improved.is_empty() && improved != answer.trim()).then_some(improved)
    }

    /// Appeals: the offline matcher first; failing that, the model is asked whether the answer
    /// covers the point — it sees the point and the answer, never the candidate's argument —
    /// and its evidence must be a quote from the answer.
    fn recheck(&self, _question: &Question, answer: &str, point: &str) -> Option<super::Covered> {
        if let Some(found) = self.offline.recheck(point, answer) {
            return Some(found);
        }
        let marker = marker();
        let user = self.prompts.render_recheck(point, &marker, answer);
        let s = self.client.settings();
        let mut body = json!({"model": s.model, "temperature": s.temperature, "max_tokens": 200,
            "messages": [{"role": "user", "content": user}]});
        if self.level() != Level::Prompted {
            body["response_format"] = json!({"type": "json_object"});
        }
        let reply = self.client.chat(&body).ok()?;
        let v = reply::extract_json(&reply.content)?;
        let evidence = v["evidence"].as_str()?.trim().trim_matches(['"', '“', '”']).trim().to_string();
        let quoted = !evidence.is_empty() && reply::norm(answer).contains(&reply::norm(&evidence));
        (v["covered"].as_bool() == Some(true) && quoted).then(|| super::Covered { point: point.to_string(), evidence })
    }

    /// Asks the model for the follow-up's wording; the probed points must be missed key points
    /// and the question must not state them. Any failure falls back to the offline follow-up,
    /// so the session always goes on.
    fn followup(&self, parent: &Question, answer: &str, missed: &[String], number: usize) -> Option<Question> {
        let offline = super::followup::offline(parent, missed, answer, number)?;
        let marker = marker();
        let ctx = FollowUpContext {
            question: &parent.question,
            reference: parent.answer.as_deref().unwrap_or_default(),
            missed,
            marker: &marker,
            answer,
        };
        let Ok(user) = self.prompts.render_followup(&ctx) else { return Some(offline) };
        let s = self.client.settings();
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["question", "probes"],
            "properties": {
                "question": {"type": "string", "maxLength": 300},
                // The model picks among the missed points, it does not retype them.
                "probes": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "enum": missed}}
            }
        });
        let mut body = json!({"model": s.model, "temperature": s.temperature, "max_tokens": 300,
            "messages": [{"role": "user", "content": user}]});
        match self.level() {
            Level::JsonSchema => {
                body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "followup", "strict": true, "schema": schema}});
            }
            Level::JsonObject => body["response_format"] = json!({"type": "json_object"}),
            Level::Prompted => {}
        }
        let Ok(reply) = self.client.chat(&body) else { return Some(offline) };
        let Some(v) = reply::extract_json(&reply.content) else { return Some(offline) };
        let text = v["question"].as_str().unwrap_or_default().trim().to_string();
        let norm = |x: &str| x.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        let probes: Vec<String> = v["probes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str())
                    .filter_map(|p| {
                        // Exact, or (without a schema) most of a missed point's words.
                        missed.iter().find(|m| norm(m) == norm(p)).or_else(|| {
                            let said = crate::words::content(p);
                            missed.iter().find(|m| {
                                let want = crate::words::content(m);
                                !want.is_empty()
                                    && want.iter().filter(|w| said.contains(w)).count() * 10 >= want.len() * 7
                            })
                        })
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let gives_away = probes.iter().any(|p| norm(&text).contains(&norm(p)));
        let repeats = norm(&text).contains(&norm(&parent.question)) || norm(&parent.question).contains(&norm(&text));
        let gives_away = gives_away || repeats;
        if text.len() < 10 || probes.is_empty() || gives_away {
            return Some(offline);
        }
        let mut q = offline;
        q.question = text;
        q.key_points = probes.into_iter().map(Into::into).collect();
        Some(q)
    }
}

impl LlmGrader {
    /// Grades like [`Grader::grade`]; with `progress`, the reply is streamed and each piece is
    /// handed over as it arrives (for views that show feedback live).
    pub fn grade_streaming(
        &self,
        question: &Question,
        answer: &str,
        mut progress: Option<&mut dyn FnMut(client::StreamEvent<'_>)>,
    ) -> Grade {
        let substance = self.offline.grade(question, answer);
        if substance.flags.iter().any(|f| PRE_CHECK.contains(&f.as_str())) {
            let mut g = substance;
            g.grader = self.info();
            g.provenance = Some(self.provenance("pre-check", None, 0, String::new()));
            return g;
        }
        let Some(reference) = question.answer.as_deref() else {
            return self.pending("this question has no reference answer to grade against".into(), String::new());
        };
        let settings = self.client.settings();
        if let Some(budget) = settings.budget_usd
            && self.spent() >= budget
        {
            return self.pending(
                format!("the budget of ${budget:.2} for this session is spent; grade later with `viva resume`"),
                String::new(),
            );
        }
        let marker = marker();
        let render = |answer: &str| {
            self.prompts.render_user(&GradeContext {
                question: &question.question,
                code: question.code.as_deref(),
                reference,
                key_points: &question.point_texts(),
                criteria: &self.prompts.criteria,
                marker: &marker,
                answer,
            })
        };
        let mut user = match render(answer) {
            Ok(u) => u,
            Err(e) => return self.pending(e.to_string(), String::new()),
        };
        // Keep the request inside the context window: cut an over-long answer, visibly.
        let mut truncated = None;
        let context = tokens::context_size(&settings.model, settings.context_tokens);
        let prompt_tokens =
            tokens::count(&settings.model, &self.prompts.system) + tokens::count(&settings.model, &user) + 16;
        if prompt_tokens + settings.max_tokens as usize > context {
            let answer_tokens = tokens::count(&settings.model, answer);
            let room = (context as i64) - (settings.max_tokens as i64) - (prompt_tokens - answer_tokens) as i64 - 32;
            if room < 32 {
                return self.pending(
                    format!("the question and reference alone do not fit the model's {context}-token context"),
                    String::new(),
                );
            }
            let (kept, _) = tokens::truncate(&settings.model, answer, room as usize);
            truncated = Some((room as usize, answer_tokens));
            user =
                match render(&format!("{kept}\n[… the rest of the answer was cut by viva to fit the model's context]"))
                {
                    Ok(u) => u,
                    Err(e) => return self.pending(e.to_string(), String::new()),
                };
        }
        let prompt_text = format!("{}\n{user}", self.prompts.system);
        let mut messages =
            vec![json!({"role": "system", "content": self.prompts.system}), json!({"role": "user", "content": user})];
        let mut repaired = false;
        loop {
            let (reply, level) = match self.call(
                &messages,
                question.key_points.len(),
                progress.as_mut().map(|p| &mut **p as &mut dyn FnMut(client::StreamEvent<'_>)),
            ) {
                Ok(r) => r,
                Err(e) => {
                    let refused = matches!(e, CallError::Auth { .. } | CallError::UnknownModel { .. });
                    let mut g = self.pending(e.to_string(), String::new());
                    if refused {
                        g.flags.push(super::REFUSED.into());
                    }
                    return g;
                }
            };
            let cut_off = reply.finish_reason.as_deref() == Some("length");
            match reply::validate(&reply.content, &self.prompts.criteria, &question.point_texts(), answer) {
                Ok(parsed) => {
                    let facts = self.account(&reply, &prompt_text, truncated);
                    return self.finish(question, parsed, &substance, &reply, level, &facts);
                }
                Err(problem) if !repaired => {
                    self.account(&reply, &prompt_text, truncated);
                    let problem =
                        if cut_off { format!("{problem} (the reply was cut off at the token limit)") } else { problem };
                    messages.push(json!({"role": "assistant", "content": reply.content}));
                    messages.push(json!({"role": "user", "content": self.prompts.render_repair(&problem)}));
                    repaired = true;
                }
                Err(problem) => {
                    return self.pending(format!("the model's reply was invalid twice: {problem}"), reply.content);
                }
            }
        }
    }
}

impl LlmGrader {
    fn finish(
        &self,
        question: &Question,
        parsed: reply::Parsed,
        substance: &Grade,
        reply: &client::Reply,
        level: Level,
        facts: &CallFacts,
    ) -> Grade {
        let mut flags = substance.flags.clone();
        if facts.truncated.is_some() {
            flags.push("truncated".into());
        }
        if parsed.injection && !flags.iter().any(|f| f == "injection") {
            flags.push("injection".into());
        }
        let mut score: f64 = parsed.criteria.iter().map(|c| c.score).sum();
        let offline = substance.score.unwrap_or(0.0);
        if substance.flags.iter().any(|f| ADVERSARIAL.contains(&f.as_str())) {
            // An answer that games the grader (seen in its text) gets no benefit of the doubt.
            score = score.min(offline);
        } else if parsed.injection {
            // Only the model says so (small models say it of honest answers too).
            score = score.min(offline + 2.0);
        }
        if flags.iter().any(|f| f == "off-topic") {
            // An answer to another question scores at most 2, whatever the model says.
            score = score.min(2.0);
        }
        let points = question
            .point_texts()
            .into_iter()
            .map(|k| match parsed.covered.iter().find(|c| c.point == k) {
                Some(c) => super::PointVerdict::new(k, super::PointStatus::Covered, Some(c.evidence.clone())),
                None => super::PointVerdict::new(k, super::PointStatus::Missed, None),
            })
            .collect();
        Grade {
            status: GradeStatus::Graded,
            score: Some((score.clamp(0.0, 10.0) * 2.0).round() / 2.0),
            criteria: parsed.criteria,
            points,
            misconceptions: Vec::new(),
            feedback: parsed.feedback,
            flags,
            reason: None,
            grader: self.info(),
            provenance: Some(self.provenance(
                level.as_str(),
                Some(facts),
                parsed.unverified_evidence,
                reply.content.clone(),
            )),
        }
    }
}
