//! Proposing an answer key with the configured model (`viva bank keypoints`): the question, its
//! code and reference go out through `prompts/keypoints.md`; the reply is read as JSON and every
//! claim is checked like `viva bank validate` checks a person's ([`crate::bank::keycheck`]) —
//! a code line, a heading or a cut sentence is dropped, not written. A reply with no usable key
//! point gets one repair request; still unusable, the entry is left as it is and the reason
//! reported. Nothing here marks an entry reviewed.

use serde_json::{Value, json};

use super::CallError;
use super::reply::extract_json;
use super::request::{Call, Kind, Msg, Requests};
use crate::bank::{Claim, Question, keycheck};
use crate::grader::prompt::{KeypointsContext, Prompts};

/// A proposed answer key.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub key_points: Vec<Claim>,
    pub misconceptions: Vec<Claim>,
    /// Claims of the reply left out because they were not checkable sentences.
    pub dropped: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProposeError {
    #[error(transparent)]
    Call(#[from] CallError),
    #[error("the model's reply was not usable ({0}), even after a repair request")]
    Unusable(String),
    #[error(transparent)]
    Prompt(#[from] crate::grader::prompt::PromptError),
}

/// Asks the model for `question`'s answer key (one call kind of the request builder, down the
/// same structured-output ladder as a grade).
pub fn propose(requests: &Requests, prompts: &Prompts, question: &Question) -> Result<Proposal, ProposeError> {
    let reference = question.answer.as_deref().unwrap_or("(the source gives no reference answer)");
    let ctx = KeypointsContext { question: &question.question, code: question.code.as_deref(), reference };
    let claims = |max: usize| json!({"type": "array", "maxItems": max, "items": {"type": "string", "maxLength": 300}});
    let mut call = Call {
        kind: Kind::Keypoints,
        messages: vec![Msg::User(prompts.render_keypoints(&ctx)?)],
        schema: json!({
            "type": "object", "additionalProperties": false, "required": ["key_points", "misconceptions"],
            "properties": {
                "key_points": claims(keycheck::MAX_POINTS),
                "misconceptions": claims(keycheck::MAX_MISCONCEPTIONS)
            }
        }),
        max_tokens: requests.endpoint().settings().max_tokens.max(900),
    };
    let mut problem = String::new();
    for _attempt in 0..2 {
        let content = ask(requests, &call)?;
        match read(&content) {
            Ok(p) => return Ok(p),
            Err(why) => {
                problem = why;
                call.messages.push(Msg::Assistant(content));
                call.messages.push(Msg::User(format!(
                    "Your reply was not usable: {problem}. Reply again with the JSON object only: {{\"key_points\": [\"...\"], \"misconceptions\": [\"...\"]}}, each point one self-contained sentence."
                )));
            }
        }
    }
    Err(ProposeError::Unusable(problem))
}

/// One call, waited for.
fn ask(requests: &Requests, call: &Call) -> Result<String, CallError> {
    crate::grader::service::block_on(requests.send(call, None)).map(|(reply, _)| reply.content)
}

/// The proposal in a reply, or why there is none.
pub fn read(content: &str) -> Result<Proposal, String> {
    let value = extract_json(content).ok_or("no JSON object in the reply")?;
    let mut dropped = Vec::new();
    let mut claims = |field: &str, max: usize| -> Vec<Claim> {
        let mut out: Vec<Claim> = Vec::new();
        for item in value.get(field).and_then(Value::as_array).into_iter().flatten() {
            let Ok(mut claim) = serde_json::from_value::<Claim>(item.clone()) else {
                dropped.push(item.to_string());
                continue;
            };
            claim.text = claim.text.trim().to_string();
            claim.alternatives.retain(|a| keycheck::alternative_fault(a).is_none());
            if keycheck::fault(&claim.text).is_some() || out.iter().any(|c| c.text == claim.text) {
                dropped.push(claim.text);
            } else if out.len() < max {
                out.push(claim);
            }
        }
        out
    };
    let key_points = claims("key_points", keycheck::MAX_POINTS);
    let misconceptions = claims("misconceptions", keycheck::MAX_MISCONCEPTIONS);
    if key_points.is_empty() {
        return Err(if dropped.is_empty() {
            "no `key_points` list".to_string()
        } else {
            format!("no key point was a checkable sentence (left out: {})", dropped.join(" | "))
        });
    }
    Ok(Proposal { key_points, misconceptions, dropped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_read_and_its_junk_left_out() {
        let p = read(
            r#"Here you go: {"key_points": ["A decorator wraps a function to add behaviour.", "import functools", {"text": "`functools.wraps` keeps the wrapped name.", "alternatives": ["keeps __name__"]}], "misconceptions": ["A decorator runs every time the function is called."]}"#,
        )
        .unwrap();
        assert_eq!(p.key_points.len(), 2);
        assert_eq!(p.key_points[1].alternatives, ["keeps __name__"]);
        assert_eq!(p.misconceptions.len(), 1);
        assert_eq!(p.dropped, ["import functools"]);
    }

    #[test]
    fn unusable_replies_say_why() {
        assert_eq!(read("I cannot help with that."), Err("no JSON object in the reply".into()));
        assert_eq!(read(r#"{"points": []}"#), Err("no `key_points` list".into()));
        assert!(read(r#"{"key_points": ["from x import y"]}"#).unwrap_err().contains("left out: from x import y"));
    }
}
