//! The transitions of the interview state machine.
//!
//! State: the index of the current question, its start and deadline, the interview deadline,
//! warnings already given, whether a hard stop is awaiting the typed text, and pause time.
//! Deadlines are absolute `now` values; a pause moves them forward by its length on resume.

use std::time::Duration;

use super::{Command, Effect, Event, FinishReason, Outcome, Plan};

/// Thresholds (time left) at which the candidate is warned.
const WARN_AT: [Duration; 2] = [Duration::from_secs(60), Duration::from_secs(15)];

/// The interview state machine. See the module docs of [`crate::session`].
#[derive(Debug, Clone)]
pub struct Engine {
    plan: Plan,
    state: State,
    /// The main question being asked at the last event, and the time spent on it then.
    last_spent: Option<(usize, Duration)>,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    NotStarted,
    Asking(Current),
    /// An answer was recorded; the follow-up rule waits for its grade.
    AwaitingGrade {
        index: usize,
        asked: usize,
        total_deadline: Option<Duration>,
    },
    Finished,
}

#[derive(Debug, Clone, PartialEq)]
struct Current {
    index: usize,
    /// `Some(n)` while follow-up `n` is being answered.
    followup: Option<usize>,
    started: Duration,
    deadline: Option<Duration>,
    total_deadline: Option<Duration>,
    /// Warnings given for this question (indices into `WARN_AT`).
    warned: [bool; 2],
    warned_total: bool,
    /// A hard stop was sent; waiting for `TimedOut`.
    stopping: bool,
    /// The interview's time is up: finish after this question is recorded.
    total_up: bool,
    /// Told the candidate their time is up (no hard stop).
    late_notice: bool,
    paused_since: Option<Duration>,
    paused_total: Duration,
}

impl Current {
    /// A question (or follow-up) shown at `now`, with fresh warnings and no pause.
    fn new(
        index: usize,
        followup: Option<usize>,
        now: Duration,
        deadline: Option<Duration>,
        total_deadline: Option<Duration>,
    ) -> Current {
        Current {
            index,
            followup,
            started: now,
            deadline,
            total_deadline,
            warned: [false; 2],
            warned_total: false,
            stopping: false,
            total_up: false,
            late_notice: false,
            paused_since: None,
            paused_total: Duration::ZERO,
        }
    }
}

impl Engine {
    pub fn new(plan: Plan) -> Engine {
        Engine { plan, state: State::NotStarted, last_spent: None }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Whether the session is over.
    pub fn finished(&self) -> bool {
        self.state == State::Finished
    }

    /// The index of the question being asked.
    pub fn current(&self) -> Option<usize> {
        match &self.state {
            State::Asking(c) => Some(c.index),
            _ => None,
        }
    }

    /// The main question asked when the session ended and the time spent on it (pauses
    /// excluded): what a resumed session must not give back.
    pub fn stopped_on(&self) -> Option<(usize, Duration)> {
        if self.finished() { self.last_spent } else { None }
    }

    /// The question being asked (a main question, not a follow-up) and the time spent on it so
    /// far, pauses excluded.
    pub fn spent_on_current(&self, now: Duration) -> Option<(usize, Duration)> {
        match &self.state {
            State::Asking(c) if c.followup.is_none() => {
                let now = c.paused_since.unwrap_or(now);
                Some((c.index, now.saturating_sub(c.started).saturating_sub(c.paused_total)))
            }
            _ => None,
        }
    }

    /// Whether the clock is stopped.
    pub fn is_paused(&self) -> bool {
        matches!(&self.state, State::Asking(c) if c.paused_since.is_some())
    }

    /// Time left on the current question and in the interview (`None` when untimed).
    pub fn time_left(&self, now: Duration) -> (Option<Duration>, Option<Duration>) {
        match &self.state {
            State::Asking(c) => {
                let now = c.paused_since.unwrap_or(now);
                (c.deadline.map(|d| d.saturating_sub(now)), c.total_deadline.map(|d| d.saturating_sub(now)))
            }
            _ => (None, None),
        }
    }

    /// Handles one event and returns what the driver must do, in order.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        if let Some(now) = event.now() {
            self.last_spent = self.spent_on_current(now).or(self.last_spent);
        }
        match (&mut self.state, event) {
            (State::Finished, _) => Vec::new(),
            (State::NotStarted, Event::Start { now }) => {
                let total_deadline = self.plan.total.map(|t| now + t.saturating_sub(self.plan.already_used));
                self.ask(self.plan.start_at, now, total_deadline)
            }
            (State::NotStarted, Event::InputClosed { .. }) => self.finish(FinishReason::InputClosed),
            (State::NotStarted, _) => Vec::new(),
            (State::Asking(_), Event::Start { .. }) => Vec::new(),
            (State::Asking(c), Event::Tick { now }) => tick(c, &self.plan, now),
            (State::Asking(c), Event::Answer { now, text }) => {
                if c.paused_since.is_some() {
                    return vec![Effect::Notice("paused: /resume to continue".into())];
                }
                if text.trim().is_empty() {
                    return vec![Effect::Notice("empty answer: type an answer, or /skip".into())];
                }
                let late = c.deadline.is_some_and(|d| now > d) || c.stopping;
                self.record(now, text, late, false)
            }
            (State::Asking(c), Event::TimedOut { now, text }) => {
                if !c.stopping && text.trim().is_empty() {
                    return Vec::new();
                }
                self.record(now, text, true, false)
            }
            (State::Asking(_), Event::Command { now, command }) => self.command(now, command),
            (State::Asking(_), Event::InputClosed { .. }) => self.finish(FinishReason::InputClosed),
            (State::Asking(c), Event::QuitWith { now, draft }) => {
                let late = c.deadline.is_some_and(|d| now > d) || c.stopping;
                let mut effects = Vec::new();
                if !draft.trim().is_empty() {
                    effects.extend(
                        self.record(now, draft, late, false).into_iter().filter(|e| matches!(e, Effect::Record(_))),
                    );
                }
                effects.extend(self.finish(FinishReason::Quit));
                effects
            }
            (State::Asking(_), Event::Graded { .. }) => Vec::new(),
            (State::AwaitingGrade { .. }, Event::Graded { now, missed }) => self.after_grade(now, missed),
            (State::AwaitingGrade { .. }, Event::InputClosed { .. }) => self.finish(FinishReason::InputClosed),
            // The interview's time runs out while the grade is awaited: nothing more is asked.
            (State::AwaitingGrade { total_deadline: Some(d), .. }, Event::Tick { now }) if now >= *d => {
                self.finish(FinishReason::TotalTimeUp)
            }
            (State::AwaitingGrade { .. }, Event::Command { command: Command::Quit, .. } | Event::QuitWith { .. }) => {
                self.finish(FinishReason::Quit)
            }
            (State::AwaitingGrade { .. }, _) => Vec::new(),
        }
    }

    fn command(&mut self, now: Duration, command: Command) -> Vec<Effect> {
        let State::Asking(c) = &mut self.state else {
            return Vec::new();
        };
        match command {
            Command::Help => vec![Effect::ShowHelp],
            Command::Skip => {
                if c.paused_since.is_some() {
                    return vec![Effect::Notice("paused: /resume to continue".into())];
                }
                self.record(now, String::new(), false, true)
            }
            Command::Repeat => vec![Effect::Ask {
                index: c.index,
                of: self.plan.questions.len(),
                budget: self.plan.questions[c.index].budget,
            }],
            Command::Time => {
                let (question, total) = self.time_left(now);
                vec![Effect::ShowTime { question, total }]
            }
            Command::Pause => {
                if c.paused_since.is_some() {
                    return vec![Effect::Notice("already paused: /resume to continue".into())];
                }
                c.paused_since = Some(now);
                vec![Effect::Paused]
            }
            Command::Resume => {
                let Some(since) = c.paused_since.take() else {
                    return vec![Effect::Notice("not paused".into())];
                };
                let paused = now.saturating_sub(since);
                c.paused_total += paused;
                c.deadline = c.deadline.map(|d| d + paused);
                c.total_deadline = c.total_deadline.map(|d| d + paused);
                vec![Effect::Resumed]
            }
            Command::Quit => self.finish(FinishReason::Quit),
        }
    }

    /// Asks question `index`, or finishes when there is none.
    fn ask(&mut self, index: usize, now: Duration, total_deadline: Option<Duration>) -> Vec<Effect> {
        let Some(q) = self.plan.questions.get(index) else {
            return self.finish(FinishReason::Completed);
        };
        let deadline = q.budget.map(|b| now + b);
        self.state = State::Asking(Current::new(index, None, now, deadline, total_deadline));
        vec![Effect::Ask { index, of: self.plan.questions.len(), budget: q.budget }]
    }

    /// Asks follow-up `number` on question `index`, with its own budget.
    fn ask_followup(
        &mut self,
        index: usize,
        number: usize,
        now: Duration,
        total_deadline: Option<Duration>,
    ) -> Vec<Effect> {
        let budget = self.plan.followup_budget;
        self.state = State::Asking(Current::new(index, Some(number), now, budget.map(|b| now + b), total_deadline));
        vec![Effect::AskFollowUp { index, number, budget }]
    }

    /// The follow-up rule, once the last answer's grade is known: ask another when key points
    /// were missed, the cap is not reached, and the interview has time for one; else move on.
    fn after_grade(&mut self, now: Duration, missed: usize) -> Vec<Effect> {
        let State::AwaitingGrade { index, total_deadline, .. } = self.state.clone() else { return Vec::new() };
        match self.followup_due(now, missed) {
            Some(number) => self.ask_followup(index, number, now, total_deadline),
            None => self.ask(index + 1, now, total_deadline),
        }
    }

    /// While the follow-up rule waits for a grade: the number of the follow-up that
    /// [`Event::Graded`] with `missed` points at `now` would ask, if any (so the driver can have
    /// its wording ready first).
    pub fn followup_due(&self, now: Duration, missed: usize) -> Option<usize> {
        let State::AwaitingGrade { asked, total_deadline, .. } = &self.state else { return None };
        let cap = self.plan.followups.min(super::MAX_FOLLOWUPS);
        let needed = self.plan.followup_budget.unwrap_or(Duration::from_secs(60));
        let time_left = total_deadline.is_none_or(|d| d.saturating_sub(now) >= needed);
        (missed > 0 && *asked < cap && time_left).then_some(asked + 1)
    }

    /// Whether the follow-up rule is waiting for a grade ([`Effect::NeedGrade`] was sent).
    pub fn awaiting_grade(&self) -> bool {
        matches!(self.state, State::AwaitingGrade { .. })
    }

    /// Records the current question and moves on.
    fn record(&mut self, now: Duration, answer: String, timed_out: bool, skipped: bool) -> Vec<Effect> {
        let State::Asking(c) = &self.state else {
            return Vec::new();
        };
        let spent = now.saturating_sub(c.started).saturating_sub(c.paused_total);
        let outcome = Outcome {
            followup: c.followup,
            index: c.index,
            answer: answer.trim().to_string(),
            seconds: (spent.as_secs_f64() * 10.0).round() / 10.0,
            timed_out,
            skipped,
            started: c.started,
            ended: now,
        };
        let (index, followup, total_deadline, total_up) = (c.index, c.followup, c.total_deadline, c.total_up);
        let mut effects = vec![Effect::Record(outcome)];
        if total_up || total_deadline.is_some_and(|d| now >= d) {
            effects.extend(self.finish(FinishReason::TotalTimeUp));
        } else if self.plan.followups > 0 && !skipped {
            // The follow-up rule needs this answer's grade.
            self.state = State::AwaitingGrade { index, asked: followup.unwrap_or(0), total_deadline };
            effects.push(Effect::NeedGrade { index });
        } else {
            effects.extend(self.ask(index + 1, now, total_deadline));
        }
        effects
    }

    fn finish(&mut self, reason: FinishReason) -> Vec<Effect> {
        self.state = State::Finished;
        vec![Effect::Finish(reason)]
    }
}

/// The clock moved: warnings, and the hard stop when time is up.
fn tick(c: &mut Current, plan: &Plan, now: Duration) -> Vec<Effect> {
    if c.paused_since.is_some() || c.stopping {
        return Vec::new();
    }
    let mut effects = Vec::new();
    let left = c.deadline.map(|d| d.saturating_sub(now));
    let total_left = c.total_deadline.map(|d| d.saturating_sub(now));
    // This question's own budget (a follow-up has its own, shorter than its question's).
    let budget = c.deadline.map(|d| d.saturating_sub(c.started).saturating_sub(c.paused_total));
    if let (Some(left), Some(budget)) = (left, budget) {
        // Only the most urgent threshold crossed is shown; thresholds at or above the budget never.
        let crossed: Vec<usize> = (0..WARN_AT.len())
            .filter(|&i| !c.warned[i] && WARN_AT[i] < budget && left <= WARN_AT[i] && !left.is_zero())
            .collect();
        if let Some(&last) = crossed.last() {
            for i in crossed {
                c.warned[i] = true;
            }
            effects.push(Effect::Warn { index: c.index, remaining: left.min(WARN_AT[last]) });
        }
    }
    if let Some(total_left) = total_left
        && !c.warned_total
        && total_left <= WARN_AT[0]
        && !total_left.is_zero()
        && left.is_none_or(|l| l > total_left)
        && plan.total.is_some_and(|t| t > WARN_AT[0])
    {
        c.warned_total = true;
        effects.push(Effect::Warn { index: c.index, remaining: total_left });
    }
    let question_up = c.deadline.is_some_and(|d| now >= d);
    let total_up = c.total_deadline.is_some_and(|d| now >= d);
    if total_up {
        c.total_up = true;
    }
    if question_up || total_up {
        if plan.hard_stop || total_up {
            c.stopping = true;
            effects.push(Effect::HardStop { index: c.index });
        } else if !c.late_notice {
            c.late_notice = true;
            effects.push(Effect::Notice(
                "time is up for this question: finish your answer and submit it (it will be marked late)".into(),
            ));
        }
    }
    effects
}
