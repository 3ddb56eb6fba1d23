//! The terminal driver of a session: turns input and timer ticks into engine events, and
//! performs the engine's effects — print, save, grade.
//!
//! Invariant: an answer is saved to disk (write-then-rename, fsync) in the same step that
//! records it, before grading starts; grading is a request to the grading service, so the
//! candidate never waits on the network unless the interview needs the grade — and then the
//! clock, the hard stop and Ctrl-C stay live ([`grading`]); each grade is saved as it arrives.

pub mod command;
mod commands;
mod durable;
mod grading;
pub mod input;
mod practice;
pub mod prepare;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::bank::Question;
use crate::error::Result;
use crate::grader::Grade;
use crate::grader::service::GradingService;
use crate::session::{Effect, Engine, Event, FinishReason};
use crate::transcript::{Item, Store, Transcript};
use crate::ui::{self, Printer, Tone};
use command::Parsed;
use input::{Input, Source};

/// How often the clock ticks.
const TICK: Duration = Duration::from_millis(200);

/// A second Ctrl-C ends the session only this soon after the first.
const CTRL_C_WINDOW: Duration = Duration::from_secs(3);

/// Where an answer sits in the transcript: a main item, or one of its follow-ups.
#[derive(Debug, Clone, Copy)]
pub struct Spot {
    item: usize,
    followup: Option<usize>,
}

/// Which answer was given last.
#[derive(Debug, Clone, Copy)]
pub enum Answered {
    /// A main answer or a follow-up's, where it sits.
    At(Spot),
    /// Retry `retry` of main item `item`.
    Retry { item: usize, retry: usize },
}

/// The reason a grade is pending while it is being made.
const GRADING: &str = "grading in progress";

/// Everything a session run needs.
pub struct Session<'a> {
    pub engine: Engine,
    /// The last save failed: the transcript in memory holds answers the disk does not.
    pub save_failed: bool,
    /// Where every grading request goes.
    pub service: GradingService,
    /// Grades on their way that nobody waits for.
    background: Vec<grading::Background>,
    /// What the session is waiting for ("thinking"), if anything.
    waiting: Option<grading::Wait>,
    /// The next follow-up's wording, once it came.
    followup_ready: Option<Question>,
    /// The answer waiting for its grade, and the question it is graded as.
    pub awaiting: Option<(Spot, Question)>,
    /// The follow-up being asked (graded as this question).
    pub followup: Option<Question>,
    /// Missed key points and the answer of the last graded answer, for the next follow-up.
    pub last_missed: (Vec<String>, String),
    /// The answer given last (a main answer, a follow-up's or a retry): what `/rate` and
    /// `/improve` apply to.
    pub last_answered: Option<Answered>,
    /// Practice mode: feedback after every answer.
    pub practice: bool,
    /// The reference answer of the question last answered (`/reference`).
    pub last_reference: Option<String>,
    /// Hints taken on the question being asked.
    pub hints: usize,
    /// Whether the question being asked is a follow-up.
    pub asking_followup: bool,
    /// `/retry`: the next answer is another attempt at this question (main item index).
    pub retry: Option<usize>,
    /// The questions of the plan, in plan order.
    pub questions: Vec<Question>,
    pub transcript: Transcript,
    pub store: &'a Store,
    /// The grade and follow-up prepared while the candidate finishes (LLM grader).
    pub preparer: prepare::Preparer,
    pub printer: &'a Printer,
    pub source: Box<dyn Source>,
}

impl<'a> Session<'a> {
    /// A session on `questions` (the plan), continuing `transcript`.
    pub fn new(
        engine: Engine,
        questions: Vec<Question>,
        transcript: Transcript,
        store: &'a Store,
        service: GradingService,
        printer: &'a Printer,
        source: Box<dyn Source>,
    ) -> Session<'a> {
        Session {
            engine,
            preparer: prepare::Preparer::new(service.clone()),
            service,
            background: Vec::new(),
            waiting: None,
            followup_ready: None,
            save_failed: false,
            awaiting: None,
            followup: None,
            last_missed: Default::default(),
            last_answered: None,
            practice: transcript.mode == "practice",
            last_reference: None,
            hints: 0,
            asking_followup: false,
            retry: None,
            questions,
            transcript,
            store,
            printer,
            source,
        }
    }
}

impl Session<'_> {
    /// Runs the session to its end; returns the finished transcript (saved).
    pub fn run(mut self) -> Result<Transcript> {
        let origin = Instant::now();
        let wall = Utc::now();
        let at = |d: Duration| -> DateTime<Utc> { wall + chrono::Duration::from_std(d).unwrap_or_default() };
        let mut queue: Vec<Effect> = self.engine.handle(Event::Start { now: Duration::ZERO });
        // Answers an earlier run left pending are graded while this one goes on.
        self.grade_leftovers();
        let mut current: Option<usize> = None;
        // When the last Ctrl-C was pressed: a second one soon after ends the session.
        let mut ctrl_c_armed: Option<Instant> = None;
        let mut shown_how = false;
        let mut announced: Option<(usize, u64)> = None;
        let finish = loop {
            // Perform effects in order; some produce events, whose effects run next.
            let mut finished = None;
            // A quit, the interview's time running out or a hangup ends any wait at once.
            let abrupt =
                queue.iter().any(|e| matches!(e, Effect::Finish(FinishReason::Quit | FinishReason::TotalTimeUp)));
            if abrupt || input::hangup::received() {
                self.abandon_thinking();
            }
            // Effects wait while the session waits for a grade (practice feedback comes first).
            while !queue.is_empty() && self.waiting.is_none() {
                let effect = queue.remove(0);
                match effect {
                    Effect::Ask { index, of, budget } => {
                        current = Some(index);
                        self.preparer.reset();
                        self.asking_followup = false;
                        self.ask(index, of, budget);
                        if !shown_how {
                            shown_how = true;
                            let how = if self.source.is_terminal() {
                                "Enter adds a line · an empty line submits · /help lists the commands"
                            } else {
                                "each answer ends at a line holding only `.`"
                            };
                            self.source.print(&self.printer.paint(Tone::Dim, how));
                        }
                    }
                    Effect::Warn { remaining, .. } => {
                        let line = format!("⏱  {} left", ui::duration(remaining.as_secs_f64()));
                        let line = self.printer.paint(Tone::Warn, &line);
                        self.source.print(&line);
                    }
                    Effect::HardStop { .. } => {
                        let text = self.source.interrupt();
                        let note = self.printer.paint(Tone::Warn, "⏱  time is up: your answer so far is submitted");
                        self.source.print(&note);
                        let now = origin.elapsed();
                        queue.extend(self.engine.handle(Event::TimedOut { now, text }));
                    }
                    Effect::Record(outcome) => {
                        let q = match outcome.followup {
                            Some(_) => self.followup.clone().unwrap_or_else(|| self.questions[outcome.index].clone()),
                            None => self.questions[outcome.index].clone(),
                        };
                        let pending = Grade::pending(self.service.info(), GRADING);
                        let mut item = Item::new(&q, outcome.answer.clone(), pending);
                        item.started_at = at(outcome.started);
                        item.answered_at = at(outcome.ended);
                        item.seconds = outcome.seconds;
                        item.timed_out = outcome.timed_out;
                        item.skipped = outcome.skipped;
                        item.hints = std::mem::take(&mut self.hints);
                        item.interrupted = input::hangup::received();
                        let spot = match outcome.followup {
                            None => {
                                self.transcript.items.push(item);
                                Spot { item: self.transcript.items.len() - 1, followup: None }
                            }
                            Some(_) => {
                                let parent = self.transcript.items.len().saturating_sub(1);
                                match self.transcript.items.get_mut(parent) {
                                    Some(p) => {
                                        p.followups.push(item);
                                        Spot { item: parent, followup: Some(p.followups.len() - 1) }
                                    }
                                    None => continue,
                                }
                            }
                        };
                        // On disk before grading starts.
                        self.save()?;
                        if !outcome.skipped {
                            self.last_answered = Some(Answered::At(spot));
                        }
                        self.last_reference = q.answer.clone();
                        if input::hangup::received() {
                            // Ending now: `viva resume` grades it.
                        } else if self.engine.plan().followups > 0 && !outcome.skipped {
                            // The follow-up rule needs the grade (NeedGrade follows).
                            self.awaiting = Some((spot, q));
                        } else if self.practice && !outcome.skipped {
                            // Practice shows the feedback before going on.
                            self.think(spot, outcome.index, &q, false);
                        } else {
                            self.grade_in_background(spot, &q);
                        }
                    }
                    Effect::NeedGrade { index } => match self.awaiting.take() {
                        Some((spot, q)) => self.think(spot, index, &q, true),
                        None => queue.extend(self.engine.handle(Event::Graded { now: origin.elapsed(), missed: 0 })),
                    },
                    Effect::AskFollowUp { index, number, budget } => {
                        current = Some(index);
                        self.asking_followup = true;
                        announced = None;
                        let (missed, answer) = self.last_missed.clone();
                        let parent = &self.questions[index];
                        self.followup = self
                            .followup_ready
                            .take()
                            .or_else(|| crate::grader::followup::offline(parent, &missed, &answer, number));
                        self.ask_followup(number, budget);
                    }
                    Effect::ShowTime { question, total } => {
                        let show = |d: Option<Duration>| {
                            d.map_or("untimed".to_string(), |d| format!("{} left", ui::duration(d.as_secs_f64())))
                        };
                        self.source.print(&format!("⏱  question: {} · interview: {}", show(question), show(total)));
                    }
                    Effect::ShowHelp => {
                        for (name, help) in command::listed(self.practice) {
                            self.source.print(&format!("  /{name:<8} {help}"));
                        }
                        let how = if self.source.is_terminal() {
                            "  Enter adds a line; an empty line (or a line with only `.`) submits."
                        } else {
                            "  Each answer ends at a line holding only `.`."
                        };
                        self.source.print(how);
                    }
                    Effect::Paused => self.source.print("⏸  paused: the clock is stopped. /resume to continue."),
                    Effect::Resumed => self.source.print("▶  resumed."),
                    Effect::Notice(text) => {
                        let line = self.printer.paint(Tone::Dim, &text);
                        self.source.print(&line);
                    }
                    Effect::Finish(reason) => finished = Some(reason),
                }
                self.apply_grades()?;
            }
            if let Some(reason) = finished {
                break reason;
            }
            if self.engine.finished() && self.waiting.is_none() {
                break FinishReason::Completed;
            }
            if self.waiting.is_some() && !self.source.is_terminal() {
                // Nobody types into a pipe: wait for the grade, the clock still ticking.
                std::thread::sleep(Duration::from_millis(20));
                self.apply_grades()?;
                if let Some(effects) = self.pump_thinking(origin.elapsed())? {
                    queue.extend(effects);
                }
                queue.extend(self.engine.handle(Event::Tick { now: origin.elapsed() }));
                continue;
            }
            // Ask the reader for more input when it is idle.
            self.source.request(&self.prompt(current, origin.elapsed()));
            let input = loop {
                let wait = if self.waiting.is_some() { Duration::from_millis(50) } else { TICK };
                if let Some(input) = self.source.poll(wait) {
                    break Some(input);
                }
                self.apply_grades()?;
                if let Some(effects) = self.pump_thinking(origin.elapsed())? {
                    queue.extend(effects);
                    // The read began with the thinking prompt: start it again with the question's.
                    if self.source.is_terminal() {
                        let typed = self.source.interrupt();
                        if !typed.is_empty() {
                            self.source.restore(&typed);
                        }
                    }
                    break None;
                }
                self.tick_thinking();
                if let Some(i) = current
                    .filter(|_| !self.asking_followup && self.waiting.is_none() && self.engine.plan().followups > 0)
                {
                    self.preparer.tick(&self.questions[i], self.source.draft(), Instant::now());
                }
                self.source.update_prompt(&self.prompt(current, origin.elapsed()));
                self.countdown(origin.elapsed(), &mut announced);
                let effects = self.engine.handle(Event::Tick { now: origin.elapsed() });
                if !effects.is_empty() {
                    queue.extend(effects);
                    break None;
                }
                if input::take_sigint() {
                    break Some(Input::Interrupted);
                }
                if input::hangup::received() {
                    break None;
                }
            };
            let now = origin.elapsed();
            // The terminal closed, or viva was asked to stop: the draft is saved as the answer.
            if input::hangup::received() && !matches!(input, Some(Input::Text(_))) {
                self.abandon_thinking();
                let draft = self.source.interrupt();
                queue.extend(self.engine.handle(Event::QuitWith { now, draft }));
                continue;
            }
            match input {
                // A tick produced effects; the reader keeps reading unless they interrupt it.
                None => {}
                Some(Input::Text(text)) if self.waiting.is_some() => {
                    ctrl_c_armed = None;
                    match command::parse(&text) {
                        Some(Parsed::Engine(crate::session::Command::Skip)) => {
                            queue.extend(self.stop_thinking(now));
                            self.source.print(&self.printer.paint(Tone::Dim, grading::MOVED_ON));
                        }
                        Some(_) => queue.extend(self.on_text(now, text)?),
                        None => {
                            // Kept for the next question, never lost.
                            if !text.trim().is_empty() {
                                self.source.restore(&format!("{text}\n"));
                            }
                            let note = "still thinking: what you typed is kept for the next question; /skip moves on";
                            self.source.print(&self.printer.paint(Tone::Dim, note));
                        }
                    }
                }
                Some(Input::Interrupted) if self.waiting.is_some() => {
                    ctrl_c_armed = Some(Instant::now());
                    queue.extend(self.stop_thinking(now));
                    let note = format!(
                        "(Ctrl-C: {}. Ctrl-C again within 3 s ends the session, saving everything.)",
                        grading::MOVED_ON
                    );
                    self.source.print(&self.printer.paint(Tone::Dim, &note));
                }
                Some(Input::Text(text)) => {
                    ctrl_c_armed = None;
                    queue.extend(self.on_text(now, text)?);
                }
                Some(Input::Interrupted) => {
                    if ctrl_c_armed.is_some_and(|at| at.elapsed() <= CTRL_C_WINDOW) {
                        // The lines kept from the draft are the answer so far: saved, not lost.
                        let draft = self.source.interrupt();
                        queue.extend(self.engine.handle(Event::QuitWith { now, draft }));
                    } else {
                        ctrl_c_armed = Some(Instant::now());
                        let kept = self.source.draft_kept();
                        let what =
                            if kept { "the line was cleared; your earlier lines are kept" } else { "line cleared" };
                        self.source.print(&self.printer.paint(
                            Tone::Dim,
                            &format!(
                                "(Ctrl-C: {what}. Ctrl-C again within 3 s ends the session, saving everything typed.)"
                            ),
                        ));
                    }
                }
                Some(Input::Eof) => queue.extend(self.engine.handle(Event::InputClosed { now })),
            }
        };
        // The question left unanswered: its time spent is kept for `viva resume`.
        self.transcript.in_progress = self.engine.stopped_on().map(|(index, spent)| crate::transcript::InProgress {
            question_id: self.questions[index].id.clone(),
            seconds: (spent.as_secs_f64() * 10.0).round() / 10.0,
        });
        self.finish(finish)
    }

    /// The visible countdown: on a terminal, a line each time the question's time left passes a
    /// whole minute (the engine itself warns at 60 s and 15 s).
    fn countdown(&mut self, now: Duration, announced: &mut Option<(usize, u64)>) {
        let (Some(index), (Some(left), total)) = (self.engine.current(), self.engine.time_left(now)) else {
            return;
        };
        if !self.source.is_terminal() || self.engine.is_paused() {
            return;
        }
        let minutes = left.as_secs().div_ceil(60);
        match *announced {
            Some((i, m)) if i == index && minutes < m && minutes >= 2 => {
                let total =
                    total.map_or(String::new(), |t| format!(" · {} in the interview", ui::duration(t.as_secs_f64())));
                let line = self.printer.paint(Tone::Dim, &format!("⏱  {minutes}m 00s left on this question{total}"));
                self.source.print(&line);
            }
            _ => {}
        }
        if announced.is_none_or(|(i, m)| i != index || minutes < m) {
            *announced = Some((index, minutes));
        }
    }

    fn item(&self, spot: Spot) -> Option<&Item> {
        let item = self.transcript.items.get(spot.item)?;
        match spot.followup {
            Some(f) => item.followups.get(f),
            None => Some(item),
        }
    }

    fn ask_followup(&mut self, number: usize, budget: Option<Duration>) {
        let p = self.printer;
        let time = budget.map_or("untimed".to_string(), |b| ui::duration(b.as_secs_f64()));
        let text = self.followup.as_ref().map_or("Can you go deeper on that?".to_string(), |q| q.question.clone());
        self.source.print("");
        self.source.print(&p.paint(Tone::Accent, &format!("Follow-up {number} · {time}")));
        self.source.print(&p.paint(Tone::Bold, &ui::wrap(&text, ui::width(), "")));
    }

    fn ask(&mut self, index: usize, of: usize, budget: Option<Duration>) {
        let q = &self.questions[index];
        let p = self.printer;
        let time = budget.map_or("untimed".to_string(), |b| ui::duration(b.as_secs_f64()));
        let title = crate::bank::topic(&q.topic).map_or(q.topic.as_str(), |t| t.title);
        self.source.print("");
        let header = format!("Question {} of {} · {} · {} · {}", index + 1, of, title, q.difficulty, time);
        self.source.print(&p.paint(Tone::Accent, &ui::wrap(&header, ui::width(), "")));
        self.source.print(&p.paint(Tone::Bold, &ui::wrap(&q.question, ui::width(), "")));
        if let Some(code) = &q.code {
            self.source.print(&format!("\n{code}\n"));
        }
    }

    fn prompt(&self, current: Option<usize>, now: Duration) -> String {
        if let Some(thinking) = self.thinking_prompt() {
            return thinking;
        }
        let (question, _) = self.engine.time_left(now);
        let paused = if self.engine.is_paused() { "paused " } else { "" };
        match (current, question) {
            // Fixed width, so the prompt can be redrawn with the time as it is now.
            (Some(_), Some(left)) => {
                format!("[{paused}{:>6} left] › ", ui::duration(left.as_secs_f64()))
            }
            _ => format!("{paused}› "),
        }
    }

    fn finish(mut self, reason: FinishReason) -> Result<Transcript> {
        // A quit (or SIGHUP/SIGTERM) cancels what is still being graded: it stays pending for
        // `viva resume`; otherwise the grades still coming are awaited (a Ctrl-C leaves them
        // pending).
        let hung_up = input::hangup::received();
        self.settle(reason == FinishReason::Quit || hung_up)?;
        let complete = self.transcript.items.len() >= self.transcript.plan.len();
        let reason_text = match reason {
            FinishReason::Completed => "completed",
            FinishReason::Quit => "quit",
            FinishReason::InputClosed => "input-closed",
            FinishReason::TotalTimeUp => "total-time-up",
        };
        // A session that still has questions to ask stays resumable unless the time is up.
        if complete || reason == FinishReason::TotalTimeUp {
            self.transcript.finished_at = Some(Utc::now());
        }
        let reason_text = if hung_up { "interrupted" } else { reason_text };
        self.transcript.finish_reason = Some(reason_text.to_string());
        self.save_last()?;
        Ok(self.transcript)
    }
}
