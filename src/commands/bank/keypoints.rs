//! `viva bank keypoints [--topic T] [ID…]`: the configured model proposes key points and
//! misconceptions for entries no person has reviewed, and they are written into the bank's TOML
//! for the user to check. Only the proposed entries change (each rewritten in place, the rest of
//! its file byte for byte); `reviewed` is never set; an entry whose proposal failed is left as it
//! was and named at the end.

use std::collections::HashMap;

use crate::bank::Question;
use crate::bank::store::{self, BankError};
use crate::cli::KeypointsArgs;
use crate::config::Context;
use crate::error::{Error, Result};
use crate::grader::llm::propose::{self, ProposeError};
use crate::grader::llm::request::Requests;
use crate::grader::llm::{CallError, Endpoint};
use crate::grader::prompt::Prompts;
use crate::ui::Tone;

pub fn run(args: KeypointsArgs, ctx: &Context) -> Result<()> {
    let p = &ctx.printer;
    let dir = ctx.settings.bank_dir.clone().ok_or_else(|| {
        Error::usage(
            "`viva bank keypoints` writes into a bank directory, and the built-in bank is not one",
            "run it in a viva workspace (a folder holding `question_bank/`), or pass `--bank DIR`",
        )
    })?;
    let files = store::read_dir(&dir)?;
    let questions =
        store::parse_files(files.iter().map(|(n, t)| (n.clone(), t.as_str()))).map_err(BankError::Invalid)?;
    let targets = choose(&questions, &args, p)?;
    if targets.is_empty() {
        p.err("nothing to propose: every chosen entry is reviewed");
        return Ok(());
    }
    let settings = ctx.settings.llm()?;
    let prompts = Prompts::load(settings.prompts.as_deref())?;
    let levels = ctx.settings.transcripts.join(".llm-levels.json");
    let client = Requests::new(Endpoint::new(settings)?).remember_in(levels);
    let model = client.endpoint().settings().model.clone();
    let bar = p.progress("proposing answer keys", targets.len());
    let mut proposed: HashMap<String, Question> = HashMap::new();
    let mut failed: Vec<(String, String)> = Vec::new();
    for q in &targets {
        match propose::propose(&client, &prompts, q) {
            Ok(proposal) => {
                let mut updated = (*q).clone();
                updated.key_points = proposal.key_points;
                updated.misconceptions = proposal.misconceptions;
                let left_out = if proposal.dropped.is_empty() {
                    String::new()
                } else {
                    format!(", {} left out as not checkable", proposal.dropped.len())
                };
                bar.suspend(|| {
                    p.err(format!(
                        "{}  {} key points, {} misconceptions{left_out}",
                        p.paint_err(Tone::Accent, &q.id),
                        updated.key_points.len(),
                        updated.misconceptions.len()
                    ))
                });
                proposed.insert(q.id.clone(), updated);
            }
            // The endpoint or the key is wrong: every other request would fail the same way.
            Err(ProposeError::Call(e @ (CallError::Auth { .. } | CallError::UnknownModel { .. }))) => {
                bar.finish_and_clear();
                return Err(e.into());
            }
            Err(ProposeError::Prompt(e)) => {
                bar.finish_and_clear();
                return Err(e.into());
            }
            Err(e) => failed.push((q.id.clone(), e.to_string())),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if args.dry_run {
        let shown: Vec<&Question> = targets.iter().filter_map(|q| proposed.get(&q.id)).collect();
        for q in shown {
            p.out(super::render_question(q, p));
            p.out("");
        }
    } else {
        write(&files, &proposed)?;
    }
    let verb = if args.dry_run { "would write" } else { "wrote" };
    p.err(format!(
        "{verb} answer keys proposed by `{model}` for {} of {} entries into {}; they stay unreviewed",
        proposed.len(),
        targets.len(),
        format_args!("`{}`", dir.display())
    ));
    if !proposed.is_empty() && !args.dry_run {
        p.hint("read each with `viva bank show ID`, fix what is wrong, then set `reviewed = true`; `viva bank validate --strict` checks them");
    }
    if failed.is_empty() {
        Ok(())
    } else {
        let list: Vec<String> = failed.iter().map(|(id, why)| format!("  {id}: {why}")).collect();
        Err(Error::usage(
            format!("{} entries got no proposal and were left as they were:\n{}", failed.len(), list.join("\n")),
            "run the command again for those ids; a model that keeps failing may need another `--model`",
        ))
    }
}

/// The entries to propose for: the ids given (a reviewed one is skipped with a note), else
/// every unreviewed entry of the chosen topics.
fn choose<'a>(questions: &'a [Question], args: &KeypointsArgs, p: &crate::ui::Printer) -> Result<Vec<&'a Question>> {
    let topics = super::resolve_topics(&args.topics)?;
    let in_topics = |q: &Question| topics.is_empty() || topics.contains(&q.topic.as_str());
    if args.ids.is_empty() {
        return Ok(questions.iter().filter(|q| !q.reviewed && in_topics(q)).collect());
    }
    let bank = store::Bank { questions: questions.to_vec(), origin: None };
    let mut out = Vec::new();
    for id in &args.ids {
        let found = super::find(&bank, id)?.id.clone();
        let Some(q) = questions.iter().find(|q| q.id == found) else { continue };
        if q.reviewed {
            p.warn(&format!("`{}` is reviewed: a person's answer key is never replaced", q.id));
        } else if in_topics(q) && !out.iter().any(|o: &&Question| o.id == q.id) {
            out.push(q);
        }
    }
    Ok(out)
}

/// Rewrites each proposed entry in place in its file; every other byte stays.
fn write(files: &[(String, String)], proposed: &HashMap<String, Question>) -> Result<()> {
    for (path, text) in files {
        let mut new_text = text.clone();
        for (id, raw) in store::entry_texts(text) {
            if let Some(q) = proposed.get(&id) {
                new_text = new_text.replacen(&raw, &store::render_entry(q), 1);
            }
        }
        if new_text != *text {
            crate::transcript::store::write_atomic(std::path::Path::new(path), new_text.as_bytes())
                .map_err(|source| Error::Io { context: format!("cannot write `{path}`"), source })?;
        }
    }
    Ok(())
}
