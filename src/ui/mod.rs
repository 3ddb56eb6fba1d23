//! The one printer all output goes through.
//!
//! Data (`--json`, listings meant for scripts) goes to stdout; messages, progress and the
//! interview's conversation go to stderr unless they are the command's product. Colour follows
//! `--color`, `NO_COLOR` and whether the stream is a terminal.

pub mod markdown;
pub mod sanitize;

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Writes everything the user sees.
#[derive(Debug, Clone)]
pub struct Printer {
    color_out: bool,
    color_err: bool,
}

/// Named styles, so the look is decided in one place.
#[derive(Debug, Clone, Copy)]
pub enum Tone {
    Bold,
    Dim,
    Good,
    Warn,
    Bad,
    Accent,
}

impl Tone {
    fn style(self) -> Style {
        match self {
            Tone::Bold => Style::new().bold(),
            Tone::Dim => Style::new().dimmed(),
            Tone::Good => AnsiColor::Green.on_default(),
            Tone::Warn => AnsiColor::Yellow.on_default(),
            Tone::Bad => AnsiColor::Red.on_default().bold(),
            Tone::Accent => AnsiColor::Cyan.on_default().bold(),
        }
    }
}

impl Printer {
    pub fn new(choice: ColorChoice) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Printer {
            color_out: decide(std::io::stdout().is_terminal()),
            color_err: decide(std::io::stderr().is_terminal()),
        }
    }

    /// A printer that never colours (tests, files).
    pub fn plain() -> Printer {
        Printer { color_out: false, color_err: false }
    }

    /// Styles `text` for stdout.
    pub fn paint(&self, tone: Tone, text: &str) -> String {
        paint(self.color_out, tone, text)
    }

    /// Styles `text` for stderr.
    pub fn paint_err(&self, tone: Tone, text: &str) -> String {
        paint(self.color_err, tone, text)
    }

    /// Whether stderr is coloured (and so, in practice, a terminal).
    pub fn err_is_colored(&self) -> bool {
        self.color_err
    }

    /// A line of the command's product, on stdout.
    pub fn out(&self, line: impl AsRef<str>) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`viva bank list | head`) is not an error worth reporting.
        let _ = writeln!(out, "{}", line.as_ref());
    }

    /// A message to the user, on stderr.
    pub fn err(&self, line: impl AsRef<str>) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", line.as_ref());
    }

    /// Machine-readable output on stdout, pretty-printed.
    pub fn json<T: serde::Serialize>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.out(text),
            Err(e) => self.error(&format!("cannot encode JSON: {e}"), None),
        }
    }

    /// A progress bar on stderr for `total` steps, hidden when stderr is not a terminal (or
    /// colour is off) or there is a single step.
    pub fn progress(&self, what: &str, total: usize) -> indicatif::ProgressBar {
        if !self.color_err || total < 2 {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template(&format!("{what} {{bar:30}} {{pos}}/{{len}} · {{eta}} left"))
        {
            bar.set_style(style);
        }
        bar
    }

    pub fn warn(&self, message: &str) {
        self.err(format!("{} {message}", self.paint_err(Tone::Warn, "warning:")));
    }

    pub fn hint(&self, message: &str) {
        self.err(format!("{} {message}", self.paint_err(Tone::Accent, "hint:")));
    }

    /// The one error report at the edge: `error: …`, `caused by: …`, `hint: …`.
    pub fn error(&self, message: &str, hint: Option<&str>) {
        self.err(format!("{} {message}", self.paint_err(Tone::Bad, "error:")));
        if let Some(hint) = hint {
            self.hint(hint);
        }
    }
}

fn paint(enabled: bool, tone: Tone, text: &str) -> String {
    if enabled {
        let style = tone.style();
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// `125.0` seconds as `2m 05s`.
pub fn duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    if total >= 60 { format!("{}m {:02}s", total / 60, total % 60) } else { format!("{total}s") }
}

/// `1 question`, `3 questions`: a count with its noun.
pub fn plural(n: usize, noun: &str) -> String {
    let s = if n == 1 {
        ""
    } else if noun.ends_with('s') || noun.ends_with("sh") || noun.ends_with("ch") {
        "es"
    } else {
        "s"
    };
    format!("{n} {noun}{s}")
}

/// A score as `7.5/10`.
pub fn score(score: f64) -> String {
    if score.fract() == 0.0 { format!("{score:.0}/10") } else { format!("{score:.1}/10") }
}

/// The width terminal text is wrapped at: the terminal's columns (or `$COLUMNS`), at most 78
/// and at least 30, so nothing breaks mid-word or wraps a rule on a narrow terminal.
pub fn width() -> usize {
    // SAFETY: TIOCGWINSZ only writes the winsize struct we pass.
    let columns = unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        [libc::STDOUT_FILENO, libc::STDERR_FILENO]
            .into_iter()
            .find(|&fd| libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0)
            .map(|_| usize::from(ws.ws_col))
    };
    columns.or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok()).unwrap_or(78).clamp(30, 78)
}

/// Wraps `text` to `width` columns, prefixing every line with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for para in text.lines() {
        let mut line = String::from(indent);
        let mut empty = true;
        for word in para.split_whitespace() {
            if !empty && line.chars().count() + 1 + word.chars().count() > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(indent);
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_scores_read_naturally() {
        assert_eq!(duration(125.0), "2m 05s");
        assert_eq!(duration(9.4), "9s");
        assert_eq!(score(7.5), "7.5/10");
        assert_eq!(score(8.0), "8/10");
    }

    #[test]
    fn wrap_keeps_words_and_indent() {
        assert_eq!(wrap("aaa bbb ccc", 9, "  "), "  aaa bbb\n  ccc");
    }
}
