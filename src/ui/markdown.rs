//! The Markdown viva writes (transcripts, see `transcript::render::markdown`), rendered for a
//! terminal: headings as bold lines under a rule, `> ` quotes behind a bar, lists with bullets,
//! tables as aligned columns whose last column wraps, inline code without its backticks, and
//! every line wrapped to the width given. Only the subset viva writes is understood; anything
//! else is shown as wrapped text, never dropped. Pure: colour comes from the [`Printer`].

use super::{Printer, Tone, wrap};

/// Characters of `s` as they take columns (one per character; viva's text has no wide ones
/// that matter for alignment).
fn cols(s: &str) -> usize {
    s.chars().count()
}

/// Inline Markdown as plain text: `code` and _emphasis_ lose their markers.
fn inline(s: &str) -> String {
    let s = s.replace('`', "");
    let t = s.trim();
    if t.len() > 2 && t.starts_with('_') && t.ends_with('_') { t[1..t.len() - 1].to_string() } else { s }
}

/// The cells of a table row `| a | b \| c |`, with `\|` kept as a `|` inside a cell.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let (mut out, mut cell) = (Vec::new(), String::new());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cell.push('|');
            }
            '|' => out.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    out.push(cell);
    out.iter().map(|c| inline(c.trim())).collect()
}

fn is_separator(row: &str) -> bool {
    let t = row.trim();
    t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// A table as aligned columns; the last column wraps to what is left of `width`.
fn table(rows: &[&str], width: usize, p: &Printer, out: &mut Vec<String>) {
    let rows: Vec<Vec<String>> = rows.iter().filter(|r| !is_separator(r)).map(|r| cells(r)).collect();
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    if n == 0 {
        return;
    }
    let mut widths = vec![0; n];
    for row in &rows {
        for (k, cell) in row.iter().enumerate() {
            widths[k] = widths[k].max(cols(cell));
        }
    }
    let indent = 2;
    let fixed: usize = widths[..n - 1].iter().map(|w| w + 2).sum();
    let last = width.saturating_sub(indent + fixed).max(20);
    for (r, row) in rows.iter().enumerate() {
        let head: String = (0..n - 1)
            .map(|k| {
                let cell = row.get(k).map_or("", String::as_str);
                format!("{cell}{}  ", " ".repeat(widths[k] - cols(cell)))
            })
            .collect();
        let tail = row.get(n - 1).map_or("", String::as_str);
        let wrapped = wrap(tail, last, "");
        let pad = " ".repeat(indent + fixed);
        for (i, line) in wrapped.lines().enumerate() {
            let text = if i == 0 { format!("{}{head}{line}", " ".repeat(indent)) } else { format!("{pad}{line}") };
            out.push(if r == 0 { p.paint(Tone::Bold, &text) } else { text });
        }
        if wrapped.is_empty() {
            let text = format!("{}{}", " ".repeat(indent), head.trim_end());
            out.push(if r == 0 { p.paint(Tone::Bold, &text) } else { text });
        }
    }
}

/// A list item: its bullet (`•`, or the verdict mark it starts with, coloured) and its text,
/// wrapped under itself.
fn item(text: &str, width: usize, p: &Printer) -> String {
    let text = inline(text);
    let (mark, rest, tone) = match text.chars().next() {
        Some(c @ '✓') => (c.to_string(), text[c.len_utf8()..].trim_start().to_string(), Some(Tone::Good)),
        Some(c @ ('✗' | '~')) => (c.to_string(), text[c.len_utf8()..].trim_start().to_string(), Some(Tone::Warn)),
        Some(c @ '⚠') => (c.to_string(), text[c.len_utf8()..].trim_start().to_string(), Some(Tone::Bad)),
        _ => ("•".to_string(), text.clone(), None),
    };
    let body = wrap(&rest, width.saturating_sub(4), "    ");
    let body = body.trim_start();
    let line = format!("  {mark} {body}");
    match tone {
        Some(t) => p.paint(t, &line),
        None => line,
    }
}

/// Renders `md` for a terminal `width` columns wide.
pub fn render(md: &str, width: usize, p: &Printer) -> String {
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_end();
        if t.trim_start().starts_with('|') {
            let start = i;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                i += 1;
            }
            table(&lines[start..i], width, p, &mut out);
            continue;
        }
        if let Some(h) = t.strip_prefix("# ") {
            out.push(p.paint(Tone::Bold, &wrap(&inline(h), width, "")));
            out.push("═".repeat(width.min(cols(h).max(20))));
        } else if let Some(h) = t.strip_prefix("## ") {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            out.push(p.paint(Tone::Dim, &"─".repeat(width)));
            out.push(p.paint(Tone::Bold, &wrap(&inline(h), width, "")));
        } else if let Some(h) = t.strip_prefix("### ") {
            let h = inline(h);
            let tone = if h == "Answer" { Tone::Dim } else { Tone::Accent };
            out.push(p.paint(tone, &wrap(&h, width, "")));
        } else if let Some(q) = t.strip_prefix('>') {
            let q = inline(q.strip_prefix(' ').unwrap_or(q));
            let bar = p.paint(Tone::Dim, "│");
            if q.trim().is_empty() {
                out.push(format!("  {bar}"));
            }
            for l in wrap(&q, width.saturating_sub(4), "").lines() {
                out.push(format!("  {bar} {l}"));
            }
        } else if let Some(rest) = t.trim_start().strip_prefix("- ") {
            out.push(item(rest, width, p));
        } else if t.trim().is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
        } else {
            out.push(wrap(&inline(t), width, ""));
        }
        i += 1;
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# viva interview · 20261110-090000-0000\n\n- started: 2026-11-10 09:00:00 UTC\n- overall: 6/10\n\n## 1. Key Differences: Mock vs Stub\n\n`testing/key-differences-mock-vs-stub` · testing · medium · 30s · 3.5/10\n\nFlags: skipped\n\n### Answer\n\n> The GIL is a mutex that lets one thread run bytecode at a time, so CPU-bound threads do not run in parallel.\n\n| criterion | score | feedback |\n|---|---|---|\n| coverage | 0/6 | 0 of 2 key points covered \\| none. |\n| depth | 0.1/2 | States facts without explaining them; say why, and give an example of where it matters. |\n\n- ✓ A mutex — “a mutex”\n- ✗ Stub → passive, provides canned responses (used for setup).\n\n### Follow-up 1.1: Where does “released” come into it?\n\n_(no answer)_\n";

    #[test]
    fn our_markdown_reads_as_text_in_a_terminal() {
        let text = render(SAMPLE, 60, &Printer::plain());
        for raw in ["|---|", "### ", "## ", "`", "> ", "_(no"] {
            assert!(!text.contains(raw), "{raw:?} left in:\n{text}");
        }
        assert!(text.lines().all(|l| cols(l) <= 60), "wrapped to the width:\n{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn colour_follows_the_printer() {
        let plain = render("## 1. Q\n\n- ✓ ok", 40, &Printer::plain());
        assert!(!plain.contains('\u{1b}'));
    }
}
