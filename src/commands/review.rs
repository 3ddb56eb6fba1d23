//! `viva review`: list sessions, show one, statistics, search. Reads every transcript in the
//! transcripts folder; a damaged file is reported and skipped, never fatal.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;

use crate::cli::{DueArgs, ReportArgs, ReviewArgs, ReviewCommand, ReviewFilter};
use crate::config::Context;
use crate::error::{Error, Result};
use crate::review::{self, Filter};
use crate::transcript::{Store, Transcript, render};
use crate::ui::{self, Tone, sanitize};

pub fn run(args: ReviewArgs, ctx: &Context) -> Result<()> {
    match args.command {
        None => list(&args.filter, args.json, ctx),
        Some(ReviewCommand::Show { id, json }) => show(&id, json, ctx),
        Some(ReviewCommand::Stats { filter, json }) => stats(&filter, json, ctx),
        Some(ReviewCommand::Search { query, json }) => search(&query.join(" "), json, ctx),
    }
}

/// Every readable transcript, oldest first; damaged ones are named on stderr.
pub fn load_all(ctx: &Context) -> Vec<Transcript> {
    let store = Store::new(&ctx.settings.transcripts);
    store
        .ids()
        .iter()
        .filter_map(|id| match store.load(id) {
            Ok(t) => Some(t),
            Err(e) => {
                ctx.printer.warn(&format!("skipping {e}"));
                None
            }
        })
        .collect()
}

fn filter(f: &ReviewFilter) -> Result<Filter> {
    let since = f
        .since
        .as_deref()
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()))
                .map_err(|_| {
                    Error::usage(
                        format!("`--since {s}` is not a date"),
                        "write it as YYYY-MM-DD, e.g. --since 2026-11-01",
                    )
                })
        })
        .transpose()?;
    let topic = f
        .topic
        .as_deref()
        .map(|t| super::bank::resolve_topics(&[t.to_string()]))
        .transpose()?
        .map(|t| t[0].to_string());
    Ok(Filter { topic, since, grader: f.grader.clone() })
}

/// Text from a transcript, safe to print (terminal escapes shown escaped).
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    sanitize::terminal(text)
}

fn list(f: &ReviewFilter, json_out: bool, ctx: &Context) -> Result<()> {
    let f = filter(f)?;
    let mut rows: Vec<review::Summary> = load_all(ctx).iter().filter(|t| f.keep(t)).map(review::summary).collect();
    rows.reverse();
    let p = &ctx.printer;
    if json_out {
        p.json(&rows);
        return Ok(());
    }
    if rows.is_empty() {
        p.err(format!("no sessions in `{}`; start one with `viva interview`", ctx.settings.transcripts.display()));
        return Ok(());
    }
    p.out(p.paint(
        Tone::Bold,
        &format!(
            "{:<21} {:<16} {:<9} {:>5} {:>7} {:>8}  {:<7} topics",
            "session", "date", "mode", "q", "score", "time", "grader"
        ),
    ));
    for r in &rows {
        let score = r.score.map_or("-".to_string(), ui::score);
        // A session ended before its first answer has no "0/3" to show, only that.
        let (q, state) = match (r.finished, r.answered) {
            (false, _) => (format!("{:>2}/{:<2}", r.answered, r.questions), " (unfinished)"),
            (true, 0) => (format!("{:>2} {:<2}", "-", ""), "(quit before answering)"),
            (true, _) => (format!("{:>2}/{:<2}", r.answered, r.questions), ""),
        };
        p.out(format!(
            "{:<21} {:<16} {:<9} {q} {:>7} {:>8}  {:<7} {}{}",
            r.id,
            r.started_at.format("%Y-%m-%d %H:%M"),
            shown(&r.mode),
            score,
            ui::duration(r.seconds),
            shown(&r.grader),
            shown(&r.topics.join(", ")),
            state
        ));
    }
    Ok(())
}

fn show(id: &str, json_out: bool, ctx: &Context) -> Result<()> {
    let store = Store::new(&ctx.settings.transcripts);
    let t = store.load(&store.resolve(id)?)?;
    if json_out {
        ctx.printer.json(&t);
    } else {
        // Rendered for the terminal (`viva export ID` gives the Markdown itself).
        let md = render::markdown(&sanitize::strings(&t, sanitize::terminal));
        super::page(&ctx.printer, &crate::ui::markdown::render(&md, ui::width(), &ctx.printer));
    }
    Ok(())
}

fn stats(f: &ReviewFilter, json_out: bool, ctx: &Context) -> Result<()> {
    let f = filter(f)?;
    let ts: Vec<Transcript> = load_all(ctx).into_iter().filter(|t| f.keep(t)).collect();
    let st = review::stats(&ts);
    let p = &ctx.printer;
    if json_out {
        p.json(&json!({
            "sessions": st.sessions, "answers": st.answers, "mean": st.mean,
            "trend": st.trend.iter().map(|(d, s)| json!({"date": d, "score": s})).collect::<Vec<_>>(),
            "by_topic": st.by_topic, "weakest": st.weakest, "overtime_rate": st.overtime_rate, "graders": st.graders,
        }));
        return Ok(());
    }
    let scores: Vec<f64> = st.trend.iter().map(|(_, s)| *s).collect();
    p.out(format!(
        "{} · {} · mean {}",
        ui::plural(st.sessions, "session"),
        ui::plural(st.answers, "answer"),
        st.mean.map_or("-".to_string(), ui::score)
    ));
    if !scores.is_empty() {
        p.out(format!("trend    {}  (oldest → newest)", p.paint(Tone::Accent, &review::sparkline(&scores))));
    }
    p.out(format!("overtime {:.0}% of answers ran out of time", st.overtime_rate * 100.0));
    p.out(format!(
        "graders  {}",
        st.graders.iter().map(|(g, n)| format!("{} {n}", shown(g))).collect::<Vec<_>>().join(", ")
    ));
    p.out(p.paint(Tone::Bold, "\nBy topic (weakest first)"));
    for t in &st.by_topic {
        p.out(format!("  {:<16} {:>7}  {}", shown(&t.topic), ui::score(t.mean), ui::plural(t.answers, "answer")));
    }
    p.out(p.paint(Tone::Bold, &format!("\nWeakest questions (below {})", ui::score(review::WEAK_BELOW))));
    if st.weakest.is_empty() {
        p.out("  none");
    }
    for q in &st.weakest {
        p.out(format!("  {:>7}  {} ({}×)", ui::score(q.mean), shown(&q.question_id), q.attempts));
    }
    Ok(())
}

fn search(query: &str, json_out: bool, ctx: &Context) -> Result<()> {
    let hits = review::search(&load_all(ctx), query);
    let p = &ctx.printer;
    if json_out {
        p.json(&hits);
        return Ok(());
    }
    for h in &hits {
        p.out(format!(
            "{}  {}  {}",
            p.paint(Tone::Accent, &h.session),
            shown(&h.question_id),
            p.paint(Tone::Dim, &shown(&h.field))
        ));
        p.out(format!("    {}", shown(&h.excerpt)));
    }
    if hits.is_empty() {
        p.err("no answers or feedback match");
    }
    Ok(())
}

/// `viva report`: the HTML progress report.
pub fn report(args: ReportArgs, ctx: &Context) -> Result<()> {
    let f = filter(&args.filter)?;
    let ts: Vec<Transcript> = load_all(ctx).into_iter().filter(|t| f.keep(t)).collect();
    let st = review::stats(&ts);
    let html = review::report::html(&ts, &st, &ctx.settings.transcripts, &args.output);
    // The report this command wrote last time may be replaced without `--force`.
    let earlier_report = |head: &[u8]| String::from_utf8_lossy(head).contains("<title>viva progress report</title>");
    super::write_output(&args.output, html.as_bytes(), args.force, &ctx.settings.transcripts, earlier_report)?;
    ctx.printer.err(format!(
        "wrote `{}` ({}, {})",
        args.output.display(),
        ui::plural(st.sessions, "session"),
        ui::plural(st.answers, "answer")
    ));
    if st.answers == 0 {
        ctx.printer.hint("there is nothing to chart yet: run `viva interview` first");
    }
    if args.open {
        let _ = std::process::Command::new("xdg-open").arg(&args.output).spawn();
    }
    Ok(())
}

/// `viva due`: questions due now, then the next ones with their dates.
pub fn due(args: DueArgs, ctx: &Context) -> Result<()> {
    let memory = review::memory::rebuild(&load_all(ctx));
    let now = Utc::now();
    let due = review::memory::due(&memory, now);
    let mut upcoming: Vec<&review::memory::Memory> = memory.values().filter(|m| m.due > now).collect();
    upcoming.sort_by_key(|m| m.due);
    upcoming.truncate(args.upcoming);
    let p = &ctx.printer;
    if args.json {
        p.json(&json!({"due": due, "upcoming": upcoming, "known": memory.len()}));
        return Ok(());
    }
    if memory.is_empty() {
        p.err("nothing to review yet: answers you give in `viva interview` are scheduled here");
        return Ok(());
    }
    for (n, line) in review::memory::render_due(&due, &upcoming, now).into_iter().enumerate() {
        let heading = n == 0 || line == "Coming up";
        p.out(if heading { p.paint(Tone::Bold, &line) } else { line });
    }
    if !due.is_empty() {
        p.err("practise them with `viva interview --due`");
    }
    Ok(())
}
