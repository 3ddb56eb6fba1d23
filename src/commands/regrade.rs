//! `viva regrade ID | --all | --pending`: grades saved answers again with bounded concurrency.
//! Nothing is overwritten: the previous grade moves to the item's `history`. Each new grade is
//! saved as it arrives, and a run's progress is kept in `<transcripts>/.regrade-<key>.json`, so
//! an interrupted run loses nothing and the same command continues where it stopped.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::json;

use crate::cli::{GraderKind, RegradeArgs};
use crate::config::Context;
use crate::error::{Error, Result};
use crate::grader::{self, GradeStatus, Grader};
use crate::transcript::{Store, Transcript};
use crate::ui::{self, Tone};

/// Score bands used to call a change significant.
fn band(score: Option<f64>) -> &'static str {
    match score {
        None => "pending",
        Some(s) if s < 4.0 => "weak",
        Some(s) if s < 7.0 => "fair",
        Some(_) => "strong",
    }
}

struct Job {
    transcript: usize,
    item: usize,
    grader: Arc<dyn Grader>,
    question: crate::bank::Question,
    answer: String,
}

pub fn run(args: RegradeArgs, ctx: &Context) -> Result<()> {
    let store = Store::new(&ctx.settings.transcripts);
    let mut transcripts: Vec<Transcript> = match &args.id {
        Some(id) => vec![store.load(id)?],
        None => super::review::load_all(ctx),
    };
    let bank = ctx.settings.load_bank()?;
    let kind_of = |t: &Transcript| match args.grader {
        Some(k) => k,
        None if t.settings.grader == "llm" => GraderKind::Llm,
        None => GraderKind::Offline,
    };
    // One grader per kind, shared by the workers.
    let mut graders: HashMap<&'static str, Arc<dyn Grader>> = HashMap::new();
    let key = format!(
        "{}-{}-{}",
        args.id.as_deref().unwrap_or(if args.all { "all" } else { "pending" }),
        args.grader.map_or("own", |g| if g == GraderKind::Llm { "llm" } else { "offline" }),
        ctx.settings.llm_flags.model.as_deref().unwrap_or("default")
    );
    let progress_file = ctx.settings.transcripts.join(format!(".regrade-{}.json", key.replace(['/', ' '], "_")));
    let mut done: BTreeSet<String> =
        std::fs::read(&progress_file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let mut jobs = Vec::new();
    let mut missing = 0;
    for (ti, t) in transcripts.iter().enumerate() {
        let kind = kind_of(t);
        let name = if kind == GraderKind::Llm { "llm" } else { "offline" };
        for (ii, item) in t.items.iter().enumerate() {
            let wanted = if args.pending { item.grade.status != GradeStatus::Graded } else { true };
            if !wanted || done.contains(&format!("{}#{ii}", t.id)) || (item.skipped && item.answer.is_empty()) {
                continue;
            }
            let Some(q) = bank.get(&item.question_id) else {
                missing += 1;
                continue;
            };
            let grader = match graders.get(name) {
                Some(g) => g.clone(),
                None => {
                    let g = super::interview::make_grader(kind, &bank.questions, ctx)?;
                    graders.insert(name, g.clone());
                    g
                }
            };
            jobs.push(Job { transcript: ti, item: ii, grader, question: q.clone(), answer: item.answer.clone() });
        }
    }
    if missing > 0 {
        ctx.printer.warn(&format!(
            "{} skipped: their questions are not in {}",
            ui::plural(missing, "answer"),
            bank.origin_label()
        ));
    }
    let total = jobs.len();
    let bar = ctx.printer.progress("regrading", total);
    let mut diffs = Vec::new();
    // Apply whatever has arrived, then save each touched transcript once: at hundreds of grades
    // a second, one fsync per grade would be the bottleneck.
    grader::pool::run(
        jobs,
        args.concurrency,
        |j: &Job| (j.transcript, j.item, j.grader.grade(&j.question, &j.answer)),
        |batch| -> Result<()> {
            let mut touched = BTreeSet::new();
            for (_, (ti, ii, grade)) in batch {
                let t = &mut transcripts[ti];
                let item = &mut t.items[ii];
                let before = item.grade.score;
                let old = std::mem::replace(&mut item.grade, grade);
                item.history.push(old);
                let after = item.grade.score;
                diffs.push(json!({
                    "session": t.id, "index": ii, "question_id": item.question_id,
                    "before": before, "after": after, "band_before": band(before), "band_after": band(after),
                    "status": item.grade.status, "reason": item.grade.reason,
                }));
                done.insert(format!("{}#{ii}", t.id));
                touched.insert(ti);
                bar.inc(1);
            }
            for ti in touched {
                store.save(&transcripts[ti])?;
            }
            if let Ok(json) = serde_json::to_vec(&done) {
                let _ = crate::transcript::store::write_atomic(&progress_file, &json);
            }
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    let _ = std::fs::remove_file(&progress_file);
    report(&diffs, args.json, ctx);
    if total == 0 {
        return if args.pending {
            Ok(())
        } else {
            Err(Error::usage("nothing to regrade", "`viva review` lists the sessions and their answers"))
        };
    }
    Ok(())
}

/// Per-item changes and the drift summary.
fn report(diffs: &[serde_json::Value], json_out: bool, ctx: &Context) {
    let changes: Vec<f64> = diffs.iter().filter_map(|d| Some(d["after"].as_f64()? - d["before"].as_f64()?)).collect();
    let band_changes = diffs.iter().filter(|d| d["band_before"] != d["band_after"]).count();
    let mean_abs =
        if changes.is_empty() { 0.0 } else { changes.iter().map(|c| c.abs()).sum::<f64>() / changes.len() as f64 };
    let mean = if changes.is_empty() { 0.0 } else { changes.iter().sum::<f64>() / changes.len() as f64 };
    let pending = diffs.iter().filter(|d| d["status"] != "graded").count();
    let summary = json!({
        "regraded": diffs.len(), "compared": changes.len(), "mean_abs_change": (mean_abs * 100.0).round() / 100.0,
        "mean_change": (mean * 100.0).round() / 100.0, "band_changes": band_changes, "still_pending": pending,
    });
    let p = &ctx.printer;
    if json_out {
        p.json(&json!({"items": diffs, "drift": summary}));
        return;
    }
    let show = |v: &serde_json::Value| v.as_f64().map_or("pending".to_string(), ui::score);
    for d in diffs {
        let delta = match (d["before"].as_f64(), d["after"].as_f64()) {
            (Some(b), Some(a)) => format!(" ({:+.1})", a - b),
            _ => String::new(),
        };
        let band = if d["band_before"] != d["band_after"] {
            p.paint(
                Tone::Warn,
                &format!("  {} → {}", d["band_before"].as_str().unwrap_or(""), d["band_after"].as_str().unwrap_or("")),
            )
        } else {
            String::new()
        };
        p.out(format!(
            "{} #{} {}  {} → {}{delta}{band}",
            d["session"].as_str().unwrap_or(""),
            d["index"].as_u64().unwrap_or(0) + 1,
            d["question_id"].as_str().unwrap_or(""),
            show(&d["before"]),
            show(&d["after"]),
        ));
    }
    p.out(format!(
        "drift: {} regraded, mean |change| {:.2}, mean change {:+.2}, {} changed band, {} still pending",
        diffs.len(),
        mean_abs,
        mean,
        band_changes,
        pending
    ));
}
