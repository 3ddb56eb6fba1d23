//! Preparing the grade and the follow-up while the candidate is still finishing.
//!
//! With the LLM grader a follow-up needs two calls — the grade (the follow-up rule decides on
//! the missed points) and the follow-up's wording — which would be a visible wait after every
//! answer. So when the answer being typed has stood still for [`IDLE`] (the candidate is
//! re-reading it, or about to submit), both calls start in the background on that draft.
//! If the submitted answer is exactly that draft, its grade and follow-up are used as they
//! are (waiting only for what is still running); if the candidate typed on, the next pause
//! prepares again and the stale request is cancelled at once. One preparation runs at a time,
//! on the grading service, and only for a main question whose plan allows follow-ups.
//! `VIVA_PREPARE=0` turns it off (each preparation is a grading call that may be thrown away).

use std::time::{Duration, Instant};

use crate::bank::Question;
use crate::grader::service::{GradingService, Ticket, Work};

/// How long a draft must stand still before it is prepared.
pub const IDLE: Duration = Duration::from_millis(1500);

/// A draft needs this many words to be worth preparing.
const MIN_WORDS: usize = 5;

/// A preparation under way (or done): the draft it is for, and its request.
struct Job {
    question_id: String,
    text: String,
    ticket: Ticket,
}

pub struct Preparer {
    service: GradingService,
    enabled: bool,
    /// The last draft seen and since when it has not changed.
    seen: Option<(String, Instant)>,
    job: Option<Job>,
    /// Preparations started (for tests and the transcript's curious reader).
    pub started: usize,
}

impl Preparer {
    /// Prepares only for the LLM grader (the offline grader is instant) unless `VIVA_PREPARE=0`.
    pub fn new(service: GradingService) -> Preparer {
        let enabled = service.info().kind == "llm" && std::env::var("VIVA_PREPARE").map_or(true, |v| v != "0");
        Preparer { service, enabled, seen: None, job: None, started: 0 }
    }

    /// Forgets everything, cancelling a preparation still running: a new question is being
    /// asked, or the session ends.
    pub fn reset(&mut self) {
        self.seen = None;
        self.job = None;
    }

    /// Looks at the draft of the answer to `question`; starts a preparation when it has stood
    /// still long enough and differs from what was last prepared (the stale one is cancelled).
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
        if now.duration_since(since) < IDLE || self.job.as_ref().is_some_and(|j| j.text == draft) {
            return;
        }
        // Dropping the stale job's ticket cancels its request: no more tokens are spent on it.
        let ticket = self.service.submit(Work::Prepare { question: question.clone(), answer: draft.clone() });
        self.started += 1;
        self.job = Some(Job { question_id: question.id.clone(), text: draft, ticket });
    }

    /// The preparation for exactly `answer` to `question_id`, done or still running: its ticket
    /// ends with the grade and the first follow-up's wording. Any other preparation is cancelled.
    pub fn take(&mut self, question_id: &str, answer: &str) -> Option<Ticket> {
        let job = self.job.take()?;
        (job.question_id == question_id && job.text == answer.trim()).then_some(job.ticket)
    }
}
