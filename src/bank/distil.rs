//! Distilling key points — up to 6 sentences a good answer covers — from a reference answer in
//! Markdown, for entries no person has reviewed yet.
//!
//! Candidates are the answer's bullet items and the sentences of its paragraphs; code blocks,
//! tables and headings are left out — unless the answer gives fewer than two points that way,
//! when its table rows are tried too. The first prose sentence (usually the definition) comes
//! first, then bullets in order, then other sentences, until there are enough. A long candidate
//! is kept as its first sentence or up to a `;` / ` — ` clause boundary, never cut mid-clause.
//!
//! Invariant: every point passes [`keycheck::fault`] — no code line, import, code comment,
//! heading, fragment or sentence cut at an abbreviation — and carries at least two content words
//! not all taken from the question. An answer that is only code gives no points: what the code
//! does has to be said by a person (or proposed by `viva bank keypoints`). Near-duplicates are
//! dropped.

use super::keycheck;
use crate::words;

const MAX_CHARS: usize = 200;

/// Key points for a reference answer; empty when the answer has no checkable sentence.
pub fn key_points(question: &str, answer: &str) -> Vec<String> {
    let (first, bullets, sentences) = candidates(answer);
    let q_words = words::topic_words(question);
    let mut points: Vec<String> = Vec::new();
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut push = |text: &str, points: &mut Vec<String>| {
        let Some(p) = shorten(&plain(text)) else { return };
        if points.len() >= keycheck::MAX_POINTS || !substantive(&p, &q_words) {
            return;
        }
        let mut content = words::content(&p);
        content.sort();
        content.dedup();
        let duplicate = seen.iter().any(|e| {
            let shared = content.iter().filter(|w| e.contains(w)).count();
            shared * 10 >= content.len().min(e.len()).max(1) * 8
        });
        if !duplicate {
            points.push(p);
            seen.push(content);
        }
    };
    if let Some(first) = &first {
        push(first, &mut points);
    }
    for b in &bullets {
        push(b, &mut points);
    }
    if points.len() < 4 {
        for s in &sentences {
            if points.len() >= 5 {
                break;
            }
            push(s, &mut points);
        }
    }
    if points.len() < 2 {
        // Answers that are mostly a table: its rows say what matters.
        for row in table_rows(answer) {
            push(&row, &mut points);
        }
    }
    points
}

/// Rows of a Markdown table as statements: `Row: Column A — cell; Column B — cell`.
fn table_rows(answer: &str) -> Vec<String> {
    let cells =
        |l: &str| -> Vec<String> { l.trim().trim_matches('|').split('|').map(|c| c.trim().to_string()).collect() };
    let rows: Vec<&str> = answer.lines().filter(|l| l.trim_start().starts_with('|')).collect();
    let Some(header) = rows.first().map(|h| cells(h)) else { return Vec::new() };
    rows.iter()
        .skip(1)
        .map(|r| cells(r))
        .filter(|c| !c.iter().all(|x| x.chars().all(|ch| "-: ".contains(ch))))
        .filter_map(|c| {
            let label = c.first()?.clone();
            let parts: Vec<String> = header
                .iter()
                .zip(&c)
                .skip(1)
                .filter(|(h, v)| !h.is_empty() && !v.is_empty())
                .map(|(h, v)| format!("{h} — {v}"))
                .collect();
            (!label.is_empty() && !parts.is_empty()).then(|| format!("{label}: {}", parts.join("; ")))
        })
        .collect()
}

/// A point worth asking for: a checkable sentence ([`keycheck::fault`]) with at least two
/// content words, not all from the question.
fn substantive(point: &str, q_words: &[String]) -> bool {
    if keycheck::fault(point).is_some() {
        return false;
    }
    let content = words::content(point);
    let new = content.iter().filter(|w| !q_words.contains(w)).count();
    content.len() >= 2 && new >= 1 && point.split_whitespace().count() >= 3
}

/// Lines of the answer outside code fences and tables.
fn prose_lines(answer: &str) -> Vec<&str> {
    let mut in_fence = false;
    answer
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                in_fence = !in_fence;
                return false;
            }
            !in_fence && !t.starts_with('|') && !t.starts_with('#') && !t.starts_with(">>>")
        })
        .collect()
}

fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for b in ["- ", "* ", "• ", "+ "] {
        if let Some(rest) = t.strip_prefix(b) {
            return Some(rest);
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 3 {
        return t[digits..].strip_prefix(". ").or_else(|| t[digits..].strip_prefix(") "));
    }
    None
}

/// (first prose sentence, bullet items, other sentences).
fn candidates(answer: &str) -> (Option<String>, Vec<String>, Vec<String>) {
    let mut bullets = Vec::new();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in prose_lines(answer) {
        if let Some(b) = bullet(line) {
            bullets.push(b.to_string());
            continue;
        }
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line.trim());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let mut sentences: Vec<String> = paragraphs.iter().flat_map(|p| split_sentences(p)).collect();
    let first = (!sentences.is_empty()).then(|| sentences.remove(0));
    (first, bullets, sentences)
}

/// Abbreviations a sentence does not end at.
const ABBREVIATIONS: &[&str] = &["e.g", "i.e", "eg", "ie", "etc", "vs", "cf", "approx", "mr", "dr", "no", "fig"];

/// Splits at `. `, `? `, `! ` outside parentheses and not after an abbreviation (`e.g.`,
/// `(i.e.`, `vs.`) or a single letter.
fn split_sentences(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let bytes = p.as_bytes();
    for i in 0..bytes.len().saturating_sub(1) {
        match bytes[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(bytes[i], b'.' | b'?' | b'!') && bytes[i + 1] == b' ' {
            let before = &p[start..i];
            let last_word = before.rsplit(' ').next().unwrap_or("");
            let last_word = last_word.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            if ABBREVIATIONS.contains(&last_word.as_str()) || last_word.chars().count() == 1 {
                continue;
            }
            out.push(p[start..=i].trim().to_string());
            start = i + 2;
        }
    }
    if start < p.len() {
        out.push(p[start..].trim().to_string());
    }
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Markdown and decoration stripped: `**`, backticks kept as plain text, leading emoji/arrows,
/// `Answer:` labels. A trailing `:` stays, so a label is never mistaken for a claim.
fn plain(text: &str) -> String {
    let t = text.replace("**", "");
    let t = t.trim().trim_start_matches(|c: char| !c.is_alphanumeric() && c != '`' && c != '(' && c != '_' && c != '@');
    let t = t.strip_prefix("Answer:").unwrap_or(t).trim();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A long candidate as a point: its first sentence when that is short enough, else its text up
/// to the last `;` or ` — ` before [`MAX_CHARS`]; `None` when only a cut mid-clause would do.
fn shorten(text: &str) -> Option<String> {
    if text.chars().count() <= MAX_CHARS {
        return Some(text.to_string());
    }
    let first = split_sentences(text).into_iter().next()?;
    if first.chars().count() <= MAX_CHARS {
        return Some(first);
    }
    let cut: String = first.chars().take(MAX_CHARS).collect();
    let at = ["; ", " — "].iter().filter_map(|sep| cut.rfind(sep)).filter(|i| *i > 40).max()?;
    Some(cut[..at].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_become_points_after_the_definition() {
        let answer = "The GIL is a mutex (Mutual Exclusion Lock) that protects access to Python objects, preventing multiple threads from executing Python bytecode simultaneously. This means:\n- CPU-bound operations don't benefit from multi-threading\n- I/O-bound operations can still benefit from threading (GIL released during I/O)\n- Use `multiprocessing` for CPU-bound parallelism or async/await for I/O-bound concurrency\n- Libraries like NumPy release the GIL for performance-critical operations";
        let points = key_points("Explain the Global Interpreter Lock (GIL) and its implications", answer);
        assert_eq!(
            points,
            vec![
                "The GIL is a mutex (Mutual Exclusion Lock) that protects access to Python objects, preventing multiple threads from executing Python bytecode simultaneously.",
                "CPU-bound operations don't benefit from multi-threading",
                "I/O-bound operations can still benefit from threading (GIL released during I/O)",
                "Use `multiprocessing` for CPU-bound parallelism or async/await for I/O-bound concurrency",
                "Libraries like NumPy release the GIL for performance-critical operations",
            ]
        );
    }

    #[test]
    fn prose_answers_give_sentence_points() {
        let answer = "A closure is a function that captures variables from its enclosing scope. The captured variables persist after the outer function returns. Closures are used in decorators, callbacks and factory functions.";
        let points = key_points("What is a closure?", answer);
        assert_eq!(points.len(), 3);
        assert_eq!(points[0], "A closure is a function that captures variables from its enclosing scope.");
    }

    #[test]
    fn code_gives_no_points_not_even_its_comments() {
        assert!(key_points("Show a decorator", "```python\ndef deco(f):\n    return f\n```").is_empty());
        let answer = "```python\n# BFS — use deque for O(1) popleft\nq = deque()\n# Python's sort is Timsort, stable and adaptive\nxs.sort()\n```";
        assert!(key_points("Algorithms?", answer).is_empty());
    }

    /// The bad points of issue 12, each from the reference it came from.
    #[test]
    fn the_issues_junk_never_becomes_a_point() {
        // A reference that is only code: no imports, signatures or comments as points.
        let transactions = "```python\nfrom contextlib import contextmanager\nfrom sqlalchemy.exc import SQLAlchemyError\n\n@contextmanager\ndef transaction_scope(db: Session):\n    try:\n        yield db\n        db.commit()\n    except SQLAlchemyError as e:\n        db.rollback()\n        raise\n```";
        assert!(key_points("How do you handle database transactions in FastAPI?", transactions).is_empty());
        // Code with comments and a stray unfenced line of code.
        let typing = "```python\n# Union — one of several types (Python 3.10+: use X | Y syntax)\ndef process(value: int | str) -> str:\n    return str(value)\n# Optional — either the type or None (sugar for X | None)\ndef find(id: int) -> Optional[str]:   # can return str or None\n    return db.get(id)\n# In Python 3.10+: -> str | None\n```\n\nMAX_RETRIES: Final = 3\n";
        assert!(
            key_points("What are Union, Optional, Literal, Final, and Annotated in Python typing?", typing).is_empty()
        );
        // A heading of the next section glued to the answer of a plain-text document.
        let java = "Python is dynamically typed, Java is statically typed.\n\nPython runs slower but is more concise.\n\nPython has GIL (thread limitation), Java has real multithreading.\n\nData Structures & Algorithms";
        let points = key_points("How is Python different from Java?", java);
        assert_eq!(points.len(), 3, "{points:?}");
        assert!(!points.iter().any(|p| p.contains("Algorithms")), "{points:?}");
        // Sentences are never cut at "e.g." or inside parentheses.
        let async_answer = "FastAPI supports both synchronous (regular def) and asynchronous (async def) endpoints.\n\nNeed to ensure that libraries used are compatible: for example, using async drivers for databases (e.g. asyncpg, SQLAlchemy’s AsyncSession, etc.), or using asynchronous HTTP clients (like httpx), otherwise the async advantage is lost.";
        let points = key_points("How do you handle asynchronous operations in FastAPI?", async_answer);
        assert!(points.iter().all(|p| !p.ends_with("(e.g.") && !p.ends_with("e.g.")), "{points:?}");
        let gil = "The GIL prevents multiple native threads from executing Python bytecode simultaneously in CPython.\n\nImplications:\n\nFor CPU-bound workloads: multiple threads won’t help much; better to use multiple processes or offload CPU heavy work (e.g. via process pool, external services).";
        let points = key_points("Explain the GIL and its implications for FastAPI applications.", gil);
        assert_eq!(
            points,
            [
                "The GIL prevents multiple native threads from executing Python bytecode simultaneously in CPython.",
                "For CPU-bound workloads: multiple threads won’t help much; better to use multiple processes or offload CPU heavy work (e.g. via process pool, external services).",
            ]
        );
        for p in points {
            assert_eq!(keycheck::fault(&p), None, "{p}");
        }
        // Fragments and labels: "Implications:", "or Queue", "Use threading.Lock".
        let race = "Use threading.Lock\n\nor Queue";
        assert!(key_points("How do you handle race conditions with threads?", race).is_empty());
    }

    #[test]
    fn table_rows_become_points() {
        let answer = "| | Concurrency | Parallelism |\n|-|---|---|\n| Definition | Tasks in progress | Tasks running simultaneously |\n| CPU cores | Single core possible | Requires multiple cores |";
        assert_eq!(
            key_points("Concurrency vs parallelism?", answer),
            [
                "Definition: Concurrency — Tasks in progress; Parallelism — Tasks running simultaneously",
                "CPU cores: Concurrency — Single core possible; Parallelism — Requires multiple cores",
            ]
        );
    }

    #[test]
    fn a_one_sentence_answer_is_one_point_not_its_fragments() {
        assert_eq!(
            key_points("How do you cancel async tasks?", "Call task.cancel() and handle CancelledError."),
            ["Call task.cancel() and handle CancelledError."]
        );
    }

    #[test]
    fn long_points_keep_their_first_sentence_or_a_whole_clause() {
        let long = "- Connection pooling keeps database connections open for reuse, which avoids the handshake cost, reduces latency under load, and protects the database from connection storms when traffic spikes; it also caps how many connections each worker opens at once";
        let points = key_points("Why pool connections?", &format!("Pools reuse connections between requests.\n{long}"));
        assert!(points.iter().all(|p| p.chars().count() <= MAX_CHARS), "{points:?}");
        assert_eq!(points.len(), 2, "{points:?}");
        assert_eq!(
            points[1],
            "Connection pooling keeps database connections open for reuse, which avoids the handshake cost, reduces latency under load, and protects the database from connection storms when traffic spikes"
        );
        // No clause boundary before the limit: the candidate is dropped, never cut mid-clause.
        let run_on = format!("- {}", "word ".repeat(60));
        assert_eq!(key_points("Why?", &format!("Pools reuse connections between requests.\n{run_on}")).len(), 1);
    }
}
