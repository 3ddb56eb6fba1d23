//! What makes a claim of an answer key checkable: one self-contained English sentence an
//! interviewer can hear in a spoken answer. [`fault`] names what is wrong with a key point or a
//! misconception — a code line, an import, a code comment, a heading, a fragment, a sentence cut
//! at an abbreviation — and [`entry_faults`] what is wrong with an entry's key as a whole (how
//! many points and misconceptions).
//!
//! Shared by `viva bank validate` and the distiller, so the distiller never writes a point that
//! validation rejects. Pure functions, no I/O.

use crate::bank::import::text::looks_like_code;
use crate::words;

/// Most key points an entry may carry; an interviewer checks a handful, not a list.
pub const MAX_POINTS: usize = 6;
/// Most misconceptions an entry may carry.
pub const MAX_MISCONCEPTIONS: usize = 4;

/// What is wrong with one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Empty,
    Import,
    Code,
    Comment,
    Heading,
    TableRow,
    /// Cut short: the text says where ("at `e.g.`", "at a trailing `:`").
    Cut(&'static str),
    /// Starts in the middle of a sentence or is only a couple of words.
    Fragment(&'static str),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Empty => f.write_str("is empty"),
            Fault::Import => f.write_str("is an import line, not a claim"),
            Fault::Code => f.write_str("is a line of code, not a claim; say what the code does and why"),
            Fault::Comment => f.write_str("is a code comment, not a claim"),
            Fault::Heading => f.write_str("is a heading, not a claim"),
            Fault::TableRow => f.write_str("is a table row, not a sentence"),
            Fault::Cut(at) => write!(f, "is a sentence cut short {at}"),
            Fault::Fragment(why) => write!(f, "is a fragment ({why}); write one self-contained sentence"),
        }
    }
}

/// Words that cannot end a sentence: a text ending in one was cut. (Prepositions can: "the
/// awaitables it is still waiting for.")
const DANGLING: &[&str] =
    &["a", "an", "the", "and", "or", "but", "which", "whose", "than", "via", "e.g", "i.e", "eg", "ie", "vs"];

/// Words a heading joins its parts with, written in lower case in Title Case.
const TITLE_SMALL: &[&str] =
    &["&", "+", "and", "or", "of", "the", "a", "an", "to", "in", "for", "with", "vs", "/", "-"];

/// What is wrong with a key point or a misconception, if anything.
pub fn fault(text: &str) -> Option<Fault> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Fault::Empty);
    }
    if let Some(f) = code_fault(t) {
        return Some(f);
    }
    if t.starts_with('|') || t.ends_with('|') && t.matches('|').count() >= 2 {
        return Some(Fault::TableRow);
    }
    if let Some(at) = cut(t) {
        return Some(Fault::Cut(at));
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let first_word = first.trim_end_matches([',', ';', ':']);
    if first_word.chars().all(|c| c.is_ascii_lowercase()) && words::is_stopword(first_word) {
        return Some(Fault::Fragment("starts mid-sentence"));
    }
    if t.starts_with(')') || t.matches(')').count() > t.matches('(').count() {
        return Some(Fault::Fragment("starts mid-sentence"));
    }
    if t.split_whitespace().count() < 3 && !t.starts_with('#') {
        return Some(Fault::Fragment("fewer than three words"));
    }
    if shorthand(t) {
        return Some(Fault::Fragment("`X = Y` shorthand"));
    }
    if is_heading(t) {
        return Some(Fault::Heading);
    }
    None
}

/// What is wrong with an accepted alternative wording. Alternatives are short phrasings a
/// candidate might use, code names included (`values_list(flat=True)`), so only emptiness, an
/// import statement, a comment or a heading are faults.
pub fn alternative_fault(text: &str) -> Option<Fault> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Fault::Empty);
    }
    code_marker(t)
}

fn code_fault(t: &str) -> Option<Fault> {
    if let Some(f) = code_marker(t) {
        return Some(f);
    }
    // A statement or a line with a trailing comment.
    if t.contains("  # ") || t.contains(") # ") || is_definition(t) || is_assignment(t) || is_command(t) {
        return Some(Fault::Code);
    }
    // A line of code without its backticks; prose that merely mentions code is fine.
    let bare = !t.contains('`') && looks_like_code(t) && !reads_as_prose(t) && !acronym_definition(t) && !shorthand(t);
    bare.then_some(Fault::Code)
}

/// What only code, a comment or a heading starts with: an import statement, `# `, `>>>`, a fence.
fn code_marker(t: &str) -> Option<Fault> {
    if is_import(t) {
        return Some(Fault::Import);
    }
    if t.starts_with("##") {
        return Some(Fault::Heading);
    }
    if t.starts_with("# ") || t.starts_with("//") || t == "#" {
        return Some(Fault::Comment);
    }
    if t.starts_with(">>>") || t.starts_with("$ ") || t.starts_with("```") {
        return Some(Fault::Code);
    }
    None
}

/// `import a.b as c`, `from x.y import z, w`: only names after the keywords, no English.
fn is_import(t: &str) -> bool {
    let rest = if let Some(r) = t.strip_prefix("import ") {
        r
    } else if let Some(r) = t.strip_prefix("from ") {
        match r.split_once(" import ") {
            Some((module, names)) if is_name(module) => names,
            _ => return false,
        }
    } else {
        return false;
    };
    let rest = rest.trim_end_matches(';');
    rest.split([',', ' '])
        .filter(|w| !w.is_empty())
        .all(|w| w == "as" || w == "*" || is_name(w.trim_matches(['(', ')'])))
        && !rest.split_whitespace().any(|w| w != "as" && words::is_stopword(w))
}

fn is_name(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// Several words with the function words of English prose (code has almost none).
fn reads_as_prose(t: &str) -> bool {
    t.split_whitespace().count() >= 4 && words::function_word_ratio(t) >= 0.15 && !t.ends_with(':')
}

/// `def f(x):`, `async def f():`, `class C(Base):`, `@decorator`.
fn is_definition(t: &str) -> bool {
    let rest = t.strip_prefix("async ").unwrap_or(t);
    let def = ["def ", "class "].iter().any(|k| {
        rest.strip_prefix(k).is_some_and(|r| {
            let name_end = r.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(r.len());
            name_end > 0 && (r[name_end..].starts_with('(') || r[name_end..].starts_with(':'))
        })
    });
    let decorator = t.starts_with('@') && !t.contains(' ');
    def || decorator
}

/// `MAX_RETRIES: Final = 3`, `user: UserDict = {...}`, `x=1`: a name (with an optional
/// annotation) bound to a value that is not prose.
fn is_assignment(t: &str) -> bool {
    let Some((left, right)) = t.split_once('=') else {
        return false;
    };
    if right.starts_with('=') || left.ends_with(['!', '<', '>', '=']) {
        return false;
    }
    let left = left.trim();
    let name = left.split_once(':').map_or(left, |(n, _)| n.trim());
    let is_name = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || "_.[]'\"".contains(c))
        && !name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) // `WSGI = Web Server …`
        && left.split_whitespace().count() <= 3;
    let right = right.trim();
    let value_is_code = right.starts_with(|c: char| c.is_ascii_digit() || "[{(\"'".contains(c))
        || right.contains('(')
        || right.contains('[')
        || right.split_whitespace().count() == 1;
    is_name && value_is_code
}

/// `WSGI = Web Server Gateway Interface`: an acronym spelled out, not an assignment.
fn acronym_definition(t: &str) -> bool {
    t.split_once(" = ").is_some_and(|(left, right)| {
        left.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '/')
            && right.starts_with(char::is_uppercase)
    })
}

/// `SQL = structured`, `Monolith = single codebase`: notes shorthand, neither code nor a sentence.
fn shorthand(t: &str) -> bool {
    !t.contains('`')
        && t.split_once(" = ").is_some_and(|(left, right)| {
            left.split_whitespace().count() <= 3
                && !acronym_definition(t)
                && !right.contains(['(', '[', '{', '"', '\'', '='])
                && right.split_whitespace().count() >= 1
                && !right.trim().chars().all(|c| c.is_ascii_digit())
                && right.chars().any(char::is_alphabetic)
                && !left.contains(':')
        })
}

/// `pytest --cov=app`, `uvicorn app.main:app --port 8000`, `pip install x`.
fn is_command(t: &str) -> bool {
    let first = t.split_whitespace().next().unwrap_or("");
    let lower_tool = first.chars().all(|c| c.is_ascii_lowercase() || "-_.".contains(c));
    let flag = t.split_whitespace().skip(1).any(|w| w.starts_with("--") && w.len() > 2);
    lower_tool && (flag || ["pip install ", "python -m ", "poetry add ", "uv pip "].iter().any(|c| t.starts_with(c)))
}

/// `Data Structures & Algorithms`, `FastAPI (25 Questions)`, `## Section`: short Title Case with
/// no sentence punctuation.
fn is_heading(t: &str) -> bool {
    if t.starts_with('#') {
        return true;
    }
    if t.ends_with(['.', '!', '?', ')']) && !t.ends_with("Questions)") || t.contains(['`', ':', ',', '=']) {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() < 2 || words.len() > 7 || !t.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
        return false;
    }
    let counted = words.iter().all(|w| {
        let w = w.trim_matches(|c: char| "()[]".contains(c));
        TITLE_SMALL.contains(&w)
            || w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            || w.eq_ignore_ascii_case("questions")
    });
    let joined = words.iter().any(|w| ["&", "+", "/"].contains(w)) || t.ends_with("Questions)");
    counted && (joined || words.len() <= 4 && words.iter().filter(|w| TITLE_SMALL.contains(w)).count() <= 1)
}

/// Where the text was cut, if it was.
fn cut(t: &str) -> Option<&'static str> {
    let lower = t.to_lowercase();
    for abbr in ["e.g.", "i.e.", "e.g", "i.e", "eg.", "cf."] {
        if lower.ends_with(abbr) {
            return Some("at an abbreviation (`e.g.`, `i.e.`)");
        }
    }
    if t.ends_with(':') {
        return Some("at a trailing `:`");
    }
    if t.ends_with([',', ';', '(', '—', '–', '-', '/', '→', '&', '+']) {
        return Some("at a trailing separator");
    }
    if t.matches('(').count() > t.matches(')').count() {
        return Some("inside parentheses");
    }
    if t.matches('`').count() % 2 == 1 {
        return Some("inside a code span");
    }
    let last = t.trim_end_matches(['.', '!', '?']).rsplit(char::is_whitespace).next().unwrap_or("");
    if DANGLING.contains(&last.to_lowercase().as_str()) {
        return Some("after a word that cannot end a sentence");
    }
    None
}

/// Whether the question asks for one fact, so one key point is enough: its reference answer is
/// one short sentence that lists nothing (no commas, no "and").
pub fn one_fact(answer: Option<&str>) -> bool {
    let Some(answer) = answer else { return false };
    let prose: Vec<&str> = answer.lines().filter(|l| !l.trim().is_empty()).collect();
    let text = prose.join(" ");
    let sentences = text.trim_end_matches('.').matches(". ").count() + 1;
    let listing = text.contains([',', ';']) || text.contains(" and ");
    prose.len() <= 2 && text.split_whitespace().count() <= 15 && sentences == 1 && !listing && !answer.contains("```")
}

/// What is wrong with an entry's answer key as a whole. `has_reference`: the entry has a
/// reference answer (an entry with neither answer nor key points is only a question).
/// `strict` adds the bar of a reviewed entry: two points at least (one for a one-fact
/// question) and one misconception at least.
pub fn entry_faults(
    points: usize,
    misconceptions: usize,
    has_reference: bool,
    reviewed: bool,
    one_fact: bool,
    strict: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if points == 0 && (has_reference || reviewed) {
        out.push(
            "no key points: write the claims an interviewer checks (or let `viva bank keypoints` propose them)".into(),
        );
    }
    if points > MAX_POINTS {
        out.push(format!("{points} key points; at most {MAX_POINTS} — keep the ones an interviewer checks"));
    }
    if misconceptions > MAX_MISCONCEPTIONS {
        out.push(format!("{misconceptions} misconceptions; at most {MAX_MISCONCEPTIONS}"));
    }
    if strict && reviewed {
        if points == 1 && !one_fact {
            out.push("reviewed with one key point; a question that is not one fact needs two or more".into());
        }
        if misconceptions == 0 {
            out.push("reviewed with no misconception; add one wrong claim candidates voice".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_junk_points_of_the_issue_are_faults() {
        let cases = [
            ("from contextlib import contextmanager", Fault::Import),
            ("import asyncio", Fault::Import),
            ("def transaction_scope(db: Session):", Fault::Code),
            ("MAX_RETRIES: Final = 3", Fault::Code),
            ("user: UserDict = {\"name\": \"Alice\"}", Fault::Code),
            ("result: str = process(\"hi\") # mypy knows return is str", Fault::Code),
            ("uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 4", Fault::Code),
            ("pytest --cov=myapp --cov-report=html", Fault::Code),
            ("entry_points={ \"console_scripts\": [ \"mytool=my_package.cli:main\", ], }", Fault::Code),
            ("# cache for 5 minutes", Fault::Comment),
            ("Data Structures & Algorithms", Fault::Heading),
            ("Modules & Libraries", Fault::Heading),
            ("FastAPI (25 Questions)", Fault::Heading),
            ("## Advanced", Fault::Heading),
            (
                "Need to ensure that libraries used are compatible: for example, using async drivers for databases (e.g.",
                Fault::Cut("at an abbreviation (`e.g.`, `i.e.`)"),
            ),
            ("Use dependencies to enforce authentication, e.g.", Fault::Cut("at an abbreviation (`e.g.`, `i.e.`)")),
            ("Reference to compiled bytecode and the", Fault::Cut("after a word that cannot end a sentence")),
            ("Things to watch out:", Fault::Cut("at a trailing `:`")),
            ("response models,", Fault::Cut("at a trailing separator")),
            ("can return str or None", Fault::Fragment("starts mid-sentence")),
            ("or Queue", Fault::Fragment("starts mid-sentence")),
            ("via process pool, external services).", Fault::Fragment("starts mid-sentence")),
            ("Cooperative multitasking.", Fault::Fragment("fewer than three words")),
            ("| a | b |", Fault::TableRow),
            ("SQL = structured", Fault::Fragment("`X = Y` shorthand")),
            ("Monolith = single codebase", Fault::Fragment("`X = Y` shorthand")),
            ("Use UploadFile", Fault::Fragment("fewer than three words")),
        ];
        for (text, want) in cases {
            assert_eq!(fault(text), Some(want), "{text}");
        }
    }

    #[test]
    fn sentences_an_interviewer_checks_pass() {
        for ok in [
            "The GIL is a mutex that lets only one thread execute Python bytecode at a time.",
            "`yield` turns the function into a generator function.",
            "It prints `<class 'coroutine'>` and then the coroutine object's repr, e.g. `<coroutine object f at 0x…>`.",
            "Open one session per request and close it when the request ends",
            "Use `multiprocessing` for CPU-bound parallelism or async/await for I/O-bound concurrency",
            "WSGI = Web Server Gateway Interface, the synchronous standard",
            "If one task raises and return_exceptions=False, gather propagates the first exception.",
            "asyncio.gather runs the awaitables concurrently and returns their results in order.",
            "Call `task.cancel()` and handle `CancelledError`.",
            "Class-level attributes are shared by every instance (e.g. a mutable default list).",
            "The default recursion limit is 1000.",
            "With FastAPI, a `def` endpoint runs in a thread pool.",
            "pip has no dependency resolver.",
            "pip installs Python packages from PyPI into an existing Python environment.",
            "pip prefers a compatible wheel and falls back to building from the sdist.",
            "Cancelling the `gather` itself cancels all the awaitables it is still waiting for.",
            "Production needs `DEBUG = False` and a secret `SECRET_KEY` loaded from the environment.",
            "Assignment `b = a` creates a copy of the list.",
        ] {
            assert_eq!(fault(ok), None, "{ok}");
        }
    }

    #[test]
    fn alternatives_may_be_phrases_but_not_code() {
        assert_eq!(alternative_fault("threads cannot execute Python code in parallel"), None);
        assert_eq!(alternative_fault("one thread at a time"), None);
        assert_eq!(alternative_fault("import threading"), Some(Fault::Import));
        assert_eq!(alternative_fault("values_list(flat=True)"), None);
        assert_eq!(alternative_fault("yield makes the function a generator"), None);
        assert_eq!(alternative_fault("import modules at runtime"), None);
        assert_eq!(alternative_fault("  "), Some(Fault::Empty));
    }

    #[test]
    fn entry_counts_and_the_strict_bar() {
        assert!(entry_faults(3, 1, true, true, false, true).is_empty());
        assert!(entry_faults(0, 0, false, false, false, true).is_empty(), "a bare question is not an error");
        assert_eq!(entry_faults(0, 0, true, false, false, false).len(), 1);
        assert_eq!(entry_faults(7, 5, true, false, false, false).len(), 2);
        assert!(entry_faults(1, 0, true, true, false, false).is_empty(), "strict only with --strict");
        assert_eq!(entry_faults(1, 0, true, true, false, true).len(), 2);
        assert_eq!(entry_faults(1, 1, true, true, true, true).len(), 0, "one-fact questions keep one point");
        assert!(entry_faults(1, 0, true, false, false, true).is_empty(), "strict asks more of reviewed entries only");
    }

    #[test]
    fn one_fact_answers_are_one_short_sentence() {
        assert!(one_fact(Some("The default limit is 1000.")));
        assert!(!one_fact(Some("A closure captures variables. It keeps them alive. It is used in decorators.")));
        assert!(!one_fact(Some("```python\nx = 1\n```")));
        assert!(!one_fact(None));
        assert!(!one_fact(Some("Open a session per request, commit at the end and roll back on failure.")));
    }
}
