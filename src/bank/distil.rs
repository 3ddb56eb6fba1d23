//! Distilling key points — 2 to 8 short statements a good answer covers — from a reference
//! answer in Markdown.
//!
//! Candidates are the answer's bullet items and the sentences of its paragraphs; code blocks,
//! tables and headings are left out — unless the answer is mostly a table or code, when its
//! table rows and its code comments become the candidates. The first prose sentence (usually the definition) comes
//! first, then bullets in order, then other sentences, until there are enough; each point is
//! stripped of Markdown, cut at a clause boundary past ~160 characters, and must carry at least
//! two content words not all taken from the question. Near-duplicates are dropped.

use crate::words;

const MAX_POINTS: usize = 8;
const MAX_CHARS: usize = 160;

/// Key points for a reference answer; empty only when the answer has no substance.
pub fn key_points(question: &str, answer: &str) -> Vec<String> {
    let (first, bullets, sentences) = candidates(answer);
    let q_words = words::topic_words(question);
    let mut points: Vec<String> = Vec::new();
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut push = |text: &str, points: &mut Vec<String>| {
        let p = shorten(&plain(text));
        if points.len() >= MAX_POINTS || !substantive(&p, &q_words) {
            return;
        }
        let content = words::content(&p);
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
        // Answers that are mostly a table or code: its rows and its comments say what matters.
        for extra in table_rows(answer).iter().chain(&code_comments(answer)) {
            if points.len() >= 6 {
                break;
            }
            push(extra, &mut points);
        }
    }
    if points.len() < 2 {
        let clauses = fallback(answer, &q_words);
        if clauses.len() >= 2 {
            return clauses;
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

/// Comments inside code blocks that explain something (three words or more).
fn code_comments(answer: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut out = Vec::new();
    for line in answer.lines() {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence && let Some(pos) = line.find("# ") {
            let comment = line[pos + 2..].trim();
            if comment.split_whitespace().count() >= 3 && !comment.starts_with("noqa") && !comment.starts_with("type:")
            {
                out.push(comment.to_string());
            }
        }
    }
    out
}

/// With too little structure (a one-sentence answer), its clauses as points: split at `,`,
/// `;`, ` and `, ` — `; each needs two words and one content word not in the question.
fn fallback(answer: &str, q_words: &[String]) -> Vec<String> {
    let text: String = prose_lines(answer).join(" ");
    let text = text.replace(" and ", ", ").replace(" — ", ", ").replace("; ", ", ");
    let clauses: Vec<String> = text
        .split(", ")
        .map(|c| shorten(&plain(c)).trim_end_matches('.').to_string())
        .filter(|c| {
            let content = words::content(c);
            c.split_whitespace().count() >= 2 && content.iter().any(|w| !q_words.contains(w))
        })
        .take(4)
        .collect();
    if clauses.len() >= 2 { clauses } else { Vec::new() }
}

/// A point worth asking for: at least two content words, not all from the question.
fn substantive(point: &str, q_words: &[String]) -> bool {
    if crate::bank::import::text::looks_like_code(point) {
        return false;
    }
    let content = words::content(point);
    let new = content.iter().filter(|w| !q_words.contains(w)).count();
    content.len() >= 2 && new >= 1 && point.split_whitespace().count() >= 3 && !point.ends_with(':')
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

/// Splits at `. `, `? `, `! ` not after an abbreviation.
fn split_sentences(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = p.as_bytes();
    for i in 0..bytes.len().saturating_sub(1) {
        if matches!(bytes[i], b'.' | b'?' | b'!') && bytes[i + 1] == b' ' {
            let before = &p[start..i];
            let last_word = before.rsplit(' ').next().unwrap_or("");
            if ["e.g", "i.e", "etc", "vs", "Mr", "Dr"].contains(&last_word) || last_word.len() == 1 {
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
/// `Answer:` labels.
fn plain(text: &str) -> String {
    let t = text.replace("**", "");
    let t = t.trim().trim_start_matches(|c: char| !c.is_alphanumeric() && c != '`' && c != '(' && c != '_' && c != '@');
    let t = t.strip_prefix("Answer:").unwrap_or(t).trim();
    t.trim_end_matches(':').trim().to_string()
}

/// Cuts a long point at a clause boundary before [`MAX_CHARS`].
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_CHARS).collect();
    let at = [" — ", "; ", ", ", " (", ": ", " - "].iter().filter_map(|sep| cut.rfind(sep)).filter(|i| *i > 40).max();
    match at {
        Some(i) => cut[..i].trim_end_matches([',', ';', ':']).to_string(),
        None => cut[..cut.rfind(' ').unwrap_or(cut.len())].to_string(),
    }
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
    fn code_without_comments_gives_no_points_and_comments_give_some() {
        assert!(key_points("Show a decorator", "```python\ndef deco(f):\n    return f\n```").is_empty());
        let answer = "```python\n# BFS — use deque for O(1) popleft\nq = deque()\n# Python's sort is Timsort, stable and adaptive\nxs.sort()\n```";
        assert_eq!(
            key_points("Algorithms?", answer),
            ["BFS — use deque for O(1) popleft", "Python's sort is Timsort, stable and adaptive"]
        );
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
    fn a_one_sentence_answer_gives_its_clauses() {
        assert_eq!(
            key_points("How do you cancel async tasks?", "Call task.cancel() and handle CancelledError."),
            ["Call task.cancel()", "handle CancelledError"]
        );
        assert_eq!(
            key_points("What is the recursion limit?", "Default ~1000, configurable via sys.setrecursionlimit."),
            ["Default ~1000", "configurable via sys.setrecursionlimit"]
        );
    }

    #[test]
    fn long_points_are_cut_at_a_clause() {
        let long = format!(
            "- {}",
            "Connection pooling keeps database connections open for reuse, which avoids the handshake cost, reduces latency under load, and protects the database from connection storms when traffic spikes suddenly"
        );
        let points = key_points("Why pool connections?", &format!("Pools reuse connections between requests.\n{long}"));
        assert!(points.iter().all(|p| p.chars().count() <= MAX_CHARS), "{points:?}");
    }
}
