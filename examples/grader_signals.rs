//! Prints the offline grader's signals for every answer of a labelled set, one JSON object a
//! line, for `scripts/fit-grader.py` (which fits the weights in
//! `src/grader/offline/weights.json`). Each answer is graded as `viva calibrate` grades it:
//! against its bank entry's answer key when the line names one.
//!
//! ```sh
//! cargo run --release --example grader_signals -- SET.jsonl [--split dev] [--bank DIR]
//! ```

use std::io::Write;

use viva::grader::Grader;
use viva::grader::offline::OfflineGrader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let set = args.first().ok_or("usage: grader_signals SET.jsonl [--split NAME] [--bank DIR]")?;
    let bank = match value("--bank") {
        Some(dir) => viva::bank::store::load_dir(std::path::Path::new(&dir))?.questions,
        None => viva::bank::store::load_embedded()?.questions,
    };
    let (mut samples, bad) = viva::calibrate::set::read(std::path::Path::new(set))?;
    if !bad.is_empty() {
        eprintln!("{set}: {} bad line(s) skipped", bad.len());
    }
    if let Some(split) = value("--split") {
        samples.retain(|s| s.split.as_deref() == Some(split.as_str()));
    }
    let keyed = viva::calibrate::answer_keys(&samples, &bank);
    let mut questions = bank.clone();
    for (q, _) in &keyed {
        if !questions.iter().any(|b| b.id == q.id) {
            questions.push(q.clone());
        }
    }
    let grader = OfflineGrader::new(&questions);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (s, (q, key)) in samples.iter().zip(&keyed) {
        let grade = grader.grade(q, &s.answer);
        let line = serde_json::json!({
            "id": s.id,
            "question_id": s.question_id.clone().unwrap_or_else(|| s.question.clone()),
            "label": s.label,
            "adversarial": s.adversarial,
            "expert_score": s.expert_score,
            "split": s.split,
            "answer_key": key,
            "status": grade.status,
            "score": grade.score,
            "flags": grade.flags,
            "wrong_claims": viva::grader::score::wrong_claims(&grade.points, &grade.misconceptions),
            "criteria": grade.criteria.iter().map(|c| (c.id.clone(), c.score)).collect::<std::collections::BTreeMap<_, _>>(),
            "statuses": grade.points.iter().map(|p| p.status.as_str()).collect::<Vec<_>>(),
            "signals": grader.signals(q, &s.answer).iter().map(|x| x.values().to_vec()).collect::<Vec<_>>(),
            "names": viva::grader::offline::model::NAMES,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}
