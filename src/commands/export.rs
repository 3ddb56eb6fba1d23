//! `viva export ID --format md|html|json|csv`: one session, for sharing or a spreadsheet.

use crate::cli::{ExportArgs, ExportFormat};
use crate::config::Context;
use crate::error::Result;
use crate::transcript::{Store, Transcript, html, render};
use crate::ui::sanitize;

pub fn run(args: ExportArgs, ctx: &Context) -> Result<()> {
    let store = Store::new(&ctx.settings.transcripts);
    let t = store.load(&store.resolve(&args.id)?)?;
    // Markdown and CSV carry the text as it is, so it is neutralised first: no terminal
    // escapes, no live HTML. HTML escapes as it renders; JSON is data.
    let text = match args.format {
        ExportFormat::Md => render::markdown(&sanitize::strings(&t, sanitize::document)),
        ExportFormat::Html => html::page(&t),
        ExportFormat::Json => serde_json::to_string_pretty(&t).unwrap_or_default(),
        ExportFormat::Csv => csv(&sanitize::strings(&t, sanitize::document)),
    };
    match args.output {
        Some(path) => {
            super::write_output(&path, text.as_bytes(), args.force, &ctx.settings.transcripts, |_| false)?;
            ctx.printer.err(format!("wrote `{}`", path.display()));
        }
        None => ctx.printer.out(text.trim_end()),
    }
    Ok(())
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// One row per attempt: the answer, its retries, its follow-ups (and theirs). `item` is the
/// question's number, `attempt` says which (`answer`, `retry 1`, `follow-up 1`, …), `counts`
/// marks the attempt that counts for the question's score (the best one).
pub fn csv(t: &Transcript) -> String {
    let mut out = String::from(
        "session,item,attempt,counts,question_id,question,topic,difficulty,score,status,seconds,timed_out,skipped,flags,covered,missed,answer\n",
    );
    for (n, item) in t.items.iter().enumerate() {
        let best = item.best();
        for (name, a) in item.attempts() {
            let row = [
                t.id.clone(),
                (n + 1).to_string(),
                name,
                std::ptr::eq(a, best).to_string(),
                a.question_id.clone(),
                a.question.clone(),
                a.topic.clone(),
                a.difficulty.to_string(),
                a.grade.score.map_or(String::new(), |s| s.to_string()),
                format!("{:?}", a.grade.status).to_lowercase(),
                a.seconds.to_string(),
                a.timed_out.to_string(),
                a.skipped.to_string(),
                render::item_flags(a).join("; "),
                a.grade.covered().count().to_string(),
                a.grade.missed().len().to_string(),
                a.answer.clone(),
            ];
            out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_has_a_row_per_attempt_with_the_one_that_counts_marked() {
        insta::assert_snapshot!(super::csv(&crate::transcript::sample_with_attempts()));
    }
}
