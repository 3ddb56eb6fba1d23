//! `viva bank lint`: the grouping a user should look at before trusting a bank — suspected
//! wrong merges and missed merges, each with a score and both texts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::bank::import::{self, RawQuestion};
use crate::bank::lint::{self, Side};
use crate::bank::store::{self, Bank};
use crate::cli::LintArgs;
use crate::config::Context;
use crate::error::Result;
use crate::ui::{Printer, Tone};

pub fn run(args: LintArgs, ctx: &Context) -> Result<()> {
    let dir = args.dir.or_else(|| ctx.settings.bank_dir.clone());
    let bank = match &dir {
        Some(dir) => store::load_dir(dir)?,
        None => store::load_embedded()?,
    };
    let files = if args.sources.is_empty() { default_sources(&bank) } else { args.sources };
    let sources = read_sources(&files, &ctx.printer);
    let report = lint::lint(&bank.questions, &sources, args.all);
    let p = &ctx.printer;
    if args.json {
        p.json(&json!({
            "origin": bank.origin_label(), "questions": bank.questions.len(), "sources": files.len(),
            "wrong_merges": report.wrong_merges, "missed_merges": report.missed_merges,
            "reviewed_skipped": report.reviewed_skipped, "variants_by_wording": report.variants_by_wording,
        }));
        return Ok(());
    }
    p.out(p.paint(
        Tone::Bold,
        &format!(
            "Suspected wrong merges: {} (a variant that looks like another question than its entry's; low score first)",
            report.wrong_merges.len()
        ),
    ));
    for w in report.wrong_merges.iter().take(args.limit) {
        p.out(format!("  {:.2}  {}  ({})", w.score, p.paint(Tone::Accent, &w.entry.id), w.reason));
        p.out(line(p, "entry:  ", &w.entry));
        p.out(line(p, "variant:", &w.variant));
    }
    more(p, report.wrong_merges.len(), args.limit);
    p.out(p.paint(
        Tone::Bold,
        &format!(
            "\nSuspected missed merges: {} (two entries that look like one question; high score first)",
            report.missed_merges.len()
        ),
    ));
    for m in report.missed_merges.iter().take(args.limit) {
        p.out(format!("  {:.2}  {} ~ {}", m.score, p.paint(Tone::Accent, &m.a.id), p.paint(Tone::Accent, &m.b.id)));
        p.out(line(p, "", &m.a));
        p.out(line(p, "", &m.b));
    }
    more(p, report.missed_merges.len(), args.limit);
    let mut notes = vec![format!("{} entries of {}", bank.questions.len(), bank.origin_label())];
    if report.reviewed_skipped > 0 {
        notes.push(format!(
            "the grouping of {} reviewed entries taken as a person's decision (`--all` checks it)",
            report.reviewed_skipped
        ));
    }
    if report.variants_by_wording > 0 {
        notes.push(format!(
            "{} variants compared on wording alone (pass `--sources FILE…` to compare their answers)",
            report.variants_by_wording
        ));
    }
    p.err(notes.join("; "));
    if !report.wrong_merges.is_empty() || !report.missed_merges.is_empty() {
        p.hint("split a wrong merge into its own entry, or merge two entries (the other's id into `former_ids`), then mark the entry `reviewed = true` so a re-import keeps it");
    }
    Ok(())
}

fn line(p: &Printer, label: &str, side: &Side) -> String {
    let label = if label.is_empty() { String::new() } else { format!("{label} ") };
    format!("        {label}{}  {}", side.question, p.paint(Tone::Dim, &format!("({})", side.source)))
}

fn more(p: &Printer, n: usize, limit: usize) {
    if n > limit {
        p.out(format!("  … and {} more (`--limit N`, or `--json` for all)", n - limit));
    }
}

/// The documents in the bank's `sources/` folder, if it has one.
fn default_sources(bank: &Bank) -> Vec<PathBuf> {
    let Some(dir) = bank.origin.as_ref().map(|d| d.join("sources")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Every question of the documents, keyed `file:line` as bank sources name them. A document
/// that cannot be read is reported and left out.
fn read_sources(files: &[PathBuf], p: &Printer) -> HashMap<String, RawQuestion> {
    let mut out = HashMap::new();
    for path in files {
        match import::read_document(path) {
            Ok(text) => {
                for q in import::parse(&text).questions {
                    out.insert(format!("{}:{}", file_name(path), q.line), q);
                }
            }
            Err(e) => p.warn(&format!("{e}; its variants are compared on wording alone")),
        }
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
