//! One session as a self-contained HTML page (`viva export --format html`): every question
//! with its answer, flags, criteria table, key points and feedback, then its retries and
//! follow-ups, each rendered the same way. No external assets, no scripts.

use super::render::{item_flags, retry_note, status_text};
use super::{Item, Transcript};
use crate::grader::PointStatus;
use crate::ui;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}\
.meta{color:#555}.flags span{display:inline-block;background:#fef3c7;color:#78350f;border-radius:4px;padding:0 .4rem;margin-right:.3rem;font-size:.9em}\
blockquote{border-left:3px solid #ccc;margin:0;padding-left:1rem;white-space:pre-wrap}\
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}\
.ok{color:#176f2c}.miss{color:#9a3412}.part{color:#8a6d00}.wrong{color:#b91c1c;font-weight:600}section.attempt{margin-left:1.5rem;border-left:3px solid #e5e7eb;padding-left:1rem}";

/// One attempt: meta line, flags, answer, criteria table, covered and missed points, feedback.
fn attempt(out: &mut String, item: &Item) {
    out.push_str(&format!(
        "<p class=\"meta\"><code>{}</code> · {} · {} · {} · <b class=\"score\">{}</b></p>",
        esc(&item.question_id),
        esc(&item.topic),
        item.difficulty,
        ui::duration(item.seconds),
        esc(&status_text(item))
    ));
    let flags = item_flags(item);
    if !flags.is_empty() {
        out.push_str("<p class=\"flags\">");
        for f in &flags {
            out.push_str(&format!("<span class=\"flag\">{}</span>", esc(f)));
        }
        out.push_str("</p>");
    }
    if item.answer.trim().is_empty() {
        out.push_str("<p><i>(no answer)</i></p>");
    } else {
        out.push_str(&format!("<blockquote>{}</blockquote>", esc(&item.answer)));
    }
    if !item.grade.criteria.is_empty() {
        out.push_str("<table class=\"criteria\"><tr><th>criterion</th><th>score</th><th>feedback</th></tr>");
        for c in &item.grade.criteria {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}/{}</td><td>{}</td></tr>",
                esc(&c.id),
                c.score,
                c.max,
                esc(&c.feedback)
            ));
        }
        out.push_str("</table>");
    }
    if !item.grade.points.is_empty() || !item.grade.misconceptions.is_empty() {
        out.push_str("<ul class=\"points\">");
        for v in &item.grade.points {
            let class = match v.status {
                PointStatus::Covered => "ok",
                PointStatus::Partial => "part",
                PointStatus::Missed => "miss",
                PointStatus::Contradicted => "wrong",
            };
            out.push_str(&format!("<li class=\"{class}\">{}</li>", esc(&v.line())));
        }
        for m in &item.grade.misconceptions {
            out.push_str(&format!("<li class=\"wrong\">{}</li>", esc(&m.line())));
        }
        out.push_str("</ul>");
    }
    if let Some(reason) = &item.grade.reason {
        out.push_str(&format!("<p class=\"meta\">({})</p>", esc(reason)));
    }
    if !item.grade.feedback.is_empty() {
        out.push_str(&format!("<p class=\"feedback\">{}</p>", esc(&item.grade.feedback)));
    }
}

/// The page.
pub fn page(t: &Transcript) -> String {
    let mut body = String::new();
    for (n, item) in t.items.iter().enumerate() {
        body.push_str(&format!(
            "<section class=\"item\" id=\"q{}\"><h2>{}. {}</h2>",
            n + 1,
            n + 1,
            esc(&item.question)
        ));
        attempt(&mut body, item);
        if let Some(note) = retry_note(item) {
            body.push_str(&format!(
                "<p class=\"counts\">Counts: <b>{}</b> ({})</p>",
                status_text(item.best()),
                esc(&note)
            ));
        }
        for (name, a) in item.attempts().into_iter().skip(1) {
            let title = if name.starts_with("follow-up") && !name.contains("retry") {
                format!("{}: {}", ui_title(&name), esc(&a.question))
            } else {
                ui_title(&name)
            };
            body.push_str(&format!("<section class=\"attempt\" data-attempt=\"{}\"><h3>{title}</h3>", esc(&name)));
            attempt(&mut body, a);
            body.push_str("</section>");
        }
        body.push_str("</section>");
    }
    let overall = t.score().map_or("-".to_string(), |s| ui::score((s * 10.0).round() / 10.0));
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>viva {id}</title><style>{STYLE}</style><h1>viva {mode} · {id}</h1><p>Overall <b>{overall}</b> · grader {grader}</p>{body}</html>\n",
        id = esc(&t.id),
        mode = esc(&t.mode),
        grader = esc(&t.settings.grader),
    )
}

/// `follow-up 1 retry 2` as `Follow-up 1, retry 2`.
fn ui_title(name: &str) -> String {
    let name = name.replace(" retry", ", retry");
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every node matching `selector` (a simple selector, or `outer inner`: `tl`
    /// matches no combinators itself).
    fn texts(dom: &tl::VDom, selector: &str) -> Vec<String> {
        let parser = dom.parser();
        let text = |h: tl::NodeHandle| h.get(parser).map(|n| n.inner_text(parser).into_owned());
        match selector.split_once(' ') {
            None => dom.query_selector(selector).map(|q| q.filter_map(text).collect()).unwrap_or_default(),
            Some((outer, inner)) => dom
                .query_selector(outer)
                .into_iter()
                .flatten()
                .filter_map(|h| h.get(parser)?.as_tag())
                .flat_map(|tag| {
                    tag.query_selector(parser, inner).into_iter().flatten().filter_map(text).collect::<Vec<_>>()
                })
                .collect(),
        }
    }

    #[test]
    fn the_html_export_shows_retries_follow_ups_flags_and_criteria() {
        let html = page(&crate::transcript::sample_with_attempts());
        let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
        assert_eq!(texts(&dom, "section.item").len(), 2, "one section per question");
        assert_eq!(
            texts(&dom, ".item h2"),
            ["1. What is the GIL, and when is it released?", "2. select_related or prefetch_related?"]
        );
        assert_eq!(texts(&dom, ".attempt h3"), ["Retry 1", "Follow-up 1: Where does “extensions” come into it?"]);
        assert_eq!(texts(&dom, ".flag"), ["keyword-stuffing", "time ran out", "skipped"]);
        assert_eq!(texts(&dom, "table.criteria").len(), 4, "every graded attempt has its criteria table");
        let cells = texts(&dom, ".criteria td");
        assert_eq!(cells[..3], ["coverage".to_string(), "0/6".into(), "Say what it protects.".into()]);
        assert!(cells.contains(&"Short | terse.".to_string()));
        assert_eq!(texts(&dom, "b.score")[..3], ["0.5/10".to_string(), "6.5/10".into(), "3/10".into()]);
        assert_eq!(texts(&dom, ".counts"), ["Counts: 6.5/10 (first 0.5/10, best of 2 attempts)"]);
        assert!(html.contains("A lock. &lt;b&gt;not bold&lt;/b&gt;"), "answers are escaped");
        assert!(!html.contains("http") && !html.contains("<script"), "self-contained");
    }
}
