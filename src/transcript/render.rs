//! Renderings of a transcript: the end-of-interview report for the terminal (80 columns,
//! colour where it helps) and the Markdown file written beside the JSON.

use std::collections::BTreeMap;

use super::{Item, Transcript};
use crate::grader::GradeStatus;
use crate::ui::{self, Printer, Tone};

/// Average score per topic, over graded items: `(topic, mean, count)`, best first.
pub fn topic_scores(t: &Transcript) -> Vec<(String, f64, usize)> {
    let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for item in &t.items {
        if let Some(s) = item.score() {
            by.entry(item.topic.as_str()).or_default().push(s);
        }
    }
    let mut rows: Vec<_> =
        by.into_iter().map(|(k, v)| (k.to_string(), v.iter().sum::<f64>() / v.len() as f64, v.len())).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// Questions to practise next: the lowest-scoring items (below 7, by their best attempt), worst
/// first, as bank ids.
pub fn practise_next(t: &Transcript) -> Vec<&str> {
    let mut items: Vec<&Item> = t.items.iter().filter(|i| i.score().is_none_or(|s| s < 7.0)).collect();
    items.sort_by(|a, b| a.score().unwrap_or(0.0).total_cmp(&b.score().unwrap_or(0.0)));
    items.iter().map(|i| i.question_id.as_str()).take(5).collect()
}

/// The grade of one attempt: `7.5/10`, `pending`, `failed`.
pub fn status_text(item: &Item) -> String {
    match (item.grade.status, item.grade.score) {
        (GradeStatus::Graded, Some(s)) => ui::score(s),
        (GradeStatus::Pending, _) => "pending".into(),
        (GradeStatus::Failed, _) => "failed".into(),
        (GradeStatus::Ungraded, _) => "ungraded".into(),
        _ => "-".into(),
    }
}

/// `first 0.5/10, best of 2 attempts` when a retry scored higher than the first answer.
pub fn retry_note(item: &Item) -> Option<String> {
    item.improved_by_retry()
        .then(|| format!("first {}, best of {} attempts", status_text(item), item.retries.len() + 1))
}

/// What the reader should know about an attempt besides its score: skipped, time ran out,
/// the grader's flags.
pub fn item_flags(item: &Item) -> Vec<String> {
    let mut flags = Vec::new();
    if item.skipped {
        flags.push("skipped".to_string());
    }
    if item.timed_out {
        flags.push("time ran out".to_string());
    }
    if item.interrupted {
        flags.push("interrupted (saved when the session was closed)".to_string());
    }
    flags.extend(item.grade.flags.iter().cloned());
    flags
}

/// LLM usage over a session: calls, prompt and completion tokens, estimated cost.
pub fn llm_usage(t: &Transcript) -> Option<String> {
    let calls: Vec<&crate::grader::Provenance> = t
        .items
        .iter()
        .flat_map(|i| std::iter::once(i).chain(&i.followups))
        .filter_map(|i| i.grade.provenance.as_ref())
        .filter(|p| p.attempts > 0)
        .collect();
    if calls.is_empty() {
        return None;
    }
    let prompt: u64 = calls.iter().filter_map(|p| p.prompt_tokens).sum();
    let completion: u64 = calls.iter().filter_map(|p| p.completion_tokens).sum();
    let cost: Option<f64> = calls.iter().map(|p| p.cost_usd).sum();
    let cost = cost.map_or(String::new(), |c| format!(" · ≈ ${c:.4}"));
    Some(format!(
        "LLM grader: {} · {prompt} prompt + {completion} completion tokens{cost}",
        ui::plural(calls.len(), "call")
    ))
}

/// Each key point's verdict (✓ covered, ~ partial, ✗ missed, ⚠ contradicted, with the quote for
/// a contradiction, and why an LLM verdict was lowered) and each misconception found, for the
/// terminal report.
fn verdict_lines(out: &mut Vec<String>, grade: &crate::grader::Grade, p: &Printer, indent: &str) {
    use crate::grader::PointStatus;
    for v in &grade.points {
        let (text, tone) = match v.status {
            PointStatus::Covered => (format!("✓ {}", v.point), None),
            PointStatus::Partial => (format!("~ {}", v.point), Some(Tone::Warn)),
            PointStatus::Missed => (format!("✗ {}", v.point), Some(Tone::Warn)),
            PointStatus::Contradicted => (v.line(), Some(Tone::Bad)),
        };
        let text = match (&v.note, v.status) {
            (Some(note), s) if s != PointStatus::Contradicted => format!("{text} ({note})"),
            _ => text,
        };
        let line = ui::wrap(&text, 76, indent);
        out.push(tone.map_or(line.clone(), |t| p.paint_err(t, &line)));
    }
    for m in &grade.misconceptions {
        out.push(p.paint_err(Tone::Bad, &ui::wrap(&m.line(), 76, indent)));
    }
}

/// The end-of-session report for the terminal.
pub fn report(t: &Transcript, p: &Printer) -> String {
    let mut out = Vec::new();
    let rule = "─".repeat(ui::width());
    out.push(p.paint_err(Tone::Bold, &format!("Interview report · {}", t.id)));
    out.push(rule.clone());
    for (n, item) in t.items.iter().enumerate() {
        let best = item.best();
        let score = status_text(best);
        let tone = match best.grade.score {
            Some(s) if s >= 7.0 => Tone::Good,
            Some(s) if s >= 4.0 => Tone::Warn,
            Some(_) => Tone::Bad,
            None => Tone::Dim,
        };
        out.push(format!(
            "{} {}  {}",
            p.paint_err(Tone::Bold, &format!("{}.", n + 1)),
            p.paint_err(tone, &format!("{score:>7}")),
            ui::wrap(&item.question, ui::width(), "            ").trim_start()
        ));
        let mut flags = item_flags(item);
        flags.extend(retry_note(item));
        out.push(format!(
            "   {}",
            p.paint_err(
                Tone::Dim,
                &format!(
                    "{} · {} · {}{}",
                    item.topic,
                    item.difficulty,
                    ui::duration(item.seconds),
                    if flags.is_empty() { String::new() } else { format!(" · {}", flags.join(", ")) }
                )
            )
        ));
        verdict_lines(&mut out, &best.grade, p, "   ");
        if let Some(reason) = &best.grade.reason {
            out.push(p.paint_err(Tone::Dim, &format!("   ({reason})")));
        }
        for (k, f) in item.followups.iter().enumerate() {
            let first_line = ui::wrap(&f.question, 60, "").lines().next().unwrap_or_default().to_string();
            out.push(format!("   ↳ follow-up {}: {}  {}", k + 1, status_text(f), p.paint_err(Tone::Dim, &first_line)));
            verdict_lines(&mut out, &f.grade, p, "     ");
        }
    }
    out.push(rule);
    match t.score() {
        Some(s) => out.push(p.paint_err(
            Tone::Bold,
            &format!("Overall: {} over {}", ui::score((s * 10.0).round() / 10.0), ui::plural(t.items.len(), "answer")),
        )),
        None => out.push("Overall: no graded answers yet".into()),
    }
    let topics = topic_scores(t);
    if topics.len() > 1 {
        let (best, worst) = (&topics[0], &topics[topics.len() - 1]);
        out.push(format!("Strongest topic: {} ({})", best.0, ui::score((best.1 * 10.0).round() / 10.0)));
        out.push(format!("Weakest topic:   {} ({})", worst.0, ui::score((worst.1 * 10.0).round() / 10.0)));
    }
    if let Some(usage) = llm_usage(t) {
        out.push(p.paint_err(Tone::Dim, &usage));
    }
    let next = practise_next(t);
    if !next.is_empty() {
        out.push("Practise next:".into());
        out.extend(next.iter().map(|id| format!("  viva bank show {id}")));
    }
    out.join("\n")
}

/// The Markdown rendering saved beside the JSON.
pub fn markdown(t: &Transcript) -> String {
    let mut md = format!("# viva {} · {}\n\n", t.mode, t.id);
    md.push_str(&format!("- started: {}\n", t.started_at.format("%Y-%m-%d %H:%M:%S UTC")));
    if let Some(f) = t.finished_at {
        md.push_str(&format!("- finished: {}\n", f.format("%Y-%m-%d %H:%M:%S UTC")));
    }
    md.push_str(&format!("- grader: {}\n", t.settings.grader));
    if let Some(usage) = llm_usage(t) {
        md.push_str(&format!("- {usage}\n"));
    }
    if let Some(s) = t.score() {
        md.push_str(&format!("- overall: {}\n", ui::score((s * 10.0).round() / 10.0)));
    }
    for (n, item) in t.items.iter().enumerate() {
        md.push_str(&format!("\n## {}. {}\n\n", n + 1, item.question));
        item_markdown(&mut md, item);
        for (k, r) in item.retries.iter().enumerate() {
            md.push_str(&format!("\n### Retry {}.{}\n\n", n + 1, k + 1));
            item_markdown(&mut md, r);
        }
        if let Some(note) = retry_note(item) {
            md.push_str(&format!("\nCounts: {} ({note})\n", status_text(item.best())));
        }
        for (k, f) in item.followups.iter().enumerate() {
            md.push_str(&format!("\n### Follow-up {}.{}: {}\n\n", n + 1, k + 1, f.question));
            item_markdown(&mut md, f);
        }
    }
    md
}

/// One answer (or follow-up) as Markdown: meta line, flags, answer, criteria, key points, feedback.
fn item_markdown(md: &mut String, item: &Item) {
    md.push_str(&format!(
        "`{}` · {} · {} · {} · {}\n\n",
        item.question_id,
        item.topic,
        item.difficulty,
        ui::duration(item.seconds),
        status_text(item)
    ));
    let flags = item_flags(item);
    if !flags.is_empty() {
        md.push_str(&format!("Flags: {}\n\n", flags.join(", ")));
    }
    md.push_str("### Answer\n\n");
    if item.answer.trim().is_empty() {
        md.push_str("_(no answer)_\n");
    } else {
        md.push_str(&item.answer.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n"));
        md.push('\n');
    }
    if !item.grade.criteria.is_empty() {
        md.push_str("\n| criterion | score | feedback |\n|---|---|---|\n");
        for c in &item.grade.criteria {
            md.push_str(&format!("| {} | {}/{} | {} |\n", c.id, c.score, c.max, c.feedback.replace('|', "\\|")));
        }
    }
    for v in &item.grade.points {
        md.push_str(&format!("\n- {}", v.line()));
    }
    for m in &item.grade.misconceptions {
        md.push_str(&format!("\n- {}", m.line()));
    }
    if let Some(a) = item.grade.provenance.as_ref().and_then(|p| p.agreement.as_ref()) {
        md.push_str(&format!("\n\n_{}_", a.line()));
    }
    if !item.grade.feedback.is_empty() {
        md.push_str(&format!("\n\n{}\n", item.grade.feedback));
    } else {
        md.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grader::{Grade, GraderInfo};

    #[test]
    fn follow_ups_are_rendered_under_their_question() {
        let q = crate::bank::sample_question("concurrency/gil", "What is the GIL?");
        let info = GraderInfo { kind: "offline".into(), model: None, version: "1".into() };
        let mut item = Item::new(&q, "A mutex.".into(), Grade::pending(info.clone(), "x"));
        let mut follow = Item::new(&q, "They release it.".into(), Grade::pending(info, "x"));
        follow.question = "What about C extensions?".into();
        item.followups.push(follow);
        let settings = crate::transcript::sample_settings(1, "offline");
        let mut t = Transcript::new("t".into(), "interview", settings, vec![q.id.clone()]);
        t.items.push(item);
        let md = markdown(&t);
        let main = md.find("## 1. What is the GIL?").unwrap();
        let follow = md.find("### Follow-up 1.1: What about C extensions?").unwrap();
        assert!(main < follow && md[follow..].contains("> They release it."), "{md}");
    }

    #[test]
    fn each_verdict_has_its_mark_and_a_contradiction_shows_its_quote() {
        use crate::grader::{MisconceptionFound, PointStatus, PointVerdict};
        let q = crate::bank::sample_question("concurrency/gil", "What is the GIL?");
        let info = GraderInfo { kind: "offline".into(), model: None, version: "1".into() };
        let mut grade = Grade::pending(info, "x");
        grade.status = GradeStatus::Graded;
        grade.score = Some(2.0);
        grade.reason = None;
        grade.points = vec![
            PointVerdict::new("A mutex", PointStatus::Covered, Some("a lock".into())),
            PointVerdict::new("Released during I/O", PointStatus::Partial, Some("I/O".into())),
            PointVerdict::new("Use processes", PointStatus::Missed, None),
            PointVerdict::new(
                "One thread at a time",
                PointStatus::Contradicted,
                Some("threads run on all cores".into()),
            ),
        ];
        grade.misconceptions = vec![MisconceptionFound {
            misconception: "The GIL runs threads in parallel".into(),
            quote: "in parallel".into(),
        }];
        let item = Item::new(&q, "a lock; threads run on all cores".into(), grade);
        let mut t = Transcript::new("t".into(), "interview", crate::transcript::sample_settings(1, "offline"), vec![]);
        t.items.push(item);
        let md = markdown(&t);
        for line in [
            "- ✓ A mutex — “a lock”",
            "- ~ Released during I/O — “I/O”",
            "- ✗ Use processes",
            "- ⚠ One thread at a time — contradicted: “threads run on all cores”",
            "- ⚠ misconception: The GIL runs threads in parallel — “in parallel”",
        ] {
            assert!(md.contains(line), "{line} in {md}");
        }
        let terminal = report(&t, &crate::ui::Printer::plain());
        assert!(terminal.contains("⚠ One thread at a time — contradicted: “threads run on all cores”"), "{terminal}");
        assert!(terminal.contains("~ Released during I/O") && terminal.contains("✗ Use processes"), "{terminal}");
    }

    #[test]
    fn the_report_and_markdown_count_the_best_attempt_and_show_the_first() {
        let q = crate::bank::sample_question("concurrency/gil", "What is the GIL?");
        let info = GraderInfo { kind: "offline".into(), model: None, version: "1".into() };
        let graded =
            |score: f64| Grade { status: GradeStatus::Graded, score: Some(score), ..Grade::pending(info.clone(), "") };
        let mut item = Item::new(&q, "No idea.".into(), graded(0.5));
        item.retries.push(Item::new(&q, "A mutex around bytecode.".into(), graded(6.5)));
        let settings = crate::transcript::sample_settings(1, "offline");
        let mut t = Transcript::new("t".into(), "practice", settings, vec![q.id.clone()]);
        t.items.push(item);
        let report = report(&t, &Printer::plain());
        assert!(report.contains("1.  6.5/10  What is the GIL?"), "{report}");
        assert!(report.contains("first 0.5/10, best of 2 attempts"), "{report}");
        assert!(report.contains("Overall: 6.5/10 over 1 answer"), "{report}");
        let md = markdown(&t);
        assert!(md.contains("- overall: 6.5/10"), "{md}");
        assert!(md.contains("### Retry 1.1") && md.contains("> A mutex around bytecode."), "{md}");
        assert!(md.contains("Counts: 6.5/10 (first 0.5/10, best of 2 attempts)"), "{md}");
    }
}
