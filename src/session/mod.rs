//! The interview as a pure state machine: [`Engine::handle`] takes an [`Event`] and returns
//! [`Effect`]s. No I/O, no sleeping, no reading the clock: time arrives as data (`now`, a
//! monotonic [`Duration`] since an arbitrary origin chosen by the driver), and deadlines live
//! in the state. The REPL (`crate::repl`) is only the driver: it turns keystrokes and timer
//! ticks into events and performs the effects (print, save, grade).
//!
//! Transitions live in `engine.rs`; their tests, with a fake clock, in `tests.rs`.

use std::time::Duration;

/// One question of the plan, as the engine needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedQuestion {
    pub question_id: String,
    /// Time allowed for this question; `None` when untimed.
    pub budget: Option<Duration>,
}

/// What the engine is asked to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub questions: Vec<PlannedQuestion>,
    /// Time allowed for the whole interview; `None` when untimed.
    pub total: Option<Duration>,
    /// When a question's (or the interview's) time is up, submit what was typed and move on.
    pub hard_stop: bool,
    /// Index of the first question to ask (non-zero when resuming).
    pub start_at: usize,
    /// Time already used by earlier answers (when resuming), counted against `total`.
    pub already_used: Duration,
    /// Follow-ups the interviewer may ask after each main answer (at most 3).
    pub followups: usize,
    /// Time for each follow-up; `None` when untimed.
    pub followup_budget: Option<Duration>,
}

/// The most follow-ups ever asked on one question.
pub const MAX_FOLLOWUPS: usize = 3;

/// A command typed inside the session (`/skip`, `/repeat`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Help,
    Skip,
    Repeat,
    Time,
    Pause,
    Resume,
    Quit,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The session starts: ask the first question.
    Start { now: Duration },
    /// The clock moved (sent periodically by the driver, e.g. every 250 ms).
    Tick { now: Duration },
    /// The candidate submitted an answer to the current question.
    Answer { now: Duration, text: String },
    /// Reply to [`Effect::HardStop`]: the text typed so far when time ran out.
    TimedOut { now: Duration, text: String },
    /// A session command.
    Command { now: Duration, command: Command },
    /// Input ended (EOF, closed terminal): save and end.
    InputClosed { now: Duration },
    /// The candidate ended the session (a second Ctrl-C) with `draft` typed but not submitted:
    /// a non-empty draft is recorded as the current question's answer before the session ends.
    QuitWith { now: Duration, draft: String },
    /// Reply to [`Effect::NeedGrade`]: how many key points the answer just recorded missed.
    Graded { now: Duration, missed: usize },
}

impl Event {
    /// When the event happened (every event carries the clock).
    pub fn now(&self) -> Option<Duration> {
        match self {
            Event::Start { now }
            | Event::Tick { now }
            | Event::Answer { now, .. }
            | Event::TimedOut { now, .. }
            | Event::Command { now, .. }
            | Event::InputClosed { now }
            | Event::QuitWith { now, .. }
            | Event::Graded { now, .. } => Some(*now),
        }
    }
}

/// How a question ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Index into `Plan::questions`.
    pub index: usize,
    pub answer: String,
    /// Time spent on the question (pauses excluded).
    pub seconds: f64,
    pub timed_out: bool,
    pub skipped: bool,
    /// `now` when the question was first shown / when it ended.
    pub started: Duration,
    pub ended: Duration,
    /// `Some(n)` for the n-th follow-up (1-based) on question `index`.
    pub followup: Option<usize>,
}

/// Why the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishReason {
    /// Every question was answered or skipped.
    Completed,
    /// The candidate typed `/quit`.
    Quit,
    /// Input ended.
    InputClosed,
    /// The interview's total time ran out.
    TotalTimeUp,
}

/// Something the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Show question `index` (0-based) of `of`, with its time budget.
    Ask {
        index: usize,
        of: usize,
        budget: Option<Duration>,
    },
    /// Ask follow-up `number` (1-based) on question `index`.
    AskFollowUp {
        index: usize,
        number: usize,
        budget: Option<Duration>,
    },
    /// Grade the answer just recorded now and reply with [`Event::Graded`]: the follow-up
    /// rule needs it.
    NeedGrade {
        index: usize,
    },
    /// Time is running low on the current question (`remaining` left).
    Warn {
        index: usize,
        remaining: Duration,
    },
    /// Time is up: interrupt input and reply with [`Event::TimedOut`] carrying the typed text.
    HardStop {
        index: usize,
    },
    /// A question ended: save it (before anything else) and start grading it.
    Record(Outcome),
    /// Show the time left on the question and in the interview.
    ShowTime {
        question: Option<Duration>,
        total: Option<Duration>,
    },
    ShowHelp,
    Paused,
    Resumed,
    /// The event was not valid now (e.g. an answer while paused); tell the user why.
    Notice(String),
    /// The session is over.
    Finish(FinishReason),
}

mod engine;
#[cfg(test)]
mod tests;

pub use engine::Engine;
