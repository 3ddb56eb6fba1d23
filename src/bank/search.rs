//! Ranked search over the bank: question text weighs most, then key points, then the answer.

use super::Question;

/// A hit: the question and its score (higher is better).
pub struct Hit<'a> {
    pub question: &'a Question,
    pub score: f64,
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| w.len() > 1).map(str::to_lowercase).collect()
}

/// Ranks `questions` against `query`; only questions matching at least one query word, best first,
/// ties broken by id.
pub fn search<'a>(questions: &'a [Question], query: &str) -> Vec<Hit<'a>> {
    let terms = words(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<Hit> = questions
        .iter()
        .filter_map(|q| {
            let fields = [
                (3.0, words(&q.question)),
                (3.0, q.variants.iter().flat_map(|v| words(&v.question)).collect()),
                (2.0, q.key_points.iter().flat_map(|k| words(&k.text)).collect()),
                (1.0, q.answer.as_deref().map(words).unwrap_or_default()),
            ];
            let mut score = 0.0;
            let mut matched = 0;
            for term in &terms {
                let best = fields
                    .iter()
                    .filter(|(_, ws)| ws.iter().any(|w| w == term || (term.len() > 3 && w.starts_with(term.as_str()))))
                    .map(|(weight, _)| *weight)
                    .fold(0.0, f64::max);
                if best > 0.0 {
                    matched += 1;
                    score += best;
                }
            }
            // Covering every query word beats repeating one.
            (matched > 0).then(|| Hit { question: q, score: score * matched as f64 / terms.len() as f64 })
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.question.id.cmp(&b.question.id)));
    hits
}
