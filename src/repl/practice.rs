//! Practice-mode views of the driver: feedback after an answer, progressive hints, retries
//! with their change, and appeals. Same invariant as the driver: whatever changes a grade is
//! saved before it is shown.

use chrono::Utc;

use super::{Effect, Session};
use crate::error::Result;
use crate::grader::Grade;
use crate::grader::service::{Done, Work};
use crate::transcript::Item;
use crate::ui::{self, Tone};

impl Session<'_> {
    /// An appeal on the last main answer: the missed point closest to the argument is re-checked
    /// against the answer alone; upheld, it moves to covered and the coverage score follows.
    pub(super) fn appeal(&mut self, argument: &str) -> Result<Vec<Effect>> {
        let Some(index) = self.transcript.items.len().checked_sub(1) else {
            return Ok(vec![Effect::Notice("answer a question first".into())]);
        };
        let item = &self.transcript.items[index];
        let arg_words = crate::words::content(argument);
        let Some(point) = item
            .grade
            .missed()
            .iter()
            .max_by_key(|m| crate::words::content(m).iter().filter(|w| arg_words.contains(w)).count())
            .cloned()
        else {
            return Ok(vec![Effect::Notice("nothing was marked missed on your last answer".into())]);
        };
        let Some(q) = self.questions.iter().find(|q| q.id == item.question_id).cloned() else { return Ok(Vec::new()) };
        let work = Work::Recheck { question: q, answer: item.answer.clone(), point: point.clone() };
        let found = match self.wait_for(work) {
            Some(Done::Recheck(found)) => found,
            _ => None,
        };
        let item = &mut self.transcript.items[index];
        let upheld = found.is_some();
        if let Some(covered) = &found {
            crate::grader::score::uphold(&mut item.grade, &point, &covered.evidence);
        }
        item.appeals.push(crate::transcript::Appeal {
            point: point.clone(),
            argument: argument.to_string(),
            upheld,
            evidence: found.map(|c| c.evidence),
        });
        self.save()?;
        let message = if upheld {
            format!(
                "appeal upheld: your answer does cover “{point}” — score now {}",
                self.transcript.items[index].grade.score.map_or("-".into(), ui::score)
            )
        } else {
            format!(
                "appeal not upheld: your answer itself does not show “{point}” (the argument alone is not evidence)"
            )
        };
        Ok(vec![Effect::Notice(message)])
    }

    /// Grades another attempt at item `index`, stores it under the item's `retries`, and shows
    /// what changed: score, each criterion, key points gained and lost.
    pub(super) fn retry_answer(&mut self, index: usize, text: String) -> Result<()> {
        let Some(first) = self.transcript.items.get(index).cloned() else { return Ok(()) };
        let Some(q) = self.questions.iter().find(|q| q.id == first.question_id).cloned() else { return Ok(()) };
        let grade = match self.wait_for(Work::Grade { question: q.clone(), answer: text.clone() }) {
            Some(Done::Grade(g)) => g,
            _ => Grade::pending(self.service.info(), super::grading::CANCELLED),
        };
        let mut attempt = Item::new(&q, text, grade.clone());
        attempt.answered_at = Utc::now();
        let before = first.retries.last().map_or(&first.grade, |r| &r.grade).clone();
        self.transcript.items[index].retries.push(attempt);
        self.save()?;
        // `/rate` and `/improve` now apply to this attempt.
        self.last_answered = Some(super::Answered::Retry { item: index, retry: first.retries.len() });
        self.last_missed = (grade.missed(), self.transcript.items[index].retries[first.retries.len()].answer.clone());
        let p = self.printer;
        let show = |g: &Grade| g.score.map_or("pending".to_string(), ui::score);
        let delta = match (before.score, grade.score) {
            (Some(a), Some(b)) => format!(" ({:+.1})", b - a),
            _ => String::new(),
        };
        self.source.print(&p.paint(Tone::Accent, &format!("Retry: {} → {}{delta}", show(&before), show(&grade))));
        for c in &grade.criteria {
            let old = before.criteria.iter().find(|o| o.id == c.id).map_or(0.0, |o| o.score);
            self.source.print(&format!("  {:<12} {old} → {} ({:+.1})", c.id, c.score, c.score - old));
        }
        for c in grade.covered().filter(|c| !before.covered().any(|b| b.point == c.point)) {
            self.source
                .print(&p.paint(Tone::Good, &ui::wrap(&format!("+ now covered: {}", c.point), ui::width(), "  ")));
        }
        for m in grade.missed().iter().filter(|m| before.covered().any(|b| &&b.point == m)) {
            self.source.print(&p.paint(Tone::Warn, &ui::wrap(&format!("- no longer covered: {m}"), ui::width(), "  ")));
        }
        Ok(())
    }

    /// The next hint on the current question: a nudge (the subject of the first key point), a
    /// cue (that point with its key words blanked), then a near-answer (the point itself).
    pub(super) fn hint(&mut self) -> String {
        let q = if self.asking_followup {
            self.followup.clone()
        } else {
            self.engine.current().map(|i| self.questions[i].clone())
        };
        let Some(point) = q.and_then(|q| q.key_points.first().map(|k| k.text.clone())) else {
            return "no hint for this question".into();
        };
        self.hints += 1;
        let words: Vec<&str> = point.split_whitespace().collect();
        match self.hints {
            1 => {
                let subject: Vec<&str> = words
                    .iter()
                    .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_'))
                    .filter(|w| w.len() > 5)
                    .take(2)
                    .collect();
                format!("Hint 1 (best score now 8.5): think about {}.", subject.join(" and "))
            }
            2 => {
                let cue: Vec<String> = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| if i % 3 == 2 && w.len() > 3 { "___".to_string() } else { w.to_string() })
                    .collect();
                format!("Hint 2 (best score now 7): {}", cue.join(" "))
            }
            _ => format!("Hint 3 (best score now 5.5): {point}"),
        }
    }

    /// Practice feedback: score, covered points with the phrase that earned each, missed points,
    /// criteria.
    pub(super) fn show_feedback(&mut self, g: &Grade) {
        let p = self.printer;
        let score = g.score.map_or_else(|| format!("pending ({})", g.reason.clone().unwrap_or_default()), ui::score);
        let flags = if g.flags.is_empty() { String::new() } else { format!("  [{}]", g.flags.join(", ")) };
        self.source.print(&p.paint(Tone::Accent, &format!("Score {score}{flags}")));
        for v in &g.points {
            let tone = match v.status {
                crate::grader::PointStatus::Covered => Tone::Good,
                crate::grader::PointStatus::Contradicted => Tone::Bad,
                _ => Tone::Warn,
            };
            self.source.print(&p.paint(tone, &ui::wrap(&v.line(), ui::width(), "  ")));
        }
        for m in &g.misconceptions {
            self.source.print(&p.paint(Tone::Bad, &ui::wrap(&m.line(), ui::width(), "  ")));
        }
        for c in &g.criteria {
            self.source.print(&format!("  {:<12} {}/{} · {}", c.id, c.score, c.max, c.feedback));
        }
        if !g.feedback.is_empty() {
            self.source.print(&ui::wrap(&g.feedback, ui::width(), "  "));
        }
        self.source.print(&p.paint(Tone::Dim, "  (/reference shows the reference answer)"));
    }
}
