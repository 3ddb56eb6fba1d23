//! The driver's side of grading: every grade, follow-up wording, edit and re-check is a request
//! to the grading service ([`crate::grader::service`]); the driver never calls the grader and
//! never blocks on the network while the candidate could be doing something.
//!
//! - **In the background**: an answer the interview does not need a grade for goes to the
//!   service and the next question is asked at once; its grade is saved when it lands.
//! - **Thinking**: when the follow-up rule needs a grade (or practice shows feedback), the
//!   driver waits for it *inside* its input loop — ticks, the countdown, the hard stop and Ctrl-C
//!   stay live, the prompt reads `thinking… Ns`, and `/skip` or Ctrl-C moves on (the follow-up is
//!   skipped, the grade goes on in the background). When a follow-up is due, its wording is
//!   awaited the same way before it is asked, so its clock starts when it is shown.
//! - **The end**: a quit cancels every request at once (the answers stay saved, pending, for
//!   `viva resume`); otherwise the driver waits for the grades still coming, and a Ctrl-C leaves
//!   them pending.
//!
//! Invariant: an answer is on disk (with a `pending` grade) before its request is submitted, and
//! each grade is saved the moment it lands.

use std::time::{Duration, Instant};

use super::{Session, Spot, TICK};
use crate::bank::Question;
use crate::error::Result;
use crate::grader::service::{Done, Status, Ticket, Work};
use crate::grader::{Grade, GradeStatus};
use crate::session::{Effect, Event};
use crate::ui::Tone;

/// How long a wait may last before the candidate is shown that it is thinking.
const QUIET: Duration = Duration::from_millis(250);

/// How often a long wait says it is still thinking, in seconds.
const STILL: u64 = 5;

/// Why a grade stays pending when its request was cancelled.
pub(super) const CANCELLED: &str =
    "the session ended before this answer's grade came; `viva resume` or `viva regrade --pending` grades it";

/// What `/skip` or Ctrl-C while thinking did.
pub(super) const MOVED_ON: &str = "moving on: no follow-up on this answer; its grade is saved when it comes";

/// A grade on its way that nobody waits for.
pub(super) struct Background {
    spot: Spot,
    ticket: Ticket,
}

/// What the session is waiting for.
pub(super) enum Thinking {
    /// The grade of the answer at `spot` (to `question`, plan index `index`). With `rule`, the
    /// follow-up rule waits for it; without, only practice feedback does.
    Grade { spot: Spot, index: usize, ticket: Ticket, rule: bool },
    /// The wording of follow-up `number` on plan question `index`, once its grade said it is due.
    Wording { ticket: Ticket, missed: usize },
}

/// A wait in progress.
pub(super) struct Wait {
    pub since: Instant,
    pub what: Thinking,
    /// The seconds shown in the prompt.
    pub shown: u64,
}

impl Session<'_> {
    /// The answer at `spot` goes to the service; its grade is saved when it lands.
    pub(super) fn grade_in_background(&mut self, spot: Spot, question: &Question) {
        let Some(answer) = self.item(spot).map(|i| i.answer.clone()) else { return };
        let ticket = self.service.submit(Work::Grade { question: question.clone(), answer });
        self.background.push(Background { spot, ticket });
    }

    /// Answers and follow-ups left pending by an earlier run (a resumed session) are graded in
    /// the background while the interview goes on.
    pub(super) fn grade_leftovers(&mut self) {
        let mut jobs = Vec::new();
        for (i, item) in self.transcript.items.iter().enumerate() {
            let Some(q) = self.questions.iter().find(|q| q.id == item.question_id) else { continue };
            if item.grade.status != GradeStatus::Graded && !(item.skipped && item.answer.is_empty()) {
                jobs.push((Spot { item: i, followup: None }, q.clone()));
            }
            for (k, f) in item.followups.iter().enumerate() {
                if f.grade.status != GradeStatus::Graded
                    && let Some(fq) = crate::grader::followup::rebuild(q, item, k)
                {
                    jobs.push((Spot { item: i, followup: Some(k) }, fq));
                }
            }
        }
        for (spot, q) in jobs {
            self.grade_in_background(spot, &q);
        }
    }

    /// Starts waiting for the grade of the answer at `spot`: the preparation made for exactly
    /// this answer if there is one, else a new request.
    pub(super) fn think(&mut self, spot: Spot, index: usize, question: &Question, rule: bool) {
        let answer = self.item(spot).map(|i| i.answer.clone()).unwrap_or_default();
        let prepared = spot.followup.is_none().then(|| self.preparer.take(&question.id, &answer)).flatten();
        let work = if self.practice {
            Work::GradeLive { question: question.clone(), answer }
        } else {
            Work::Grade { question: question.clone(), answer }
        };
        let mut ticket = prepared.unwrap_or_else(|| self.service.submit(work));
        // A grade that is ready at once (the offline grader, a finished preparation) is taken
        // without showing a wait.
        ticket.poll_for(QUIET);
        self.waiting =
            Some(Wait { since: Instant::now(), what: Thinking::Grade { spot, index, ticket, rule }, shown: 0 });
    }

    /// The prompt while waiting: how long it has been, and how to move on.
    pub(super) fn thinking_prompt(&self) -> Option<String> {
        let wait = self.waiting.as_ref()?;
        // Fixed width, so the prompt can be redrawn as the seconds go by.
        Some(format!("thinking… {:>3}s · /skip moves on › ", wait.since.elapsed().as_secs()))
    }

    /// Keeps the prompt's seconds current (shown at its next redraw) and, every few seconds of a
    /// long wait, says so on a line of its own.
    pub(super) fn tick_thinking(&mut self) {
        let Some(wait) = &mut self.waiting else { return };
        let secs = wait.since.elapsed().as_secs();
        if secs == wait.shown {
            return;
        }
        wait.shown = secs;
        if let Some(prompt) = self.thinking_prompt() {
            self.source.update_prompt(&prompt);
        }
        if secs > 0 && secs % STILL == 0 {
            let line = format!("  thinking… {secs}s (/skip or Ctrl-C moves on)");
            self.source.print(&self.printer.paint(Tone::Dim, &line));
        }
    }

    /// Advances the wait; when it ends, returns the effects that follow (the engine's reply to
    /// the grade, or nothing for practice feedback).
    pub(super) fn pump_thinking(&mut self, now: Duration) -> Result<Option<Vec<Effect>>> {
        let Some(wait) = &mut self.waiting else { return Ok(None) };
        match &mut wait.what {
            Thinking::Grade { ticket, .. } => {
                let pieces = ticket.feedback();
                let status = ticket.poll();
                for text in pieces {
                    self.source.print(&self.printer.paint(Tone::Dim, &format!("  … {text}")));
                }
                let done = match status {
                    Status::Running => return Ok(None),
                    Status::Done(done) => done,
                    Status::Gone => Done::Grade(Grade::pending(self.service.info(), CANCELLED)),
                };
                let Some(Wait { what: Thinking::Grade { spot, index, rule, .. }, .. }) = self.waiting.take() else {
                    return Ok(None);
                };
                self.graded(spot, index, rule, done, now)
            }
            Thinking::Wording { ticket, missed } => {
                let missed = *missed;
                match ticket.poll() {
                    Status::Running => Ok(None),
                    Status::Done(Done::FollowUp(q)) => {
                        self.waiting = None;
                        self.followup_ready = q;
                        Ok(Some(self.engine.handle(Event::Graded { now, missed })))
                    }
                    _ => {
                        self.waiting = None;
                        Ok(Some(self.engine.handle(Event::Graded { now, missed })))
                    }
                }
            }
        }
    }

    /// The grade the session waited for has landed: save it, show it (practice), and either
    /// answer the follow-up rule or start waiting for the follow-up's wording.
    fn graded(
        &mut self,
        spot: Spot,
        index: usize,
        rule: bool,
        done: Done,
        now: Duration,
    ) -> Result<Option<Vec<Effect>>> {
        let (grade, prepared) = match done {
            Done::Prepared(g, f) => (g, f),
            Done::Grade(g) => (g, None),
            _ => (Grade::pending(self.service.info(), CANCELLED), None),
        };
        let grade = self.land(spot, grade)?;
        if self.practice {
            self.show_feedback(&grade);
        }
        let answer = self.item(spot).map(|i| i.answer.clone()).unwrap_or_default();
        let missed = grade.missed();
        self.last_missed = (missed.clone(), answer.clone());
        if !rule {
            return Ok(Some(Vec::new()));
        }
        let count = if grade.status == GradeStatus::Graded { missed.len() } else { 0 };
        let Some(number) = self.engine.followup_due(now, count) else {
            return Ok(Some(self.engine.handle(Event::Graded { now, missed: count })));
        };
        if let (1, Some(f)) = (number, prepared) {
            self.followup_ready = Some(f);
            return Ok(Some(self.engine.handle(Event::Graded { now, missed: count })));
        }
        let parent = self.questions[index].clone();
        let mut ticket = self.service.submit(Work::FollowUp { parent, answer, missed, number });
        ticket.poll_for(QUIET);
        self.waiting =
            Some(Wait { since: Instant::now(), what: Thinking::Wording { ticket, missed: count }, shown: 0 });
        self.pump_thinking(now)
    }

    /// `/skip` or Ctrl-C while waiting: the follow-up is skipped and the interview moves on; a
    /// grade still coming is saved when it lands, a follow-up's wording is cancelled.
    pub(super) fn stop_thinking(&mut self, now: Duration) -> Vec<Effect> {
        let Some(wait) = self.waiting.take() else { return Vec::new() };
        let (rule, missed) = match wait.what {
            Thinking::Grade { spot, ticket, rule, .. } => {
                self.background.push(Background { spot, ticket });
                (rule, 0)
            }
            Thinking::Wording { .. } => (true, 0),
        };
        if rule { self.engine.handle(Event::Graded { now, missed }) } else { Vec::new() }
    }

    /// The session is ending: a grade it waited for goes on in the background (and is then
    /// cancelled or awaited by [`Session::settle`]), a follow-up's wording is cancelled.
    pub(super) fn abandon_thinking(&mut self) {
        if let Some(Wait { what: Thinking::Grade { spot, ticket, .. }, .. }) = self.waiting.take() {
            self.background.push(Background { spot, ticket });
        }
    }

    /// Saves `grade` at `spot`, with the hints taken on it (each lowers the best score by 1.5).
    pub(super) fn land(&mut self, spot: Spot, mut grade: Grade) -> Result<Grade> {
        let hints = self.item(spot).map_or(0, |i| i.hints);
        if hints > 0 {
            let best = 10.0 - 1.5 * hints as f64;
            grade.score = grade.score.map(|s| s.min(best));
            grade.flags.push(format!("hints:{hints}"));
        }
        let slot = match (self.transcript.items.get_mut(spot.item), spot.followup) {
            (Some(item), Some(f)) => item.followups.get_mut(f),
            (Some(item), None) => Some(item),
            (None, _) => None,
        };
        if let Some(item) = slot {
            item.grade = grade.clone();
        }
        self.save()?;
        Ok(grade)
    }

    /// Saves every background grade that has arrived.
    pub(super) fn apply_grades(&mut self) -> Result<()> {
        let mut landed = Vec::new();
        self.background.retain_mut(|b| match b.ticket.poll() {
            Status::Running => true,
            Status::Done(done) => {
                if let Some(g) = done.grade() {
                    landed.push((b.spot, g.clone()));
                }
                false
            }
            Status::Gone => false,
        });
        for (spot, grade) in landed {
            self.land(spot, grade)?;
        }
        Ok(())
    }

    /// A request the candidate waits for outside the input loop (practice's `/retry`,
    /// `/improve`, `/appeal`): Ctrl-C cancels it.
    pub(super) fn wait_for(&mut self, work: Work) -> Option<Done> {
        let mut ticket = self.service.submit(work);
        let since = Instant::now();
        let mut told = false;
        loop {
            match ticket.poll_for(TICK) {
                Status::Done(done) => return Some(done),
                Status::Gone => return None,
                Status::Running => {}
            }
            if super::input::take_sigint() {
                ticket.cancel();
                self.source.print(&self.printer.paint(Tone::Dim, "(cancelled)"));
                return None;
            }
            if !told && since.elapsed() > Duration::from_secs(1) {
                told = true;
                self.source.print(&self.printer.paint(Tone::Dim, "thinking… (Ctrl-C cancels)"));
            }
        }
    }

    /// The end of the session: with `cancel` (a quit), every request still running is cancelled
    /// at once and its answer stays pending with the reason; otherwise the grades still coming
    /// are awaited, and a Ctrl-C leaves them pending.
    pub(super) fn settle(&mut self, cancel: bool) -> Result<()> {
        self.preparer.reset();
        if let Some(Wait { what: Thinking::Grade { spot, ticket, .. }, .. }) = self.waiting.take() {
            self.background.push(Background { spot, ticket });
        }
        // An answer recorded as the session ended, before its grade was asked for.
        if let Some((spot, q)) = self.awaiting.take() {
            if cancel {
                self.leave_pending(spot)?;
            } else {
                self.grade_in_background(spot, &q);
            }
        }
        let mut told = false;
        let since = Instant::now();
        while !cancel && !self.background.is_empty() {
            self.apply_grades()?;
            if self.background.is_empty() {
                break;
            }
            if super::input::take_sigint() {
                break;
            }
            if !told && since.elapsed() > QUIET {
                told = true;
                let n = crate::ui::plural(self.background.len(), "answer");
                let line = format!("grading {n}… (Ctrl-C leaves them pending for `viva resume`)");
                self.printer.err(self.printer.paint_err(Tone::Dim, &line));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        for mut b in std::mem::take(&mut self.background) {
            b.ticket.cancel();
            self.leave_pending(b.spot)?;
        }
        Ok(())
    }

    /// The answer at `spot` keeps a pending grade saying its request was cancelled.
    fn leave_pending(&mut self, spot: Spot) -> Result<()> {
        let info = self.service.info();
        let slot = match (self.transcript.items.get_mut(spot.item), spot.followup) {
            (Some(item), Some(f)) => item.followups.get_mut(f),
            (Some(item), None) => Some(item),
            (None, _) => None,
        };
        if let Some(item) = slot.filter(|i| i.grade.status == GradeStatus::Pending) {
            item.grade = Grade::pending(info, CANCELLED);
        }
        self.save()?;
        Ok(())
    }
}
