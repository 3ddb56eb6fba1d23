//! Reading the model's grading reply: a tolerant JSON reader (the first `{` to its matching
//! `}`, code fences and chatter around it ignored) and validation in code — every rubric
//! criterion present with a score in range, covered points that are real key points, evidence
//! that is really in the answer (unverifiable evidence is dropped and counted).

use serde_json::Value;

use crate::grader::prompt::Criterion;
use crate::grader::{Covered, CriterionScore};

/// A validated reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub criteria: Vec<CriterionScore>,
    pub covered: Vec<Covered>,
    pub feedback: String,
    pub injection: bool,
    pub unverified_evidence: usize,
}

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

/// Feedback worth showing: a model that only parrots the candidate's answer back says nothing.
pub fn useful(feedback: &str, answer_norm: &str) -> String {
    let f = norm(feedback);
    if f.len() > 30 && answer_norm.contains(&f) { String::new() } else { feedback.chars().take(400).collect() }
}

pub fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Validates `text` against the rubric, the key points and the answer.
pub fn validate(text: &str, criteria: &[Criterion], key_points: &[String], answer: &str) -> Result<Parsed, String> {
    let v = extract_json(text).ok_or_else(|| "no JSON object in the reply".to_string())?;
    // Two shapes are read: `scores: {id: {score, feedback}}` (what the schema asks for) and
    // `criteria: [{id, score, feedback}]` (what prompted models often write).
    let items: Vec<Value> = match (v["scores"].as_object(), v["criteria"].as_array()) {
        (Some(map), _) => map
            .iter()
            .map(|(id, s)| serde_json::json!({"id": id, "score": s["score"], "feedback": s["feedback"]}))
            .collect(),
        (None, Some(list)) => list.clone(),
        (None, None) => return Err("missing `scores`".into()),
    };
    let answer_norm = norm(answer);
    let mut scores = Vec::new();
    for c in criteria {
        let item = items
            .iter()
            .find(|i| i["id"].as_str() == Some(c.id.as_str()))
            .ok_or_else(|| format!("criterion `{}` missing", c.id))?;
        let score = item["score"].as_f64().ok_or_else(|| format!("criterion `{}` has no numeric score", c.id))?;
        if !(0.0..=f64::from(c.max)).contains(&score) {
            return Err(format!("criterion `{}` scored {score}, outside 0..={}", c.id, c.max));
        }
        let feedback = useful(item["feedback"].as_str().unwrap_or_default(), &answer_norm);
        scores.push(CriterionScore { id: c.id.clone(), score, max: f64::from(c.max), feedback });
    }
    let mut covered: Vec<Covered> = Vec::new();
    let mut unverified = 0;
    for item in v["covered"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let (Some(point), Some(evidence)) = (item["point"].as_str(), item["evidence"].as_str()) else {
            unverified += 1;
            continue;
        };
        let key = alnum(point);
        let Some(kp) = key_points.iter().find(|k| alnum(k) == key || (!key.is_empty() && alnum(k).contains(&key)))
        else {
            unverified += 1;
            continue;
        };
        let quote = evidence.trim().trim_matches(['"', '“', '”', '\'']).trim();
        if quote.is_empty() || !answer_norm.contains(&norm(quote)) {
            unverified += 1;
            continue;
        }
        if !covered.iter().any(|c| &c.point == kp) {
            covered.push(Covered { point: kp.clone(), evidence: quote.to_string() });
        }
    }
    let feedback = useful(v["feedback"].as_str().unwrap_or_default(), &answer_norm);
    let injection = v["injection"].as_bool().unwrap_or(false);
    Ok(Parsed { criteria: scores, covered, feedback, injection, unverified_evidence: unverified })
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

/// The JSON schema of the reply, made from the rubric: one property per criterion with its own
/// range, so a constrained model cannot skip a criterion, invent one or score out of range.
/// Every array and string is bounded so a small model cannot repeat items until the token limit.
pub fn schema(criteria: &[Criterion], key_points: usize) -> Value {
    let mut props = serde_json::Map::new();
    for c in criteria {
        props.insert(
            c.id.clone(),
            serde_json::json!({
                "type": "object", "additionalProperties": false, "required": ["score", "feedback"],
                "properties": {
                    "score": {"type": "integer", "minimum": 0, "maximum": c.max},
                    "feedback": {"type": "string", "maxLength": 160}
                }
            }),
        );
    }
    let ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();
    serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["scores", "covered", "feedback", "injection"],
        "properties": {
            "scores": {"type": "object", "additionalProperties": false, "required": ids, "properties": props},
            "covered": {"type": "array", "maxItems": key_points.clamp(1, 8), "items": {
                "type": "object", "additionalProperties": false, "required": ["point", "evidence"],
                "properties": {
                    "point": {"type": "string", "maxLength": 200},
                    "evidence": {"type": "string", "maxLength": 160}
                }
            }},
            "feedback": {"type": "string", "maxLength": 300},
            "injection": {"type": "boolean"}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Vec<Criterion> {
        crate::grader::prompt::Prompts::load(None).unwrap().criteria
    }

    const GOOD: &str = r#"Sure! ```json
{"criteria":[{"id":"correctness","score":4,"feedback":"Right."},{"id":"coverage","score":2,"feedback":"Most."},
{"id":"depth","score":1,"feedback":"Some."},{"id":"clarity","score":1,"feedback":"Clear {braces} \"quoted\"."}],
"covered":[{"point":"The GIL is a mutex","evidence":"a lock that lets one thread"},{"point":"The GIL is a mutex","evidence":"made up quote"},{"point":"not a key point","evidence":"lock"}],
"feedback":"Good.","injection":false}
```"#;

    #[test]
    fn a_good_reply_validates_and_forged_evidence_is_dropped() {
        let kp = vec!["The GIL is a mutex".to_string(), "Use processes for CPU work".to_string()];
        let p = validate(GOOD, &rubric(), &kp, "It is a lock that lets one thread run at a time.").unwrap();
        assert_eq!(p.criteria.iter().map(|c| c.score).sum::<f64>(), 8.0);
        assert_eq!(
            p.covered,
            [Covered { point: "The GIL is a mutex".into(), evidence: "a lock that lets one thread".into() }]
        );
        assert_eq!(p.unverified_evidence, 2);
    }

    #[test]
    fn feedback_that_parrots_the_answer_is_dropped() {
        let answer = "The GIL is a mutex in CPython that lets one thread run bytecode at a time.";
        let text = GOOD.replace("\"Right.\"", &format!("\"{answer}\""));
        let p = validate(&text, &rubric(), &[], answer).unwrap();
        assert_eq!(p.criteria[0].feedback, "");
        assert_eq!(p.criteria[1].feedback, "Most.");
    }

    #[test]
    fn feedback_strings_are_taken_as_soon_as_they_are_complete() {
        let partial = r#"{"scores": {"correctness": {"score": 3, "feedback": "Right, \"mostly\"."}, "coverage": {"score": 1, "feedback": "Miss"#;
        assert_eq!(complete_feedbacks(partial), ["Right, \"mostly\"."]);
    }

    #[test]
    fn the_scores_object_shape_validates_too() {
        let text = r#"{"scores": {"correctness": {"score": 3, "feedback": "a"}, "coverage": {"score": 1, "feedback": "b"},
            "depth": {"score": 0, "feedback": "c"}, "clarity": {"score": 1, "feedback": "d"}}, "covered": [], "feedback": "f", "injection": true}"#;
        let p = validate(text, &rubric(), &[], "a").unwrap();
        assert_eq!(p.criteria.iter().map(|c| c.score).sum::<f64>(), 5.0);
        assert!(p.injection);
        let s = schema(&rubric(), 5);
        assert_eq!(s["properties"]["scores"]["properties"]["correctness"]["properties"]["score"]["maximum"], 4);
        assert_eq!(s["properties"]["scores"]["required"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn schema_violations_are_reported() {
        let r = rubric();
        assert!(validate("no json here", &r, &[], "a").unwrap_err().contains("no JSON"));
        let out_of_range = GOOD.replace("\"score\":4", "\"score\":9");
        assert!(validate(&out_of_range, &r, &[], "a").unwrap_err().contains("outside 0..=4"));
        let missing = GOOD.replace("\"id\":\"depth\"", "\"id\":\"style\"");
        assert!(validate(&missing, &r, &[], "a").unwrap_err().contains("`depth` missing"));
        assert!(validate("{\"criteria\": [", &r, &[], "a").is_err(), "truncated JSON");
    }
}
