//! `viva bank …`: import documents into the bank, list, show, search, validate, stats, lint,
//! keypoints.

mod keypoints;
mod lint;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::json;

use crate::bank::assemble::{self, Document};
use crate::bank::import::{self, ParsedDocument};
use crate::bank::store::{self, Bank};
use crate::bank::{Difficulty, Question, search};
use crate::cli::{BankCommand, ImportArgs, ListArgs, SearchArgs, ShowArgs, ValidateArgs};
use crate::config::Context;
use crate::error::{Error, Result};
use crate::ui::{Printer, Tone, plural};

pub fn run(cmd: BankCommand, ctx: &Context) -> Result<()> {
    match cmd {
        BankCommand::Import(args) => import_cmd(args, ctx),
        BankCommand::List(args) => list(args, ctx),
        BankCommand::Show(args) => show(args, ctx),
        BankCommand::Search(args) => search_cmd(args, ctx),
        BankCommand::Validate(args) => validate(args, ctx),
        BankCommand::Stats(args) => stats(args.json, ctx),
        BankCommand::Lint(args) => lint::run(args, ctx),
        BankCommand::Keypoints(args) => keypoints::run(args, ctx),
    }
}

/// Reads and parses every document; all read errors are reported before giving up.
pub fn parse_documents(files: &[std::path::PathBuf]) -> Result<Vec<(String, ParsedDocument)>> {
    let mut docs = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        match import::read_document(path) {
            Ok(text) => {
                let parsed = import::parse(&text);
                if parsed.questions.is_empty() {
                    failures.push(format!(
                        "`{}`: no questions found (recognised shape: {})",
                        path.display(),
                        parsed.shape.as_str()
                    ));
                }
                docs.push((file_name(path), parsed));
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    if failures.is_empty() {
        Ok(docs)
    } else {
        Err(Error::usage(
            format!("cannot import {}:\n  {}", crate::ui::plural(failures.len(), "document"), failures.join("\n  ")),
            "viva reads Markdown or text with questions as headings (`### 1. …`), `Q:`/`A:` pairs, numbered lists or `<details>` blocks; nothing was written",
        ))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn import_cmd(args: ImportArgs, ctx: &Context) -> Result<()> {
    let p = &ctx.printer;
    let docs = parse_documents(&args.files)?;
    if args.json && args.dry_run {
        let documents: Vec<_> = args
            .files
            .iter()
            .zip(&docs)
            .map(|(path, (_, d))| {
                json!({"path": path.display().to_string(), "shape": d.shape, "questions": d.questions, "skipped": d.skipped})
            })
            .collect();
        p.json(&json!({ "documents": documents }));
        return Ok(());
    }
    let (existing, kept) = existing_bank(&args.out)?;
    let documents: Vec<Document> = docs.into_iter().map(|(file, parsed)| Document { file, parsed }).collect();
    let questions = assemble::assemble(&documents, &existing);
    let files = store::render_keeping(&questions, &kept);
    if !args.dry_run {
        write_bank(&args.out, &files)?;
    }
    let raw: usize = documents.iter().map(|d| d.parsed.questions.len()).sum();
    if args.json {
        let report: Vec<_> = documents
            .iter()
            .map(|d| json!({"path": d.file, "shape": d.parsed.shape, "questions": d.parsed.questions.len(), "skipped": d.parsed.skipped}))
            .collect();
        let written: Vec<_> = files.iter().map(|(name, _)| args.out.join(name).display().to_string()).collect();
        p.json(&json!({"documents": report, "raw_questions": raw, "questions": questions.len(), "reviewed_kept": kept.len(), "written": if args.dry_run { vec![] } else { written }}));
        return Ok(());
    }
    for d in &documents {
        p.err(format!(
            "{}  {}  {}, {} skipped",
            p.paint_err(Tone::Bold, &d.file),
            d.parsed.shape.as_str(),
            plural(d.parsed.questions.len(), "question"),
            plural(d.parsed.skipped.len(), "block")
        ));
        for s in &d.parsed.skipped {
            p.err(format!("    {}", p.paint_err(Tone::Dim, &format!("line {}: skipped: {}", s.line, s.reason))));
        }
    }
    let known: std::collections::HashSet<&str> = existing.iter().map(|q| q.id.as_str()).collect();
    let new = questions.iter().filter(|q| !known.contains(q.id.as_str())).count();
    let verb = if args.dry_run { "would write" } else { "wrote" };
    p.err(format!(
        "{raw} questions in {} documents -> {} bank entries after grouping duplicates ({} reviewed, kept as they are); {verb} {} topic files to `{}`",
        documents.len(),
        questions.len(),
        kept.len(),
        files.len(),
        args.out.display()
    ));
    if !existing.is_empty() && new > 0 {
        p.hint(&format!(
            "{new} new entries; `viva bank lint {}` shows any that look like an existing one",
            args.out.display()
        ));
    }
    Ok(())
}

/// The bank already at `dir` (none when there is no such directory), and the text of each of
/// its reviewed entries by id, to write back untouched. A bank that does not load stops the
/// import: writing over it could lose what a person wrote.
fn existing_bank(dir: &Path) -> Result<(Vec<Question>, HashMap<String, String>)> {
    if !dir.exists() {
        return Ok((Vec::new(), HashMap::new()));
    }
    let files = store::read_dir(dir)?;
    let questions = store::parse_files(files.iter().map(|(n, t)| (n.clone(), t.as_str()))).map_err(|problems| {
        Error::usage(
            format!(
                "`{}` holds a bank that does not load; importing over it could lose reviewed entries:\n{}",
                dir.display(),
                problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
            ),
            format!("fix the lines named above (`viva bank validate {}` re-checks), or import into another directory with `--out`", dir.display()),
        )
    })?;
    let reviewed: std::collections::HashSet<&str> =
        questions.iter().filter(|q| q.reviewed).map(|q| q.id.as_str()).collect();
    let kept = files
        .iter()
        .flat_map(|(_, text)| store::entry_texts(text))
        .filter(|(id, _)| reviewed.contains(id.as_str()))
        .collect();
    Ok((questions, kept))
}

const GENERATED: &str = "# viva question bank:";

/// Writes every file with write-then-rename, then removes generated topic files no longer needed.
fn write_bank(dir: &Path, files: &[(String, String)]) -> Result<()> {
    let io = |context: String| move |source| Error::Io { context, source };
    std::fs::create_dir_all(dir).map_err(io(format!("cannot create `{}`", dir.display())))?;
    for (name, text) in files {
        crate::transcript::store::write_atomic(&dir.join(name), text.as_bytes())
            .map_err(io(format!("cannot write `{}`", dir.join(name).display())))?;
    }
    let stale = std::fs::read_dir(dir).map_err(io(format!("cannot read `{}`", dir.display())))?;
    for entry in stale.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = file_name(&path);
        let generated = std::fs::read_to_string(&path).is_ok_and(|t| t.starts_with(GENERATED));
        if name.ends_with(".toml") && generated && !files.iter().any(|(n, _)| *n == name) {
            std::fs::remove_file(&path).map_err(io(format!("cannot remove `{}`", path.display())))?;
        }
    }
    Ok(())
}

fn filter<'a>(bank: &'a Bank, topics: &[String], difficulty: Option<&str>) -> Result<Vec<&'a Question>> {
    let topics = resolve_topics(topics)?;
    let difficulty = difficulty.map(parse_difficulty).transpose()?;
    Ok(bank
        .questions
        .iter()
        .filter(|q| topics.is_empty() || topics.contains(&q.topic.as_str()))
        .filter(|q| difficulty.is_none_or(|d| q.difficulty == d))
        .collect())
}

pub fn resolve_topics(topics: &[String]) -> Result<Vec<&'static str>> {
    topics
        .iter()
        .map(|t| {
            crate::bank::topic(t).map(|t| t.slug).ok_or_else(|| {
                let known: Vec<_> = crate::bank::TOPICS.iter().map(|t| t.slug).collect();
                Error::usage(format!("unknown topic `{t}`"), format!("topics are: {}", known.join(", ")))
            })
        })
        .collect()
}

pub fn parse_difficulty(s: &str) -> Result<Difficulty> {
    Difficulty::parse(s).ok_or_else(|| Error::usage(format!("unknown difficulty `{s}`"), "use easy, medium or hard"))
}

fn list(args: ListArgs, ctx: &Context) -> Result<()> {
    let bank = ctx.settings.load_bank()?;
    let qs = filter(&bank, &args.topics, args.difficulty.as_deref())?;
    let p = &ctx.printer;
    if args.json {
        p.json(&qs);
        return Ok(());
    }
    for q in &qs {
        p.out(format!(
            "{}  {}  {}",
            p.paint(Tone::Accent, &q.id),
            p.paint(Tone::Dim, q.difficulty.as_str()),
            q.question
        ));
    }
    p.err(format!("{} from {}", plural(qs.len(), "question"), bank.origin_label()));
    Ok(())
}

fn show(args: ShowArgs, ctx: &Context) -> Result<()> {
    let bank = ctx.settings.load_bank()?;
    let q = find(&bank, &args.id)?;
    if args.json {
        ctx.printer.json(q);
    } else {
        ctx.printer.out(render_question(q, &ctx.printer));
    }
    Ok(())
}

/// Looks a question up by id, suggesting close ids when it is not there.
pub fn find<'a>(bank: &'a Bank, id: &str) -> Result<&'a Question> {
    bank.get(id).ok_or_else(|| {
        let hits = search::search(&bank.questions, &id.replace(['/', '-'], " "));
        let close: Vec<&str> = hits.iter().take(3).map(|h| h.question.id.as_str()).collect();
        let hint = if close.is_empty() {
            "`viva bank list` shows every id".to_string()
        } else {
            format!("did you mean {}?", close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
        };
        Error::usage(format!("no question `{id}` in {}", bank.origin_label()), hint)
    })
}

pub fn render_question(q: &Question, p: &Printer) -> String {
    let mut out = vec![
        p.paint(Tone::Accent, &q.id),
        format!(
            "{}{} · {} ({}) · {}",
            q.topic_title(),
            q.topic_confidence.map_or(String::new(), |c| format!(" (classifier, confidence {c:.2})")),
            q.difficulty,
            origin(q),
            q.source
        ),
        String::new(),
        p.paint(Tone::Bold, &q.question),
    ];
    if let Some(code) = &q.code {
        out.push(format!("```\n{code}\n```"));
    }
    if !q.key_points.is_empty() {
        out.push(String::new());
        out.push(p.paint(Tone::Bold, "Key points"));
        for k in &q.key_points {
            out.push(format!("  - {}", k.text));
            out.extend(k.alternatives.iter().map(|a| format!("      or: {a}")));
        }
    }
    if !q.misconceptions.is_empty() {
        out.push(String::new());
        out.push(p.paint(Tone::Bold, "Misconceptions candidates voice"));
        out.extend(q.misconceptions.iter().map(|m| format!("  ✗ {}", m.text)));
    }
    if let Some(answer) = &q.answer {
        out.push(String::new());
        out.push(p.paint(Tone::Bold, "Reference answer"));
        out.push(answer.clone());
    }
    if let Some(original) = &q.source_answer {
        out.push(String::new());
        out.push(p.paint(Tone::Bold, &format!("The source's answer ({}), replaced in review", q.source)));
        out.push(original.clone());
    }
    out.push(String::new());
    out.push(if q.reviewed {
        "Answer key reviewed by a person.".into()
    } else {
        "Answer key not reviewed (distilled from the reference).".into()
    });
    if !q.variants.is_empty() {
        out.push(String::new());
        out.push(p.paint(Tone::Bold, "Also asked as"));
        out.extend(q.variants.iter().map(|v| format!("  - {} ({})", v.question, v.source)));
    }
    out.join("\n")
}

fn origin(q: &Question) -> &'static str {
    match q.difficulty_origin {
        crate::bank::DifficultyOrigin::Marked => "marked",
        crate::bank::DifficultyOrigin::Estimated => "estimated",
    }
}

fn search_cmd(args: SearchArgs, ctx: &Context) -> Result<()> {
    let bank = ctx.settings.load_bank()?;
    let hits = search::search(&bank.questions, &args.query.join(" "));
    let hits = &hits[..hits.len().min(args.limit)];
    let p = &ctx.printer;
    if args.json {
        let rows: Vec<_> = hits
            .iter()
            .map(|h| json!({"id": h.question.id, "score": h.score, "question": h.question.question}))
            .collect();
        p.json(&rows);
        return Ok(());
    }
    for h in hits {
        p.out(format!("{}  {}", p.paint(Tone::Accent, &h.question.id), h.question.question));
    }
    if hits.is_empty() {
        p.err("no matches; try fewer or different words");
    }
    Ok(())
}

fn validate(args: ValidateArgs, ctx: &Context) -> Result<()> {
    let dir = args.dir.or_else(|| ctx.settings.bank_dir.clone());
    let (files, origin) = match &dir {
        Some(dir) => (store::read_dir(dir)?, format!("`{}`", dir.display())),
        None => (store::embedded_files(), "the built-in bank".to_string()),
    };
    let v = store::validate(&files, args.strict);
    let p = &ctx.printer;
    let reviewed = v.questions.iter().filter(|q| q.reviewed).count();
    if args.json {
        let structure = v
            .structure
            .iter()
            .map(|s| json!({"file": s.file, "line": s.line, "id": null, "reviewed": null, "message": s.message}));
        let keys = v.keys.iter().map(|k| serde_json::to_value(k).unwrap_or_default());
        let problems: Vec<_> = structure.chain(keys).collect();
        p.json(&json!({
            "ok": problems.is_empty(), "origin": origin, "strict": args.strict, "questions": v.questions.len(),
            "reviewed": reviewed, "problems": problems,
        }));
    }
    if !v.structure.is_empty() {
        let mut all = v.structure;
        all.extend(v.keys.iter().map(|k| k.problem()));
        return Err(store::BankError::Invalid(all).into());
    }
    if !v.keys.is_empty() {
        return Err(store::BankError::AnswerKey(v.keys.iter().map(|k| k.problem()).collect()).into());
    }
    let without_answer = v.questions.iter().filter(|q| q.answer.is_none()).count();
    p.err(format!(
        "{} {origin}: {} questions ({reviewed} reviewed), no problems{} ({without_answer} without a reference answer)",
        p.paint_err(Tone::Good, "ok"),
        v.questions.len(),
        if args.strict { " under --strict" } else { "" },
    ));
    Ok(())
}

fn stats(json_out: bool, ctx: &Context) -> Result<()> {
    let bank = ctx.settings.load_bank()?;
    let qs = &bank.questions;
    let by_topic = assemble::count_by(qs, |q| q.topic.clone());
    let by_difficulty = assemble::count_by(qs, |q| q.difficulty.as_str());
    let mut by_source: BTreeMap<String, usize> = BTreeMap::new();
    for q in qs {
        for file in std::iter::once(&q.source.file).chain(q.variants.iter().map(|v| &v.source.file)) {
            *by_source.entry(file.clone()).or_default() += 1;
        }
    }
    let raw: usize = by_source.values().sum();
    let with_reference = qs.iter().filter(|q| q.answer.is_some()).count();
    let with_key_points = qs.iter().filter(|q| !q.key_points.is_empty()).count();
    let p = &ctx.printer;
    if json_out {
        p.json(&json!({
            "questions": qs.len(), "raw_questions": raw, "by_topic": by_topic, "by_difficulty": by_difficulty,
            "by_source": by_source, "with_reference": with_reference, "with_key_points": with_key_points,
            "origin": bank.origin.as_ref().map(|d| d.display().to_string()),
        }));
        return Ok(());
    }
    p.out(format!("{} questions ({} as found in the sources) in {}", qs.len(), raw, bank.origin_label()));
    p.out(format!("{with_reference} with a reference answer, {with_key_points} with key points"));
    p.out(p.paint(Tone::Bold, "\nBy topic"));
    for t in crate::bank::TOPICS {
        p.out(format!("  {:<16} {:>4}  {}", t.slug, by_topic.get(t.slug).copied().unwrap_or(0), t.title));
    }
    p.out(p.paint(Tone::Bold, "\nBy difficulty"));
    for (d, n) in &by_difficulty {
        p.out(format!("  {d:<16} {n:>4}"));
    }
    p.out(p.paint(Tone::Bold, "\nBy source"));
    for (f, n) in &by_source {
        p.out(format!("  {f:<32} {n:>4}"));
    }
    Ok(())
}
