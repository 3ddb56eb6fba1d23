//! `viva calibrate`: grades a labelled set and reports agreement with the expert.

use std::path::Path;
use std::sync::Arc;

use crate::calibrate::{self, BadLine, render, set};
use crate::cli::{CalibrateArgs, GraderKind};
use crate::config::Context;
use crate::error::{Error, Result};

/// The set shipped with viva (`tests/data/calibration.jsonl`).
const SHIPPED: &str = include_str!("../../tests/data/calibration.jsonl");

pub fn run(args: CalibrateArgs, ctx: &Context) -> Result<()> {
    let (name, (mut samples, bad)) = match &args.set {
        Some(path) => (
            path.display().to_string(),
            set::read(path).map_err(|e| Error::Io { context: format!("cannot read {}", path.display()), source: e })?,
        ),
        None => ("the shipped set".to_string(), set::parse(SHIPPED)),
    };
    report_bad(&name, args.set.as_deref(), &bad, ctx);
    if let Some(split) = &args.split {
        let known: std::collections::BTreeSet<String> = samples.iter().filter_map(|s| s.split.clone()).collect();
        samples.retain(|s| s.split.as_ref() == Some(split));
        if samples.is_empty() {
            let known = known.into_iter().collect::<Vec<_>>().join(", ");
            return Err(Error::usage(
                format!("no answers of {name} are in split `{split}`"),
                if known.is_empty() {
                    "this set has no `split` field".to_string()
                } else {
                    format!("its splits: {known}")
                },
            ));
        }
    }
    if samples.is_empty() {
        return Err(Error::usage(
            format!("{name} holds no usable answers"),
            "one JSON object per line: id, question, reference, answer, expert_score (see `viva calibrate --help`)",
        ));
    }
    let bank = ctx.settings.load_bank().map(|b| b.questions).unwrap_or_default();
    let keyed = calibrate::answer_keys(&samples, &bank);
    let grader = grader(args.grader, bank, &keyed, ctx)?;
    let bar = ctx.printer.progress("grading", samples.len());
    let workers = if args.grader == GraderKind::Offline { 1 } else { args.concurrency };
    let grades = calibrate::grade_all(&samples, &keyed, grader.clone(), workers, &|| bar.inc(1));
    bar.finish_and_clear();
    let summary = calibrate::summarize(&samples, &keyed, &grades, grader.info());
    if args.json {
        ctx.printer.json(&summary);
    } else {
        for line in render::report(&summary, &ctx.printer) {
            ctx.printer.out(line);
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::usage(
            format!(
                "{} of {name} could not be used (reported above); the rest were graded",
                crate::ui::plural(bad.len(), "line")
            ),
            "fix those lines and run again",
        ))
    }
}

fn report_bad(name: &str, path: Option<&Path>, bad: &[BadLine], ctx: &Context) {
    for b in bad {
        match path {
            Some(p) => ctx.printer.warn(&format!("{}:{}: {}", p.display(), b.line, b.message)),
            None => ctx.printer.warn(&format!("{name}, {b}")),
        }
    }
}

/// The grader, knowing the bank and the set's own questions (word rarity, other references).
fn grader(
    kind: GraderKind,
    mut questions: Vec<crate::bank::Question>,
    keyed: &[(crate::bank::Question, String)],
    ctx: &Context,
) -> Result<Arc<dyn crate::grader::Grader>> {
    let known: std::collections::HashSet<String> = questions.iter().map(|q| q.id.clone()).collect();
    let mut added = std::collections::HashSet::new();
    for (q, _) in keyed {
        if !known.contains(&q.id) && added.insert(q.id.clone()) {
            questions.push(q.clone());
        }
    }
    super::interview::make_grader(kind, &questions, ctx)
}
