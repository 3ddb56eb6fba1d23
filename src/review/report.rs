//! The HTML progress report: one self-contained file (no external assets, no scripts, no
//! network). Score over time is an inline SVG line chart with ticks every 2 points, axis
//! titles and every session's date; per-topic scores and time per question are HTML bar rows,
//! so their labels wrap and stay readable on a phone; the weakest questions (below
//! [`WEAK_BELOW`]) link to their transcripts by paths relative to the report.
//!
//! Bars are coloured by score band (below 4, 4 to 7, 7 and above); time bars by whether the
//! answer fitted its question's time budget, which is marked on each row.

use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

use super::{Stats, WEAK_BELOW};
use crate::transcript::Transcript;
use crate::transcript::html::esc;
use crate::ui;

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937}\
h2{margin-top:2rem}code{color:#555}.note{color:#4b5563}\
.chart{overflow-x:auto}.chart svg{display:block;width:100%;min-width:560px;height:auto}\
.bars{display:grid;grid-template-columns:minmax(7rem,18rem) 1fr auto;gap:.3rem .75rem;align-items:center}\
.bars .label{text-align:right;overflow-wrap:anywhere;line-height:1.25}\
.track{position:relative;height:1.1rem;background:#f3f4f6;border-radius:3px}\
.fill{display:block;height:100%;border-radius:3px}.value{white-space:nowrap;font-variant-numeric:tabular-nums}\
.budget{position:absolute;top:-.25rem;bottom:-.25rem;width:0;border-left:2px dashed #111827}\
.band-low{background:#dc2626}.band-mid{background:#d97706}.band-high{background:#16a34a}\
.band-low-text{color:#b91c1c}.band-mid-text{color:#b45309}.band-high-text{color:#15803d}.within{background:#2563eb}.over{background:#dc2626}\
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9em;color:#4b5563;margin:.5rem 0}\
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-.05rem}\
.legend i.budget-key{position:static;width:0;height:.9rem;border-radius:0;border-left:2px dashed #111827;background:none}\
.axis-note{font-size:.9em;color:#4b5563;margin:.25rem 0 0}\
@media (max-width:40rem){.bars{grid-template-columns:1fr auto}.bars .label{grid-column:1/-1;text-align:left;margin-top:.35rem}.chart svg{min-width:0}.chart svg text{font-size:20px}.chart svg .alt{display:none}}";

/// The band a score falls in: its CSS class and words for the legend.
fn band(score: f64) -> &'static str {
    if score < 4.0 {
        "band-low"
    } else if score < WEAK_BELOW {
        "band-mid"
    } else {
        "band-high"
    }
}

/// `target` as a path relative to the directory `from` (both made absolute first), for links
/// that keep working when the report and the transcripts move together.
pub fn relative(target: &Path, from: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (target, from) = (abs(target), abs(from));
    let (t, f): (Vec<Component>, Vec<Component>) = (target.components().collect(), from.components().collect());
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// A relative path as an `href`: `/` separators, the few characters a URL cannot hold escaped.
fn href(path: &Path) -> String {
    let mut s = String::new();
    for (i, c) in path.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        for ch in c.as_os_str().to_string_lossy().chars() {
            match ch {
                '%' => s.push_str("%25"),
                ' ' => s.push_str("%20"),
                '#' => s.push_str("%23"),
                '?' => s.push_str("%3F"),
                '"' => s.push_str("%22"),
                _ => s.push(ch),
            }
        }
    }
    s
}

/// `text` cut at a word boundary to at most `max` characters, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    out.trim_end_matches([',', ';', ':']).to_string() + "…"
}

/// One point of the trend: when, the session's score, its id.
struct Point {
    at: chrono::DateTime<chrono::Utc>,
    score: f64,
    id: String,
}

/// The line chart of session scores, with y ticks every 2 points, a date under every session
/// (every k-th when there are more than 16, so they never overlap) and both axis titles.
fn trend_svg(points: &[Point]) -> String {
    let (w, h) = (720.0, 300.0);
    let (left, right, top, bottom) = (64.0, 20.0, 16.0, 84.0);
    let (plot_w, plot_h) = (w - left - right, h - top - bottom);
    let y = |s: f64| top + plot_h * (1.0 - s.clamp(0.0, 10.0) / 10.0);
    let x = |i: usize| {
        if points.len() < 2 { left + plot_w / 2.0 } else { left + plot_w * i as f64 / (points.len() - 1) as f64 }
    };
    let mut svg = format!(
        r#"<svg id="trend" role="img" aria-labelledby="trend-title" viewBox="0 0 {w} {h}" font-size="12"><title id="trend-title">Score over time</title>"#
    );
    for s in (0..=10).step_by(2) {
        let yy = y(s as f64);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{yy}" x2="{}" y2="{yy}" stroke="{}"/><text class="y-tick" x="{}" y="{}" text-anchor="end">{s}</text>"##,
            w - right,
            if s == 0 { "#9ca3af" } else { "#e5e7eb" },
            left - 8.0,
            yy + 4.0
        );
    }
    let _ = write!(
        svg,
        r##"<text class="axis-title" transform="translate(16 {}) rotate(-90)" text-anchor="middle">score (0–10)</text><text class="axis-title" x="{}" y="{}" text-anchor="middle">session date</text>"##,
        top + plot_h / 2.0,
        left + plot_w / 2.0,
        h - 6.0
    );
    // At most 16 dates; on a narrow screen (larger text) every other one when there are more than 8.
    let every = points.len().div_ceil(16).max(1);
    let shown: Vec<usize> = (0..points.len()).filter(|i| i % every == 0 || i + 1 == points.len()).collect();
    for (k, &i) in shown.iter().enumerate() {
        let p = &points[i];
        let alt = if shown.len() > 8 && k % 2 == 1 && k + 1 != shown.len() { " alt" } else { "" };
        let (xx, yy) = (x(i), top + plot_h + 14.0);
        let _ = write!(
            svg,
            r##"<line x1="{xx:.1}" y1="{}" x2="{xx:.1}" y2="{}" stroke="#9ca3af"/><text class="x-tick{alt}" x="{xx:.1}" y="{yy}" text-anchor="end" transform="rotate(-40 {xx:.1} {yy})">{}</text>"##,
            top + plot_h,
            top + plot_h + 5.0,
            p.at.format("%b %-d")
        );
    }
    let line: Vec<String> = points.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.score))).collect();
    let _ = write!(
        svg,
        r##"<polyline class="series" fill="none" stroke="#2563eb" stroke-width="2" points="{}"/>"##,
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#2563eb"><title>{} · {} · {}</title></circle>"##,
            x(i),
            y(p.score),
            p.at.format("%Y-%m-%d %H:%M"),
            ui::score(p.score),
            esc(&p.id)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One bar row: the label (with its full text on hover), the bar (a share of the track, with
/// a class for its colour), an optional marker (a share of the track) and the value shown.
struct Row {
    label: String,
    hover: String,
    share: f64,
    class: &'static str,
    marker: Option<(f64, String)>,
    shown: String,
}

fn bars(id: &str, title: &str, rows: &[Row]) -> String {
    let mut out = format!(r#"<div class="bars" id="{id}" role="list" aria-label="{}">"#, esc(title));
    for r in rows {
        let marker = r.marker.as_ref().map_or(String::new(), |(share, what)| {
            format!(
                r#"<span class="budget" style="left:{:.1}%" title="{}"></span>"#,
                share.clamp(0.0, 1.0) * 100.0,
                esc(what)
            )
        });
        let _ = write!(
            out,
            r#"<span class="label" role="listitem" title="{}">{}</span><span class="track"><span class="fill {}" style="width:{:.1}%"></span>{marker}</span><span class="value">{}</span>"#,
            esc(&r.hover),
            esc(&r.label),
            r.class,
            r.share.clamp(0.0, 1.0) * 100.0,
            esc(&r.shown)
        );
    }
    out.push_str("</div>");
    out
}

/// The page shown before there is anything to report.
fn empty_page() -> String {
    format!(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>viva progress report</title><style>{STYLE}</style>
<h1>viva progress report</h1>
<p id="empty">No answers yet: run <code>viva interview</code> first, then <code>viva report</code> again.</p>
</html>
"#
    )
}

/// The whole page. `transcripts_dir` is where the linked transcripts live; `report` is where
/// the page will be written (links are relative to its folder).
pub fn html(transcripts: &[Transcript], stats: &Stats, transcripts_dir: &Path, report: &Path) -> String {
    if stats.answers == 0 {
        return empty_page();
    }
    let report_dir = report.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let link = |id: &str| {
        let md = transcripts_dir.join(format!("{id}.md"));
        let file = if md.exists() { md } else { transcripts_dir.join(format!("{id}.json")) };
        href(&relative(&file, report_dir))
    };
    let mut points: Vec<Point> = transcripts
        .iter()
        .filter_map(|t| Some(Point { at: t.started_at, score: (t.score()? * 10.0).round() / 10.0, id: t.id.clone() }))
        .collect();
    points.sort_by_key(|p| p.at);
    let topics: Vec<Row> = stats
        .by_topic
        .iter()
        .map(|t| Row {
            label: t.topic.clone(),
            hover: t.topic.clone(),
            share: t.mean / 10.0,
            class: band(t.mean),
            marker: None,
            shown: format!("{} ({})", ui::score(t.mean), ui::plural(t.answers, "answer")),
        })
        .collect();
    // The latest answers, newest first, each with its question's budget when the session was timed.
    let recent: Vec<(&crate::transcript::Item, Option<u64>)> = transcripts
        .iter()
        .rev()
        .flat_map(|t| {
            t.items.iter().map(move |i| {
                let at = t.plan.iter().position(|id| id == &i.question_id);
                let budget = t.settings.per_question_seconds.as_ref().zip(at).and_then(|(b, at)| b.get(at).copied());
                (i, budget)
            })
        })
        .take(12)
        .collect();
    let scale = recent.iter().map(|(i, b)| i.seconds.max(b.unwrap_or(0) as f64)).fold(60.0, f64::max);
    let times: Vec<Row> = recent
        .iter()
        .map(|(i, budget)| {
            let over = i.timed_out || budget.is_some_and(|b| i.seconds > b as f64);
            Row {
                label: shorten(&i.question, 60),
                hover: format!("{} ({})", i.question, i.question_id),
                share: i.seconds / scale,
                class: if over { "over" } else { "within" },
                marker: budget.map(|b| (b as f64 / scale, format!("budget {}", ui::duration(b as f64)))),
                shown: format!("{}{}", ui::duration(i.seconds), if i.timed_out { " (time ran out)" } else { "" }),
            }
        })
        .collect();
    let mut weakest = String::new();
    for q in &stats.weakest {
        let session = transcripts.iter().rev().find(|t| t.items.iter().any(|i| i.question_id == q.question_id));
        let to = session
            .map_or(String::new(), |t| format!(r#" · <a href="{}">transcript {}</a>"#, esc(&link(&t.id)), esc(&t.id)));
        let _ = write!(
            weakest,
            r#"<li><b class="{}-text">{}</b> {} <code>{}</code> ({}×){to}</li>"#,
            band(q.mean),
            ui::score(q.mean),
            esc(&q.question),
            esc(&q.question_id),
            q.attempts
        );
    }
    let weakest = if weakest.is_empty() {
        format!(
            r#"<p id="weakest-none" class="note">None: every question you answered averages {} or more.</p>"#,
            ui::score(WEAK_BELOW)
        )
    } else {
        format!(r#"<ol id="weakest">{weakest}</ol>"#)
    };
    let budget_key = if times.iter().any(|r| r.marker.is_some()) {
        r#"<span><i class="budget-key"></i>time budget</span>"#
    } else {
        ""
    };
    format!(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>viva progress report</title><style>{STYLE}</style>
<h1>viva progress report</h1>
<p id="summary">{sessions} · {answers} · mean score {mean} · {overtime:.0}% of answers ran out of time</p>
<h2>Score over time</h2><div class="chart">{trend}</div>
<h2>Score by topic</h2><p class="axis-note">mean score of each topic's answers (0–10), weakest first</p>{topics}
<div class="legend"><span><i class="band-low"></i>below 4</span><span><i class="band-mid"></i>4 to {weak}</span><span><i class="band-high"></i>{weak} and above</span></div>
<h2>Time per question</h2><p class="axis-note">the latest {n_times}, newest first; each bar is the time used, a full track {longest}</p>{times}
<div class="legend"><span><i class="within"></i>within its time</span><span><i class="over"></i>over its time</span>{budget_key}</div>
<h2>Weakest questions</h2><p class="axis-note">questions averaging below {weak}, weakest first</p>{weakest}
</html>
"#,
        sessions = ui::plural(stats.sessions, "session"),
        answers = ui::plural(stats.answers, "answer"),
        mean = stats.mean.map_or("-".to_string(), ui::score),
        overtime = stats.overtime_rate * 100.0,
        trend = trend_svg(&points),
        topics = bars("topics", "Score by topic", &topics),
        weak = ui::score(WEAK_BELOW),
        n_times = ui::plural(times.len(), "answer"),
        longest = ui::duration(scale),
        times = bars("times", "Time per question", &times),
    )
}

#[cfg(test)]
mod tests;
