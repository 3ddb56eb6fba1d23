//! Drawing the questions of an interview from the bank: filters honoured, one question per
//! bank entry (an entry is a whole duplicate group, so no two variants of one question meet),
//! topics mixed unless asked otherwise, reproducible from a seed.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::{Difficulty, Question};

/// What to draw.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub topics: &'a [&'a str],
    pub difficulty: Option<Difficulty>,
    pub ids: &'a [String],
}

/// Draws up to `count` gradeable questions (with key points or a reference answer).
/// With `mix`, topics rotate: no topic repeats until every matching topic had a turn.
pub fn draw<'a>(bank: &'a [Question], filter: &Filter, count: usize, seed: u64, mix: bool) -> Vec<&'a Question> {
    let mut pool: Vec<&Question> = bank
        .iter()
        .filter(|q| !q.key_points.is_empty() || q.answer.is_some())
        .filter(|q| filter.topics.is_empty() || filter.topics.contains(&q.topic.as_str()))
        .filter(|q| filter.difficulty.is_none_or(|d| q.difficulty == d))
        .filter(|q| filter.ids.is_empty() || filter.ids.contains(&q.id))
        .collect();
    let mut rng = StdRng::seed_from_u64(seed);
    pool.shuffle(&mut rng);
    if !mix {
        pool.truncate(count);
        return pool;
    }
    // Round-robin over topics, in the order they first appear in the shuffled pool.
    let mut topics: Vec<&str> = Vec::new();
    for q in &pool {
        if !topics.contains(&q.topic.as_str()) {
            topics.push(&q.topic);
        }
    }
    let mut picked = Vec::with_capacity(count);
    let mut taken = vec![false; pool.len()];
    while picked.len() < count && picked.len() < pool.len() {
        for topic in &topics {
            if picked.len() == count {
                break;
            }
            if let Some(i) = (0..pool.len()).find(|&i| !taken[i] && pool[i].topic == *topic) {
                taken[i] = true;
                picked.push(pool[i]);
            }
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{DifficultyOrigin, Source};

    fn q(id: &str, topic: &str, d: Difficulty) -> Question {
        Question {
            id: id.into(),
            topic: topic.into(),
            difficulty: d,
            difficulty_origin: DifficultyOrigin::Estimated,
            topic_confidence: None,
            question: id.into(),
            code: None,
            answer: Some("a".into()),
            key_points: vec!["k".into()],
            section: None,
            source: Source { file: "f".into(), line: 1 },
            ..crate::bank::sample_question(id, id)
        }
    }

    fn bank() -> Vec<Question> {
        let mut b = Vec::new();
        for (t, n) in [("typing", 6), ("django", 6), ("fastapi", 6)] {
            for i in 0..n {
                let d = if i % 2 == 0 { Difficulty::Easy } else { Difficulty::Hard };
                b.push(q(&format!("{t}/q{i}"), t, d));
            }
        }
        b
    }

    #[test]
    fn same_seed_same_draw_and_topics_mixed() {
        let b = bank();
        let a = draw(&b, &Filter::default(), 3, 7, true);
        let again = draw(&b, &Filter::default(), 3, 7, true);
        assert_eq!(a.iter().map(|q| &q.id).collect::<Vec<_>>(), again.iter().map(|q| &q.id).collect::<Vec<_>>());
        let mut topics: Vec<&str> = a.iter().map(|q| q.topic.as_str()).collect();
        topics.sort();
        assert_eq!(topics, vec!["django", "fastapi", "typing"]);
    }

    #[test]
    fn filters_are_honoured_and_no_question_twice() {
        let b = bank();
        let f = Filter { topics: &["django"], difficulty: Some(Difficulty::Hard), ids: &[] };
        let got = draw(&b, &f, 10, 1, true);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|q| q.topic == "django" && q.difficulty == Difficulty::Hard));
        let mut ids: Vec<&str> = got.iter().map(|q| q.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 3);
    }
}
