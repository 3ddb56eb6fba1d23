//! Line-level helpers shared by the importers: cleaning question text, recognising question
//! wording, difficulty marks, headings, and code whose fences or indentation were lost.

use crate::bank::Difficulty;

/// Words a question or interview prompt starts with.
const QUESTION_WORDS: &[&str] = &[
    "what", "what's", "whats", "how", "how's", "why", "when", "where", "which", "who", "whose", "is", "are", "can",
    "could", "should", "would", "do", "does", "did", "will", "explain", "describe", "compare", "contrast", "define",
    "list", "name", "give", "tell", "write", "implement", "design", "difference", "differences", "discuss", "walk",
    "show", "outline", "summarize", "summarise", "identify", "predict", "illustrate", "demonstrate", "distinguish",
    "build", "create", "have", "has",
];

/// Whether `text` (already cleaned) reads as a question or an interview prompt.
pub fn is_question_text(text: &str) -> bool {
    let t = text.trim();
    if t.len() < 4 || t.len() > 400 {
        return false;
    }
    if t.ends_with('?') {
        return true;
    }
    let first = t
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
        .to_lowercase();
    if QUESTION_WORDS.contains(&first.as_str()) {
        // "What it is:" and "How it works:" are tutorial labels, not questions.
        return !t.ends_with(':') && t.split_whitespace().count() >= 2;
    }
    let lower = t.to_lowercase();
    (lower.contains(" vs ") || lower.contains(" vs. ") || lower.contains(" versus "))
        && t.split_whitespace().count() <= 16
        && !t.ends_with(':')
}

/// Strips Markdown emphasis, list/heading numbering (`1.`, `Q3.`, `1)`), difficulty marks and
/// leading emoji from a question line.
pub fn clean_question(text: &str) -> String {
    let mut t = without_breaks(text).trim().to_string();
    loop {
        let before = t.clone();
        t = strip_emphasis(t.trim()).to_string();
        t = strip_numbering(&t).to_string();
        t = strip_leading_symbols(&t).to_string();
        t = strip_difficulty_words(&t);
        if t == before {
            break;
        }
    }
    t.trim().to_string()
}

/// HTML line breaks (`<br>`, `<br/>`, `<br />`) as spaces.
fn without_breaks(text: &str) -> String {
    let mut t = text.to_string();
    for b in ["<br>", "<br/>", "<br />", "<BR>"] {
        t = t.replace(b, " ");
    }
    t
}

/// Whether a line ends with an HTML line break.
pub fn ends_with_break(line: &str) -> bool {
    let t = line.trim_end().to_lowercase();
    ["<br>", "<br/>", "<br />"].iter().any(|b| t.ends_with(b))
}

/// `**text**`, `__text__`, `*text*` wrapping the whole line (a trailing `:` allowed).
fn strip_emphasis(t: &str) -> &str {
    for m in ["**", "__", "*", "_"] {
        if let Some(inner) = t.strip_prefix(m) {
            let inner = inner.strip_suffix(':').map_or(inner, str::trim_end);
            if let Some(inner) = inner.strip_suffix(m).filter(|i| !i.is_empty()) {
                return inner.trim();
            }
        }
    }
    t
}

/// `1. `, `12) `, `Q3. `, `Q3: `, `Question 3:` at the start.
pub fn strip_numbering(t: &str) -> &str {
    let s = t.trim_start();
    let rest = s
        .strip_prefix("Question ")
        .or_else(|| s.strip_prefix('Q'))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(s);
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 3 {
        return t;
    }
    let after = &rest[digits..];
    for sep in [". ", ") ", ": ", " - ", " – ", ".\t"] {
        if let Some(r) = after.strip_prefix(sep) {
            return r.trim_start();
        }
    }
    if after == "." {
        return "";
    }
    t
}

/// The number a numbered line starts with (`3. …`, `Q3. …`).
pub fn leading_number(t: &str) -> Option<u32> {
    let stripped = strip_numbering(t);
    if stripped.len() == t.trim_start().len() {
        return None;
    }
    let s = t.trim_start().trim_start_matches("Question ").trim_start_matches('Q');
    s.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().ok()
}

fn strip_leading_symbols(t: &str) -> &str {
    t.trim_start_matches(|c: char| !c.is_alphanumeric() && !"`'\"([<_*".contains(c)).trim_start()
}

/// Difficulty marked in a line: 🟢 🟡 🔴 emoji, or `(Easy)`, `[Hard]`, `Difficulty: Medium`.
pub fn difficulty_mark(t: &str) -> Option<Difficulty> {
    if t.contains('🟢') {
        return Some(Difficulty::Easy);
    }
    if t.contains('🟡') || t.contains('🟠') {
        return Some(Difficulty::Medium);
    }
    if t.contains('🔴') {
        return Some(Difficulty::Hard);
    }
    let lower = t.to_lowercase();
    for (open, close) in [("(", ")"), ("[", "]")] {
        for word in ["easy", "medium", "hard", "beginner", "intermediate", "advanced"] {
            if lower.contains(&format!("{open}{word}{close}")) {
                return Difficulty::parse(word);
            }
        }
    }
    let rest = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    rest.strip_prefix("difficulty:")
        .or_else(|| rest.strip_prefix("difficulty -"))
        .or_else(|| rest.strip_prefix("level:"))
        .and_then(|r| Difficulty::parse(r.trim().trim_matches('*').trim()))
}

fn strip_difficulty_words(t: &str) -> String {
    if !t.contains(['(', '[', '🟢', '🟡', '🟠', '🔴']) {
        return t.to_string();
    }
    let mut out = t.to_string();
    for (open, close) in [("(", ")"), ("[", "]")] {
        for word in ["Easy", "Medium", "Hard", "easy", "medium", "hard", "Beginner", "Intermediate", "Advanced"] {
            out = out.replace(&format!(" {open}{word}{close}"), "").replace(&format!("{open}{word}{close} "), "");
        }
    }
    out.replace(['🟢', '🟡', '🟠', '🔴'], "").trim().to_string()
}

/// A Markdown heading: `(level, text)`.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_end();
    let level = t.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    if !rest.starts_with(' ') && !rest.is_empty() {
        return None;
    }
    Some((level, rest.trim().trim_end_matches('#').trim()))
}

/// Whether a line opens or closes a fenced code block.
pub fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

const CODE_STARTS: &[&str] = &[
    "import ", "from ", "def ", "async def ", "class ", "return", "@", "for ", "while ", "if ", "elif ", "else:",
    "try:", "except", "finally:", "with ", "async with ", "async for ", "raise ", "yield", "await ", "print(", ">>> ",
    "... ", "pass", "lambda ", "assert ", "del ", "global ", "nonlocal ", "#!", "$ ", "pip ", "python ", "SELECT ",
    "INSERT ", "UPDATE ", "CREATE ", "}", ")", "]",
];

/// Whether a line of a document whose code lost its fences looks like code.
pub fn looks_like_code(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    if line.starts_with("    ") || line.starts_with('\t') {
        // Indented lines are code unless they read as a bullet or prose.
        return !t.starts_with(['•', '-', '*']) && !is_prose(t);
    }
    if CODE_STARTS.iter().any(|s| t.starts_with(s)) {
        // "If you…", "For example…", "With FastAPI…" are prose.
        return !is_prose(t) || t.ends_with(':') && t.split_whitespace().count() <= 8 && !t.contains(". ");
    }
    if t.starts_with("# ") {
        return !is_prose(t) || t.len() < 80;
    }
    let ident_end = t.find(|c: char| !(c.is_alphanumeric() || "_.[]'\", *".contains(c))).unwrap_or(t.len());
    let assignment =
        t[ident_end..].starts_with("= ") || t[ident_end..].starts_with("+= ") || t[ident_end..].starts_with(":= ");
    if assignment && ident_end > 0 && t[..ident_end].split_whitespace().count() <= 3 {
        return true;
    }
    // A bare call or expression: `pool.map(f, xs)`, `a == b  # True`.
    let call = t.ends_with(')')
        && t.contains('(')
        && !t.contains(". ")
        && t.split_whitespace().count() <= 8
        && !t.starts_with(char::is_uppercase);
    let bracketed = t.starts_with('[') && t.ends_with(']') && (t.contains(" for ") || t.contains("()"));
    call || bracketed || t.contains("  # ") || t.ends_with(';') || t.ends_with('{') || t == "..."
}

/// Sentence-like text: several words, starts with a capital, reads as English.
fn is_prose(t: &str) -> bool {
    let words = t.split_whitespace().count();
    let starts_upper = t.starts_with(char::is_uppercase);
    let sentence_end = t.ends_with('.') || t.ends_with('!') || t.ends_with('?');
    words >= 6 && starts_upper && (sentence_end || t.contains(", ")) && !t.contains(" = ") && !t.contains("()")
}

/// Turns answer lines into readable Markdown: code runs (detected with `looks_like_code`)
/// fenced, `•` bullets as `- `, blank-line runs collapsed, edges trimmed.
pub fn format_answer(lines: &[&str], detect_code: bool) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut in_code = false;
    let n = lines.len();
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim_end();
        if is_fence(line) {
            in_fence = !in_fence;
            out.push(line.trim_start().to_string());
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        if detect_code {
            let code = looks_like_code(line)
                || (in_code
                    && line.trim().is_empty()
                    && lines[i + 1..n].iter().find(|l| !l.trim().is_empty()).is_some_and(|l| looks_like_code(l)))
                || (in_code
                    && (line.starts_with("  ") || line.trim().starts_with('#'))
                    && !line.trim().starts_with('•'));
            if code && !in_code {
                while out.last().is_some_and(|l| l.is_empty()) {
                    out.pop();
                }
                if !out.is_empty() {
                    out.push(String::new());
                }
                out.push("```python".into());
                in_code = true;
            } else if !code && in_code {
                while out.last().is_some_and(|l| l.is_empty()) {
                    out.pop();
                }
                out.push("```".into());
                out.push(String::new());
                in_code = false;
            }
            if in_code {
                out.push(line.to_string());
                continue;
            }
        }
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("• ").or_else(|| t.strip_prefix('•')) {
            out.push(format!("- {}", rest.trim()));
        } else if t.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
        } else if t == "---" || t == "***" || t == "___" {
            continue;
        } else {
            out.push(line.to_string());
        }
    }
    if in_code || in_fence {
        while out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        out.push("```".into());
    }
    let text = out.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Removes an answer marker at the start: `**Answer:**`, `Answer:`, `A:`, `Ans:`.
pub fn strip_answer_marker(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for marker in ["**Answer:**", "**Answer**:", "**A:**", "**Ans:**", "Answer:", "Ans:", "A:", "Ans.", "A."] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some(rest.trim_start());
        }
    }
    None
}

/// Whether the question depends on code shown after it.
pub fn needs_code(question: &str) -> bool {
    let q = question.to_lowercase();
    [
        "output", "print", "what does this", "what's wrong", "what is wrong", "this code", "following code",
        "the code below", "snippet", "result of",
    ]
    .iter()
    .any(|k| q.contains(k))
}

/// Extracts the first fenced code block of `answer`, if it opens the answer.
pub fn leading_code(answer: &str) -> Option<(String, String)> {
    let t = answer.trim_start();
    if !t.starts_with("```") {
        return None;
    }
    let body_start = t.find('\n')? + 1;
    let end = t[body_start..].find("\n```")? + body_start;
    let code = t[body_start..end].to_string();
    let rest = t[end + 4..].trim_start_matches(|c: char| c != '\n').trim().to_string();
    Some((code, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_lines_are_cleaned() {
        assert_eq!(
            clean_question("1. **Explain the GIL and its implications**"),
            "Explain the GIL and its implications"
        );
        assert_eq!(
            clean_question("Q1. 🟡 What is the difference between concurrency and parallelism?"),
            "What is the difference between concurrency and parallelism?"
        );
        assert_eq!(clean_question("🔹 12) What is a closure? (Easy)"), "What is a closure?");
        assert_eq!(clean_question("**Q3: What is `__slots__`?**"), "What is `__slots__`?");
        assert_eq!(clean_question("7. What does yield do?<br>"), "What does yield do?");
    }

    #[test]
    fn question_wording_is_recognised() {
        for q in [
            "What is a wheel?",
            "Explain WSGI, ASGI in Python ecosystem.",
            "Difference between import module vs from module import func",
            "select_related vs prefetch_related",
            "Python's MRO?",
        ] {
            assert!(is_question_text(q), "{q}");
        }
        for t in [
            "What it is:", "Example (psycopg):", "psycopg (Driver level)", "Summary of Key Ecosystem Concepts",
            "Core Python",
        ] {
            assert!(!is_question_text(t), "{t}");
        }
    }

    #[test]
    fn difficulty_marks() {
        assert_eq!(difficulty_mark("### Q1. 🟡 What"), Some(Difficulty::Medium));
        assert_eq!(difficulty_mark("What is X? (Hard)"), Some(Difficulty::Hard));
        assert_eq!(difficulty_mark("**Difficulty:** Easy"), Some(Difficulty::Easy));
        assert_eq!(difficulty_mark("Difficulty: Easy"), Some(Difficulty::Easy));
        assert_eq!(difficulty_mark("no mark"), None);
    }

    #[test]
    fn code_lines_are_told_from_prose() {
        for c in [
            "a = [1, 2, 3]", "import threading, requests", "def f(x):", "    return x", "a == b  # True",
            "pool.map(f, xs)", "x = 256; y = 256",
        ] {
            assert!(looks_like_code(c), "{c}");
        }
        for p in [
            "The GIL is a mutex in CPython that allows one thread.",
            "If you need parallelism, use processes instead of threads.",
            "Implications:",
            "  • I/O-bound workloads: GIL is released during I/O operations.",
        ] {
            assert!(!looks_like_code(p), "{p}");
        }
    }

    #[test]
    fn answers_get_fences_and_bullets() {
        let lines =
            ["Compares values:", "", "a = [1, 2]", "b = [1, 2]", "a == b  # True", "", "  • identity differs", "Done."];
        assert_eq!(
            format_answer(&lines, true).unwrap(),
            "Compares values:\n\n```python\na = [1, 2]\nb = [1, 2]\na == b  # True\n```\n\n- identity differs\nDone."
        );
    }
}
