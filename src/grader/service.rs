//! The grading service: one tokio runtime, owned by one thread, that runs every grading request
//! viva makes. The engine, the REPL and the commands stay synchronous: they hand work over and
//! read results through channels, or wait for one result with [`block_on`].
//!
//! - **One runtime** (current-thread, started on first use): its thread drives the network and
//!   the timers for every request, whoever waits for it.
//! - **Requests** ([`Work`]) are submitted to a [`GradingService`]; each runs as its own task,
//!   at most `concurrency` at a time (a semaphore), and within its **deadline** (counted from
//!   when it starts running): past it, the request ends as if the endpoint had failed — a
//!   `pending` grade with the reason, the offline follow-up, no edit.
//! - **Cancellation**: every request comes back as a [`Ticket`]; [`Ticket::cancel`] (or dropping
//!   a ticket that is not [`Ticket::detach`]ed) aborts the task at once, which drops its HTTP
//!   connection: nothing more is generated or billed for it.
//!
//! A grader's requests are futures ([`super::Grader::grade_task`] and its siblings); the offline
//! grader's are ready at once.

use std::future::Future;
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::Semaphore;

use super::{Covered, Grade, Grader, GraderInfo};
use crate::bank::Question;

/// The runtime's handle; the first call starts the runtime's thread.
pub fn handle() -> &'static Handle {
    static HANDLE: OnceLock<Handle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("viva-grading".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the grading runtime starts");
                let _ = tx.send(runtime.handle().clone());
                // Drives every request until the process ends.
                runtime.block_on(std::future::pending::<()>());
            })
            .expect("the grading thread starts");
        rx.recv().expect("the grading runtime started")
    })
}

/// Runs `future` to its end on the calling thread, the service's runtime driving its network
/// and timers. For synchronous callers only (commands, tests), never from inside a request.
pub fn block_on<F: Future>(future: F) -> F::Output {
    handle().block_on(future)
}

/// A request to the grader.
#[derive(Debug, Clone)]
pub enum Work {
    /// Grade `answer` to `question`.
    Grade { question: Question, answer: String },
    /// Grade, sending pieces of feedback as they arrive ([`Ticket::feedback`]).
    GradeLive { question: Question, answer: String },
    /// Grade a draft, and word the first follow-up when it missed key points.
    Prepare { question: Question, answer: String },
    /// Word follow-up `number` on `parent`, probing `missed`.
    FollowUp { parent: Question, answer: String, missed: Vec<String>, number: usize },
    /// A minimal edit of `answer` covering `missed`.
    Improve { question: Question, answer: String, missed: Vec<String> },
    /// Re-check `point` against `answer` alone (an appeal).
    Recheck { question: Question, answer: String, point: String },
}

/// What a request came to. (Moved once per request: its size does not matter.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Done {
    Grade(Grade),
    Prepared(Grade, Option<Question>),
    FollowUp(Option<Question>),
    Improve(Option<String>),
    Recheck(Option<Covered>),
}

impl Done {
    /// The grade, for the requests that make one.
    pub fn grade(&self) -> Option<&Grade> {
        match self {
            Done::Grade(g) | Done::Prepared(g, _) => Some(g),
            _ => None,
        }
    }
}

#[allow(clippy::large_enum_variant)]
enum Message {
    Feedback(String),
    Done(Done),
}

/// Where a request stands, seen from its ticket.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Status {
    Running,
    Done(Done),
    /// Cancelled, or the service went away: no result will come.
    Gone,
}

/// A submitted request: poll it, wait for it, or cancel it.
pub struct Ticket {
    rx: mpsc::Receiver<Message>,
    abort: tokio::task::AbortHandle,
    feedback: Vec<String>,
    done: Option<Done>,
    gone: bool,
    detached: bool,
    pub submitted: Instant,
}

impl Ticket {
    fn drain(&mut self, wait: Option<Duration>) {
        let mut first = wait;
        while self.done.is_none() && !self.gone {
            let got = match first.take() {
                Some(limit) => self.rx.recv_timeout(limit).map_err(|e| e == mpsc::RecvTimeoutError::Disconnected),
                None => self.rx.try_recv().map_err(|e| e == mpsc::TryRecvError::Disconnected),
            };
            match got {
                Ok(Message::Feedback(f)) => self.feedback.push(f),
                Ok(Message::Done(d)) => self.done = Some(d),
                Err(disconnected) => {
                    self.gone = disconnected;
                    return;
                }
            }
        }
    }

    /// Where the request stands now, without waiting.
    pub fn poll(&mut self) -> Status {
        self.drain(None);
        self.status()
    }

    /// Waits up to `limit` for the result.
    pub fn poll_for(&mut self, limit: Duration) -> Status {
        let until = Instant::now() + limit;
        while self.done.is_none() && !self.gone {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            self.drain(Some(left));
        }
        self.status()
    }

    fn status(&mut self) -> Status {
        match (&self.done, self.gone) {
            (Some(d), _) => Status::Done(d.clone()),
            (None, true) => Status::Gone,
            (None, false) => Status::Running,
        }
    }

    /// Waits for the result; `None` when the request was cancelled.
    pub fn wait(mut self) -> Option<Done> {
        while self.done.is_none() && !self.gone {
            self.drain(Some(Duration::from_secs(3600)));
        }
        self.done.take()
    }

    /// Feedback that arrived since the last call (for [`Work::GradeLive`]).
    pub fn feedback(&mut self) -> Vec<String> {
        self.drain(None);
        std::mem::take(&mut self.feedback)
    }

    /// Aborts the request now: its connection is dropped, no result will come.
    pub fn cancel(&mut self) {
        self.abort.abort();
        self.gone = self.done.is_none();
    }

    /// Keeps the request running when the ticket is dropped.
    pub fn detach(mut self) {
        self.detached = true;
    }

    /// How long since it was submitted.
    pub fn elapsed(&self) -> Duration {
        self.submitted.elapsed()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.detached {
            self.abort.abort();
        }
    }
}

/// A grader behind the runtime, with bounded concurrency and a deadline per request.
#[derive(Clone)]
pub struct GradingService {
    grader: Arc<dyn Grader>,
    limit: Arc<Semaphore>,
    deadline: Duration,
}

impl GradingService {
    /// `concurrency` requests at a time, each within the grader's own deadline.
    pub fn new(grader: Arc<dyn Grader>, concurrency: usize) -> GradingService {
        let deadline = grader.deadline();
        GradingService { grader, limit: Arc::new(Semaphore::new(concurrency.clamp(1, 64))), deadline }
    }

    pub fn info(&self) -> GraderInfo {
        self.grader.info()
    }

    pub fn grader(&self) -> &Arc<dyn Grader> {
        &self.grader
    }

    /// Submits `work`; the ticket carries its result.
    pub fn submit(&self, work: Work) -> Ticket {
        let (tx, rx) = mpsc::channel();
        let abort = self.spawn(work, move |m| {
            let _ = tx.send(m);
        });
        Ticket { rx, abort, feedback: Vec::new(), done: None, gone: false, detached: false, submitted: Instant::now() }
    }

    /// Runs `work` as a task, once a permit is free; `send` receives what it produces.
    fn spawn(&self, work: Work, send: impl Fn(Message) + Send + Sync + 'static) -> tokio::task::AbortHandle {
        let (grader, limit, deadline) = (self.grader.clone(), self.limit.clone(), self.deadline);
        let task = handle().spawn(async move {
            let Ok(_permit) = limit.acquire_owned().await else { return };
            let done = run(&*grader, work, deadline, &send).await;
            send(Message::Done(done));
        });
        task.abort_handle()
    }
}

/// Runs one request within `deadline`.
async fn run(grader: &dyn Grader, work: Work, deadline: Duration, send: &(dyn Fn(Message) + Send + Sync)) -> Done {
    let late =
        |what: &str| format!("no {what} within the {}s deadline; grade later with `viva resume`", deadline.as_secs());
    let info = grader.info();
    match work {
        Work::Grade { question, answer } => {
            let graded = tokio::time::timeout(deadline, grader.grade_task(&question, &answer, None)).await;
            Done::Grade(graded.unwrap_or_else(|_| Grade::pending(info, late("grade"))))
        }
        Work::GradeLive { question, answer } => {
            let mut feedback = |text: &str| send(Message::Feedback(text.to_string()));
            let graded =
                tokio::time::timeout(deadline, grader.grade_task(&question, &answer, Some(&mut feedback))).await;
            Done::Grade(graded.unwrap_or_else(|_| Grade::pending(info, late("grade"))))
        }
        Work::Prepare { question, answer } => {
            let prepared = tokio::time::timeout(deadline, async {
                let grade = grader.grade_task(&question, &answer, None).await;
                let missed = grade.missed();
                let followup = if missed.is_empty() || grade.status != super::GradeStatus::Graded {
                    None
                } else {
                    grader.followup_task(&question, &answer, &missed, 1).await
                };
                (grade, followup)
            })
            .await;
            let (grade, followup) = prepared.unwrap_or_else(|_| (Grade::pending(info, late("grade")), None));
            Done::Prepared(grade, followup)
        }
        Work::FollowUp { parent, answer, missed, number } => {
            let worded = tokio::time::timeout(deadline, grader.followup_task(&parent, &answer, &missed, number)).await;
            Done::FollowUp(worded.unwrap_or_else(|_| super::followup::offline(&parent, &missed, &answer, number)))
        }
        Work::Improve { question, answer, missed } => {
            let edit = tokio::time::timeout(deadline, grader.improve_task(&question, &answer, &missed)).await;
            Done::Improve(edit.ok().flatten())
        }
        Work::Recheck { question, answer, point } => {
            let found = tokio::time::timeout(deadline, grader.recheck_task(&question, &answer, &point)).await;
            Done::Recheck(found.ok().flatten())
        }
    }
}

/// Grades every `(question, answer)` with at most the service's concurrency at a time;
/// `on_batch` receives `(index, grade)` pairs in arrival order, in batches of whatever has
/// arrived (so a caller can save once per batch), and says whether to go on. `Ok(false)` or an
/// error stops the run: the requests still running or waiting are cancelled.
pub fn grade_all<E>(
    service: &GradingService,
    jobs: Vec<(Question, String)>,
    mut on_batch: impl FnMut(Vec<(usize, Grade)>) -> Result<bool, E>,
) -> Result<(), E> {
    let (tx, rx) = mpsc::channel::<(usize, Grade)>();
    let total = jobs.len();
    let aborts: Vec<tokio::task::AbortHandle> = jobs
        .into_iter()
        .enumerate()
        .map(|(i, (question, answer))| {
            let tx = tx.clone();
            service.spawn(Work::Grade { question, answer }, move |m| {
                if let Message::Done(Done::Grade(g)) = m {
                    let _ = tx.send((i, g));
                }
            })
        })
        .collect();
    drop(tx);
    let mut seen = 0;
    while seen < total {
        let Ok(first) = rx.recv() else { break };
        let batch: Vec<(usize, Grade)> = std::iter::once(first).chain(rx.try_iter()).collect();
        seen += batch.len();
        let go_on = on_batch(batch);
        if !matches!(go_on, Ok(true)) {
            aborts.iter().for_each(tokio::task::AbortHandle::abort);
            return go_on.map(|_| ());
        }
    }
    Ok(())
}
