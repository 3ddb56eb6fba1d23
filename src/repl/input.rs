//! Where answers come from: a terminal (rustyline, multi-line, history, interruptible for the
//! hard stop) or a pipe (each answer ends at a line holding only `.`; EOF ends the session).
//!
//! Both run a reader thread and hand the driver whole units: an answer, a command line, EOF or
//! Ctrl-C. Every read request carries a generation number; after an interrupt the driver bumps
//! it, so a reply that raced the interrupt is never taken as the next question's answer.
//!
//! Why threads of their own, when every network request runs on the grading service's runtime
//! ([`crate::grader::service`]): rustyline's `readline` and a read from stdin block their thread
//! until a line comes, and have no async form to cancel. On the runtime such a read would hold a
//! worker (or a blocking-pool thread) for as long as the user thinks, out of reach of the
//! service's deadlines and cancellation. So each source owns one reader thread, for the whole
//! session, and the driver polls its channel with a timeout: the ticks, the countdown, the hard
//! stop and finished grades stay live while the user types, and an interrupt never waits for
//! the read.
//!
//! A pipe may carry bytes that are not UTF-8: they are decoded lossily (shown as `�`, with one
//! warning), never taken as the end of input. Output to a terminal that has gone away is
//! dropped, never a panic: the answers still have to be saved. Starting either source installs
//! the SIGHUP/SIGTERM handlers ([`hangup`]).

use std::io::{BufRead, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the reader produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A finished answer or a command line (text trimmed of the submit marker).
    Text(String),
    /// Ctrl-C from the user.
    Interrupted,
    /// End of input (Ctrl-D on an empty line, closed pipe or terminal).
    Eof,
}

/// An input source the driver polls.
pub trait Source {
    /// Starts reading the next answer, showing `prompt` (terminal only); does nothing while a
    /// read is already under way.
    fn request(&mut self, prompt: &str);
    /// Waits up to `timeout` for input; `None` on timeout.
    fn poll(&mut self, timeout: Duration) -> Option<Input>;
    /// Stops the current read and returns what was typed so far (the hard stop).
    fn interrupt(&mut self) -> String;
    /// Gives back text that was submitted but not taken (an answer typed while paused): the
    /// next read starts with it, so it is never lost.
    fn restore(&mut self, text: &str);
    /// Prints a line without disturbing what the user is typing.
    fn print(&mut self, line: &str);
    /// The prompt as it reads now (the countdown); shown at the next redraw of the line.
    fn update_prompt(&mut self, _prompt: &str) {}
    /// Whether this is an interactive terminal.
    fn is_terminal(&self) -> bool;
    /// The answer being typed, not yet submitted (to prepare its grade while the candidate
    /// finishes); `None` when nothing is being typed.
    fn draft(&self) -> Option<String> {
        None
    }
    /// After a Ctrl-C: whether earlier lines of a multi-line draft were kept (only the line
    /// being typed is cleared); the next read starts with them.
    fn draft_kept(&self) -> bool {
        false
    }
}

/// Answers from a pipe: lines accumulate until a line holding only `.`.
pub struct Piped {
    lines: Receiver<Option<Line>>,
    buffer: Vec<String>,
    /// The buffer holds only restored text, so a command line is still a command.
    restored: bool,
    closed: bool,
    /// Whether the user was told that some input was not UTF-8.
    warned: bool,
}

/// A line read from a pipe; `lossy` when bytes that are not UTF-8 were replaced.
struct Line {
    text: String,
    lossy: bool,
}

/// Reads `reader` line by line into `tx` until EOF (or a read error), then sends `None`.
fn read_lines(mut reader: impl BufRead, tx: &Sender<Option<Line>>) {
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let end = bytes.len() - usize::from(bytes.ends_with(b"\n"));
                let end = end - usize::from(bytes[..end].ends_with(b"\r"));
                let text = String::from_utf8_lossy(&bytes[..end]);
                let lossy = matches!(text, std::borrow::Cow::Owned(_));
                if tx.send(Some(Line { text: text.into_owned(), lossy })).is_err() {
                    return;
                }
            }
        }
    }
    let _ = tx.send(None);
}

impl Piped {
    pub fn stdin() -> Piped {
        hangup::install();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || read_lines(std::io::stdin().lock(), &tx));
        Piped { lines: rx, buffer: Vec::new(), restored: false, closed: false, warned: false }
    }

    fn take(&mut self) -> String {
        self.restored = false;
        std::mem::take(&mut self.buffer).join("\n").trim().to_string()
    }
}

impl Source for Piped {
    fn request(&mut self, _prompt: &str) {}

    fn draft(&self) -> Option<String> {
        (!self.buffer.is_empty() && !self.restored).then(|| self.buffer.join("\n"))
    }

    fn poll(&mut self, timeout: Duration) -> Option<Input> {
        if self.closed {
            // Anything typed before EOF is an answer; then the session ends.
            return Some(if self.buffer.is_empty() { Input::Eof } else { Input::Text(self.take()) });
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Some(Line { text: line, lossy })) => {
                    if lossy && !self.warned {
                        self.warned = true;
                        let _ = writeln!(
                            std::io::stderr(),
                            "warning: the input holds bytes that are not UTF-8; they are kept as `\u{fffd}`"
                        );
                    }
                    if line.trim() == "." {
                        return Some(Input::Text(self.take()));
                    }
                    if (self.buffer.is_empty() || self.restored) && super::command::parse(&line).is_some() {
                        return Some(Input::Text(line.trim().to_string()));
                    }
                    // A known command on its own line after some text ends the text there: the
                    // driver runs it (`/time`, `/quit`, …) and it never becomes part of the answer.
                    if !self.restored && super::command::is_known(&line) {
                        self.buffer.push(line.trim().to_string());
                        return Some(Input::Text(self.take()));
                    }
                    self.restored = false;
                    self.buffer.push(line);
                }
                Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                    self.closed = true;
                    return self.poll(Duration::ZERO);
                }
                Err(RecvTimeoutError::Timeout) => return None,
            }
        }
    }

    fn interrupt(&mut self) -> String {
        self.take()
    }

    fn restore(&mut self, text: &str) {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.append(&mut self.buffer);
        self.buffer = lines;
        self.restored = true;
    }

    fn print(&mut self, line: &str) {
        let _ = writeln!(std::io::stdout(), "{line}");
    }

    fn is_terminal(&self) -> bool {
        false
    }
}

/// Answers from a terminal, read by rustyline in its own thread.
pub struct Terminal {
    requests: Sender<(u64, String, String)>,
    /// Text the next read starts with.
    initial: String,
    /// Text the current read started with (what the draft is when nothing was typed since).
    sent: String,
    /// The last Ctrl-C kept earlier lines of the draft.
    kept: bool,
    replies: Receiver<(u64, Input)>,
    generation: u64,
    mirror: Arc<Mutex<String>>,
    prompt: Arc<Mutex<String>>,
    thread: libc::pthread_t,
    printer: Option<Box<dyn rustyline::ExternalPrinter + Send>>,
    reading: bool,
}

mod editor;
pub mod hangup;

/// Whether the user pressed Ctrl-C outside readline (the flag is cleared).
pub fn take_sigint() -> bool {
    editor::SIGINT_SEEN.swap(false, std::sync::atomic::Ordering::SeqCst)
}

impl Terminal {
    /// Starts the reader thread. `history` is where answers are remembered between sessions.
    pub fn start(history: Option<std::path::PathBuf>) -> std::io::Result<Terminal> {
        editor::install_sigint_guard();
        hangup::install();
        let (req_tx, req_rx) = mpsc::channel::<(u64, String, String)>();
        let (rep_tx, rep_rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let mirror = Arc::new(Mutex::new(String::new()));
        let thread_mirror = mirror.clone();
        let prompt = Arc::new(Mutex::new(String::new()));
        let thread_prompt = prompt.clone();
        std::thread::spawn(move || editor::run(req_rx, rep_tx, ready_tx, thread_mirror, thread_prompt, history));
        let (thread, printer) =
            ready_rx.recv().map_err(|_| std::io::Error::other("the terminal reader did not start"))??;
        Ok(Terminal {
            requests: req_tx,
            initial: String::new(),
            sent: String::new(),
            kept: false,
            replies: rep_rx,
            generation: 0,
            mirror,
            prompt,
            thread,
            printer,
            reading: false,
        })
    }
}

impl Source for Terminal {
    fn request(&mut self, prompt: &str) {
        if self.reading {
            return;
        }
        self.generation += 1;
        if let Ok(mut m) = self.mirror.lock() {
            m.clear();
        }
        let initial = std::mem::take(&mut self.initial);
        self.sent.clone_from(&initial);
        self.reading = self.requests.send((self.generation, prompt.to_string(), initial)).is_ok();
    }

    fn poll(&mut self, timeout: Duration) -> Option<Input> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.replies.recv_timeout(left) {
                Ok((generation, input)) if generation == self.generation => {
                    self.reading = false;
                    if input == Input::Interrupted {
                        // rustyline drops the whole buffer on Ctrl-C: keep all but the line
                        // being typed, and start the next read with them.
                        let draft = self.typed();
                        let kept = draft.rsplit_once('\n').map_or("", |(before, _)| before).trim_end();
                        self.kept = !kept.is_empty();
                        self.initial = if self.kept { format!("{kept}\n") } else { String::new() };
                        self.sent = draft;
                    }
                    return Some(input);
                }
                Ok(_) => continue, // a reply that raced an interrupt: already handled
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => return Some(Input::Eof),
            }
        }
    }

    fn interrupt(&mut self) -> String {
        let text = self.typed();
        self.initial.clear();
        self.generation += 1;
        if self.reading {
            editor::interrupt(self.thread);
            self.reading = false;
            // Our own signal may land after readline returned: it is not the user's Ctrl-C.
            std::thread::sleep(Duration::from_millis(20));
            take_sigint();
        }
        text.trim().to_string()
    }

    fn restore(&mut self, text: &str) {
        self.initial = text.to_string();
    }

    fn print(&mut self, line: &str) {
        match (&mut self.printer, self.reading) {
            (Some(p), true) => {
                let _ = p.print(format!("{line}\n"));
            }
            _ => {
                let _ = writeln!(std::io::stdout(), "{line}");
            }
        }
    }

    fn is_terminal(&self) -> bool {
        true
    }

    fn draft(&self) -> Option<String> {
        if !self.reading {
            return None;
        }
        self.mirror.lock().ok().map(|m| m.clone()).filter(|m| !m.trim().is_empty())
    }

    fn draft_kept(&self) -> bool {
        self.kept
    }

    fn update_prompt(&mut self, prompt: &str) {
        if let Ok(mut now) = self.prompt.lock() {
            prompt.clone_into(&mut now);
        }
    }
}

impl Terminal {
    /// What is typed in the current (or last) read: the mirror, or, when no key was pressed
    /// since the read started, the text it started with.
    fn typed(&self) -> String {
        let mirror = self.mirror.lock().map(|m| m.clone()).unwrap_or_default();
        if mirror.is_empty() { self.sent.clone() } else { mirror }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_are_kept_lossily_never_an_end_of_input() {
        let (tx, rx) = mpsc::channel();
        read_lines(&b"a \xff b\r\n.\nsecond\n.\nno newline at the end"[..], &tx);
        let got: Vec<Option<(String, bool)>> = rx.try_iter().map(|l| l.map(|l| (l.text, l.lossy))).collect();
        assert_eq!(
            got,
            [
                Some(("a \u{fffd} b".to_string(), true)),
                Some((".".to_string(), false)),
                Some(("second".to_string(), false)),
                Some((".".to_string(), false)),
                Some(("no newline at the end".to_string(), false)),
                None,
            ]
        );
    }
}
