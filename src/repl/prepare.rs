//! Preparing the grade and the follow-up while the candidate is still finishing.
//!
//! With the LLM grader a follow-up needs two calls — the grade (the follow-up rule decides on
//! the missed points) and the follow-up's wording — which would be a visible wait after every
//! answer. So when the answer being typed has stood still for [`IDLE`] (the candidate is
//! re-reading it, or about to submit), both calls start in the background on that draft.
//! If the submitted answer is exactly that draft, its grade and follow-up are used as they
//! are (waiting only for what is still running); if the candidate typed on, the next pause
//! prepares again and the stale result is dropped. One preparation runs at a time, and only
//! for a main question whose plan allows follow-ups. `VIVA_PREPARE=0` turns it off (each
//! preparation is a grading call that may be thrown away).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::bank::Question;
use crate::grader::{Grade, Grader};

/// How long a draft must stand still before it is prepared.
pub const IDLE: Duration = Duration::from_millis(1500);

/// A draft needs this many words to be worth preparing.
const MIN_WORDS: usize = 5;

type Prepared = (Grade, Option<Question>);

struct Job {
    question_id: String,
    text: String,
    rx: Receiver<Prepared>,
    done: Option<Prepared>,
}

impl Job {
    fn poll(&mut self) -> bool {
        if self.done.is_none() {
            self.done = self.rx.try_recv().ok();
        }
        self.done.is_some()
    }
}

pub struct Preparer {
    grader: Arc<dyn Grader>,
    enabled: bool,
    /// The last draft seen and since when it has not changed.
    seen: Option<(String, Instant)>,
    job: Option<Job>,
    /// The follow-up prepared with a grade that was used, for the question id.
    followup: Option<(String, Question)>,
    /// Preparations started (for tests and the transcript's curious reader).
    pub started: usize,
}

impl Preparer {
    /// Prepares only for the LLM grader (the offline grader is instant) unless `VIVA_PREPARE=0`.
    pub fn new(grader: Arc<dyn Grader>) -> Preparer {
        let enabled = grader.info().kind == "llm" && std::env::var("VIVA_PREPARE").map_or(true, |v| v != "0");
        Preparer { grader, enabled, seen: None, job: None, followup: None, started: 0 }
    }

    /// Forgets everything: a new question is being asked.
    pub fn reset(&mut self) {
        self.seen = None;
        self.job = None;
        self.followup = None;
    }

    /// Looks at the draft of the answer to `question`; starts a preparation when it has stood
    /// still long enough and differs from what was last prepared.
    pub fn tick(&mut self, question: &Question, draft: Option<String>, now: Instant) {
        if !self.enabled {
            return;
        }
        let Some(draft) = draft.map(|d| d.trim().to_string()).filter(|d| d.split_whitespace().count() >= MIN_WORDS)
        else {
            self.seen = None;
            return;
        };
        let since = match &self.seen {
            Some((text, since)) if *text == draft => *since,
            _ => {
                self.seen = Some((draft, now));
                return;
            }
        };
        if now.duration_since(since) < IDLE {
            return;
        }
        if let Some(job) = &mut self.job {
            // One at a time; and nothing to do when this draft is already prepared.
            if !job.poll() || job.text == draft {
                return;
            }
        }
        let (tx, rx) = mpsc::channel();
        let (grader, q, text) = (self.grader.clone(), question.clone(), draft.clone());
        std::thread::spawn(move || {
            let grade = grader.grade(&q, &text);
            let missed = grade.missed();
            let followup = if missed.is_empty() { None } else { grader.followup(&q, &text, &missed, 1) };
            let _ = tx.send((grade, followup));
        });
        self.started += 1;
        self.job = Some(Job { question_id: question.id.clone(), text: draft, rx, done: None });
    }

    /// The grade prepared for exactly `answer` to `question_id`, waiting for it if it is still
    /// being made; its follow-up is kept for [`Preparer::take_followup`].
    pub fn take_grade(&mut self, question_id: &str, answer: &str) -> Option<Grade> {
        let job = self.job.take()?;
        if job.question_id != question_id || job.text != answer.trim() {
            return None;
        }
        let (grade, followup) = match job.done {
            Some(done) => done,
            None => job.rx.recv().ok()?,
        };
        if let Some(f) = followup {
            self.followup = Some((question_id.to_string(), f));
        }
        Some(grade)
    }

    /// The first follow-up prepared with the grade of `question_id`'s answer.
    pub fn take_followup(&mut self, question_id: &str) -> Option<Question> {
        match self.followup.take() {
            Some((id, f)) if id == question_id => Some(f),
            _ => None,
        }
    }
}
