//! `viva export ID --format md|html|json|csv`: one session, for sharing or a spreadsheet.

use crate::cli::{ExportArgs, ExportFormat};
use crate::config::Context;
use crate::error::{Error, Result};
use crate::transcript::{Store, Transcript, render};

pub fn run(args: ExportArgs, ctx: &Context) -> Result<()> {
    let t = Store::new(&ctx.settings.transcripts).load(&args.id)?;
    let text = match args.format {
        ExportFormat::Md => render::markdown(&t),
        ExportFormat::Html => html(&t),
        ExportFormat::Json => serde_json::to_string_pretty(&t).unwrap_or_default(),
        ExportFormat::Csv => csv(&t),
    };
    match args.output {
        Some(path) => {
            crate::transcript::store::write_atomic(&path, text.as_bytes())
                .map_err(|source| Error::Io { context: format!("cannot write `{}`", path.display()), source })?;
            ctx.printer.err(format!("wrote `{}`", path.display()));
        }
        None => ctx.printer.out(text.trim_end()),
    }
    Ok(())
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// One row per answer.
pub fn csv(t: &Transcript) -> String {
    let mut out = String::from(
        "session,question_id,topic,difficulty,score,status,seconds,timed_out,skipped,covered,missed,answer\n",
    );
    for i in &t.items {
        let row = [
            t.id.clone(),
            i.question_id.clone(),
            i.topic.clone(),
            i.difficulty.to_string(),
            i.grade.score.map_or(String::new(), |s| s.to_string()),
            format!("{:?}", i.grade.status).to_lowercase(),
            i.seconds.to_string(),
            i.timed_out.to_string(),
            i.skipped.to_string(),
            i.grade.covered().count().to_string(),
            i.grade.missed().len().to_string(),
            i.answer.clone(),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A self-contained HTML page (no external assets).
pub fn html(t: &Transcript) -> String {
    let mut body = String::new();
    for (n, i) in t.items.iter().enumerate() {
        let score = i.grade.score.map_or("pending".to_string(), crate::ui::score);
        body.push_str(&format!(
            "<section><h2>{}. {}</h2><p class=meta>{} · {} · {} · <b>{}</b></p><blockquote>{}</blockquote><ul>",
            n + 1,
            esc(&i.question),
            esc(&i.topic),
            i.difficulty,
            crate::ui::duration(i.seconds),
            score,
            esc(&i.answer).replace('\n', "<br>")
        ));
        for v in &i.grade.points {
            let class = match v.status {
                crate::grader::PointStatus::Covered => "ok",
                crate::grader::PointStatus::Partial => "part",
                crate::grader::PointStatus::Missed => "miss",
                crate::grader::PointStatus::Contradicted => "wrong",
            };
            body.push_str(&format!("<li class={class}>{}</li>", esc(&v.line())));
        }
        for m in &i.grade.misconceptions {
            body.push_str(&format!("<li class=wrong>{}</li>", esc(&m.line())));
        }
        body.push_str(&format!("</ul><p>{}</p></section>", esc(&i.grade.feedback)));
    }
    let overall = t.score().map_or("-".to_string(), |s| crate::ui::score((s * 10.0).round() / 10.0));
    format!(
        "<!doctype html><html lang=en><meta charset=utf-8><title>viva {id}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}}.meta{{color:#666}}blockquote{{border-left:3px solid #ccc;margin:0;padding-left:1rem}}.ok{{color:#176f2c}}.miss{{color:#9a3412}}.part{{color:#8a6d00}}.wrong{{color:#b91c1c;font-weight:600}}</style><h1>viva {mode} · {id}</h1><p>Overall <b>{overall}</b> · grader {grader}</p>{body}</html>\n",
        id = esc(&t.id),
        mode = esc(&t.mode),
        grader = esc(&t.settings.grader),
    )
}
