//! The LLM grader's other calls — the follow-up's wording, `/improve`'s minimal edit and an
//! appeal's re-check — each a [`Call`] with its own reply schema, sent down the same ladder as a
//! grade. Each validates what the model says and falls back without it on any fault.

use serde_json::json;

use super::request::{Call, Kind, Msg};
use super::{LlmGrader, marker, reply};
use crate::bank::Question;
use crate::grader::Covered;
use crate::grader::prompt::FollowUpContext;

impl LlmGrader {
    fn user_call(&self, kind: Kind, user: String, schema: serde_json::Value, max_tokens: u32) -> Call {
        Call { kind, messages: vec![Msg::User(user)], schema, max_tokens }
    }

    /// Asks the model for a minimal edit of the answer that covers what it missed; `None` on any
    /// fault (the view then shows the missed points as additions).
    pub(super) async fn edit(&self, question: &Question, answer: &str, missed: &[String]) -> Option<String> {
        let marker = marker();
        let ctx = FollowUpContext { question: &question.question, reference: "", missed, marker: &marker, answer };
        let user = self.prompts.render_improve(&ctx).ok()?;
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["improved"],
            "properties": {"improved": {"type": "string", "maxLength": 4000}}
        });
        let max_tokens = self.endpoint().settings().max_tokens;
        let (reply, _) =
            self.requests.send(&self.user_call(Kind::Improve, user, schema, max_tokens), None).await.ok()?;
        let improved = reply::extract_json(&reply.content)?["improved"].as_str()?.trim().to_string();
        (!improved.is_empty() && improved != answer.trim()).then_some(improved)
    }

    /// Appeals: the offline matcher first; failing that, the model is asked whether the answer
    /// covers the point — it sees the point and the answer, never the candidate's argument —
    /// and its evidence must be a quote from the answer.
    pub(super) async fn appeal(&self, _question: &Question, answer: &str, point: &str) -> Option<Covered> {
        if let Some(found) = self.offline.recheck(point, answer) {
            return Some(found);
        }
        let marker = marker();
        let user = self.prompts.render_recheck(point, &marker, answer);
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["covered", "evidence"],
            "properties": {"covered": {"type": "boolean"}, "evidence": {"type": "string", "maxLength": 300}}
        });
        let (reply, _) = self.requests.send(&self.user_call(Kind::Recheck, user, schema, 200), None).await.ok()?;
        let v = reply::extract_json(&reply.content)?;
        let evidence = v["evidence"].as_str()?.trim().trim_matches(['"', '“', '”']).trim().to_string();
        let quoted = !evidence.is_empty() && reply::norm(answer).contains(&reply::norm(&evidence));
        (v["covered"].as_bool() == Some(true) && quoted).then(|| Covered { point: point.to_string(), evidence })
    }

    /// Asks the model for the follow-up's wording; the probed points must be missed key points
    /// and the question must not state them. Any failure falls back to the offline follow-up,
    /// so the session always goes on.
    pub(super) async fn word_followup(
        &self,
        parent: &Question,
        answer: &str,
        missed: &[String],
        number: usize,
    ) -> Option<Question> {
        let offline = crate::grader::followup::offline(parent, missed, answer, number)?;
        let marker = marker();
        let ctx = FollowUpContext {
            question: &parent.question,
            reference: parent.answer.as_deref().unwrap_or_default(),
            missed,
            marker: &marker,
            answer,
        };
        let Ok(user) = self.prompts.render_followup(&ctx) else { return Some(offline) };
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["question", "probes"],
            "properties": {
                "question": {"type": "string", "maxLength": 300},
                // The model picks among the missed points, it does not retype them.
                "probes": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string", "enum": missed}}
            }
        });
        let Ok((reply, _)) = self.requests.send(&self.user_call(Kind::FollowUp, user, schema, 300), None).await else {
            return Some(offline);
        };
        let Some(v) = reply::extract_json(&reply.content) else { return Some(offline) };
        let text = v["question"].as_str().unwrap_or_default().trim().to_string();
        let probes: Vec<String> = v["probes"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str()).filter_map(|p| missed_point(missed, p)).cloned().collect())
            .unwrap_or_default();
        let gives_away = probes.iter().any(|p| alnum(&text).contains(&alnum(p)));
        let repeats =
            alnum(&text).contains(&alnum(&parent.question)) || alnum(&parent.question).contains(&alnum(&text));
        if text.len() < 10 || probes.is_empty() || gives_away || repeats {
            return Some(offline);
        }
        let mut q = offline;
        q.question = text;
        q.key_points = probes.into_iter().map(Into::into).collect();
        Some(q)
    }
}

fn alnum(x: &str) -> String {
    x.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The missed point `said` names: exactly, or (without a schema) most of its words.
fn missed_point<'a>(missed: &'a [String], said: &str) -> Option<&'a String> {
    missed.iter().find(|m| alnum(m) == alnum(said)).or_else(|| {
        let words = crate::words::content(said);
        missed.iter().find(|m| {
            let want = crate::words::content(m);
            !want.is_empty() && want.iter().filter(|w| words.contains(w)).count() * 10 >= want.len() * 7
        })
    })
}
