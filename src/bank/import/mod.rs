//! Importers: turn an interview-prep document into raw questions.
//!
//! `parse(text)` is a pure function (no I/O): it recognises the document's shape from its
//! structure, and returns every question found plus every block it skipped, with 1-based line
//! numbers into `text`. `read_document(path)` is the thin I/O wrapper that rejects empty,
//! binary, non-UTF-8 and oversized files with a typed error, and repairs mojibake.
//!
//! HELPER-OWNED: implemented by the importer work item.

use serde::Serialize;

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
pub fn parse(_text: &str) -> ParsedDocument {
    ParsedDocument {
        shape: Shape::MarkdownHeadings,
        questions: Vec::new(),
        skipped: Vec::new(),
    }
}

/// Errors reading a document (stub until the importer lands).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Reads a document, rejecting what cannot be text, and repairs mojibake.
pub fn read_document(path: &std::path::Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })
}
