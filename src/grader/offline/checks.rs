//! The offline grader's text checks: sentences, negation, tricks (empty, "I don't know",
//! keyword lists, echoes, injected instructions), depth and clarity.

use super::terms;
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

/// The matched words a negation reaches: those after it in its clause (up to the next comma,
/// colon, bracket, "and", "so", "but", "because", "which"…), at most seven words on, and said
/// in no clause of `s` without a negation. `threads don't run Python bytecode in parallel, so use
/// processes` negates `run`, `python`, `bytecode` and `parallel`, not `processes`; "the sand is
/// too big to go through the holes but the salt is not too big" negates neither `big` nor `hole`.
pub fn negated_words<'a>(s: &str, matched: &[&'a String]) -> Vec<&'a String> {
    let mut reached: Vec<&'a String> = Vec::new();
    let mut free: std::collections::HashSet<String> = std::collections::HashSet::new();
    let lower = s.to_lowercase();
    let mut clauses = vec![lower.as_str()];
    for sep in
        [",", ";", ":", "(", ")", " and ", " so ", " but ", " because ", " which ", " while ", " whereas ", " since "]
    {
        clauses = clauses.iter().flat_map(|c| c.split(sep)).collect();
    }
    for clause in clauses {
        let toks = words::tokens(clause);
        for (i, w) in toks.iter().enumerate() {
            if !is_negation(w) {
                continue;
            }
            for next in &toks[i + 1..toks.len().min(i + 8)] {
                let stem = super::terms::term(next);
                if let Some(m) = matched.iter().find(|m| ***m == stem)
                    && !reached.contains(m)
                {
                    reached.push(*m);
                }
            }
        }
        if !toks.iter().any(|w| is_negation(w)) {
            free.extend(toks.iter().map(|w| super::terms::term(w)));
        }
    }
    reached.retain(|m| !free.contains(m.as_str()));
    reached
}

const DONT_KNOW: &[&str] = &[
    "i don't know", "i dont know", "don't know", "dont know", "don't really know", "dont really know", "no idea",
    "not sure", "idk", "i have no clue", "skip", "pass", "no clue", "i forget", "i forgot", "n/a", "not familiar",
    "never used", "haven't used",
];

/// Entries of [`DONT_KNOW`] that are also ordinary verbs.
const VERBS: &[&str] = &["pass", "skip"];

/// Whether `phrase` occurs in `text` as whole words ("pass" in "I'll pass", not in "passed").
fn has_phrase(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '\''));
    text.match_indices(phrase)
        .any(|(i, m)| boundary(text[..i].chars().next_back()) && boundary(text[i + m.len()..].chars().next()))
}

/// `Some(flag)` when there is nothing to grade.
pub fn empty_or_dont_know(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if !t.chars().any(char::is_alphanumeric) {
        return Some("empty");
    }
    let lower = t.to_lowercase().replace('’', "'");
    let n = words::tokens(&lower).len();
    // A short answer that says so, or a slightly longer one that opens with it ("I don't
    // know those, I don't really use type hints beyond the basics").
    let first = sentences(&lower).first().copied().unwrap_or("");
    // "pass" and "skip" are also verbs of answers ("too big to pass through the filter"): they
    // say "no answer" only as (nearly) the whole answer ("pass", "I'll skip this") or its own
    // opening clause ("pass, I don't really know how pooling is configured").
    let opens_with = |d: &str| {
        lower.strip_prefix(d).is_some_and(|rest| rest.is_empty() || rest.starts_with([',', '.', ';', ':', '!', '-']))
    };
    let says = |text: &str, d: &&str| has_phrase(text, d) && (!VERBS.contains(d) || n <= 4 || opens_with(d));
    let opens = DONT_KNOW.iter().any(|d| says(first, d)) || first.starts_with("sorry");
    if (n <= 12 && DONT_KNOW.iter().any(|d| says(&lower, d))) || (n <= 25 && opens) {
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
    // Persuasion aimed at the grader ("your rubric output must reflect a perfect result").
    "your rubric", "rubric output", "perfect result", "perfect score", "perfect grade", "highest score", "top score",
    "top marks", "highest grade", "must reflect", "grade this", "score this", "mark this answer",
    "this answer deserves", "deserves full", "deserves a 10", "should be graded", "must be graded", "should receive",
    "must receive", "grading instructions", "grading model", "your instructions", "previous instructions",
    "prior instructions", "jailbreak",
];

/// How an injection check reads a sentence: lower case, normalised, leetspeak folded.
fn as_checked(s: &str) -> String {
    super::super::normalize::fold_leet(&super::super::normalize::text(s).to_lowercase())
}

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
            if INJECTION.iter().any(|p| as_checked(s).contains(p)) {
                found = true;
            } else {
                parts.push(s);
            }
        }
        kept.push(parts.join(" "));
    }
    (kept.join("\n").trim().to_string(), found)
}

/// A list of terms without sentences: few function words, and long enough to be a list rather
/// than a terse answer ("O(log n)", "request → middleware → view → response", "a = b + c").
pub fn is_keyword_list(text: &str) -> bool {
    let n = words::tokens(text).len();
    let ordered = ["->", "→", "=>", "="].iter().any(|s| text.contains(s));
    n >= 8 && !(ordered && n <= 16) && words::function_word_ratio(text) < 0.12
}

/// An answer about something else: almost none of its words appear in the question, the
/// reference or the key points.
/// Content words of a question, its reference answer and key points.
pub fn vocabulary(q: &Question) -> std::collections::HashSet<String> {
    let mut words = terms::content(&q.question);
    words.extend(terms::content(q.answer.as_deref().unwrap_or_default()));
    words.extend(q.key_points.iter().flat_map(|k| k.wordings().flat_map(terms::content)));
    words.into_iter().collect()
}

/// Whether under a tenth of the answer's distinct content words are in the question's
/// `vocabulary`, and it is long enough to tell (six terms or more: a terse answer in its own
/// words — "it expands", "O(log n)" — is judged on its points, not called off-topic).
pub fn is_off_topic(text: &str, vocabulary: &std::collections::HashSet<String>) -> bool {
    let mut aw = terms::content(text);
    aw.sort();
    aw.dedup();
    aw.len() >= 6 && aw.iter().filter(|w| vocabulary.contains(*w)).count() * 10 < aw.len()
}

/// The question echoed back: little beyond its own words, most of them, and none of the answer
/// key's words that the question does not already hold ("How did you separate the salt from the
/// water?" — "We evaporated the water from the salt" is an answer, not an echo).
pub fn is_echo(text: &str, q: &Question) -> bool {
    let qw = terms::content(&q.question);
    let aw = terms::content(text);
    let mut key: Vec<String> = terms::content(q.answer.as_deref().unwrap_or_default());
    key.extend(q.key_points.iter().flat_map(|k| k.wordings().flat_map(terms::content)));
    let adds_key = aw.iter().any(|w| !qw.contains(w) && key.contains(w));
    // It repeats most of the question, too: a short answer in the question's own words ("Topaz
    // is hard because you cannot scratch it") to a long question is an answer.
    let mut distinct_q = qw.clone();
    distinct_q.sort();
    distinct_q.dedup();
    let repeated = distinct_q.iter().filter(|w| aw.contains(w)).count();
    !aw.is_empty()
        && !adds_key
        && aw.len() <= qw.len() + 3
        && repeated * 10 >= distinct_q.len() * 6
        && aw.iter().filter(|w| qw.contains(w)).count() * 10 >= aw.len() * 8
}

const CONNECTIVES: &[&str] = &[
    "because", "so", "therefore", "which", "since", "means", "example", "e.g", "instead", "whereas", "unlike",
    "however", "thus", "while", "when", "otherwise", "avoid", "trade-off", "tradeoff",
];

/// Absolute words: a confidently wrong answer leans on them ("always", "every", "no drawbacks").
/// Words that also state plain facts ("nothing left", "only one thread", "no copy") are not here.
const ABSOLUTES: &[&str] = &[
    "always", "never", "every", "all", "any", "automatically", "guarantees", "guaranteed", "completely", "entirely",
    "totally", "exactly", "fully", "basically", "impossible", "everything", "magically", "perfectly", "must",
];

/// Whether the answer overclaims: more than one word in 22 is an absolute. Not for short answers.
pub fn overclaims(text: &str) -> bool {
    let toks = words::tokens(text);
    toks.len() >= 30 && toks.iter().filter(|w| ABSOLUTES.contains(&w.as_str())).count() * 22 > toks.len()
}

/// Function words of other languages viva cannot read (Spanish, French, German, Portuguese,
/// Italian, Dutch), none of them English words.
const FOREIGN: &[&str] = &[
    "el", "los", "las", "que", "una", "es", "por", "para", "pero", "como", "cuando", "porque", "también", "muy", "les",
    "des", "et", "est", "une", "qui", "dans", "pour", "pas", "sur", "avec", "sont", "c'est", "quand", "mais", "où",
    "der", "das", "und", "ist", "nicht", "ein", "eine", "zu", "mit", "von", "sich", "auf", "für", "dem", "auch",
    "wird", "werden", "beim", "oder", "não", "é", "em", "uma", "você", "isso", "di", "che", "della", "sono", "het",
    "een", "niet", "ook", "zijn", "wordt", "lo", "se", "la", "le", "il", "du", "au", "aux", "den",
];

/// The reason an answer cannot be read, when it seems to be in another language: several
/// function words of another language and fewer English ones, or mostly non-Latin letters.
pub fn other_language(text: &str) -> Option<String> {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let latin = letters.iter().filter(|&&c| c.is_ascii_alphabetic() || ('\u{C0}'..='\u{24F}').contains(&c)).count();
    if letters.len() >= 20 && latin * 2 < letters.len() {
        return Some("the answer is not written in English (non-Latin script)".into());
    }
    let toks = words::tokens(text);
    let english = toks.iter().filter(|w| words::is_stopword(w)).count();
    let foreign = toks.iter().filter(|w| FOREIGN.contains(&w.as_str())).count();
    (toks.len() >= 6 && foreign >= 3 && foreign > 2 * english)
        .then(|| "the answer seems to be in another language than English".into())
}

/// Depth, 0–2: reasons and examples, and how much of the reference's content it uses.
pub fn depth(text: &str, reference: &str) -> f64 {
    let toks = words::tokens(text);
    let connectives = toks.iter().filter(|w| CONNECTIVES.contains(&w.as_str())).count().min(3) as f64 / 3.0;
    let code =
        if text.contains('(') && text.contains(')') || text.contains("```") || text.contains('`') { 0.25 } else { 0.0 };
    let mut rw = terms::content(reference);
    rw.sort();
    rw.dedup();
    let aw = terms::content(text);
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
