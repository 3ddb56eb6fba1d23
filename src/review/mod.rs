//! Reading the history: a summary per session, statistics over many, and search. Pure functions
//! over loaded transcripts; the commands do the I/O and the printing.

pub mod memory;
pub mod report;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::transcript::Transcript;

/// One line of `viva review`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub mode: String,
    pub topics: Vec<String>,
    pub questions: usize,
    pub answered: usize,
    pub score: Option<f64>,
    pub seconds: f64,
    pub grader: String,
    pub finished: bool,
    pub pending: usize,
}

pub fn summary(t: &Transcript) -> Summary {
    let mut topics: Vec<String> = t.items.iter().map(|i| i.topic.clone()).collect();
    topics.sort();
    topics.dedup();
    Summary {
        id: t.id.clone(),
        started_at: t.started_at,
        mode: t.mode.clone(),
        topics,
        questions: t.plan.len(),
        answered: t.items.len(),
        score: t.score().map(|s| (s * 10.0).round() / 10.0),
        seconds: t.items.iter().map(|i| i.seconds).sum(),
        grader: t.settings.grader.clone(),
        finished: t.is_finished(),
        pending: t.items.iter().filter(|i| i.score().is_none()).count(),
    }
}

/// Filters for listing and statistics.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub topic: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub grader: Option<String>,
}

impl Filter {
    pub fn keep(&self, t: &Transcript) -> bool {
        self.since.is_none_or(|s| t.started_at >= s)
            && self.grader.as_ref().is_none_or(|g| &t.settings.grader == g)
            && self.topic.as_ref().is_none_or(|topic| t.items.iter().any(|i| &i.topic == topic))
    }
}

/// Per-topic figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicStat {
    pub topic: String,
    pub answers: usize,
    pub mean: f64,
}

/// A question's record across sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionStat {
    pub question_id: String,
    pub question: String,
    pub attempts: usize,
    pub mean: f64,
}

/// `viva review stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub sessions: usize,
    pub answers: usize,
    pub mean: Option<f64>,
    /// `(session start, session score)`, oldest first.
    pub trend: Vec<(DateTime<Utc>, f64)>,
    pub by_topic: Vec<TopicStat>,
    /// Questions whose mean is below [`WEAK_BELOW`], weakest first, at most 10.
    pub weakest: Vec<QuestionStat>,
    /// Share of answers whose time ran out.
    pub overtime_rate: f64,
    pub graders: BTreeMap<String, usize>,
}

/// A question is weak when its mean score is below this (the end report's "practise next" uses
/// the same line).
pub const WEAK_BELOW: f64 = 7.0;

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn stats(transcripts: &[Transcript]) -> Stats {
    let mut trend: Vec<(DateTime<Utc>, f64)> =
        transcripts.iter().filter_map(|t| t.score().map(|s| (t.started_at, round1(s)))).collect();
    trend.sort_by_key(|(d, _)| *d);
    let mut topics: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut questions: BTreeMap<&str, (&str, Vec<f64>)> = BTreeMap::new();
    let mut graders: BTreeMap<String, usize> = BTreeMap::new();
    let (mut answers, mut overtime, mut all) = (0, 0, Vec::new());
    for t in transcripts {
        *graders.entry(t.settings.grader.clone()).or_default() += 1;
        for item in &t.items {
            answers += 1;
            overtime += usize::from(item.timed_out);
            if let Some(s) = item.score() {
                all.push(s);
                topics.entry(&item.topic).or_default().push(s);
                questions.entry(&item.question_id).or_insert((&item.question, Vec::new())).1.push(s);
            }
        }
    }
    let mut by_topic: Vec<TopicStat> = topics
        .into_iter()
        .map(|(topic, s)| TopicStat { topic: topic.to_string(), answers: s.len(), mean: round1(mean(&s)) })
        .collect();
    by_topic.sort_by(|a, b| a.mean.total_cmp(&b.mean).then_with(|| a.topic.cmp(&b.topic)));
    let mut weakest: Vec<QuestionStat> = questions
        .into_iter()
        .map(|(id, (q, s))| QuestionStat {
            question_id: id.to_string(),
            question: q.to_string(),
            attempts: s.len(),
            mean: round1(mean(&s)),
        })
        .collect();
    weakest.retain(|q| q.mean < WEAK_BELOW);
    weakest.sort_by(|a, b| a.mean.total_cmp(&b.mean).then_with(|| a.question_id.cmp(&b.question_id)));
    weakest.truncate(10);
    Stats {
        sessions: transcripts.len(),
        answers,
        mean: (!all.is_empty()).then(|| round1(mean(&all))),
        trend,
        by_topic,
        weakest,
        overtime_rate: if answers == 0 { 0.0 } else { round1(100.0 * overtime as f64 / answers as f64) / 100.0 },
        graders,
    }
}

/// A sparkline of scores 0–10: `▁▂▃▄▅▆▇█`.
pub fn sparkline(scores: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    scores.iter().map(|s| BARS[((s.clamp(0.0, 10.0) / 10.0) * 7.0).round() as usize]).collect()
}

/// A search hit: where a query's words were found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub session: String,
    pub question_id: String,
    /// The question answered: the bank question, or the follow-up's wording.
    pub question: String,
    /// `answer` or `feedback`, prefixed `retry N` or `follow-up N` for those attempts.
    pub field: String,
    pub excerpt: String,
}

/// Answers and feedback containing every word of `query` (case-insensitive), in every attempt
/// (answers, retries, follow-ups), newest session first.
pub fn search(transcripts: &[Transcript], query: &str) -> Vec<Hit> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for t in transcripts.iter().rev() {
        for item in &t.items {
            for (name, attempt) in item.attempts() {
                let name = if name == "answer" { String::new() } else { format!("{name} ") };
                let feedback = std::iter::once(attempt.grade.feedback.clone())
                    .chain(attempt.grade.criteria.iter().map(|c| c.feedback.clone()))
                    .collect::<Vec<_>>()
                    .join(" ");
                for (field, text) in [("answer", &attempt.answer), ("feedback", &feedback)] {
                    let lower = text.to_lowercase();
                    if words.iter().all(|w| lower.contains(w.as_str())) {
                        hits.push(Hit {
                            session: t.id.clone(),
                            question_id: item.question_id.clone(),
                            question: attempt.question.clone(),
                            field: format!("{name}{field}"),
                            excerpt: excerpt(text, &words[0]),
                        });
                    }
                }
            }
        }
    }
    hits
}

/// The char index in `text` where `word` (already lowercase) first occurs, case-insensitively.
/// Works on characters, not bytes: a character's lowercase may be longer or shorter in UTF-8
/// (`İ` is 2 bytes, its lowercase `i̇` 3).
fn find_ci(text: &str, word: &str) -> Option<usize> {
    let mut lower = String::with_capacity(text.len());
    // starts[k] = byte offset in `lower` where the k-th character of `text` begins.
    let mut starts = Vec::with_capacity(text.len());
    for ch in text.chars() {
        starts.push(lower.len());
        lower.extend(ch.to_lowercase());
    }
    let at = lower.find(word)?;
    Some(starts.partition_point(|&s| s <= at).saturating_sub(1))
}

/// About 100 characters of `text` around the first `word`.
fn excerpt(text: &str, word: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let pos = find_ci(&flat, word).unwrap_or(0);
    let start = pos.saturating_sub(40);
    let end = (pos + 60).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
pub(crate) mod tests;
