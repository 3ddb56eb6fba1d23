//! A web page flattened to text: section names each followed by a line `N questions`, and
//! questions as lines with their number glued to the text (`3What is …?`), numbering from 1 in
//! each section. Answers are the paragraphs up to the next question; code lost its fences.

use super::text::{clean_question, difficulty_mark, format_answer, is_question_text};
use super::{RawQuestion, Skipped};

/// `N questions` (a section's count line).
pub fn count_line(line: &str) -> Option<usize> {
    let t = line.trim();
    let (n, rest) = t.split_once(' ')?;
    (rest == "questions" || rest == "question").then(|| n.parse().ok()).flatten()
}

/// A line starting with `expected` glued to an upper-case letter: `3What …`.
fn numbered_question(line: &str, expected: usize) -> Option<String> {
    let rest = line.strip_prefix(&expected.to_string())?;
    if !rest.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let q = clean_question(rest);
    is_question_text(&q).then_some(q)
}

pub fn parse(lines: &[&str]) -> (Vec<RawQuestion>, Vec<Skipped>) {
    let mut questions = Vec::new();
    let mut skipped = Vec::new();
    let mut section: Option<String> = None;
    let mut expected = 1;
    // (question line index, question text)
    let mut starts: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut boundaries: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if count_line(line).is_some() {
            let title = lines[..i].iter().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_string());
            let title_line = lines[..i].iter().rposition(|l| !l.trim().is_empty()).unwrap_or(i);
            section = title;
            expected = 1;
            boundaries.push(title_line);
            continue;
        }
        if let Some(q) = numbered_question(line, expected) {
            starts.push((i, q, section.clone()));
            expected += 1;
        }
    }
    let first = starts.first().map_or(lines.len(), |s| s.0);
    if lines[..first].iter().any(|l| !l.trim().is_empty()) {
        skipped.push(Skipped { line: 1, reason: "page header before the first section".into() });
    }
    for (k, (line, q, section)) in starts.iter().enumerate() {
        let next = starts.get(k + 1).map_or(lines.len(), |s| s.0);
        let end = boundaries.iter().copied().find(|b| *b > *line && *b < next).unwrap_or(next);
        let body = &lines[line + 1..end];
        let answer = format_answer(body, true);
        questions.push(RawQuestion {
            question: q.clone(),
            code: None,
            answer,
            section: section.clone(),
            difficulty: difficulty_mark(lines[*line]),
            line: line + 1,
        });
    }
    (questions, skipped)
}
