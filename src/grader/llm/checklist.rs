//! Checklist grading ("identify, then compute"): the model returns a verdict per key point
//! (covered, partial, missed, contradicted, each with a quote), the entry's misconceptions the
//! answer states (with quotes), and depth and clarity; this module checks all of it against the
//! answer key and the answer. The score is then computed by [`crate::grader::score`], the same
//! function the offline grader uses — never by the model.
//!
//! Every quote is verified twice:
//! - **It is in the answer** (whitespace and case aside). A `covered` verdict whose quote is not
//!   there is lowered to `partial` when most of the quote's words are in one sentence of the
//!   answer (a paraphrased quote; that sentence becomes the quote), else to `missed`; a
//!   `partial` or `contradicted` verdict without a real quote becomes `missed`; a misconception
//!   without one is dropped. Each is counted (`unverified_evidence`).
//! - **It states the point** it is credited for: the quote's sentence (or the quote, when it
//!   spans sentences) is measured against the point by the offline grader's matching
//!   ([`crate::grader::offline::Support`]: stems, thesaurus, rarity, the point's distinctive
//!   terms, negation and reversal). A `covered` or `partial` verdict is lowered to what the
//!   quote supports — covered → partial → missed — so one sentence quoted for every point
//!   credits only the points it states, and a quote that negates or reverses its point credits
//!   nothing. Each lowering is counted (`unsupported_quotes`).
//!
//! A lowered `covered` or `partial` verdict then gets a second reading: every sentence of the
//! answer is measured against the point the same way, and when one states it, the point is
//! credited on that sentence (never above what the model asked), which becomes the quote. A model
//! that quotes loosely is not punished for the quote when the answer does state the point; a model
//! that credits points the answer never states gains nothing. A `missed` verdict is never raised.
//!
//! Every lowered verdict says why in its `note`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::reply::{extract_json, norm, useful};
use crate::grader::offline::Support;
use crate::grader::offline::checks::sentences;
use crate::grader::prompt::Criterion;
use crate::grader::{MisconceptionFound, PointStatus, PointVerdict};

/// A checked reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// One verdict per key point, in the key's order.
    pub points: Vec<PointVerdict>,
    pub misconceptions: Vec<MisconceptionFound>,
    /// Depth and clarity as shares 0–1, with the model's feedback on each.
    pub depth: (f64, String),
    pub clarity: (f64, String),
    pub feedback: String,
    pub injection: bool,
    /// Quotes that were not in the answer (their verdicts lowered, or dropped).
    pub unverified_evidence: usize,
    /// Verdicts lowered because their quote does not state the point.
    pub unsupported_quotes: usize,
}

/// Where the model's verdicts and the offline grader's differ, recorded with an LLM grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Key points given the same status by both graders.
    pub agree: usize,
    /// Key points compared.
    pub of: usize,
    /// The offline grader's score of the same answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_score: Option<f64>,
    /// The points they judged differently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differ: Vec<Differ>,
}

/// One point judged differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Differ {
    pub point: String,
    pub llm: PointStatus,
    pub offline: PointStatus,
}

impl Agreement {
    /// Compares the model's verdicts with the offline grader's (points matched by their text).
    pub fn between(llm: &[PointVerdict], offline: &[PointVerdict], offline_score: Option<f64>) -> Agreement {
        let mut agree = 0;
        let mut differ = Vec::new();
        for v in llm {
            let Some(o) = offline.iter().find(|o| o.point == v.point) else { continue };
            if o.status == v.status {
                agree += 1;
            } else {
                differ.push(Differ { point: v.point.clone(), llm: v.status, offline: o.status });
            }
        }
        Agreement { agree, of: agree + differ.len(), offline_score, differ }
    }

    /// One line for a report: `4 of 5 key points; differs on: ✓/✗ “point”`.
    pub fn line(&self) -> String {
        let mut s = format!("agreement with the offline grader: {} of {} key points", self.agree, self.of);
        if let Some(score) = self.offline_score {
            s.push_str(&format!(" (its score {})", crate::ui::score(score)));
        }
        if !self.differ.is_empty() {
            let parts: Vec<String> = self
                .differ
                .iter()
                .map(|d| format!("“{}” LLM {} / offline {}", d.point, d.llm.mark(), d.offline.mark()))
                .collect();
            s.push_str(&format!("; differs on {}", parts.join(", ")));
        }
        s
    }
}

/// The JSON schema of a checklist reply for `points` key points and `misconceptions` known
/// misconceptions: one verdict per point (its number, a status from the list, a bounded quote),
/// misconceptions by number, and each judged criterion in its own range. Every array and string
/// is bounded so a small model cannot repeat items until the token limit.
pub fn schema(judged: &[Criterion], points: usize, misconceptions: usize) -> Value {
    let ids: Vec<usize> = (1..=points.max(1)).collect();
    let mut props = serde_json::Map::new();
    props.insert(
        "points".into(),
        json!({"type": "array", "minItems": points, "maxItems": points, "items": {
            "type": "object", "additionalProperties": false, "required": ["id", "status", "quote"],
            "properties": {
                "id": {"type": "integer", "enum": ids},
                "status": {"type": "string", "enum": ["covered", "partial", "missed", "contradicted"]},
                "quote": {"type": "string", "maxLength": 200}
            }
        }}),
    );
    let m_ids: Vec<usize> = (1..=misconceptions.max(1)).collect();
    props.insert(
        "misconceptions".into(),
        json!({"type": "array", "maxItems": misconceptions, "items": {
            "type": "object", "additionalProperties": false, "required": ["id", "quote"],
            "properties": {"id": {"type": "integer", "enum": m_ids}, "quote": {"type": "string", "maxLength": 200}}
        }}),
    );
    for c in judged {
        props.insert(
            c.id.clone(),
            json!({
                "type": "object", "additionalProperties": false, "required": ["score", "feedback"],
                "properties": {
                    "score": {"type": "integer", "minimum": 0, "maximum": c.max},
                    "feedback": {"type": "string", "maxLength": 160}
                }
            }),
        );
    }
    props.insert("feedback".into(), json!({"type": "string", "maxLength": 300}));
    props.insert("injection".into(), json!({"type": "boolean"}));
    let required: Vec<String> = props.keys().cloned().collect();
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": props})
}

/// The status a model wrote, read leniently.
fn status(v: &Value) -> Option<PointStatus> {
    match v.as_str()?.trim().to_lowercase().as_str() {
        "covered" | "yes" | "present" => Some(PointStatus::Covered),
        "partial" | "partially covered" | "partly" => Some(PointStatus::Partial),
        "missed" | "missing" | "no" | "absent" | "not covered" => Some(PointStatus::Missed),
        "contradicted" | "contradicts" | "wrong" => Some(PointStatus::Contradicted),
        _ => None,
    }
}

/// The quote of an item, cleaned of the quotation marks models add.
fn quote(item: &Value) -> String {
    let q = item["quote"].as_str().or_else(|| item["evidence"].as_str()).unwrap_or_default();
    q.trim().trim_matches(['"', '“', '”', '\'']).trim().trim_end_matches(['.', '…']).trim().to_string()
}

/// Which of `texts` an item names: by its number (`id`, 1-based), else by its text.
fn which(item: &Value, texts: &[String], key: &str) -> Option<usize> {
    if let Some(n) = item["id"].as_u64().or_else(|| item["id"].as_str().and_then(|s| s.trim().parse().ok())) {
        return (1..=texts.len()).contains(&(n as usize)).then(|| n as usize - 1);
    }
    let said = alnum(item[key].as_str()?);
    texts.iter().position(|t| !said.is_empty() && (alnum(t) == said || alnum(t).contains(&said)))
}

fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Where a quote was found in the answer.
enum Located<'a> {
    /// Word for word: the span to judge it on (its sentence, or the quote when it spans several).
    Exact(&'a str),
    /// Most of its words in this sentence of the answer.
    Loose(&'a str),
}

/// Finds `quote` in the answer, word for word or (`loosely`) most of its words in one sentence.
fn locate<'a>(quote: &'a str, answer_norm: &str, answer: &'a str, loosely: bool) -> Option<Located<'a>> {
    if quote.is_empty() {
        return None;
    }
    let q = norm(quote);
    if answer_norm.contains(&q) {
        let sentence = sentences(answer).into_iter().find(|s| norm(s).contains(&q));
        return Some(Located::Exact(sentence.unwrap_or(quote)));
    }
    if !loosely {
        return None;
    }
    let want = crate::words::content(quote);
    if want.is_empty() {
        return None;
    }
    sentences(answer)
        .into_iter()
        .find(|sentence| {
            let have = crate::words::content(sentence);
            want.iter().filter(|w| have.contains(w)).count() * 10 >= want.len() * 7
        })
        .map(Located::Loose)
}

/// The lower of two credits (contradicted counts as none).
fn credit(s: PointStatus) -> u8 {
    match s {
        PointStatus::Covered => 2,
        PointStatus::Partial => 1,
        PointStatus::Missed | PointStatus::Contradicted => 0,
    }
}

/// Checks `text` (the model's reply) against the key points, the misconceptions, the judged
/// criteria and the answer; `support(i, span)` measures how far a span of the answer states key
/// point `i`.
pub fn check(
    text: &str,
    judged: &[Criterion],
    key_points: &[String],
    misconceptions: &[String],
    answer: &str,
    support: &dyn Fn(usize, &str) -> Support,
) -> Result<Checked, String> {
    // The second reading: the sentence of the answer that states the point best, credited there.
    let answer_sentences = sentences(answer);
    let reread = |i: usize, asked: PointStatus, lowered: PointVerdict| -> PointVerdict {
        let best = answer_sentences
            .iter()
            .map(|sentence| (support(i, sentence).most, sentence))
            .max_by_key(|(most, _)| credit(*most))
            .filter(|(most, _)| credit(*most) > credit(lowered.status));
        match best {
            Some((most, sentence)) => {
                let status = if credit(most) >= credit(asked) { asked } else { most };
                let why = lowered.note.unwrap_or_default();
                PointVerdict::new(key_points[i].clone(), status, Some(sentence.to_string()))
                    .with_note(format!("{why}; credited on the sentence of the answer that states it"))
            }
            None => lowered,
        }
    };
    let v = extract_json(text).ok_or_else(|| "no JSON object in the reply".to_string())?;
    let items = v["points"].as_array().ok_or_else(|| "missing `points`".to_string())?;
    let answer_norm = norm(answer);
    let (mut unverified, mut unsupported) = (0, 0);
    let mut points: Vec<PointVerdict> =
        key_points.iter().map(|k| PointVerdict::new(k.clone(), PointStatus::Missed, None)).collect();
    let mut seen = vec![false; key_points.len()];
    for (n, item) in items.iter().enumerate() {
        // A reply in order without numbers is read in order.
        let Some(i) = which(item, key_points, "point").or((n < key_points.len()).then_some(n)) else { continue };
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let status = status(&item["status"]).ok_or_else(|| format!("key point {} has no valid status", i + 1))?;
        let q = quote(item);
        let point = key_points[i].clone();
        let missed = || PointVerdict::new(point.clone(), PointStatus::Missed, None);
        let (asked, span, evidence) = match (status, locate(&q, &answer_norm, answer, status == PointStatus::Covered)) {
            (PointStatus::Missed, _) => {
                points[i] = missed();
                continue;
            }
            (PointStatus::Contradicted, None) => {
                unverified += 1;
                points[i] = missed().with_note(format!("the model's quote “{q}” is not in the answer"));
                continue;
            }
            (asked, None) => {
                unverified += 1;
                points[i] =
                    reread(i, asked, missed().with_note(format!("the model's quote “{q}” is not in the answer")));
                continue;
            }
            (PointStatus::Contradicted, Some(Located::Exact(_))) => {
                points[i] = PointVerdict::new(point, PointStatus::Contradicted, Some(q));
                continue;
            }
            (_, Some(Located::Loose(sentence))) => {
                unverified += 1;
                (PointStatus::Partial, sentence, sentence.to_string())
            }
            (_, Some(Located::Exact(span))) => (status, span, q.clone()),
        };
        let paraphrased = asked != status;
        let s = support(i, span);
        let verdict = if credit(s.most) >= credit(asked) {
            PointVerdict::new(point, asked, Some(evidence))
        } else {
            unsupported += 1;
            let why = s.why.unwrap_or_default();
            let lowered = if s.most == PointStatus::Missed {
                missed().with_note(format!("the model said {} on “{q}”: {why}", status.as_str()))
            } else {
                PointVerdict::new(point, PointStatus::Partial, Some(evidence))
                    .with_note(format!("the model said {}: {why}", status.as_str()))
            };
            reread(i, asked, lowered)
        };
        points[i] = if paraphrased && verdict.note.is_none() {
            verdict.with_note(
                "the model's quote is not word for word in the answer: credited in part on its closest sentence",
            )
        } else {
            verdict
        };
    }
    let mut found_m: Vec<MisconceptionFound> = Vec::new();
    for item in v["misconceptions"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let Some(i) = which(item, misconceptions, "misconception") else {
            unverified += 1;
            continue;
        };
        let q = quote(item);
        if locate(&q, &answer_norm, answer, false).is_none() {
            unverified += 1;
            continue;
        }
        if !found_m.iter().any(|m| m.misconception == misconceptions[i]) {
            found_m.push(MisconceptionFound { misconception: misconceptions[i].clone(), quote: q });
        }
    }
    let judge = |id: &str| -> Result<(f64, String), String> {
        let Some(c) = judged.iter().find(|c| c.id == id) else { return Ok((0.0, String::new())) };
        let item = &v[id];
        let score = item["score"]
            .as_f64()
            .or_else(|| item.as_f64())
            .ok_or_else(|| format!("criterion `{id}` has no numeric score"))?;
        if !(0.0..=f64::from(c.max)).contains(&score) {
            return Err(format!("criterion `{id}` scored {score}, outside 0..={}", c.max));
        }
        let feedback = useful(item["feedback"].as_str().unwrap_or_default(), &answer_norm);
        Ok((score / f64::from(c.max.max(1)), feedback))
    };
    Ok(Checked {
        points,
        misconceptions: found_m,
        depth: judge("depth")?,
        clarity: judge("clarity")?,
        feedback: useful(v["feedback"].as_str().unwrap_or_default(), &answer_norm),
        injection: v["injection"].as_bool().unwrap_or(false),
        unverified_evidence: unverified,
        unsupported_quotes: unsupported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged() -> Vec<Criterion> {
        crate::grader::prompt::Prompts::load(None).unwrap().judged()
    }

    fn key() -> Vec<String> {
        ["The GIL is a mutex", "Only one thread runs bytecode at a time", "It is released during I/O"]
            .map(String::from)
            .to_vec()
    }

    /// Every quote states its point (for tests of the quote's place in the answer).
    fn full(_: usize, _: &str) -> Support {
        Support { most: PointStatus::Covered, why: None }
    }

    /// The bank's GIL question and a support measure over its key points, as the LLM grader
    /// builds it.
    fn gil() -> (crate::grader::offline::OfflineGrader, crate::bank::Question) {
        let bank = crate::bank::store::load_embedded().unwrap().questions;
        let q = bank.iter().find(|q| q.id == "concurrency/gil-global-interpreter-lock-implications").unwrap().clone();
        (crate::grader::offline::OfflineGrader::new(&bank), q)
    }

    fn measured(g: &crate::grader::offline::OfflineGrader, q: &crate::bank::Question, i: usize, span: &str) -> Support {
        let others: Vec<&crate::bank::Claim> =
            q.key_points.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect();
        g.support(q, &q.key_points[i], &others, span)
    }

    /// A checklist reply giving each `(point number, status, quote)`.
    fn reply(points: &[(usize, &str, &str)]) -> String {
        let points: Vec<Value> = points.iter().map(|(id, s, q)| json!({"id": id, "status": s, "quote": q})).collect();
        json!({"points": points, "misconceptions": [], "depth": {"score": 2, "feedback": ""},
            "clarity": {"score": 2, "feedback": ""}, "feedback": "", "injection": false})
        .to_string()
    }

    fn statuses(c: &Checked) -> Vec<PointStatus> {
        c.points.iter().map(|p| p.status).collect()
    }

    const MUTEX: &str =
        "The GIL is a mutex in CPython that allows only one thread to execute Python bytecode at a time";
    const GOOD: &str = "The GIL is a mutex in CPython that allows only one thread to execute Python bytecode at a time. \
        Blocking I/O releases the GIL, so threads still help while one waits. Use multiprocessing for CPU-bound \
        work because each process has its own GIL. The GIL doesn't make code thread-safe.";

    #[test]
    fn one_sentence_quoted_for_every_point_credits_each_point_only_on_a_sentence_that_states_it() {
        let (g, q) = gil();
        let all: Vec<(usize, &str, &str)> = (1..=q.key_points.len()).map(|i| (i, "covered", MUTEX)).collect();
        let support = |i: usize, span: &str| measured(&g, &q, i, span);
        let c = check(&reply(&all), &judged(), &q.point_texts(), &[], GOOD, &support).unwrap();
        assert_eq!((c.points[0].status, c.points[0].note.as_deref()), (PointStatus::Covered, None));
        assert_eq!((c.unsupported_quotes, c.unverified_evidence), (5, 0));
        for p in &c.points[1..] {
            let note = p.note.as_deref().unwrap();
            assert!(note.starts_with(&format!("the model said covered on “{MUTEX}”: the quote")), "{note}");
            if p.status != PointStatus::Missed {
                assert_ne!(p.quote(), MUTEX, "{p:?}");
                assert!(note.ends_with("credited on the sentence of the answer that states it"), "{note}");
            }
        }
        // The C-extensions point is stated nowhere in the answer.
        assert_eq!(c.points[4].status, PointStatus::Missed, "{:?}", c.points[4]);
    }

    #[test]
    fn a_lowered_verdict_is_credited_where_the_answer_states_the_point_and_nowhere_else() {
        let (g, q) = gil();
        let support = |i: usize, span: &str| measured(&g, &q, i, span);
        let all: Vec<(usize, &str, &str)> = (1..=q.key_points.len()).map(|i| (i, "covered", MUTEX)).collect();
        // The answer states more than the quoted sentence: those points are credited on their own sentences.
        let c = check(&reply(&all), &judged(), &q.point_texts(), &[], GOOD, &support).unwrap();
        for got in &c.points {
            if got.status != PointStatus::Missed {
                let quote = got.evidence.as_deref().unwrap();
                assert!(GOOD.contains(quote), "{got:?}");
                let i = q.point_texts().iter().position(|p| *p == got.point).unwrap();
                assert!(credit(measured(&g, &q, i, quote).most) >= credit(got.status), "{got:?}");
            }
        }
        assert!(c.points.iter().filter(|p| p.status != PointStatus::Missed).count() >= 3, "{:?}", c.points);
        // An answer of one sentence gains nothing: the other points are stated nowhere.
        let c = check(&reply(&all), &judged(), &q.point_texts(), &[], MUTEX, &support).unwrap();
        use PointStatus::{Covered, Missed};
        assert_eq!(statuses(&c), [Covered, Missed, Missed, Missed, Missed, Missed]);
    }

    #[test]
    fn quotes_that_state_their_points_keep_their_verdicts() {
        let (g, q) = gil();
        let verdicts = [
            (1, "covered", "allows only one thread to execute Python bytecode at a time"),
            (3, "covered", "Blocking I/O releases the GIL"),
            (4, "covered", "Use multiprocessing for CPU-bound work"),
            (6, "partial", "The GIL doesn't make code thread-safe"),
        ];
        let support = |i: usize, span: &str| measured(&g, &q, i, span);
        let c = check(&reply(&verdicts), &judged(), &q.point_texts(), &[], GOOD, &support).unwrap();
        use PointStatus::{Covered, Missed, Partial};
        assert_eq!(statuses(&c), [Covered, Missed, Covered, Covered, Missed, Partial]);
        assert_eq!(c.unsupported_quotes, 0);
        assert!(c.points.iter().all(|p| p.note.is_none()));
    }

    #[test]
    fn a_quote_that_touches_its_point_is_partial_and_one_that_reverses_it_credits_nothing() {
        let (g, q) = gil();
        let answer = "Only one thread runs at a time. The GIL is never released during I/O.";
        let verdicts = [(1, "covered", "Only one thread runs at a time"), (3, "partial", "never released during I/O")];
        let support = |i: usize, span: &str| measured(&g, &q, i, span);
        let c = check(&reply(&verdicts), &judged(), &q.point_texts(), &[], answer, &support).unwrap();
        assert_eq!(c.points[0].status, PointStatus::Partial);
        assert_eq!(c.points[0].quote(), "Only one thread runs at a time");
        assert!(c.points[0].note.as_deref().unwrap().starts_with("the model said covered: the quote holds"));
        assert_eq!(c.points[2].status, PointStatus::Missed);
        assert!(c.points[2].note.as_deref().unwrap().ends_with("the quote says the opposite of this point"));
        assert_eq!(c.unsupported_quotes, 2);
    }

    const ANSWER: &str = "The GIL is a lock in CPython. It lets threads run bytecode in parallel on all cores.";

    #[test]
    fn verdicts_keep_real_quotes_and_lose_forged_ones() {
        let reply = r#"Sure: ```json
{"points": [{"id": 1, "status": "covered", "quote": "The GIL is a lock"},
  {"id": 2, "status": "contradicted", "quote": "run bytecode in parallel on all cores"},
  {"id": 3, "status": "covered", "quote": "released while waiting on sockets"}],
 "misconceptions": [{"id": 1, "quote": "threads run bytecode in parallel"}, {"id": 1, "quote": "made up"}],
 "depth": {"score": 1, "feedback": "Some reasons."}, "clarity": {"score": 2, "feedback": "Clear."},
 "feedback": "Good start.", "injection": false}
```"#;
        let misconceptions = vec!["The GIL lets threads run in parallel".to_string()];
        // A point is stated by a span holding its word (the forged quote's point by none).
        let by_word = |i: usize, span: &str| Support {
            most: if span.contains(["GIL", "bytecode", "released"][i]) {
                PointStatus::Covered
            } else {
                PointStatus::Missed
            },
            why: None,
        };
        let c = check(reply, &judged(), &key(), &misconceptions, ANSWER, &by_word).unwrap();
        let statuses: Vec<PointStatus> = c.points.iter().map(|p| p.status).collect();
        assert_eq!(statuses, [PointStatus::Covered, PointStatus::Contradicted, PointStatus::Missed]);
        assert_eq!(c.points[1].quote(), "run bytecode in parallel on all cores");
        assert_eq!(c.misconceptions.len(), 1);
        assert_eq!(c.unverified_evidence, 2, "the forged point quote and the forged misconception quote");
        assert_eq!((c.depth.0, c.clarity.0), (0.5, 1.0));
    }

    #[test]
    fn a_paraphrased_quote_is_partial_and_missing_points_are_missed() {
        let reply = r#"{"points": [{"point": "The GIL is a mutex", "status": "Covered", "quote": "the GIL is a CPython lock"}],
            "misconceptions": [], "depth": {"score": 0, "feedback": ""}, "clarity": {"score": 1, "feedback": ""},
            "feedback": "", "injection": true}"#;
        let c = check(reply, &judged(), &key(), &[], ANSWER, &full).unwrap();
        assert_eq!(c.points[0].status, PointStatus::Partial);
        assert!(c.points[1..].iter().all(|p| p.status == PointStatus::Missed));
        assert!(c.injection);
    }

    #[test]
    fn bad_replies_are_reported() {
        let j = judged();
        assert!(check("no json here", &j, &key(), &[], ANSWER, &full).unwrap_err().contains("no JSON"));
        assert!(check("{\"depth\": 1}", &j, &key(), &[], ANSWER, &full).unwrap_err().contains("missing `points`"));
        let out_of_range = r#"{"points": [], "depth": {"score": 7}, "clarity": {"score": 1}}"#;
        assert!(check(out_of_range, &j, &key(), &[], ANSWER, &full).unwrap_err().contains("outside 0..=2"));
        let bad_status = r#"{"points": [{"id": 1, "status": "great", "quote": ""}], "depth": 1, "clarity": 1}"#;
        assert!(check(bad_status, &j, &key(), &[], ANSWER, &full).unwrap_err().contains("no valid status"));
        assert!(check("{\"points\": [", &j, &key(), &[], ANSWER, &full).is_err(), "truncated JSON");
    }

    #[test]
    fn the_schema_asks_one_verdict_per_point_and_each_criterion_in_range() {
        let s = schema(&judged(), 3, 2);
        assert_eq!(s["properties"]["points"]["minItems"], 3);
        assert_eq!(s["properties"]["points"]["items"]["properties"]["id"]["enum"], json!([1, 2, 3]));
        assert_eq!(s["properties"]["depth"]["properties"]["score"]["maximum"], 2);
        assert!(s["properties"].get("coverage").is_none(), "coverage is computed, not asked");
        assert_eq!(s["required"].as_array().unwrap().len(), 6);
    }

    #[test]
    fn agreement_counts_matching_points_and_names_the_others() {
        let v = |s| PointVerdict::new("p", s, None);
        let w = |s| PointVerdict::new("q", s, None);
        let a = Agreement::between(
            &[v(PointStatus::Covered), w(PointStatus::Missed)],
            &[v(PointStatus::Covered), w(PointStatus::Contradicted)],
            Some(3.0),
        );
        assert_eq!((a.agree, a.of), (1, 2));
        assert_eq!(
            a.line(),
            "agreement with the offline grader: 1 of 2 key points (its score 3/10); differs on “q” LLM ✗ / offline ⚠"
        );
    }
}
