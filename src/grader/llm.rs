//! The LLM grader: the question, its reference answer, key points and known misconceptions,
//! and the candidate's answer (fenced with a random per-request marker) go to an
//! OpenAI-compatible endpoint. The model grades by checklist ([`checklist`]): a verdict per key
//! point with a quote, the misconceptions it finds, depth and clarity. viva verifies every quote
//! and computes the score with [`crate::grader::score`], the offline grader's own function.
//!
//! - Cheap checks first, without spending tokens: empty, "I don't know", punctuation only,
//!   grader "master key" openers, the question echoed back, another question's reference
//!   pasted in — graded by the offline grader's checks.
//! - Every call goes through one request builder ([`request`]), which owns the
//!   structured-output ladder (JSON schema → JSON object → prompted JSON), and through
//!   async-openai with viva's retry policy ([`retry`], [`endpoint`]). An invalid reply gets one
//!   repair retry; still invalid → `pending` with the reason.
//! - Validation holds whatever the model says: criteria in range, every quote from the answer
//!   and stating the point it is credited for (else the verdict is lowered, with a note),
//!   and a verdict never lifts an answer the offline checks found to be an injection attempt, a
//!   keyword list, off-topic (an answer to another question) or contradicting a key point: it
//!   scores at most its offline score (which caps an injection attempt at 4 and a keyword list
//!   at 2); one only the model calls an injection, 2 above it; an off-topic one at most 2.
//! - Every grade records how far the model and the offline grader agree, point by point
//!   (`provenance.agreement`), shown by `viva review show`.
//! - Nothing is lost: every failure is a `pending` grade with its reason, completed later by
//!   `viva resume`.
//! - Every request is a future ([`Grader::grade_task`] and its siblings) that the grading
//!   service runs with a deadline and can cancel; the synchronous forms wait for it.

mod calls;
pub mod checklist;
pub mod endpoint;
pub mod propose;
pub mod reply;
pub mod request;
pub mod retry;

use std::sync::Mutex;

use super::offline::OfflineGrader;
use super::prompt::{GradeContext, Prompts};
use super::{Grade, GradeStatus, Grader, GraderInfo, OnFeedback, Provenance, Task, service, tokens};
use crate::bank::Question;
pub use endpoint::{Endpoint, StreamEvent};
pub use request::Level;
use request::{Call, Kind, Msg, Requests};
pub use retry::CallError;

/// Flags that mean the offline checks grade the answer without a call.
const PRE_CHECK: &[&str] = &["empty", "dont-know", "echo", "copied-reference"];
/// Flags of the offline checks that a verdict can never lift the answer above: its score stays
/// at most the offline score (a contradiction or a misconception found offline included).
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
    requests: Requests,
    /// Estimated USD spent by this grader (a session).
    spent: Mutex<f64>,
    prompts: Prompts,
    offline: OfflineGrader,
}

impl LlmGrader {
    pub fn new(endpoint: Endpoint, prompts: Prompts, bank: &[Question]) -> LlmGrader {
        tokens::warm_up(&endpoint.settings().model);
        LlmGrader {
            requests: Requests::new(endpoint),
            spent: Mutex::new(0.0),
            prompts,
            offline: OfflineGrader::new(bank),
        }
    }

    /// Remembers the working structured-output level per endpoint and model in `path`, across runs.
    pub fn remember_levels_in(mut self, path: std::path::PathBuf) -> LlmGrader {
        self.requests = self.requests.remember_in(path);
        self
    }

    pub fn endpoint(&self) -> &Endpoint {
        self.requests.endpoint()
    }

    /// The structured-output level currently used for this endpoint and model.
    pub fn level(&self) -> Level {
        self.requests.level()
    }

    /// Estimated spend of this grader so far (USD).
    pub fn spent(&self) -> f64 {
        self.spent.lock().map(|s| *s).unwrap_or(0.0)
    }

    fn provenance(&self, level: &str, call: Option<&CallFacts>, unverified: usize, raw: String) -> Provenance {
        self.provenance_with(level, call, (unverified, 0), raw, None)
    }

    fn provenance_with(
        &self,
        level: &str,
        call: Option<&CallFacts>,
        (unverified, unsupported): (usize, usize),
        raw: String,
        agreement: Option<checklist::Agreement>,
    ) -> Provenance {
        let s = self.endpoint().settings();
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
            unsupported_quotes: unsupported,
            raw_reply: raw,
            agreement,
        }
    }

    /// Usage of one call: the endpoint's figures, else counted; its cost, added to the session's.
    fn account(&self, reply: &endpoint::Reply, prompt_text: &str, truncated: Option<(usize, usize)>) -> CallFacts {
        let s = self.endpoint().settings();
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

    fn pending(&self, reason: String, raw: String) -> Grade {
        let mut g = Grade::pending(self.info(), reason);
        g.provenance = Some(self.provenance(self.level().as_str(), None, 0, raw));
        g
    }
}

/// The key points to check; without any, the reference's first sentences (as the offline
/// grader does), or the whole reference as one point.
fn points_of(question: &Question, reference: &str) -> Vec<String> {
    if !question.key_points.is_empty() {
        return question.point_texts();
    }
    let sentences: Vec<String> = super::offline::checks::sentences(reference)
        .into_iter()
        .filter(|s| crate::words::content(s).len() >= 3)
        .take(4)
        .map(str::to_string)
        .collect();
    if sentences.is_empty() { vec![reference.trim().to_string()] } else { sentences }
}

/// A marker the candidate cannot have typed: fences their answer in the prompt.
fn marker() -> String {
    format!("<<<ANSWER-{:016x}>>>", rand::random::<u64>())
}

impl Grader for LlmGrader {
    fn info(&self) -> GraderInfo {
        GraderInfo {
            kind: "llm".into(),
            model: Some(self.endpoint().settings().model.clone()),
            version: format!("prompt-{}/rubric-{}", self.prompts.prompt_hash, self.prompts.rubric_hash),
        }
    }

    fn grade(&self, question: &Question, answer: &str) -> Grade {
        service::block_on(self.grade_streaming(question, answer, None))
    }

    /// Streams the reply and hands over each criterion's feedback as soon as its JSON string is
    /// complete, so a practice view shows feedback while the rest is still being written.
    fn grade_live(&self, question: &Question, answer: &str, on_feedback: &mut dyn FnMut(&str)) -> Grade {
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let mut send = move |text: &str| {
            let _ = tx.send(text.to_string());
        };
        let graded = service::block_on(async {
            let mut grading = std::pin::pin!(self.grade_task(question, answer, Some(&mut send)));
            loop {
                tokio::select! {
                    grade = &mut grading => break grade,
                    _ = tokio::time::sleep(std::time::Duration::from_millis(40)) => {
                        rx.try_iter().for_each(|text| on_feedback(&text));
                    }
                }
            }
        });
        rx.try_iter().for_each(|text| on_feedback(&text));
        graded
    }

    fn improve(&self, question: &Question, answer: &str, missed: &[String]) -> Option<String> {
        service::block_on(self.improve_task(question, answer, missed))
    }

    fn recheck(&self, question: &Question, answer: &str, point: &str) -> Option<super::Covered> {
        service::block_on(self.recheck_task(question, answer, point))
    }

    fn followup(&self, parent: &Question, answer: &str, missed: &[String], number: usize) -> Option<Question> {
        service::block_on(self.followup_task(parent, answer, missed, number))
    }

    /// A grade may take two calls (a repair), each within the retry policy's total.
    fn deadline(&self) -> std::time::Duration {
        self.endpoint().policy().total() * 2 + std::time::Duration::from_secs(1)
    }

    fn grade_task<'a>(
        &'a self,
        question: &'a Question,
        answer: &'a str,
        on_feedback: Option<OnFeedback<'a>>,
    ) -> Task<'a, Grade> {
        Box::pin(async move {
            let Some(on_feedback) = on_feedback else { return self.grade_streaming(question, answer, None).await };
            let mut buffer = String::new();
            let mut shown = 0;
            let answer_norm = reply::norm(answer);
            let mut on_event = |e: StreamEvent<'_>| match e {
                StreamEvent::Restart => {
                    buffer.clear();
                    shown = 0;
                }
                StreamEvent::Delta(piece) => {
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
            self.grade_streaming(question, answer, Some(&mut on_event)).await
        })
    }

    fn followup_task<'a>(
        &'a self,
        parent: &'a Question,
        answer: &'a str,
        missed: &'a [String],
        number: usize,
    ) -> Task<'a, Option<Question>> {
        Box::pin(self.word_followup(parent, answer, missed, number))
    }

    fn improve_task<'a>(
        &'a self,
        question: &'a Question,
        answer: &'a str,
        missed: &'a [String],
    ) -> Task<'a, Option<String>> {
        Box::pin(self.edit(question, answer, missed))
    }

    fn recheck_task<'a>(
        &'a self,
        question: &'a Question,
        answer: &'a str,
        point: &'a str,
    ) -> Task<'a, Option<super::Covered>> {
        Box::pin(self.appeal(question, answer, point))
    }
}

impl LlmGrader {
    /// Grades like [`Grader::grade`]; with `progress`, the reply is streamed and each piece is
    /// handed over as it arrives (for views that show feedback live).
    pub async fn grade_streaming(
        &self,
        question: &Question,
        answer: &str,
        mut progress: Option<endpoint::OnEvent<'_>>,
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
        let settings = self.endpoint().settings();
        if let Some(budget) = settings.budget_usd
            && self.spent() >= budget
        {
            return self.pending(
                format!("the budget of ${budget:.2} for this session is spent; grade later with `viva resume`"),
                String::new(),
            );
        }
        let marker = marker();
        let (key_points, misconceptions) =
            (points_of(question, reference), crate::bank::claim::texts(&question.misconceptions));
        let judged = self.prompts.judged();
        let render = |answer: &str| {
            self.prompts.render_user(&GradeContext {
                question: &question.question,
                code: question.code.as_deref(),
                reference,
                key_points: &key_points,
                misconceptions: &misconceptions,
                criteria: &judged,
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
        let mut call = Call {
            kind: Kind::Grade,
            messages: vec![Msg::System(self.prompts.system.clone()), Msg::User(user)],
            schema: checklist::schema(&judged, key_points.len(), misconceptions.len()),
            max_tokens: settings.max_tokens,
        };
        // Each quote is measured against its point by the offline grader's matching.
        let claims: Vec<crate::bank::Claim> = if question.key_points.is_empty() {
            key_points.iter().map(crate::bank::Claim::new).collect()
        } else {
            question.key_points.clone()
        };
        let support = |i: usize, span: &str| {
            let others: Vec<&crate::bank::Claim> =
                claims.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect();
            self.offline.support(question, &claims[i], &others, span)
        };
        let mut repaired = false;
        loop {
            let (reply, level) = match self.requests.send(&call, endpoint::reborrow(&mut progress)).await {
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
            match checklist::check(&reply.content, &judged, &key_points, &misconceptions, answer, &support) {
                Ok(checked) => {
                    let facts = self.account(&reply, &prompt_text, truncated);
                    return self.finish(checked, &substance, &reply, level, &facts);
                }
                Err(problem) if !repaired => {
                    self.account(&reply, &prompt_text, truncated);
                    let problem =
                        if cut_off { format!("{problem} (the reply was cut off at the token limit)") } else { problem };
                    call.messages.push(Msg::Assistant(reply.content));
                    call.messages.push(Msg::User(self.prompts.render_repair(&problem)));
                    repaired = true;
                }
                Err(problem) => {
                    return self.pending(format!("the model's reply was invalid twice: {problem}"), reply.content);
                }
            }
        }
    }

    /// The grade from checked verdicts: the score computed by [`crate::grader::score`], then held
    /// to the offline checks (see the module doc).
    fn finish(
        &self,
        checked: checklist::Checked,
        substance: &Grade,
        reply: &endpoint::Reply,
        level: Level,
        facts: &CallFacts,
    ) -> Grade {
        use super::score;
        let mut flags = substance.flags.clone();
        if facts.truncated.is_some() {
            flags.push("truncated".into());
        }
        let model_only_injection = checked.injection && !flags.iter().any(|f| f == "injection");
        if model_only_injection {
            flags.push("injection".into());
        }
        let judgement = score::Judgement {
            points: &checked.points,
            misconceptions: &checked.misconceptions,
            depth: checked.depth.0,
            clarity: checked.clarity.0,
            // The model judges relevance through depth and clarity; no likeness of its own.
            likeness: 0.0,
            flags: &flags,
        };
        let scored = score::score(&judgement, &score::RUBRIC);
        let mut value = scored.score;
        let offline = substance.score.unwrap_or(0.0);
        if substance.flags.iter().any(|f| ADVERSARIAL.contains(&f.as_str())) {
            // An answer that games the grader, or states a key point the wrong way round (seen in
            // its text), gets no benefit of the doubt.
            value = value.min(offline);
        } else if model_only_injection {
            // Only the model says so (small models say it of honest answers too).
            value = value.min(offline + 2.0);
        }
        if flags.iter().any(|f| f == "off-topic") {
            // An answer to another question scores at most 2, whatever the model says.
            value = value.min(2.0);
        }
        let covered = checked.points.iter().filter(|p| p.status == super::PointStatus::Covered).count();
        let partial = checked.points.iter().filter(|p| p.status == super::PointStatus::Partial).count();
        let coverage = match partial {
            0 => format!("{covered} of {} key points covered.", checked.points.len()),
            n => format!("{covered} of {} key points covered, {n} in part.", checked.points.len()),
        };
        let criteria = score::criteria(&scored, &score::RUBRIC, [coverage, checked.depth.1, checked.clarity.1]);
        let agreement = checklist::Agreement::between(&checked.points, &substance.points, substance.score);
        Grade {
            status: GradeStatus::Graded,
            score: Some((value.clamp(0.0, 10.0) * 2.0).round() / 2.0),
            criteria,
            points: checked.points,
            misconceptions: checked.misconceptions,
            feedback: checked.feedback,
            flags,
            reason: None,
            grader: self.info(),
            provenance: Some(self.provenance_with(
                level.as_str(),
                Some(facts),
                (checked.unverified_evidence, checked.unsupported_quotes),
                reply.content.clone(),
                Some(agreement),
            )),
        }
    }
}
