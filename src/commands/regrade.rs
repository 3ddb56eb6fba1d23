//! `viva regrade ID | --all | --pending`: grades saved answers again with bounded concurrency.
//!
//! Nothing is overwritten: a new grade becomes current and the previous one moves to the
//! item's `history`; an attempt that fails goes to `history` and the current grade stays, so a
//! fault never hides a score. Grades are merged into each transcript as it is on disk when
//! they arrive, under its write lock ([`Store::update`]), never by saving the copy read at the
//! start: an interview may be adding answers meanwhile, another regrade adding grades.
//!
//! A run's progress is kept in `<transcripts>/.regrade-<key>.json`, owned by one run at a time
//! (a second identical run beside it keeps its own), so an interrupted run loses nothing and
//! the same command continues where it stopped. The run stops at the first request the
//! endpoint refuses (a bad key, an unknown model), and exits non-zero when any answer could
//! not be graded.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::cli::{GraderKind, RegradeArgs};
use crate::config::Context;
use crate::error::{Error, Result};
use crate::grader::service::{self, GradingService};
use crate::grader::{self, Grade, GradeStatus, Grader};
use crate::transcript::{Store, Transcript, lock};
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

/// One answer to grade, and how to find it again in the file (by index, checked by question
/// and start time).
struct Job {
    session: String,
    item: usize,
    /// The follow-up under the item, when it is one.
    followup: Option<usize>,
    question_id: String,
    started_at: DateTime<Utc>,
    /// Which grader: `llm` or `offline`.
    kind: &'static str,
    question: crate::bank::Question,
    answer: String,
}

/// The answers a run (or the run it continues) has graded: `session#index`.
struct Progress {
    path: PathBuf,
    done: BTreeSet<String>,
    /// Held while this run owns `path`.
    owner: Option<lock::Claim>,
}

impl Progress {
    /// The progress file of `key`, continued when no other run owns it; a private one otherwise.
    fn claim(dir: &Path, key: &str, ctx: &Context) -> Result<Progress> {
        let key = key.replace(['/', ' ', '\\'], "_");
        std::fs::create_dir_all(dir)
            .map_err(|source| Error::Io { context: format!("cannot create `{}`", dir.display()), source })?;
        let lock_path = dir.join(format!(".regrade-{key}.lock"));
        let owner = lock::claim(&lock_path)
            .map_err(|source| Error::Io { context: format!("cannot lock `{}`", lock_path.display()), source })?;
        if owner.is_none() {
            ctx.printer.warn("the same `viva regrade` is running beside this one; this run grades every answer itself");
            let path = dir.join(format!(".regrade-{key}.{}.json", std::process::id()));
            return Ok(Progress { path, done: BTreeSet::new(), owner: None });
        }
        let path = dir.join(format!(".regrade-{key}.json"));
        let done = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                ctx.printer.warn(&format!("ignoring the unreadable progress file `{}` ({e})", path.display()));
                BTreeSet::new()
            }),
            Err(_) => BTreeSet::new(),
        };
        Ok(Progress { path, done, owner })
    }

    fn save(&self) {
        if let Ok(json) = serde_json::to_vec(&self.done) {
            let _ = crate::transcript::store::write_atomic(&self.path, &json);
        }
    }
}

impl Drop for Progress {
    /// A private progress file cannot be continued by anyone: it goes with its run.
    fn drop(&mut self) {
        if self.owner.is_none() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

pub fn run(args: RegradeArgs, ctx: &Context) -> Result<()> {
    let store = Store::new(&ctx.settings.transcripts);
    let (transcripts, which): (Vec<Transcript>, String) = match &args.id {
        Some(arg) => {
            let id = store.resolve(arg)?;
            (vec![store.load(&id)?], id)
        }
        None => (super::review::load_all(ctx), if args.all { "all" } else { "pending" }.to_string()),
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
        "{which}-{}-{}",
        args.grader.map_or("own", |g| if g == GraderKind::Llm { "llm" } else { "offline" }),
        ctx.settings.llm_flags.model.as_deref().unwrap_or("default")
    );
    let mut progress = Progress::claim(&ctx.settings.transcripts, &key, ctx)?;
    let mut jobs = Vec::new();
    let mut missing = 0;
    for t in &transcripts {
        let kind = kind_of(t);
        let name = if kind == GraderKind::Llm { "llm" } else { "offline" };
        for (ii, item) in t.items.iter().enumerate() {
            // The answer, then its follow-ups, each graded as the question it was asked as.
            let attempts =
                std::iter::once((None, item)).chain(item.followups.iter().enumerate().map(|(f, i)| (Some(f), i)));
            let wanted: Vec<(Option<usize>, &crate::transcript::Item)> = attempts
                .filter(|(f, i)| {
                    let settled = args.pending && i.grade.status == GradeStatus::Graded;
                    let nothing_said = i.skipped && i.answer.is_empty();
                    !settled && !nothing_said && !progress.done.contains(&job_key(&t.id, ii, *f))
                })
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let Some(q) = bank.get(&item.question_id) else {
                missing += wanted.len();
                continue;
            };
            if !graders.contains_key(name) {
                graders.insert(name, super::interview::make_grader(kind, &bank.questions, ctx)?);
            }
            for (followup, attempt) in wanted {
                let question = match followup {
                    None => q.clone(),
                    Some(f) => match grader::followup::rebuild(q, item, f) {
                        Some(fq) => fq,
                        None => continue,
                    },
                };
                jobs.push(Job {
                    session: t.id.clone(),
                    item: ii,
                    followup,
                    question_id: item.question_id.clone(),
                    started_at: item.started_at,
                    kind: name,
                    question,
                    answer: attempt.answer.clone(),
                });
            }
        }
    }
    drop(transcripts);
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
    let (mut failed, mut not_tried, mut gone) = (0, 0, 0);
    let mut refused: Option<String> = None;
    // One grading service per grader, each with the run's concurrency. Apply whatever has
    // arrived, then write each touched transcript once: at hundreds of grades a second, one
    // fsync per grade would be the bottleneck. A refused request stops the run: what has not
    // arrived by then is cancelled.
    for (name, grader) in &graders {
        if refused.is_some() {
            not_tried += jobs.iter().filter(|j| j.kind == *name).count();
            continue;
        }
        let (mine, rest): (Vec<Job>, Vec<Job>) = std::mem::take(&mut jobs).into_iter().partition(|j| j.kind == *name);
        jobs = rest;
        let spots: Vec<Spot> = mine
            .iter()
            .map(|j| Spot {
                session: j.session.clone(),
                item: j.item,
                followup: j.followup,
                question_id: j.question_id.clone(),
                started_at: j.started_at,
            })
            .collect();
        let count = spots.len();
        let mut arrived = 0;
        let work = mine.into_iter().map(|j| (j.question, j.answer)).collect();
        let service = GradingService::new(grader.clone(), args.concurrency);
        service::grade_all(&service, work, |batch| -> Result<bool> {
            let mut by_session: BTreeMap<String, Vec<(Spot, Grade)>> = BTreeMap::new();
            for (i, grade) in batch {
                bar.inc(1);
                arrived += 1;
                let spot = spots[i].clone();
                by_session.entry(spot.session.clone()).or_default().push((spot, grade));
            }
            for (session, grades) in by_session {
                let applied = store.update(&session, |t| {
                    let mut applied = Vec::new();
                    for (spot, grade) in grades {
                        let item = t
                            .items
                            .get_mut(spot.item)
                            .filter(|i| i.question_id == spot.question_id && i.started_at == spot.started_at);
                        let item = match (item, spot.followup) {
                            (Some(item), Some(f)) => item.followups.get_mut(f),
                            (item, None) => item,
                            (None, Some(_)) => None,
                        };
                        let Some(item) = item else {
                            applied.push(Applied::Gone);
                            continue;
                        };
                        let before = item.grade.score;
                        let (attempt, reason) = (grade.status, grade.reason.clone());
                        let refused_now = grade.flags.iter().any(|f| f == grader::REFUSED);
                        let failed_now = matches!(attempt, GradeStatus::Pending | GradeStatus::Failed);
                        item.record_grade(grade);
                        let after = item.grade.score;
                        applied.push(Applied::Done {
                            diff: json!({
                                "session": session, "index": spot.item, "followup": spot.followup.map(|f| f + 1),
                                "question_id": item.question_id,
                                "before": before, "after": after, "band_before": band(before), "band_after": band(after),
                                "status": item.grade.status, "attempt": attempt, "failed": failed_now,
                                "reason": reason,
                            }),
                            ok: !failed_now,
                            refused: refused_now.then(|| reason.unwrap_or_default()),
                            key: job_key(&session, spot.item, spot.followup),
                        });
                    }
                    applied
                })?;
                for a in applied {
                    match a {
                        Applied::Gone => gone += 1,
                        Applied::Done { diff, ok, refused: r, key } => {
                            diffs.push(diff);
                            if ok {
                                progress.done.insert(key);
                            } else {
                                failed += 1;
                            }
                            if refused.is_none() {
                                refused = r;
                            }
                        }
                    }
                }
            }
            progress.save();
            if refused.is_some() {
                not_tried += count - arrived;
            }
            Ok(refused.is_none())
        })?;
    }
    bar.finish_and_clear();
    report(&diffs, args.json, ctx);
    if gone > 0 {
        ctx.printer.warn(&format!(
            "{} changed in their file while being graded; their grades were not applied",
            ui::plural(gone, "answer")
        ));
    }
    if let Some(reason) = refused {
        return Err(Error::usage(
            format!("stopped: {reason}; {} not tried and every grade before is kept", ui::plural(not_tried, "answer")),
            "fix the configuration (`viva config show`), then run the same command again: it continues where it stopped",
        ));
    }
    if failed + gone > 0 {
        return Err(Error::usage(
            format!(
                "{} of {} could not be graded; their earlier grades are kept",
                failed + gone,
                ui::plural(total, "answer")
            ),
            "run the same command again later: it continues with those only",
        ));
    }
    let _ = std::fs::remove_file(&progress.path);
    if total == 0 && !args.pending {
        return Err(Error::usage("nothing to regrade", "`viva review` lists the sessions and their answers"));
    }
    Ok(())
}

/// How a graded answer is recorded in the progress file: `session#3`, a follow-up `session#3.1`.
fn job_key(session: &str, item: usize, followup: Option<usize>) -> String {
    match followup {
        None => format!("{session}#{item}"),
        Some(f) => format!("{session}#{item}.{}", f + 1),
    }
}

/// Where a job's answer is: session, index (and follow-up), and what the item must still be.
#[derive(Clone)]
struct Spot {
    session: String,
    item: usize,
    followup: Option<usize>,
    question_id: String,
    started_at: DateTime<Utc>,
}

/// What applying one grade did.
enum Applied {
    /// The answer is no longer where it was (the file changed under us).
    Gone,
    Done {
        diff: serde_json::Value,
        ok: bool,
        refused: Option<String>,
        key: String,
    },
}

/// An answer's number as the report shows it: `2`, or `2.1` for its first follow-up.
fn number(d: &serde_json::Value) -> String {
    let item = d["index"].as_u64().unwrap_or(0) + 1;
    d["followup"].as_u64().map_or(item.to_string(), |f| format!("{item}.{f}"))
}

/// Per-item changes and the drift summary.
fn report(diffs: &[serde_json::Value], json_out: bool, ctx: &Context) {
    let graded = || diffs.iter().filter(|d| d["failed"] != true);
    let changes: Vec<f64> = graded().filter_map(|d| Some(d["after"].as_f64()? - d["before"].as_f64()?)).collect();
    let band_changes = graded().filter(|d| d["band_before"] != d["band_after"]).count();
    let mean_abs =
        if changes.is_empty() { 0.0 } else { changes.iter().map(|c| c.abs()).sum::<f64>() / changes.len() as f64 };
    let mean = if changes.is_empty() { 0.0 } else { changes.iter().sum::<f64>() / changes.len() as f64 };
    let pending = diffs.iter().filter(|d| d["status"] != "graded").count();
    let failed = diffs.iter().filter(|d| d["failed"] == true).count();
    let summary = json!({
        "regraded": diffs.len() - failed, "failed": failed, "compared": changes.len(),
        "mean_abs_change": (mean_abs * 100.0).round() / 100.0,
        "mean_change": (mean * 100.0).round() / 100.0, "band_changes": band_changes, "still_pending": pending,
    });
    let p = &ctx.printer;
    if json_out {
        p.json(&json!({"items": diffs, "drift": summary}));
        return;
    }
    let show = |v: &serde_json::Value| v.as_f64().map_or("pending".to_string(), ui::score);
    for d in diffs {
        if d["failed"] == true {
            p.out(format!(
                "{} #{} {}  {} kept: {}",
                d["session"].as_str().unwrap_or(""),
                number(d),
                d["question_id"].as_str().unwrap_or(""),
                show(&d["before"]),
                p.paint(Tone::Warn, &format!("not graded ({})", d["reason"].as_str().unwrap_or("no reason given"))),
            ));
            continue;
        }
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
            number(d),
            d["question_id"].as_str().unwrap_or(""),
            show(&d["before"]),
            show(&d["after"]),
        ));
    }
    p.out(format!(
        "drift: {} regraded, {} failed, mean |change| {:.2}, mean change {:+.2}, {} changed band, {} still pending",
        diffs.len() - failed,
        failed,
        mean_abs,
        mean,
        band_changes,
        pending
    ));
}
