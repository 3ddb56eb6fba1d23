//! The offline grader's text checks: sentences, negation, tricks (empty, "I don't know",
//! keyword lists, echoes, injected instructions), depth and clarity.

use crate::bank::Question;
use crate::words;

/// Sentences (and bullet lines) of `text`, as slices of it, so evidence is always a substring.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut start = 0;
        let b = line.as_bytes();
        for i in 0..b.len() {
            let end_mark = matches!(b[i], b'.' | b'?' | b'!' | b';') && (i + 1 == b.len() || b[i + 1] == b' ');
            if end_mark {
                let s = line[start..=i].trim();
                if !s.is_empty() {
                    out.push(s);
                }
                start = i + 1;
            }
        }
        let s = line[start.min(line.len())..].trim();
        if !s.is_empty() {
            out.push(s);
        }
    }
    out
}

fn is_negation(w: &str) -> bool {
    matches!(w, "not" | "never" | "no" | "cannot" | "nothing" | "neither" | "nor" | "without") || w.ends_with("n't")
}

/// Whether a sentence carries a negation.
pub fn negated(s: &str) -> bool {
    words::tokens(s).iter().any(|w| is_negation(w))
}

/// The matched words that stand just after a negation (within four words): `cannot run
/// Python` negates `run` and `python`, not the rest of the sentence.
pub fn negated_words<'a>(s: &str, matched: &[&'a String]) -> Vec<&'a String> {
    let toks = words::tokens(s);
    let mut out = Vec::new();
    for (i, w) in toks.iter().enumerate() {
        if !is_negation(w) {
            continue;
        }
        for next in &toks[i + 1..toks.len().min(i + 5)] {
            let stem = words::stem(next);
            if let Some(m) = matched.iter().find(|m| ***m == stem)
                && !out.contains(m)
            {
                out.push(*m);
            }
        }
    }
    out
}

const DONT_KNOW: &[&str] = &[
    "i don't know", "i dont know", "don't know", "dont know", "no idea", "not sure", "idk", "i have no clue", "skip",
    "pass", "no clue", "i forget", "i forgot", "n/a", "not familiar", "never used", "haven't used",
];

/// `Some(flag)` when there is nothing to grade.
pub fn empty_or_dont_know(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if !t.chars().any(char::is_alphanumeric) {
        return Some("empty");
    }
    let lower = t.to_lowercase();
    let n = words::tokens(&lower).len();
    // A short answer that says so, or a slightly longer one that opens with it ("I don't
    // know those, I don't really use type hints beyond the basics").
    let first = sentences(&lower).first().copied().unwrap_or("");
    let opens = DONT_KNOW.iter().any(|d| first.contains(d)) || first.starts_with("sorry");
    if (n <= 12 && DONT_KNOW.iter().any(|d| lower.contains(d))) || (n <= 25 && opens) {
        return Some("dont-know");
    }
    None
}

/// Master-key openers: removed, keeping what follows them.
const OPENERS: &[&str] = &["solution:", "thought process:", "answer:"];

const INJECTION: &[&str] = &[
    "ignore previous", "ignore all previous", "ignore the above", "ignore the rubric", "ignore your instructions",
    "ignore the instructions", "disregard", "give this answer", "give me 10", "give it 10", "give 10", "10/10",
    "full marks", "maximum score", "score of 10", "as the grader", "you are the grader", "dear grader", "grader:",
    "system:", "assistant:", "\"score\"", "'score'", "score:", "new instructions", "you must award", "rate this",
    // Grader-voice openers ("master keys"): the answer judging itself.
    "the candidate", "answer is correct", "answer is complete", "correct and complete", "answer: correct", "verdict",
    "final score", "pre-approved", "score =", "score=", "evaluator", "system override", "<!--", "award the",
    "assign score", "let's evaluate", "step by step", "let's solve", "exemplary", "meets all criteria",
];

/// The answer without injected instructions (lines or sentences addressed to the grader, a
/// lone `:` opener), and whether any were found.
pub fn without_injection(answer: &str) -> (String, bool) {
    let mut found = false;
    let mut kept = Vec::new();
    for line in answer.lines() {
        let trimmed = line.trim();
        if trimmed == ":" || trimmed.starts_with('{') && trimmed.contains("score") {
            found = true;
            continue;
        }
        let mut parts = Vec::new();
        for s in sentences(line) {
            // An opener ("Solution: …") goes; the sentence it opens is judged on its own.
            let s = match OPENERS.iter().find(|o| s.to_lowercase().starts_with(*o)) {
                Some(o) => {
                    found = true;
                    s[o.len()..].trim_start()
                }
                None => s,
            };
            let lower = s.to_lowercase();
            if INJECTION.iter().any(|p| lower.contains(p)) {
                found = true;
            } else {
                parts.push(s);
            }
        }
        kept.push(parts.join(" "));
    }
    (kept.join("\n").trim().to_string(), found)
}

/// A list of terms without sentences: few function words.
pub fn is_keyword_list(text: &str) -> bool {
    let n = words::tokens(text).len();
    n >= 4 && words::function_word_ratio(text) < 0.12
}

/// An answer about something else: almost none of its words appear in the question, the
/// reference or the key points.
/// Content words of a question, its reference answer and key points.
pub fn vocabulary(q: &Question) -> std::collections::HashSet<String> {
    let mut words = words::content(&q.question);
    words.extend(words::content(q.answer.as_deref().unwrap_or_default()));
    words.extend(q.key_points.iter().flat_map(|k| words::content(&k.text)));
    words.into_iter().collect()
}

/// Whether under a tenth of the answer's distinct content words are in the question's
/// `vocabulary`.
pub fn is_off_topic(text: &str, vocabulary: &std::collections::HashSet<String>) -> bool {
    let mut aw = words::content(text);
    aw.sort();
    aw.dedup();
    !aw.is_empty() && aw.iter().filter(|w| vocabulary.contains(*w)).count() * 10 < aw.len()
}

/// The question echoed back (little beyond its own words).
pub fn is_echo(text: &str, q: &Question) -> bool {
    let qw = words::content(&q.question);
    let aw = words::content(text);
    !aw.is_empty() && aw.len() <= qw.len() + 3 && aw.iter().filter(|w| qw.contains(w)).count() * 10 >= aw.len() * 8
}

const CONNECTIVES: &[&str] = &[
    "because", "so", "therefore", "which", "since", "means", "example", "e.g", "instead", "whereas", "unlike",
    "however", "thus", "while", "when", "otherwise", "avoid", "trade-off", "tradeoff",
];

/// Absolute words: a confidently wrong answer leans on them ("always", "every", "no drawbacks").
const ABSOLUTES: &[&str] = &[
    "always", "never", "every", "all", "any", "automatically", "guarantees", "guaranteed", "only", "just",
    "completely", "entirely", "exactly", "fully", "basically", "totally", "impossible", "must", "nothing",
    "everything", "no",
];

/// Whether the answer overclaims: more than one word in 22 is an absolute (strong answers in
/// the calibration set stay under one in 30). Not for short answers.
pub fn overclaims(text: &str) -> bool {
    let toks = words::tokens(text);
    toks.len() >= 30 && toks.iter().filter(|w| ABSOLUTES.contains(&w.as_str())).count() * 22 > toks.len()
}

/// Depth, 0–2: reasons and examples, and how much of the reference's content it uses.
pub fn depth(text: &str, reference: &str) -> f64 {
    let toks = words::tokens(text);
    let connectives = toks.iter().filter(|w| CONNECTIVES.contains(&w.as_str())).count().min(3) as f64 / 3.0;
    let code =
        if text.contains('(') && text.contains(')') || text.contains("```") || text.contains('`') { 0.25 } else { 0.0 };
    let mut rw = words::content(reference);
    rw.sort();
    rw.dedup();
    let aw = words::content(text);
    let used = if rw.is_empty() {
        0.0
    } else {
        (rw.iter().filter(|w| aw.contains(w)).count() as f64 / rw.len().min(40) as f64).min(1.0)
    };
    (0.8 * connectives + code + 1.2 * used).min(2.0)
}

pub fn depth_feedback(d: f64) -> &'static str {
    match d {
        d if d >= 1.5 => "Explains why and gives specifics.",
        d if d >= 0.8 => "Some explanation; add a reason or an example.",
        _ => "States facts without explaining them; say why, and give an example.",
    }
}

/// Clarity, 0–2: sentences, not a word list; neither a fragment nor a wall of text.
pub fn clarity(text: &str) -> f64 {
    let n = words::tokens(text).len();
    let ratio = words::function_word_ratio(text);
    let structure = if ratio >= 0.25 {
        1.0
    } else if ratio >= 0.15 {
        0.6
    } else {
        0.2
    };
    let length = match n {
        0..=5 => 0.2,
        6..=14 => 0.6,
        15..=400 => 1.0,
        _ => 0.6,
    };
    structure + length
}

pub fn clarity_feedback(c: f64) -> &'static str {
    match c {
        c if c >= 1.6 => "Clear, complete sentences.",
        c if c >= 1.0 => "Readable; a little more structure would help.",
        _ => "Hard to follow: write full sentences.",
    }
}
