//! `viva interview` and `viva resume`: draw the questions, run the session, print the report.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use crate::bank::draw::{self, Filter};
use crate::bank::{Difficulty, Question};
use crate::cli::{GraderKind, InterviewArgs, PracticeArgs, ResumeArgs};
use crate::config::Context;
use crate::error::{Error, Result};
use crate::grader::Grader;
use crate::grader::offline::OfflineGrader;
use crate::grader::service::GradingService;
use crate::repl::Session;
use crate::repl::input::{Piped, Source, Terminal};
use crate::session::{Engine, Plan, PlannedQuestion};
use crate::transcript::{SessionSettings, Store, Transcript, new_id, render};
use crate::ui::{self, Tone, sanitize};

/// Default seconds per question by difficulty.
pub fn default_budget(d: Difficulty) -> u64 {
    match d {
        Difficulty::Easy => 180,
        Difficulty::Medium => 240,
        Difficulty::Hard => 300,
    }
}

pub fn run(args: InterviewArgs, ctx: &Context) -> Result<()> {
    start(args, None, ctx)
}

/// `viva practice`: the interview machinery, untimed unless asked, with feedback after every
/// answer and follow-ups (default 2) drilling what was missed.
pub fn practice(args: PracticeArgs, ctx: &Context) -> Result<()> {
    let ids = if args.weak {
        let stats = crate::review::stats(&super::review::load_all(ctx));
        let mut weak: Vec<String> =
            stats.weakest.iter().filter(|q| q.mean < 7.0).map(|q| q.question_id.clone()).collect();
        // Then questions not yet answered from the two weakest topics.
        if !weak.is_empty() {
            let bank = ctx.settings.load_bank()?;
            let topics: Vec<&str> =
                stats.by_topic.iter().filter(|t| t.mean < 7.0).take(2).map(|t| t.topic.as_str()).collect();
            let answered: Vec<&str> = stats.weakest.iter().map(|q| q.question_id.as_str()).collect();
            weak.extend(
                bank.questions
                    .iter()
                    .filter(|q| {
                        topics.contains(&q.topic.as_str())
                            && !answered.contains(&q.id.as_str())
                            && !q.key_points.is_empty()
                    })
                    .map(|q| q.id.clone()),
            );
        }
        if weak.is_empty() {
            return Err(Error::usage(
                "no weak questions yet",
                "answer some questions first (`viva interview`), then `viva practice --weak`",
            ));
        }
        weak
    } else {
        args.questions
    };
    start(args.session, Some(ids), ctx)
}

/// Starts an interview (`practice` is `None`) or a practice session on the given question ids
/// (empty: drawn as usual).
fn start(args: InterviewArgs, practice: Option<Vec<String>>, ctx: &Context) -> Result<()> {
    let bank = ctx.settings.load_bank()?;
    let mode = if practice.is_some() { "practice" } else { "interview" };
    let no_timer = args.no_timer || (practice.is_some() && args.minutes.is_none() && args.per_question.is_none());
    let topics = super::bank::resolve_topics(&args.topics)?;
    let difficulty = args.difficulty.as_deref().map(super::bank::parse_difficulty).transpose()?;
    if args.count == 0 {
        return Err(Error::usage("--count must be at least 1", "e.g. `viva interview --count 3`"));
    }
    let seed = args.seed.unwrap_or_else(|| chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0) as u64);
    let chosen = practice.clone().unwrap_or_default();
    for id in &chosen {
        super::bank::find(&bank, id)?;
    }
    let due_ids = if args.due { due_order(ctx, &bank.questions, args.new_per_day) } else { chosen.clone() };
    if args.due && due_ids.is_empty() {
        return Err(Error::usage(
            "nothing is due, and today's allowance of new questions is used",
            "`viva due` shows when the next review is; `--new-per-day N` allows more new questions",
        ));
    }
    let filter = Filter { topics: &topics, difficulty, ids: &due_ids };
    let drawn = if args.due || !chosen.is_empty() {
        // Keep the review order: due first, then new.
        let pool = draw::draw(&bank.questions, &filter, usize::MAX, seed, false);
        let mut ordered: Vec<&Question> =
            due_ids.iter().filter_map(|id| pool.iter().find(|q| &q.id == id).copied()).collect();
        ordered.truncate(args.count);
        ordered
    } else {
        draw::draw(&bank.questions, &filter, args.count, seed, !args.no_mix)
    };
    if drawn.is_empty() {
        return Err(Error::usage(
            format!("no questions in {} match these filters", bank.origin_label()),
            "widen the filters; `viva bank stats` shows what each topic and difficulty holds",
        ));
    }
    if drawn.len() < args.count {
        ctx.printer.warn(&format!(
            "only {} match; the {mode} will have {}",
            ui::plural(drawn.len(), "question"),
            drawn.len()
        ));
    }
    let per_question: Option<Vec<u64>> = (!no_timer)
        .then(|| drawn.iter().map(|q| args.per_question.unwrap_or_else(|| default_budget(q.difficulty))).collect());
    let total = if no_timer {
        None
    } else {
        Some(args.minutes.map_or_else(|| per_question.iter().flatten().sum(), |m| (m * 60.0).round() as u64))
    };
    let settings = SessionSettings {
        count: drawn.len(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        difficulty,
        per_question_seconds: per_question,
        total_seconds: total,
        hard_stop: !args.no_hard_stop,
        seed,
        grader: grader_name(grader_kind(args.grader, ctx)?).to_string(),
        followups: usize::from(args.followups.unwrap_or(if practice.is_some() {
            2
        } else {
            u8::from(std::io::stdin().is_terminal())
        })),
    };
    let kind = grader_kind(args.grader, ctx)?;
    let grader = make_grader(kind, &bank.questions, ctx)?;
    let plan: Vec<String> = drawn.iter().map(|q| q.id.clone()).collect();
    let questions: Vec<Question> = drawn.into_iter().cloned().collect();
    let store = Store::new(&ctx.settings.transcripts);
    let mut transcript = Transcript::new(new_id(chrono::Utc::now()), mode, settings, plan);
    store.create(&mut transcript)?;
    let _running = store.claim(&transcript.id)?;
    let p = &ctx.printer;
    p.err(p.paint_err(
        Tone::Dim,
        &format!(
            "viva {mode} · {} · {} · grader: {}\nsaving to `{}` after every answer · /help for commands",
            crate::ui::plural(questions.len(), "question"),
            total.map_or("untimed".to_string(), |s| format!("{} in all", crate::ui::duration(s as f64))),
            transcript.settings.grader,
            store.path(&transcript.id).display()
        ),
    ));
    run_session(ctx, &store, transcript, questions, grader, 0)
}

/// Question ids for `--due`: due ones (most overdue first), then never-answered ones up to the
/// day's remaining allowance of new questions.
fn due_order(ctx: &Context, bank: &[Question], new_per_day: usize) -> Vec<String> {
    let transcripts = super::review::load_all(ctx);
    let memory = crate::review::memory::rebuild(&transcripts);
    let now = chrono::Utc::now();
    let mut ids: Vec<String> = crate::review::memory::due(&memory, now).iter().map(|m| m.question_id.clone()).collect();
    let allowance = new_per_day.saturating_sub(crate::review::memory::new_today(&transcripts, now));
    ids.extend(
        bank.iter()
            .filter(|q| !memory.contains_key(&q.id) && !q.key_points.is_empty())
            .take(allowance)
            .map(|q| q.id.clone()),
    );
    ids
}

fn grader_name(kind: GraderKind) -> &'static str {
    match kind {
        GraderKind::Offline => "offline",
        GraderKind::Llm => "llm",
    }
}

/// The grader to use: flag > `VIVA_GRADER` > the config file's `grader` > offline.
fn grader_kind(flag: Option<GraderKind>, ctx: &Context) -> Result<GraderKind> {
    let named =
        std::env::var("VIVA_GRADER").ok().filter(|v| !v.is_empty()).or_else(|| ctx.settings.file.grader.clone());
    Ok(match (flag, named.as_deref()) {
        (Some(k), _) => k,
        (None, None | Some("offline")) => GraderKind::Offline,
        (None, Some("llm")) => GraderKind::Llm,
        (None, Some(other)) => {
            return Err(Error::usage(
                format!("unknown grader `{other}` (from VIVA_GRADER or the config file)"),
                "use `offline` or `llm`",
            ));
        }
    })
}

/// Builds the grader; the LLM one needs its endpoint settings and prompts.
pub fn make_grader(kind: GraderKind, bank: &[Question], ctx: &Context) -> Result<Arc<dyn Grader>> {
    match kind {
        GraderKind::Offline => Ok(Arc::new(OfflineGrader::new(bank))),
        GraderKind::Llm => {
            let settings = ctx.settings.llm()?;
            let prompts = crate::grader::prompt::Prompts::load(settings.prompts.as_deref())?;
            let endpoint = crate::grader::llm::Endpoint::new(settings)?;
            let levels = ctx.settings.transcripts.join(".llm-levels.json");
            Ok(Arc::new(crate::grader::llm::LlmGrader::new(endpoint, prompts, bank).remember_levels_in(levels)))
        }
    }
}

/// Builds the engine plan for the questions still to ask and drives the session to its end.
fn run_session(
    ctx: &Context,
    store: &Store,
    transcript: Transcript,
    questions: Vec<Question>,
    grader: Arc<dyn Grader>,
    start_at: usize,
) -> Result<()> {
    let s = &transcript.settings;
    let resumed =
        transcript.in_progress.as_ref().filter(|p| questions.get(start_at).is_some_and(|q| q.id == p.question_id));
    let spent_before = resumed.map_or(0.0, |p| p.seconds);
    let planned = questions
        .iter()
        .enumerate()
        .map(|(i, q)| PlannedQuestion {
            question_id: q.id.clone(),
            budget: s.per_question_seconds.as_ref().and_then(|b| b.get(i)).map(|secs| {
                let budget = Duration::from_secs(*secs);
                if i == start_at {
                    // What was left of it, never less than 15 s to read the question again.
                    budget
                        .saturating_sub(Duration::from_secs_f64(spent_before))
                        .max(Duration::from_secs(15).min(budget))
                } else {
                    budget
                }
            }),
        })
        .collect();
    let used: f64 = transcript.items.iter().map(|i| i.seconds).sum::<f64>() + spent_before;
    let plan = Plan {
        questions: planned,
        total: s.total_seconds.map(Duration::from_secs),
        hard_stop: s.hard_stop,
        start_at,
        already_used: Duration::from_secs_f64(used),
        followups: s.followups,
        // Half a question's time, at least a minute.
        followup_budget: s
            .per_question_seconds
            .as_ref()
            .map(|b| Duration::from_secs((b.iter().sum::<u64>() / b.len().max(1) as u64 / 2).max(60))),
    };
    let source: Box<dyn Source> = if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        let history = store.dir().parent().map(|d| d.join(".viva_history"));
        Box::new(
            Terminal::start(history)
                .map_err(|source| Error::Io { context: "cannot start the terminal reader".into(), source })?,
        )
    } else {
        Box::new(Piped::stdin())
    };
    // Grades of a session run a few at a time: enough for a follow-up's wording beside a
    // background grade and a preparation.
    let service = GradingService::new(grader, 4);
    let session = Session::new(Engine::new(plan), questions, transcript, store, service, &ctx.printer, source);
    let transcript = session.run()?;
    let md = store.save_beside(
        &transcript.id,
        "md",
        &render::markdown(&sanitize::strings(&transcript, sanitize::document)),
    )?;
    let p = &ctx.printer;
    if transcript.items.is_empty() {
        p.err("no answers recorded: nothing to report");
    } else {
        p.out(render::report(&transcript, p));
    }
    if transcript.is_finished() {
        p.err(
            p.paint_err(Tone::Dim, &format!("saved `{}` and `{}`", store.path(&transcript.id).display(), md.display())),
        );
    } else {
        p.err(format!(
            "saved `{}`; {} left: continue with `viva resume {}`",
            store.path(&transcript.id).display(),
            crate::ui::plural(transcript.plan.len() - transcript.items.len(), "question"),
            transcript.id
        ));
    }
    Ok(())
}

pub fn resume(args: ResumeArgs, ctx: &Context) -> Result<()> {
    let store = Store::new(&ctx.settings.transcripts);
    let id = match &args.id {
        Some(arg) => store.resolve(arg)?,
        None => store.latest_unfinished()?.id,
    };
    // One process runs a session at a time; its saves merge with grades others add meanwhile.
    let _running = store.claim(&id)?;
    let mut transcript = store.open(&id)?;
    let bank = ctx.settings.load_bank()?;
    let kind = if transcript.settings.grader == "llm" { GraderKind::Llm } else { GraderKind::Offline };
    let grader = make_grader(kind, &bank.questions, ctx)?;
    let start_at = transcript.items.len();
    let mut questions = Vec::new();
    for id in &transcript.plan {
        let q = bank.get(id).ok_or_else(|| {
            Error::usage(
                format!("question `{id}` of session {} is not in {}", transcript.id, bank.origin_label()),
                "resume with the bank the session started from (`--bank DIR`)",
            )
        })?;
        questions.push(q.clone());
    }
    if transcript.is_finished() || start_at >= questions.len() {
        // Nothing left to ask: the report needs whatever is still pending graded first.
        let regraded = crate::grader::pending::finish(&mut transcript, &bank, grader.as_ref());
        if regraded > 0 {
            ctx.printer.err(format!("graded {}", ui::plural(regraded, "pending answer")));
        }
        transcript.finished_at.get_or_insert_with(chrono::Utc::now);
        store.save(&transcript)?;
        let md = store.save_beside(
            &transcript.id,
            "md",
            &render::markdown(&sanitize::strings(&transcript, sanitize::document)),
        )?;
        ctx.printer.out(render::report(&transcript, &ctx.printer));
        ctx.printer.err(format!("session {} is complete; saved `{}`", transcript.id, md.display()));
        return Ok(());
    }
    // Asked at once: answers still pending are graded in the background meanwhile.
    ctx.printer.err(format!("resuming session {} at question {} of {}", transcript.id, start_at + 1, questions.len()));
    run_session(ctx, &store, transcript, questions, grader, start_at)
}
