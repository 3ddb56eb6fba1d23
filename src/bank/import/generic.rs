//! The structural parser behind every Markdown and plain-text shape: it finds question lines
//! (question headings at any level, bold question lines, `Q:` prefixes, `<details>` summaries,
//! numbered list items — wrapped over indented lines or ended by `<br>` —, rows of a
//! question/answer table), takes everything up to the next boundary as the answer, treats
//! other headings as sections, and reports every block it did not take. Numbered questions
//! count beside question headings when a document mixes both.

use super::text::{self, clean_question, difficulty_mark, heading, is_fence, is_question_text};
use super::{RawQuestion, Skipped, table};

/// Switches for the document kinds that need them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Fence code whose fences were lost (plain text).
    pub detect_code: bool,
    /// Short title-like lines are section headings (plain text without `#`); `#` lines are
    /// then code comments, not headings.
    pub plain_titles: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading(usize),
    Bold,
    Prefixed,
    Summary,
    Numbered,
    /// A plain line ending in `?`, after a blank line (documents with no other structure).
    Plain,
    /// A row of a question/answer table; its answer is the row's answer cell.
    TableRow,
}

#[derive(Debug)]
struct Marker {
    line: usize,
    kind: Kind,
    question: Option<String>,
    title: String,
    difficulty: Option<crate::bank::Difficulty>,
    /// Text after the question on the same line (`Q: … A: …`), if any.
    inline: Option<String>,
    /// Lines after the marker's that belong to the question (a numbered item wrapped over
    /// indented lines).
    extra: usize,
}

/// Counts of each question kind, used to recognise the shape.
#[derive(Debug, Default, Clone, Copy)]
pub struct Census {
    pub heading_questions: usize,
    pub bold_questions: usize,
    pub prefixed: usize,
    pub summaries: usize,
    pub numbered: usize,
    pub plain: usize,
    pub answer_markers: usize,
    pub difficulty_marks: usize,
    pub table_rows: usize,
}

fn bold_line(t: &str) -> Option<&str> {
    let t = t.trim();
    let inner = t.strip_prefix("**").and_then(|r| r.strip_suffix("**").or_else(|| r.strip_suffix("**:")))?;
    (!inner.contains("**")).then_some(inner)
}

/// `Q: text`, `Q1: text`, `Question: text`, `**Q:** text`.
fn prefixed(t: &str) -> Option<&str> {
    let t = t.trim().trim_start_matches("**");
    for p in ["Question:", "Q:", "Q.", "Question "] {
        if let Some(rest) = t.strip_prefix(p) {
            let rest = rest.trim_start_matches("**").trim();
            if p == "Question " {
                let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
                return (digits > 0).then(|| rest[digits..].trim_start_matches([':', '.']).trim());
            }
            return Some(rest);
        }
    }
    let digits = t.strip_prefix('Q').map(|r| r.chars().take_while(|c| c.is_ascii_digit()).count()).unwrap_or(0);
    if digits > 0 {
        let rest = &t[1 + digits..];
        if let Some(r) = rest.strip_prefix(':').or_else(|| rest.strip_prefix(". ")) {
            return Some(r.trim_start_matches("**").trim());
        }
    }
    None
}

fn summary(t: &str) -> Option<String> {
    let t = t.trim();
    let start = t.find("<summary>")? + "<summary>".len();
    let end = t[start..].find("</summary>")? + start;
    Some(strip_tags(&t[start..end]))
}

fn strip_tags(t: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in t.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn numbered_item(line: &str) -> Option<&str> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    line[digits..].strip_prefix(". ").or_else(|| line[digits..].strip_prefix(") ")).map(str::trim)
}

/// A numbered item with the indented lines it wraps over, while it reads as unfinished (no
/// `?`, `.` or `<br>` at its end yet): `(text, lines used after the first)`.
fn wrapped_item(lines: &[&str], i: usize) -> Option<(String, usize)> {
    let mut text = numbered_item(lines[i])?.to_string();
    let mut extra = 0;
    let finished = |t: &str| {
        let t = t.trim_end();
        t.ends_with(['?', '.', ':']) || text::ends_with_break(t)
    };
    while !finished(&text)
        && let Some(next) = lines.get(i + 1 + extra)
        && next.starts_with(char::is_whitespace)
        && !next.trim().is_empty()
        && !next.trim_start().starts_with(['-', '*', '•'])
    {
        text.push(' ');
        text.push_str(next.trim());
        extra += 1;
    }
    Some((text, extra))
}

/// First words of a numbered item that asks something even without a `?` ("Explain how …").
const ASKING: &[&str] = &["what", "how", "why", "when", "which", "who", "explain", "describe", "discuss", "difference"];

/// Whether a numbered item is a question: it ends in `?`, or it is worded as one and ends as a
/// sentence (steps of an answer — "1. Create a venv." — are not).
fn numbered_question(q: &str) -> bool {
    let first = q.split_whitespace().next().unwrap_or("").to_lowercase();
    is_question_text(q) && (q.ends_with('?') || ASKING.contains(&first.as_str()) && q.ends_with('.'))
}

/// Link syntax `[text](#anchor)` reduced to its text (tables of contents).
fn unlink(t: &str) -> String {
    let t = t.trim();
    if let (Some(rest), true) = (t.strip_prefix('['), t.ends_with(')'))
        && let Some(mid) = rest.find("](")
    {
        return rest[..mid].to_string();
    }
    t.to_string()
}

/// A title line in plain text: short, capitalised, no sentence punctuation, not code.
fn plain_title(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    (1..=6).contains(&words)
        && t.len() <= 60
        && t.starts_with(|c: char| c.is_uppercase())
        && !t.ends_with(['.', ',', ':', ';', '?', '!', '(', '['])
        && !t.contains(['=', '(', '`', '"', '→'])
        && !t.starts_with(['-', '•', '*'])
        && !text::looks_like_code(line)
}

/// How loose question recognition is: structured markers only, then numbered list items, then
/// plain lines ending in `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Looseness {
    Structured,
    Numbered,
    Plain,
}

fn find_markers(lines: &[&str], opts: Options, looseness: Looseness) -> Vec<Marker> {
    let rows = table::rows(lines);
    // A document that mixes question headings with numbered questions: both count.
    let allow_numbered = looseness >= Looseness::Numbered || numbered_questions(lines) >= 2;
    let mut markers = Vec::new();
    let mut in_fence = false;
    let mut skip_to = 0;
    for (i, raw) in lines.iter().enumerate() {
        if i < skip_to {
            continue;
        }
        if is_fence(raw) {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let marker = |kind, q: Option<String>, title: &str, inline: Option<String>| Marker {
            line: i,
            kind,
            difficulty: difficulty_mark(title),
            question: q,
            title: title.to_string(),
            inline,
            extra: 0,
        };
        if let Some((question, answer)) = rows.get(&i) {
            let q = clean_question(question);
            if !q.is_empty() {
                markers.push(marker(Kind::TableRow, Some(q), raw, Some(answer.clone())));
            }
        } else if let Some((level, title)) = heading(raw).filter(|_| !opts.plain_titles) {
            let q = clean_question(&unlink(title));
            let q = is_question_text(&q).then_some(q);
            markers.push(marker(Kind::Heading(level), q, title, None));
        } else if let Some(rest) = prefixed(raw) {
            // `Q: question? A: answer` on one line.
            let (q, inline) = match rest.find(" A: ") {
                Some(at) => (&rest[..at], Some(rest[at + 4..].to_string())),
                None => (rest, None),
            };
            let q = clean_question(q);
            if !q.is_empty() {
                markers.push(marker(Kind::Prefixed, Some(q), raw, inline));
            }
        } else if let Some(s) = summary(raw) {
            let q = clean_question(&s);
            markers.push(marker(Kind::Summary, (!q.is_empty()).then_some(q), raw, None));
        } else if let Some(inner) = bold_line(raw) {
            let q = clean_question(inner);
            if is_question_text(&q) && (q.ends_with('?') || text::leading_number(inner).is_some()) {
                markers.push(marker(Kind::Bold, Some(q), raw, None));
            }
        } else if let Some((item, extra)) = wrapped_item(lines, i).filter(|_| allow_numbered) {
            let q = clean_question(&unlink(&item));
            if numbered_question(&q) {
                markers.push(Marker { extra, ..marker(Kind::Numbered, Some(q), raw, None) });
                skip_to = i + 1 + extra;
            }
        } else if looseness == Looseness::Plain
            && !raw.starts_with(char::is_whitespace)
            && raw.trim_end().ends_with('?')
            && (i == 0 || lines[i - 1].trim().is_empty())
            && is_question_text(&clean_question(raw))
            && !raw.trim_start().starts_with(['-', '*', '•', '>'])
        {
            markers.push(marker(Kind::Plain, Some(clean_question(raw)), raw, None));
        } else if opts.plain_titles && plain_title(raw) && text::strip_answer_marker(raw).is_none() {
            let blank_or_start =
                i == 0 || lines[i - 1].trim().is_empty() || !lines[i - 1].trim_end().ends_with([',', '(']);
            if blank_or_start {
                markers.push(marker(Kind::Heading(2), None, raw.trim(), None));
            }
        }
    }
    markers
}

/// How many top-level numbered items outside code read as questions.
fn numbered_questions(lines: &[&str]) -> usize {
    let mut in_fence = false;
    let mut n = 0;
    for i in 0..lines.len() {
        if is_fence(lines[i]) {
            in_fence = !in_fence;
        } else if !in_fence
            && let Some((item, _)) = wrapped_item(lines, i)
            && numbered_question(&clean_question(&unlink(&item)))
        {
            n += 1;
        }
    }
    n
}

/// Counts question kinds, for shape recognition.
pub fn census(lines: &[&str]) -> Census {
    let mut markers = find_markers(lines, Options::default(), Looseness::Numbered);
    if markers.iter().filter(|m| m.question.is_some()).count() < 2 {
        markers = find_markers(lines, Options::default(), Looseness::Plain);
    }
    let mut c = Census::default();
    for m in markers.iter().filter(|m| m.question.is_some()) {
        match m.kind {
            Kind::Heading(_) => c.heading_questions += 1,
            Kind::Bold => c.bold_questions += 1,
            Kind::Prefixed => c.prefixed += 1,
            Kind::Summary => c.summaries += 1,
            Kind::Numbered => c.numbered += 1,
            Kind::Plain => c.plain += 1,
            Kind::TableRow => c.table_rows += 1,
        }
        if m.difficulty.is_some() {
            c.difficulty_marks += 1;
        }
    }
    c.answer_markers = lines.iter().filter(|l| l.trim_start().starts_with("**Answer")).count();
    c
}

fn skip_reason(title: &str) -> String {
    let t = title.to_lowercase();
    let kind = if t.contains("summary") || t.contains("key takeaway") || t.contains("conclusion") || t.contains("recap")
    {
        "summary"
    } else if t.contains("note") {
        "notes"
    } else if t.contains("resource") || t.contains("reference") || t.contains("further reading") {
        "resources"
    } else if t.contains("table of contents") || t == "contents" || t == "toc" {
        "table of contents"
    } else {
        "tutorial section"
    };
    format!("{kind}, not a question: {}", clean_question(title))
}

fn has_content(lines: &[&str]) -> bool {
    lines.iter().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.chars().all(|c| "-=*_".contains(c))
    })
}

/// Parses `lines` into questions and skipped blocks.
pub fn parse(lines: &[&str], opts: Options) -> (Vec<RawQuestion>, Vec<Skipped>) {
    let questions_in = |m: &[Marker]| m.iter().filter(|m| m.question.is_some()).count();
    let mut markers = find_markers(lines, opts, Looseness::Structured);
    for looser in [Looseness::Numbered, Looseness::Plain] {
        if questions_in(&markers) >= 2 {
            break;
        }
        markers = find_markers(lines, opts, looser);
    }
    let mut questions: Vec<RawQuestion> = Vec::new();
    let mut skipped = Vec::new();
    // Sections: the heading stack by level, plus a title with no body of its own.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let first = markers.first().map_or(lines.len(), |m| m.line);
    if has_content(&lines[..first]) {
        let at = lines[..first].iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
        skipped.push(Skipped { line: at + 1, reason: "introduction before the first question or section".into() });
    }
    for (k, m) in markers.iter().enumerate() {
        // The block runs to the next marker that ends it.
        let end = markers[k + 1..]
            .iter()
            .find(|n| match (m.kind, n.kind) {
                (Kind::Heading(l), Kind::Heading(nl)) => nl <= l || n.question.is_some(),
                _ => true,
            })
            .map_or(lines.len(), |n| n.line);
        let body_end = match m.kind {
            Kind::Summary => {
                lines[m.line..end].iter().position(|l| l.contains("</details>")).map_or(end, |p| m.line + p)
            }
            // A row's answer is its cell: what follows the table is not part of it.
            Kind::TableRow => m.line + 1,
            _ => end,
        };
        let body = &lines[(m.line + 1 + m.extra).min(body_end)..body_end];
        match &m.question {
            None => {
                let Kind::Heading(level) = m.kind else {
                    continue;
                };
                stack.retain(|(l, _)| *l < level);
                let direct = markers[k + 1..].iter().next().map_or(lines.len(), |n| n.line);
                let own = &lines[(m.line + 1).min(direct)..direct];
                if has_content(own) {
                    skipped.push(Skipped { line: m.line + 1, reason: skip_reason(&m.title) });
                }
                stack.push((level, section_title(&m.title)));
            }
            Some(q) => {
                let mut answer_lines: Vec<&str> = Vec::new();
                if let Some(inline) = &m.inline {
                    answer_lines.push(inline.as_str());
                }
                // `Q: … <code> A: …`: what stands between the question and its `A:` is the
                // question's code.
                let mut question_code = None;
                let mut body = body;
                if m.kind == Kind::Prefixed
                    && m.inline.is_none()
                    && let Some(at) = body.iter().position(|l| text::strip_answer_marker(l).is_some())
                    && at > 0
                {
                    question_code = text::format_answer(&body[..at], false);
                    body = &body[at..];
                }
                let mut difficulty = m.difficulty;
                for (j, l) in body.iter().enumerate() {
                    let l = if m.kind == Kind::Summary { l.trim_start_matches("</summary>") } else { l };
                    if j < 3
                        && difficulty.is_none()
                        && let Some(d) = difficulty_mark(l).filter(|_| l.to_lowercase().contains("difficulty"))
                    {
                        difficulty = Some(d);
                        continue;
                    }
                    match text::strip_answer_marker(l) {
                        Some(rest) if answer_lines.iter().all(|a| a.trim().is_empty()) => answer_lines.push(rest),
                        _ => answer_lines.push(l),
                    }
                }
                let cleaned: Vec<String> = answer_lines
                    .iter()
                    .map(|l| if m.kind == Kind::Summary { strip_html_line(l) } else { l.to_string() })
                    .collect();
                let refs: Vec<&str> = cleaned.iter().map(String::as_str).collect();
                let mut answer = text::format_answer(&refs, opts.detect_code);
                let mut code = question_code;
                if code.is_none()
                    && text::needs_code(q)
                    && let Some((c, rest)) = answer.as_deref().and_then(text::leading_code)
                {
                    code = Some(c);
                    answer = (!rest.is_empty()).then_some(rest);
                }
                let level = match m.kind {
                    Kind::Heading(l) => l,
                    _ => 7,
                };
                let section = stack
                    .iter()
                    .rev()
                    .find(|(l, _)| *l < level || m.kind != Kind::Heading(level))
                    .or(stack.last())
                    .map(|(_, s)| s.clone());
                questions.push(RawQuestion {
                    question: q.clone(),
                    code,
                    answer,
                    section,
                    difficulty,
                    line: m.line + 1,
                });
            }
        }
    }
    dedupe_listing(&mut questions, &mut skipped);
    skipped.sort_by_key(|s| s.line);
    (questions, skipped)
}

fn section_title(title: &str) -> String {
    let t = clean_question(title);
    let t = t
        .strip_prefix("Section")
        .map_or(t.as_str(), |r| r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || c == ' '));
    t.trim().to_string()
}

fn strip_html_line(l: &str) -> String {
    let t = l.trim();
    if t.starts_with('<') && t.ends_with('>') && !t.contains("</") && t.len() < 20 {
        return String::new();
    }
    let t = t.replace("<br>", "").replace("<br/>", "").replace("<p>", "").replace("</p>", "");
    if l.starts_with("    ") { l.to_string() } else { t }
}

/// A question listed twice in one document (a table of contents, a recap) counts once: a
/// copy without an answer is dropped when another copy has one.
fn dedupe_listing(questions: &mut Vec<RawQuestion>, skipped: &mut Vec<Skipped>) {
    let key = |q: &RawQuestion| q.question.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let mut answered: std::collections::HashSet<String> = std::collections::HashSet::new();
    let keys: Vec<String> = questions.iter().map(key).collect();
    for (q, k) in questions.iter().zip(&keys) {
        if q.answer.is_some() {
            answered.insert(k.clone());
        }
    }
    let mut seen_bare: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut keep = Vec::with_capacity(questions.len());
    for (q, k) in questions.iter().zip(&keys) {
        let drop = q.answer.is_none() && (answered.contains(k) || !seen_bare.insert(k.as_str()));
        if drop {
            skipped.push(Skipped { line: q.line, reason: "question listed again (table of contents or recap)".into() });
        }
        keep.push(!drop);
    }
    let mut k = keep.into_iter();
    questions.retain(|_| k.next().unwrap_or(true));
}
