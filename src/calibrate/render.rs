//! The readable calibration report: figures, groups, the worst disagreements and a scatter of
//! expert against grader scores.

use std::collections::BTreeMap;

use super::{Group, ItemResult, Summary};
use crate::ui::{Printer, Tone};

fn fmt(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |v| format!("{v:.3}"))
}

/// The whole report, as lines for stdout.
pub fn report(s: &Summary, p: &Printer) -> Vec<String> {
    let mut out = Vec::new();
    let g = &s.grader;
    let model = g.model.as_deref().map(|m| format!(" · {m}")).unwrap_or_default();
    out.push(p.paint(Tone::Bold, &format!("Calibration of the {} grader ({}{model})", g.kind, g.version)));
    out.push(String::new());
    out.push(format!(
        "{:<10} {:>5} {:>9} {:>8} {:>6} {:>6} {:>9} {:>9}",
        "set", "n", "spearman", "pearson", "mae", "bias", "within 1", "within 2"
    ));
    let mut row = |name: &str, a: &super::stats::Agreement| {
        out.push(format!(
            "{:<10} {:>5} {:>9} {:>8} {:>6} {:>6} {:>9} {:>9}",
            name,
            a.n,
            fmt(a.spearman),
            fmt(a.pearson),
            a.mae.map_or("—".into(), |v| format!("{v:.2}")),
            a.bias.map_or("—".into(), |v| format!("{v:+.2}")),
            a.within_1.map_or("—".into(), |v| format!("{:.0}%", v * 100.0)),
            a.within_2.map_or("—".into(), |v| format!("{:.0}%", v * 100.0)),
        ));
    };
    row("all", &s.agreement);
    for (name, split) in &s.by_split {
        row(name, &split.agreement);
    }
    let sep = &s.separation;
    if sep.auc_correct_vs_rest.is_some() || sep.auc_correct_vs_contradictory.is_some() {
        out.push(format!(
            "AUC: correct vs the rest {} · correct vs contradictory {}",
            fmt(sep.auc_correct_vs_rest),
            fmt(sep.auc_correct_vs_contradictory)
        ));
    }
    let bank = s.items.iter().filter(|i| i.answer_key.starts_with("bank:")).count();
    out.push(format!(
        "answer keys: {bank} answer(s) graded against a bank entry's, {} against their line's",
        s.items.len() - bank
    ));
    if s.failed > 0 {
        out.push(p.paint(
            Tone::Warn,
            &format!("{} not graded (left out; reasons below)", crate::ui::plural(s.failed, "answer")),
        ));
    }
    out.push(String::new());
    groups(&mut out, "By label", &s.by_label, p);
    groups(&mut out, "Adversarial answers", &s.by_adversarial, p);
    worst(&mut out, &s.items, p);
    failed(&mut out, &s.items);
    out.push(String::new());
    out.extend(scatter(&s.items));
    out
}

fn groups(out: &mut Vec<String>, title: &str, groups: &BTreeMap<String, Group>, p: &Printer) {
    if groups.is_empty() {
        return;
    }
    out.push(p.paint(Tone::Bold, title));
    out.push(format!(
        "  {:<18} {:>4} {:>7} {:>7} {:>6} {:>5} {:>9}",
        "", "n", "expert", "viva", "mae", "max", "inflated"
    ));
    for (name, g) in groups {
        let inflated = format!("{:>9}", g.inflated);
        let inflated = if g.inflated > 0 { p.paint(Tone::Bad, &inflated) } else { inflated };
        out.push(format!(
            "  {:<18} {:>4} {:>7.2} {:>7.2} {:>6.2} {:>5.1} {inflated}",
            name, g.n, g.mean_expert, g.mean_score, g.mae, g.max_score
        ));
    }
    out.push(String::new());
}

fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{cut}…")
}

fn worst(out: &mut Vec<String>, items: &[ItemResult], p: &Printer) {
    let mut graded: Vec<&ItemResult> = items.iter().filter(|i| i.score.is_some()).collect();
    let gap = |i: &ItemResult| i.score.unwrap_or(0.0) - i.expert_score;
    graded.sort_by(|a, b| gap(b).abs().total_cmp(&gap(a).abs()).then_with(|| a.id.cmp(&b.id)));
    let worst: Vec<&&ItemResult> = graded.iter().filter(|i| gap(i).abs() > 2.0).take(8).collect();
    if worst.is_empty() {
        return;
    }
    out.push(p.paint(Tone::Bold, "Worst disagreements"));
    for i in worst {
        let kind = i.adversarial.as_deref().or(i.label.as_deref()).unwrap_or("");
        out.push(format!(
            "  {:<28} expert {:>4.1}  viva {:>4.1}  ({:+.1})  {kind}",
            i.id,
            i.expert_score,
            i.score.unwrap_or(0.0),
            gap(i)
        ));
        out.push(p.paint(Tone::Dim, &format!("      answer: {}", excerpt(&i.answer, 110))));
        if let Some(r) = &i.rationale {
            out.push(p.paint(Tone::Dim, &format!("      expert: {}", excerpt(r, 110))));
        }
    }
    out.push(String::new());
}

fn failed(out: &mut Vec<String>, items: &[ItemResult]) {
    let failed: Vec<&ItemResult> = items.iter().filter(|i| i.score.is_none()).collect();
    if failed.is_empty() {
        return;
    }
    out.push("Not graded".to_string());
    for i in failed {
        out.push(format!("  {:<28} {}: {}", i.id, i.status, i.reason.as_deref().unwrap_or("no reason given")));
    }
}

/// Expert score (across) against viva's score (up), each rounded to a whole point; a cell shows
/// how many answers fall there, the diagonal is perfect agreement.
pub fn scatter(items: &[ItemResult]) -> Vec<String> {
    let mut grid = [[0usize; 11]; 11];
    for i in items {
        if let Some(score) = i.score {
            let (x, y) = (i.expert_score.round().clamp(0.0, 10.0) as usize, score.round().clamp(0.0, 10.0) as usize);
            grid[y][x] += 1;
        }
    }
    let mut lines = vec!["viva".to_string()];
    for y in (0..=10).rev() {
        let cells: String = (0..=10)
            .map(|x| match grid[y][x] {
                0 if x == y => "  .".to_string(),
                0 => "   ".to_string(),
                n if n > 99 => " ++".to_string(),
                n => format!("{n:>3}"),
            })
            .collect();
        lines.push(format!("{y:>3} |{cells}"));
    }
    lines.push(format!("    +{}", "-".repeat(33)));
    lines.push(format!("     {}   expert", (0..=10).map(|x| format!("{x:>3}")).collect::<String>()));
    lines
}
