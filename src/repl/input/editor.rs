//! The rustyline reader thread. Multi-line answers: Enter adds a line; an empty line (or a
//! line holding only `.`) submits; a line starting with `/` is a command and submits at once.
//! A hinter mirrors the buffer on every keystroke, so the hard stop can take the typed text
//! even though rustyline returns none when interrupted; the interrupt is a SIGINT sent to this
//! thread (rustyline then returns `Interrupted`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};

use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::{DefaultHistory, History};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Config, Editor, ExternalPrinter, Helper};

use super::Input;

/// Set by our SIGINT handler; a SIGINT outside readline must not kill the session.
pub static SIGINT_SEEN: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    SIGINT_SEEN.store(true, Ordering::SeqCst);
}

/// Installs a SIGINT handler (no `SA_RESTART`) so that a SIGINT between two reads (when
/// rustyline's own handler is not installed) sets a flag instead of killing the process.
pub fn install_sigint_guard() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigint as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = 0;
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
    }
}

/// Interrupts the reader thread's readline.
pub fn interrupt(thread: libc::pthread_t) {
    // SAFETY: `thread` is the live reader thread (it never exits before the process does).
    unsafe {
        libc::pthread_kill(thread, libc::SIGINT);
    }
}

struct AnswerHelper {
    mirror: Arc<Mutex<String>>,
    /// The prompt as it should read now (the countdown moves while the candidate types).
    prompt: Arc<Mutex<String>>,
}

impl Completer for AnswerHelper {
    type Candidate = String;
}

impl Highlighter for AnswerHelper {
    /// Shows the current prompt on every redraw (a keystroke, or a line printed above it), so
    /// the time in it is never stale. Only a prompt of the same width replaces the one the read
    /// started with: rustyline places the cursor by that one.
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, _default: bool) -> std::borrow::Cow<'b, str> {
        match self.prompt.lock() {
            Ok(now) if !now.is_empty() && now.chars().count() == prompt.chars().count() => {
                std::borrow::Cow::Owned(now.clone())
            }
            _ => std::borrow::Cow::Borrowed(prompt),
        }
    }
}

impl Hinter for AnswerHelper {
    type Hint = String;
    fn hint(&self, line: &str, _pos: usize, _ctx: &rustyline::Context<'_>) -> Option<String> {
        if let Ok(mut m) = self.mirror.lock() {
            line.clone_into(&mut m);
        }
        None
    }
}

impl Validator for AnswerHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if let Ok(mut m) = self.mirror.lock() {
            input.clone_into(&mut m);
        }
        Ok(if is_complete(input) { ValidationResult::Valid(None) } else { ValidationResult::Incomplete })
    }
}

impl Helper for AnswerHelper {}

/// Whether pressing Enter now submits `input`.
pub fn is_complete(input: &str) -> bool {
    let last = input.rsplit('\n').next().unwrap_or("");
    input.trim().is_empty()
        || (input.trim_start().starts_with('/') && !input.contains('\n'))
        || (input.contains('\n') && last.trim_start().starts_with('/') && crate::repl::command::is_known(last))
        || (input.contains('\n') && last.trim().is_empty())
        || last.trim() == "."
}

/// The submitted text without the submit marker.
pub fn finish(input: &str) -> String {
    let mut text = input.trim_end().to_string();
    if text == "." {
        return String::new();
    }
    if let Some(stripped) = text.strip_suffix("\n.") {
        text = stripped.trim_end().to_string();
    }
    text
}

type Ready = std::io::Result<(libc::pthread_t, Option<Box<dyn ExternalPrinter + Send>>)>;

/// The thread body: serve read requests until the driver goes away.
pub fn run(
    requests: Receiver<(u64, String, String)>,
    replies: Sender<(u64, Input)>,
    ready: Sender<Ready>,
    mirror: Arc<Mutex<String>>,
    prompt: Arc<Mutex<String>>,
    history: Option<std::path::PathBuf>,
) {
    // Forced: the highlighter only redraws the prompt with the current time (no colours), and
    // must do so under NO_COLOR too.
    let config = Config::builder()
        .auto_add_history(false)
        .color_mode(rustyline::ColorMode::Forced)
        .max_history_size(2000)
        .map(|b| b.build());
    let editor = config.and_then(Editor::<AnswerHelper, DefaultHistory>::with_config);
    let mut rl = match editor {
        Ok(rl) => rl,
        Err(e) => {
            let _ = ready.send(Err(std::io::Error::other(e)));
            return;
        }
    };
    rl.set_helper(Some(AnswerHelper { mirror, prompt }));
    if let Some(path) = &history {
        let _ = rl.load_history(path);
    }
    let printer = rl.create_external_printer().ok().map(|p| Box::new(p) as Box<dyn ExternalPrinter + Send>);
    // SAFETY: pthread_self has no preconditions.
    let me = unsafe { libc::pthread_self() };
    if ready.send(Ok((me, printer))).is_err() {
        return;
    }
    for (generation, prompt, initial) in requests {
        let input = match rl.readline_with_initial(&prompt, (&initial, "")) {
            Ok(text) => {
                let text = finish(&text);
                if !text.is_empty() {
                    let _ = rl.history_mut().add(&text);
                    if let Some(path) = &history {
                        let _ = rl.append_history(path);
                    }
                }
                Input::Text(text)
            }
            Err(ReadlineError::Interrupted) => Input::Interrupted,
            Err(_) => Input::Eof,
        };
        if replies.send((generation, input)).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_on_an_empty_line_or_a_dot_submits() {
        assert!(!is_complete("first line"));
        assert!(is_complete("first line\n"));
        assert!(is_complete("a\nb\n."));
        assert!(is_complete("/skip"));
        assert!(is_complete("half an answer\n/resume"));
        assert!(!is_complete("half an answer\n/usr/bin"));
        assert!(is_complete("half an answer\n/quit"));
        assert!(!is_complete("half an answer\n/users/{id}"));
        assert!(!is_complete("half an answer\n/skpi"));
        assert!(is_complete(""));
        assert_eq!(finish("a\nb\n."), "a\nb");
        assert_eq!(finish("a\n\n"), "a");
        assert_eq!(finish("."), "");
    }
}
