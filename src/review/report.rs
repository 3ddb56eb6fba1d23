//! The HTML progress report: one self-contained file (no external assets, no network) with
//! inline SVG charts — score over time, per-topic scores, time per question — and the weakest
//! questions linked to their transcripts.

use std::fmt::Write;
use std::path::Path;

use super::Stats;
use crate::transcript::Transcript;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A line chart of scores (0–10) over sessions.
fn trend_svg(points: &[(String, f64)]) -> String {
    let (w, h, pad) = (640.0, 220.0, 36.0);
    let mut svg = format!(
        r#"<svg id="trend" role="img" aria-label="Score over time" viewBox="0 0 {w} {h}" width="{w}" height="{h}">"#
    );
    svg.push_str("<title>Score over time</title>");
    for s in [0, 5, 10] {
        let y = h - pad - (s as f64 / 10.0) * (h - 2.0 * pad);
        let _ = write!(
            svg,
            r##"<line x1="{pad}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text x="4" y="{}" font-size="11">{s}</text>"##,
            w - 10.0,
            y + 4.0
        );
    }
    let n = points.len().max(2) - 1;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (pad + i as f64 * (w - pad - 20.0) / n as f64, h - pad - (s / 10.0) * (h - 2.0 * pad)))
        .collect();
    let path: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let _ = write!(
        svg,
        r##"<polyline class="series" fill="none" stroke="#2563eb" stroke-width="2" points="{}"/>"##,
        path.join(" ")
    );
    for ((x, y), (label, s)) in xy.iter().zip(points) {
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#2563eb"><title>{} — {s}/10</title></circle>"##,
            esc(label)
        );
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            svg,
            r#"<text x="{pad}" y="{}" font-size="11">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"#,
            h - 8.0,
            esc(&first.0),
            w - 10.0,
            h - 8.0,
            esc(&last.0)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one per label, value 0..max.
fn bars_svg(id: &str, title: &str, rows: &[(String, f64, String)], max: f64) -> String {
    let (w, row_h) = (640.0, 24.0);
    let h = row_h * rows.len().max(1) as f64 + 10.0;
    let mut svg = format!(
        r#"<svg id="{id}" role="img" aria-label="{title}" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{title}</title>"#
    );
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let len = if max > 0.0 { (value / max).clamp(0.0, 1.0) * 380.0 } else { 0.0 };
        let _ = write!(
            svg,
            r##"<text x="0" y="{}" font-size="12">{}</text><rect class="bar" x="200" y="{y}" width="{len:.1}" height="{}" fill="#16a34a"><title>{} — {}</title></rect><text x="{}" y="{}" font-size="12">{}</text>"##,
            y + 14.0,
            esc(label),
            row_h - 8.0,
            esc(label),
            esc(shown),
            205.0 + len,
            y + 14.0,
            esc(shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The whole page. `transcripts_dir` is where the linked transcripts live.
pub fn html(transcripts: &[Transcript], stats: &Stats, transcripts_dir: &Path) -> String {
    let trend: Vec<(String, f64)> =
        stats.trend.iter().map(|(d, s)| (d.format("%Y-%m-%d %H:%M").to_string(), *s)).collect();
    let topics: Vec<(String, f64, String)> = stats
        .by_topic
        .iter()
        .map(|t| (t.topic.clone(), t.mean, format!("{}/10 ({})", t.mean, crate::ui::plural(t.answers, "answer"))))
        .collect();
    let recent: Vec<&crate::transcript::Item> =
        transcripts.iter().rev().flat_map(|t| t.items.iter()).take(12).collect();
    let times: Vec<(String, f64, String)> = recent
        .iter()
        .map(|i| {
            let label: String = i.question_id.chars().take(28).collect();
            (
                label,
                i.seconds,
                format!("{}{}", crate::ui::duration(i.seconds), if i.timed_out { " (time ran out)" } else { "" }),
            )
        })
        .collect();
    let max_time = times.iter().map(|t| t.1).fold(60.0, f64::max);
    let mut weakest = String::new();
    for q in &stats.weakest {
        let session = transcripts.iter().rev().find(|t| t.items.iter().any(|i| i.question_id == q.question_id));
        let link = session.map_or(String::new(), |t| {
            let path = transcripts_dir.join(format!("{}.md", t.id));
            format!(r#" · <a href="file://{}">transcript {}</a>"#, esc(&path.display().to_string()), esc(&t.id))
        });
        let _ = write!(
            weakest,
            "<li><b>{}/10</b> {} <code>{}</code> ({}×){link}</li>",
            q.mean,
            esc(&q.question),
            esc(&q.question_id),
            q.attempts
        );
    }
    format!(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><title>viva progress report</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937}}h2{{margin-top:2rem}}svg{{max-width:100%;height:auto;display:block}}code{{color:#555}}</style>
<h1>viva progress report</h1>
<p id="summary">{sessions} sessions · {answers} answers · mean score {mean} · {overtime:.0}% of answers ran out of time</p>
<h2>Score over time</h2>{trend}
<h2>Score by topic</h2>{topics}
<h2>Time per question (latest answers)</h2>{times}
<h2>Weakest questions</h2><ol id="weakest">{weakest}</ol>
</html>
"#,
        sessions = stats.sessions,
        answers = stats.answers,
        mean = stats.mean.map_or("-".to_string(), |m| format!("{m}/10")),
        overtime = stats.overtime_rate * 100.0,
        trend = trend_svg(&trend),
        topics = bars_svg("topics", "Score by topic", &topics, 10.0),
        times = bars_svg("times", "Time per question", &times, max_time),
    )
}
