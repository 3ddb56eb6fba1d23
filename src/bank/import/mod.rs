//! Importers: turn an interview-prep document into raw questions.
//!
//! `parse(text)` is a pure function (no I/O): it recognises the document's shape from its
//! structure, and returns every question found plus every block it skipped, with 1-based line
//! numbers into `text`. `read_document(path)` is the thin I/O wrapper that rejects empty,
//! binary, non-UTF-8 and oversized files with a typed error, and repairs mojibake.

mod flattened;
mod generic;
mod read;
mod table;
#[cfg(test)]
mod tests;
pub mod text;

use serde::Serialize;

pub use read::{ImportError, MAX_BYTES, RegularReadError, decode, read_document, read_regular};

use super::Difficulty;

/// The document shapes viva recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Markdown headings holding the question, answers marked `**Answer:**`.
    MarkdownAnswerMarker,
    /// Markdown numbered/unnumbered question headings, answers as paragraphs and bullets.
    MarkdownHeadings,
    /// Markdown headings carrying difficulty emoji (🟢 🟡 🔴).
    MarkdownDifficulty,
    /// A flattened web page: `3What is …?` lines under sections with `N questions`.
    FlattenedWeb,
    /// Plain-text notes with `Q: … A: …` pairs.
    PlainNotes,
    /// A numbered list of questions (`1. …?`), answers indented or following.
    NumberedList,
    /// Plain lines ending in `?`, each followed by its answer.
    QuestionLines,
    /// HTML collapsible blocks: `<details><summary>Question</summary> answer </details>`.
    HtmlDetails,
    /// A table of one-line questions and answers (`| Question | Answer |`).
    QaTable,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::MarkdownAnswerMarker => "markdown-answer-marker",
            Shape::MarkdownHeadings => "markdown-headings",
            Shape::MarkdownDifficulty => "markdown-difficulty",
            Shape::FlattenedWeb => "flattened-web",
            Shape::PlainNotes => "plain-notes",
            Shape::NumberedList => "numbered-list",
            Shape::HtmlDetails => "html-details",
            Shape::QuestionLines => "question-lines",
            Shape::QaTable => "qa-table",
        }
    }
}

/// A question as found in one document, before grouping and classification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawQuestion {
    pub question: String,
    /// Code the question depends on ("What is the output?"), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Reference answer as readable Markdown; `None` when the document gives none.
    pub answer: Option<String>,
    pub section: Option<String>,
    pub difficulty: Option<Difficulty>,
    /// 1-based line of the question in the document.
    pub line: usize,
}

/// A block that was not taken as a question, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub line: usize,
    pub reason: String,
}

/// The result of parsing one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedDocument {
    pub shape: Shape,
    pub questions: Vec<RawQuestion>,
    pub skipped: Vec<Skipped>,
}

/// Parses a (repaired) document. Never panics.
pub fn parse(text: &str) -> ParsedDocument {
    let lines: Vec<&str> = text.lines().collect();
    let flattened = lines.iter().filter(|l| flattened::count_line(l).is_some()).count();
    let (shape, (questions, skipped)) = if flattened >= 2 {
        (Shape::FlattenedWeb, flattened::parse(&lines))
    } else {
        // `# comment` lines are common in plain notes with code: only deeper headings count.
        let markdown = lines.iter().filter(|l| text::heading(l).is_some_and(|(level, _)| level >= 2)).count() >= 2
            || lines.iter().any(|l| text::is_fence(l));
        let census = generic::census(&lines);
        let opts = generic::Options { detect_code: !markdown, plain_titles: !markdown };
        let structured = census.heading_questions + census.bold_questions + census.summaries + census.table_rows;
        let shape = if census.table_rows >= 2 && census.table_rows * 2 > structured {
            Shape::QaTable
        } else if census.prefixed >= 2 && census.prefixed >= structured {
            Shape::PlainNotes
        } else if census.difficulty_marks >= 2 {
            Shape::MarkdownDifficulty
        } else if census.answer_markers >= 2 {
            Shape::MarkdownAnswerMarker
        } else if census.summaries >= 2 && census.summaries >= census.heading_questions {
            Shape::HtmlDetails
        } else if structured >= 2 {
            Shape::MarkdownHeadings
        } else if census.plain >= 2 && census.numbered < 2 {
            Shape::QuestionLines
        } else {
            Shape::NumberedList
        };
        (shape, generic::parse(&lines, opts))
    };
    ParsedDocument { shape, questions, skipped }
}
