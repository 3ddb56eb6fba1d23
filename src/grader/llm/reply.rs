//! Reading the model's replies: a tolerant JSON reader (the first `{` to its matching `}`, code
//! fences and chatter around it ignored), feedback worth showing, the feedback strings
//! already complete in a reply still streaming, and a whole reply to a streamed request read as
//! a stream. What a grading reply must hold is checked in
//! [`super::checklist`].

use serde_json::Value;

/// The JSON object inside `text`, if there is one.
pub fn extract_json(text: &str) -> Option<Value> {
    let start = text.find('{')?;
    let bytes = text.as_bytes();
    let (mut depth, mut in_str, mut escaped) = (0i32, false, false);
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return serde_json::from_str(&text[start..=i]).ok();
                }
            }
            _ => {}
        }
    }
    None
}

/// A server's whole (non-SSE) reply to a streamed request, as the event stream it amounts to:
/// a chat completion becomes one chunk carrying all its content, its finish reason (`stop` when
/// it gives none: the reply is complete) and usage, then `[DONE]`. A body that is not a chat
/// completion is passed on as one event, which then fails as a bad chunk would (and is retried);
/// one that is already an event stream under the wrong content type is passed on as it is.
pub fn as_event_stream(body: &str) -> String {
    if body.trim_start().starts_with("data:") {
        return body.to_string();
    }
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    let Ok(v) = serde_json::from_str::<Value>(body) else { return format!("data: {}\n\n", flat(body)) };
    let choice = &v["choices"][0];
    let Some(content) = choice["message"]["content"].as_str() else { return format!("data: {}\n\n", flat(body)) };
    let finish = choice["finish_reason"].as_str().unwrap_or("stop");
    let chunk = serde_json::json!({
        "choices": [{"delta": {"content": content}, "finish_reason": finish}],
        "usage": v.get("usage").cloned().unwrap_or(Value::Null),
    });
    format!("data: {chunk}\n\ndata: [DONE]\n\n")
}

/// Feedback worth showing: a model that only parrots the candidate's answer back says nothing.
pub fn useful(feedback: &str, answer_norm: &str) -> String {
    let f = norm(feedback);
    if f.len() > 30 && answer_norm.contains(&f) { String::new() } else { feedback.chars().take(400).collect() }
}

pub fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The `"feedback"` strings already complete in a partial reply, in order.
pub fn complete_feedbacks(partial: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = partial;
    while let Some(at) = rest.find("\"feedback\"") {
        rest = &rest[at + 10..];
        let Some(open) = rest.find('"') else { break };
        let body = &rest[open + 1..];
        let mut escaped = false;
        let mut end = None;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        let raw = &body[..end];
        out.push(serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string()));
        rest = &body[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_strings_are_taken_as_soon_as_they_are_complete() {
        let partial =
            r#"{"depth": {"score": 1, "feedback": "Right, \"mostly\"."}, "clarity": {"score": 1, "feedback": "Miss"#;
        assert_eq!(complete_feedbacks(partial), ["Right, \"mostly\"."]);
    }

    #[test]
    fn json_is_found_inside_chatter_and_parroted_feedback_is_dropped() {
        let v = extract_json("Sure! ```json\n{\"a\": \"}{\", \"b\": {\"c\": 1}}\n``` done").unwrap();
        assert_eq!(v["b"]["c"], 1);
        let answer = "The GIL is a mutex in CPython that lets one thread run bytecode at a time.";
        assert_eq!(useful(answer, &norm(answer)), "");
        assert_eq!(useful("Most.", &norm(answer)), "Most.");
    }
}
