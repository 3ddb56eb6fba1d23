//! Reading a labelled set: JSON Lines, one answer with its expert score per line.
//!
//! Required: `id`, `question`, `reference`, `answer`, `expert_score` (0–10). Optional:
//! `question_id` (a bank id), `key_points`, `label`, `adversarial`, `split`, `topic`,
//! `rationale`. Unknown fields are ignored. A bad line is reported with its line number and
//! skipped; the rest still run.

use std::path::Path;

use serde::Deserialize;

use crate::bank::{Claim, Difficulty, DifficultyOrigin, Question, Source, distil};

/// One labelled answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Sample {
    pub id: String,
    pub question: String,
    pub reference: String,
    pub answer: String,
    pub expert_score: f64,
    #[serde(default)]
    pub question_id: Option<String>,
    #[serde(default)]
    pub key_points: Option<Vec<String>>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub adversarial: Option<String>,
    /// `dev` or `heldout` in the shipped set; any name in others.
    #[serde(default)]
    pub split: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub rationale: Option<String>,
    /// Code the question refers to (part of its identity when matching a bank question).
    #[serde(default)]
    pub code: Option<String>,
}

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses a set; returns the usable samples and the lines that were not.
pub fn parse(text: &str) -> (Vec<Sample>, Vec<BadLine>) {
    let mut samples: Vec<Sample> = Vec::new();
    let mut bad = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let sample: Sample = match serde_json::from_str(line) {
            Ok(s) => s,
            Err(e) => {
                bad.push(BadLine { line: n, message: describe(&e) });
                continue;
            }
        };
        let problem = if !(0.0..=10.0).contains(&sample.expert_score) {
            Some(format!("expert_score {} is outside 0–10", sample.expert_score))
        } else if sample.id.trim().is_empty() {
            Some("`id` is empty".to_string())
        } else if sample.question.trim().is_empty() {
            Some("`question` is empty".to_string())
        } else if sample.reference.trim().is_empty() && sample.key_points.as_ref().is_none_or(|k| k.is_empty()) {
            Some("`reference` is empty and there are no `key_points` to grade against".to_string())
        } else if !seen.insert(sample.id.clone()) {
            Some(format!("id `{}` was already used on an earlier line", sample.id))
        } else {
            None
        };
        match problem {
            Some(message) => bad.push(BadLine { line: n, message }),
            None => samples.push(sample),
        }
    }
    (samples, bad)
}

fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => format!("{e} (each line needs id, question, reference, answer and expert_score 0–10)"),
        Category::Eof => "the JSON object is cut off (one object per line, on a single line)".to_string(),
        _ => format!("not a JSON object: {e}"),
    }
}

/// Reads and parses a set file.
pub fn read(path: &Path) -> std::io::Result<(Vec<Sample>, Vec<BadLine>)> {
    let text = std::fs::read_to_string(path)?;
    Ok(parse(&text))
}

impl Sample {
    /// The question this answer is graded as: its key points, or, when absent, the points the
    /// importer would distil from `reference`.
    pub fn to_question(&self) -> Question {
        let key_points = match &self.key_points {
            Some(points) if !points.is_empty() => points.clone(),
            _ => distil::key_points(&self.question, &self.reference),
        };
        let id = self.question_id.clone().unwrap_or_else(|| format!("calibration/{}", self.id));
        let topic = self.topic.clone().unwrap_or_else(|| id.split('/').next().unwrap_or("calibration").to_string());
        Question {
            id,
            topic,
            difficulty: Difficulty::Medium,
            difficulty_origin: DifficultyOrigin::default(),
            topic_confidence: None,
            question: self.question.clone(),
            code: self.code.clone(),
            answer: (!self.reference.trim().is_empty()).then(|| self.reference.clone()),
            source_answer: None,
            key_points: key_points.into_iter().map(Claim::new).collect(),
            misconceptions: Vec::new(),
            reviewed: false,
            former_ids: Vec::new(),
            section: None,
            source: Source { file: "calibration".into(), line: 0 },
            variants: Vec::new(),
        }
    }

    /// The bank entry whose answer key grades this answer: the entry `question_id` names (or
    /// once named, `former_ids`), else the entry whose question or one of whose variants is this
    /// question (with the same code), compared without case, punctuation or spacing.
    pub fn bank_entry<'a>(&self, bank: &'a [Question]) -> Option<&'a Question> {
        if let Some(id) = &self.question_id
            && let Some(q) = bank.iter().find(|q| &q.id == id || q.former_ids.contains(id))
        {
            return Some(q);
        }
        let key =
            |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect() };
        let (question, code) = (key(&self.question), key(self.code.as_deref().unwrap_or("")));
        bank.iter().find(|q| {
            key(q.code.as_deref().unwrap_or("")) == code
                && (key(&q.question) == question || q.variants.iter().any(|v| key(&v.question) == question))
        })
    }

    /// The group a sample is reported in: its adversarial kind, else its label.
    pub fn group(&self) -> String {
        match (&self.adversarial, &self.label) {
            (Some(kind), _) => format!("adversarial:{kind}"),
            (None, Some(label)) => label.clone(),
            (None, None) => "unlabelled".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id":"a","question":"What is X?","reference":"X is a thing. It does Y because Z.","answer":"x does y","expert_score":6,"extra":"ignored"}"#;

    #[test]
    fn a_bad_line_is_reported_with_its_number_and_the_rest_still_parse() {
        let text = format!(
            "{GOOD}\n\n{{\"id\":\"b\",\"question\":\"q\"\n{}\n{}\n",
            GOOD.replace("\"a\"", "\"c\"").replace(":6", ":11"),
            GOOD.replace("\"a\"", "\"d\"")
        );
        let (samples, bad) = parse(&text);
        assert_eq!(samples.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["a", "d"]);
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].line, 3);
        assert!(bad[0].message.contains("cut off"), "{}", bad[0].message);
        assert_eq!(bad[1].line, 4);
        assert!(bad[1].message.contains("outside 0–10"), "{}", bad[1].message);
    }

    #[test]
    fn missing_fields_and_duplicate_ids_are_named() {
        let (_, bad) = parse(&format!("{GOOD}\n{GOOD}\n{{\"id\":\"z\",\"question\":\"q\"}}\n"));
        assert_eq!(bad[0].line, 2);
        assert!(bad[0].message.contains("already used"));
        assert_eq!(bad[1].line, 3);
        assert!(bad[1].message.contains("missing field"), "{}", bad[1].message);
    }

    #[test]
    fn key_points_are_distilled_from_the_reference_when_absent() {
        let (samples, _) = parse(GOOD);
        let q = samples[0].to_question();
        assert_eq!(q.key_points, distil::key_points("What is X?", "X is a thing. It does Y because Z."));
        assert_eq!(q.id, "calibration/a");
        let given = GOOD.replace("\"extra\"", "\"key_points\":[\"one point\"],\"x\"");
        let (samples, _) = parse(&given);
        assert_eq!(samples[0].to_question().key_points, ["one point"]);
    }
}
