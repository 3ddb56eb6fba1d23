//! What the candidate types during a session, performed: a command (`/reference`, `/appeal`,
//! `/retry`, `/hint`, `/improve`, `/rate`, an unknown one), `/edit` in `$EDITOR`, or an answer
//! handed to the engine. Parsing a line into a command is [`super::command`]'s job; this file
//! does what it says. Never loses text: a line that is not taken is given back to the input.

use std::time::Duration;

use super::command::{self, Parsed};
use super::{Answered, Session, Spot};
use crate::error::Result;
use crate::grader::service::{Done, Work};
use crate::session::{Effect, Event};
use crate::ui::{self, Tone};

impl Session<'_> {
    /// What the candidate typed: a command, `/edit`, or an answer.
    pub(super) fn on_text(&mut self, now: Duration, text: String) -> Result<Vec<Effect>> {
        // Text, then an aside command on its own line: run the command, keep the text.
        if let Some((answer, last)) = text.rsplit_once('\n')
            && command::is_aside(last)
        {
            if command::parse(last) == Some(Parsed::Edit) {
                return Ok(self.edit(now, answer));
            }
            self.source.restore(answer);
            return self.on_text(now, last.trim().to_string());
        }
        // Text, then `/quit`: the text is the answer, saved, and the session ends. Any other
        // command on its own line after text (`/skip`, `/retry`) would drop the text: refused,
        // the text kept in the input. Either way the command never becomes part of the answer.
        if let Some((answer, last)) = text.rsplit_once('\n')
            && command::is_known(last)
        {
            if command::parse(last) == Some(Parsed::Engine(crate::session::Command::Quit)) {
                return Ok(self.engine.handle(Event::QuitWith { now, draft: answer.to_string() }));
            }
            self.source.restore(answer);
            return Ok(vec![Effect::Notice(format!(
                "{} would drop the answer you are typing: submit it (an empty line) or clear it (Ctrl-C) first",
                last.trim()
            ))]);
        }
        let parsed = command::parse(&text);
        if let Some(name) = parsed.as_ref().and_then(Parsed::practice_name).filter(|_| !self.practice) {
            return Ok(vec![Effect::Notice(format!(
                "/{name} is a practice command: an interview keeps its scores for the end (try `viva practice`)"
            ))]);
        }
        Ok(match parsed {
            Some(Parsed::Engine(command)) => self.engine.handle(Event::Command { now, command }),
            Some(Parsed::Edit) => self.edit(now, ""),
            Some(Parsed::Reference) => {
                let text = self.last_reference.clone().unwrap_or_else(|| "(answer a question first)".into());
                self.source.print(&self.printer.paint(Tone::Bold, "Reference answer"));
                self.source.print(&text);
                Vec::new()
            }
            Some(Parsed::Appeal(argument)) => self.appeal(&argument)?,
            Some(Parsed::Retry) => match self.transcript.items.len().checked_sub(1) {
                Some(last) => {
                    self.retry = Some(last);
                    let q = self.transcript.items[last].question.clone();
                    self.source.print(&self.printer.paint(Tone::Accent, "Retry — answer again:"));
                    self.source.print(&self.printer.paint(Tone::Bold, &ui::wrap(&q, ui::width(), "")));
                    Vec::new()
                }
                None => vec![Effect::Notice("answer a question first".into())],
            },
            Some(Parsed::Hint) => {
                let text = self.hint();
                self.source.print(&self.printer.paint(Tone::Accent, &text));
                Vec::new()
            }
            Some(Parsed::Improve) => {
                let (missed, answer) = self.last_missed.clone();
                // The question of the answer given last (a retry's is its main question's).
                let item = match self.last_answered {
                    Some(Answered::At(Spot { item, .. }) | Answered::Retry { item, .. }) => {
                        self.transcript.items.get(item)
                    }
                    None => None,
                };
                let question = item.and_then(|i| self.questions.iter().find(|q| q.id == i.question_id)).cloned();
                let improved = question.and_then(|question| {
                    match self.wait_for(Work::Improve { question, answer: answer.clone(), missed: missed.clone() }) {
                        Some(Done::Improve(edit)) => edit,
                        _ => None,
                    }
                });
                let p = self.printer;
                match improved {
                    Some(better) => {
                        self.source
                            .print(&p.paint(Tone::Bold, "A minimal edit of your answer that covers what it missed:"));
                        let diff = similar::TextDiff::from_words(answer.as_str(), better.as_str());
                        let mut line = String::from("  ");
                        for change in diff.iter_all_changes() {
                            let text = change.value();
                            match change.tag() {
                                similar::ChangeTag::Equal => line.push_str(text),
                                similar::ChangeTag::Insert => {
                                    line.push_str(&p.paint(Tone::Good, &format!("{{+{text}+}}")))
                                }
                                similar::ChangeTag::Delete => {
                                    line.push_str(&p.paint(Tone::Bad, &format!("[-{text}-]")))
                                }
                            }
                        }
                        self.source.print(&line);
                    }
                    None => {
                        self.source.print(&p.paint(Tone::Bold, "Your answer, with what it missed:"));
                        for line in answer.lines() {
                            self.source.print(&format!("  {line}"));
                        }
                        for m in &missed {
                            self.source.print(&p.paint(Tone::Good, &ui::wrap(&format!("+ {m}"), ui::width(), "  ")));
                        }
                    }
                }
                Vec::new()
            }
            Some(Parsed::Rate(rating)) => {
                let slot = match self.last_answered {
                    Some(Answered::At(Spot { item, followup: None })) => self.transcript.items.get_mut(item),
                    Some(Answered::At(Spot { item, followup: Some(f) })) => {
                        self.transcript.items.get_mut(item).and_then(|i| i.followups.get_mut(f))
                    }
                    Some(Answered::Retry { item, retry }) => {
                        self.transcript.items.get_mut(item).and_then(|i| i.retries.get_mut(retry))
                    }
                    None => None,
                };
                if let Some(item) = slot {
                    item.self_rating = Some(rating.clone());
                    self.save()?;
                    vec![Effect::Notice(format!("recorded your rating: {rating}"))]
                } else {
                    vec![Effect::Notice("answer a question first".into())]
                }
            }
            Some(Parsed::Unknown { typed, suggestion }) => {
                let hint =
                    suggestion.map_or(String::from("/help lists the commands"), |s| format!("did you mean /{s}?"));
                vec![Effect::Notice(format!("unknown command /{typed}: {hint} (not recorded as an answer)"))]
            }
            None if self.retry.is_some() && !text.trim().is_empty() => {
                let index = self.retry.take().unwrap_or_default();
                self.retry_answer(index, text)?;
                // Back to the question being asked.
                match self.engine.current() {
                    Some(i) if !self.asking_followup => {
                        let q = self.questions[i].question.clone();
                        self.source.print(&self.printer.paint(Tone::Dim, &format!("Back to: {q}")));
                    }
                    _ => {}
                }
                Vec::new()
            }
            None => {
                let effects = self.engine.handle(Event::Answer { now, text: text.clone() });
                // Not taken (typed while paused): give it back, never lose it, with the cursor on
                // a new line so a command typed next (`/resume`) stays a command.
                if !text.trim().is_empty() && !effects.iter().any(|e| matches!(e, Effect::Record(_))) {
                    self.source.restore(&format!("{text}\n"));
                }
                effects
            }
        })
    }

    /// `/edit`: the answer in `$EDITOR`, starting from what was typed.
    fn edit(&mut self, now: Duration, draft: &str) -> Vec<Effect> {
        match edit_answer(draft) {
            Ok(answer) if !answer.trim().is_empty() => self.engine.handle(Event::Answer { now, text: answer }),
            Ok(_) => {
                self.source.restore(draft);
                vec![Effect::Notice("the editor returned nothing; type your answer here".into())]
            }
            Err(e) => {
                self.source.restore(draft);
                vec![Effect::Notice(format!("cannot open an editor: {e}; set $EDITOR, or type your answer here"))]
            }
        }
    }
}

/// Opens `$VISUAL`/`$EDITOR` (default `vi`) on a temporary file and returns what was written.
fn edit_answer(draft: &str) -> std::io::Result<String> {
    let editor = std::env::var("VISUAL").or_else(|_| std::env::var("EDITOR")).unwrap_or_else(|_| "vi".into());
    let path = std::env::temp_dir().join(format!("viva-answer-{}.md", std::process::id()));
    std::fs::write(&path, draft)?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program).args(parts).arg(&path).status()?;
    let text = std::fs::read_to_string(&path)?;
    let _ = std::fs::remove_file(&path);
    if !status.success() {
        return Err(std::io::Error::other(format!("`{editor}` exited with {status}")));
    }
    Ok(text.trim().to_string())
}
