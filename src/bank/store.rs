//! The bank on disk: one TOML file per topic under `question_bank/`, documented in
//! `question_bank/README.md`, and the copy of it embedded in the binary at build time.
//!
//! Loading validates everything and reports every problem with file and line (duplicate ids,
//! missing fields, unknown topic or difficulty) instead of stopping at the first. Writing is
//! deterministic: the same questions always give byte-identical files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Claim, Difficulty, DifficultyOrigin, Question, Source, TOPICS, Variant};

/// The bank files embedded at build time: `(file name, contents)`.
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_bank.rs"));

/// A loaded, validated bank.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    pub questions: Vec<Question>,
    /// Where it came from: a directory, or `None` for the embedded copy.
    pub origin: Option<PathBuf>,
}

impl Bank {
    /// The entry with this id, or the entry an id was merged into (`former_ids`).
    pub fn get(&self, id: &str) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.id == id)
            .or_else(|| self.questions.iter().find(|q| q.former_ids.iter().any(|f| f == id)))
    }

    /// Describes where the bank came from, for messages.
    pub fn origin_label(&self) -> String {
        match &self.origin {
            Some(dir) => format!("`{}`", dir.display()),
            None => "the built-in bank".to_string(),
        }
    }
}

/// One problem found while loading a bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Errors loading or writing a bank.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("no question bank at `{}`", .0.display())]
    Missing(PathBuf),
    #[error("cannot read `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write `{}`: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("`{}` is not a regular file (a device, pipe or socket)", .0.display())]
    NotRegular(PathBuf),
    #[error("`{}` is too large ({size} bytes; a bank file may hold at most {MAX_FILE_BYTES})", path.display())]
    TooLarge { path: PathBuf, size: u64 },
    #[error("the question bank has {}:\n{}", crate::ui::plural(.0.len(), "problem"), list(.0))]
    Invalid(Vec<Problem>),
    #[error("{}:\n{}", crate::ui::plural(.0.len(), "answer-key problem"), list(.0))]
    AnswerKey(Vec<Problem>),
}

impl BankError {
    pub fn hint(&self) -> Option<String> {
        match self {
            BankError::Missing(_) => Some(
                "pass `--bank DIR` pointing at a folder of topic `.toml` files, or omit it to use the built-in bank".into(),
            ),
            BankError::Invalid(_) => Some(
                "fix the lines named above (the format is in `question_bank/README.md`); `viva bank validate DIR` re-checks".into(),
            ),
            BankError::AnswerKey(_) => Some(
                "a key point or misconception is one sentence an interviewer can check in a spoken answer (see `question_bank/README.md`); fix the lines named above".into(),
            ),
            _ => None,
        }
    }
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

/// The on-disk form of one topic file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    topic: Option<Spanned<String>>,
    #[serde(default)]
    question: Vec<Spanned<EntryIn>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryIn {
    id: Option<Spanned<String>>,
    difficulty: Option<Spanned<String>>,
    #[serde(default)]
    difficulty_origin: Option<Spanned<String>>,
    topic_confidence: Option<Spanned<f64>>,
    question: Option<Spanned<String>>,
    code: Option<String>,
    answer: Option<String>,
    source_answer: Option<String>,
    #[serde(default)]
    key_points: Vec<Spanned<Claim>>,
    #[serde(default)]
    misconceptions: Vec<Spanned<Claim>>,
    #[serde(default)]
    reviewed: bool,
    #[serde(default)]
    former_ids: Vec<String>,
    section: Option<String>,
    source: Option<Spanned<String>>,
    #[serde(default)]
    variants: Vec<VariantIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantIn {
    question: Option<String>,
    source: Option<Spanned<String>>,
}

/// Parses one topic file's text. Pure: returns the questions and every problem found.
pub fn parse_file(name: &str, text: &str) -> (Vec<Question>, Vec<Problem>) {
    let lines = LineIndex::new(text);
    let line_of = |offset: usize| lines.line_of(offset);
    let mut problems = Vec::new();
    let mut problem = |line: usize, message: String| {
        problems.push(Problem { file: name.to_string(), line, message });
    };
    let file: FileIn = match toml::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            let line = e.span().map(|s| line_of(s.start)).unwrap_or(1);
            problem(line, format!("not valid bank TOML: {}", e.message()));
            return (Vec::new(), problems);
        }
    };
    let topic = match &file.topic {
        None => {
            problem(1, "missing `topic = \"...\"` at the top of the file".into());
            return (Vec::new(), problems);
        }
        Some(t) => match super::topic(t.get_ref()) {
            Some(t) => t.slug,
            None => {
                let known: Vec<_> = TOPICS.iter().map(|t| t.slug).collect();
                problem(
                    line_of(t.span().start),
                    format!("unknown topic `{}`; expected one of: {}", t.get_ref(), known.join(", ")),
                );
                return (Vec::new(), problems);
            }
        },
    };
    let mut questions = Vec::new();
    for entry in &file.question {
        // A table's span may start in the whitespace before its header.
        let start = entry.span().start.min(text.len());
        let skipped = text[start..].len() - text[start..].trim_start().len();
        let at = line_of(start + skipped);
        let e = entry.get_ref();
        let missing = |field: &str| format!("question is missing `{field}`");
        let Some(id) = &e.id else {
            problem(at, missing("id"));
            continue;
        };
        let Some(text) = e.question.as_ref().filter(|q| !q.get_ref().trim().is_empty()) else {
            problem(at, missing("question"));
            continue;
        };
        let difficulty = match &e.difficulty {
            None => {
                problem(at, missing("difficulty"));
                continue;
            }
            Some(d) => match Difficulty::parse(d.get_ref()) {
                Some(d) => d,
                None => {
                    problem(
                        line_of(d.span().start),
                        format!("unknown difficulty `{}`; expected easy, medium or hard", d.get_ref()),
                    );
                    continue;
                }
            },
        };
        let origin = match e.difficulty_origin.as_ref().map(|o| o.get_ref().as_str()) {
            None | Some("estimated") => DifficultyOrigin::Estimated,
            Some("marked") => DifficultyOrigin::Marked,
            Some(other) => {
                let at = e.difficulty_origin.as_ref().map_or(at, |o| line_of(o.span().start));
                problem(at, format!("unknown difficulty_origin `{other}`; expected marked or estimated"));
                continue;
            }
        };
        let source = match &e.source {
            None => {
                problem(at, missing("source"));
                continue;
            }
            Some(s) => match parse_source(s.get_ref()) {
                Some(s) => s,
                None => {
                    problem(line_of(s.span().start), format!("source `{}` is not `FILE:LINE`", s.get_ref()));
                    continue;
                }
            },
        };
        let mut variants = Vec::new();
        let mut bad_variant = false;
        for v in &e.variants {
            let source = v.source.as_ref().and_then(|s| parse_source(s.get_ref()));
            match (&v.question, source) {
                (Some(question), Some(source)) => variants.push(Variant { question: question.clone(), source }),
                _ => {
                    let at = v.source.as_ref().map_or(at, |s| line_of(s.span().start));
                    problem(at, "variant needs `question` and `source = \"FILE:LINE\"`".into());
                    bad_variant = true;
                }
            }
        }
        if bad_variant {
            continue;
        }
        if !id.get_ref().starts_with(&format!("{topic}/")) {
            problem(
                line_of(id.span().start),
                format!("id `{}` must start with the file's topic, `{topic}/`", id.get_ref()),
            );
            continue;
        }
        questions.push(Question {
            id: id.get_ref().clone(),
            topic: topic.to_string(),
            difficulty,
            difficulty_origin: origin,
            topic_confidence: e.topic_confidence.as_ref().map(|c| *c.get_ref()),
            question: text.get_ref().clone(),
            code: e.code.clone(),
            answer: e.answer.clone(),
            source_answer: e.source_answer.clone(),
            key_points: e.key_points.iter().map(|k| k.get_ref().clone()).collect(),
            misconceptions: e.misconceptions.iter().map(|k| k.get_ref().clone()).collect(),
            reviewed: e.reviewed,
            former_ids: e.former_ids.clone(),
            section: e.section.clone(),
            source,
            variants,
        });
    }
    (questions, problems)
}

/// Line numbers of byte offsets without rescanning the text (a bank of 100,000 questions
/// asks for hundreds of thousands of them).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts.collect())
    }

    /// The 1-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

fn parse_source(s: &str) -> Option<Source> {
    let (file, line) = s.rsplit_once(':')?;
    Some(Source { file: file.to_string(), line: line.trim().parse().ok()? })
}

/// Parses and validates a set of files `(name, text)`; ids must be unique across all of them.
pub fn parse_files<'a>(files: impl IntoIterator<Item = (String, &'a str)>) -> Result<Vec<Question>, Vec<Problem>> {
    let mut all = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for (name, text) in files {
        let (questions, mut found) = parse_file(&name, text);
        problems.append(&mut found);
        let id_lines = id_lines(text);
        for q in questions {
            let line = id_lines.get(q.id.as_str()).copied().unwrap_or(1);
            if let Some((file, first)) = seen.get(&q.id) {
                problems.push(Problem {
                    file: name.clone(),
                    line,
                    message: format!("duplicate id `{}` (first at {file}:{first})", q.id),
                });
                continue;
            }
            seen.insert(q.id.clone(), (name.clone(), line));
            all.push(q);
        }
    }
    if problems.is_empty() { Ok(all) } else { Err(problems) }
}

/// The line where each `id = "<id>"` first stands in `text`.
fn id_lines(text: &str) -> HashMap<&str, usize> {
    let mut lines = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(id) = line.trim().strip_prefix("id = \"").and_then(|rest| rest.strip_suffix('"')) {
            lines.entry(id).or_insert(i + 1);
        }
    }
    lines
}

/// The largest bank file read (a topic of 100,000 questions with their answers fits).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads one bank file: a regular file within [`MAX_FILE_BYTES`], in UTF-8.
fn read_bank_file(path: &Path) -> Result<String, BankError> {
    use super::import::RegularReadError;
    let bytes = super::import::read_regular(path, MAX_FILE_BYTES).map_err(|e| match e {
        RegularReadError::Io(source) => BankError::Read { path: path.to_path_buf(), source },
        RegularReadError::Directory | RegularReadError::NotRegular => BankError::NotRegular(path.to_path_buf()),
        RegularReadError::TooLarge(size) => BankError::TooLarge { path: path.to_path_buf(), size },
    })?;
    String::from_utf8(bytes).map_err(|e| BankError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })
}

/// The `*.toml` files of the bank in `dir`, sorted by name: `(path as shown, text)`.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, BankError> {
    if !dir.is_dir() {
        return Err(BankError::Missing(dir.to_path_buf()));
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| BankError::Read { path: dir.to_path_buf(), source })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|path| read_bank_file(path).map(|text| (path.display().to_string(), text))).collect()
}

/// The files of the bank embedded at build time: `(question_bank/NAME, text)`.
pub fn embedded_files() -> Vec<(String, String)> {
    EMBEDDED.iter().map(|(name, text)| (format!("question_bank/{name}"), text.to_string())).collect()
}

/// Loads and validates the bank in `dir` (every `*.toml` file in it, sorted by name).
pub fn load_dir(dir: &Path) -> Result<Bank, BankError> {
    let files = read_dir(dir)?;
    let questions = parse_files(files.iter().map(|(n, t)| (n.clone(), t.as_str()))).map_err(BankError::Invalid)?;
    Ok(Bank { questions, origin: Some(dir.to_path_buf()) })
}

/// The bank embedded in the binary at build time.
pub fn load_embedded() -> Result<Bank, BankError> {
    let files = EMBEDDED.iter().map(|(name, text)| (format!("question_bank/{name}"), *text));
    let questions = parse_files(files).map_err(BankError::Invalid)?;
    Ok(Bank { questions, origin: None })
}

/// Everything `viva bank validate` reports about a set of files.
#[derive(Debug, Default)]
pub struct Validation {
    /// The entries that loaded (all of them when `structure` is empty).
    pub questions: Vec<Question>,
    /// Problems that stop the bank from loading.
    pub structure: Vec<Problem>,
    /// Answer-key problems ([`keys::check_file`]).
    pub keys: Vec<KeyProblem>,
}

/// Checks a set of files `(name, text)`: their structure and every entry's answer key.
pub fn validate(files: &[(String, String)], strict: bool) -> Validation {
    let mut v = Validation::default();
    match parse_files(files.iter().map(|(n, t)| (n.clone(), t.as_str()))) {
        Ok(questions) => v.questions = questions,
        Err(problems) => v.structure = problems,
    }
    for (name, text) in files {
        v.keys.extend(keys::check_file(name, text, strict));
    }
    v
}

/// The on-disk form written by [`render_file`]; field order is the file's order.
#[derive(Serialize)]
struct FileOut<'a> {
    topic: &'a str,
    question: Vec<EntryOut<'a>>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    id: &'a str,
    difficulty: &'a str,
    difficulty_origin: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic_confidence: Option<f64>,
    question: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_answer: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    key_points: &'a [Claim],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    misconceptions: &'a [Claim],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    reviewed: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    former_ids: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    variants: Vec<VariantOut<'a>>,
}

#[derive(Serialize)]
struct VariantOut<'a> {
    question: &'a str,
    source: String,
}

/// The on-disk form of one entry.
fn entry_out(q: &Question) -> EntryOut<'_> {
    EntryOut {
        id: &q.id,
        difficulty: q.difficulty.as_str(),
        difficulty_origin: match q.difficulty_origin {
            DifficultyOrigin::Marked => "marked",
            DifficultyOrigin::Estimated => "estimated",
        },
        topic_confidence: q.topic_confidence,
        question: &q.question,
        section: q.section.as_deref(),
        source: q.source.to_string(),
        code: q.code.as_deref(),
        answer: q.answer.as_deref(),
        source_answer: q.source_answer.as_deref(),
        key_points: &q.key_points,
        misconceptions: &q.misconceptions,
        reviewed: q.reviewed,
        former_ids: &q.former_ids,
        variants: q
            .variants
            .iter()
            .map(|v| VariantOut { question: &v.question, source: v.source.to_string() })
            .collect(),
    }
}

/// The comment every generated topic file starts with.
fn file_header(topic: &str) -> String {
    format!(
        "# viva question bank: {}. Generated by `viva bank import`; edits are kept by id.\n# Format: question_bank/README.md\n\n",
        super::topic(topic).map_or(topic, |t| t.title)
    )
}

/// Renders one topic file. Deterministic: the same questions give the same bytes.
pub fn render_file(topic: &str, questions: &[&Question]) -> String {
    let file = FileOut { topic, question: questions.iter().map(|q| entry_out(q)).collect() };
    let body = toml::to_string_pretty(&file).unwrap_or_default();
    format!("{}{body}", file_header(topic))
}

/// Renders the whole bank as `(file name, contents)`, one file per topic that has questions.
pub fn render(questions: &[Question]) -> Vec<(String, String)> {
    TOPICS
        .iter()
        .filter_map(|t| {
            let qs: Vec<&Question> = questions.iter().filter(|q| q.topic == t.slug).collect();
            (!qs.is_empty()).then(|| (format!("{}.toml", t.slug), render_file(t.slug, &qs)))
        })
        .collect()
}

mod keep;
mod keys;
pub use keep::{entry_texts, render_entry, render_keeping};
pub use keys::KeyProblem;

#[cfg(test)]
mod tests;
