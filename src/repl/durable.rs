//! Saving when the disk fails. An answer given is never dropped: when a save fails (a full
//! disk, a folder gone read-only) the session goes on with every answer in memory, tells the
//! user so, and tries again at each later save; at the end, if the folder still refuses, the
//! session is written to a rescue file elsewhere (or, failing that, printed to stderr) and the
//! user is told where it is.

use super::Session;
use crate::error::Result;
use crate::ui::Tone;

impl Session<'_> {
    /// Saves the transcript; a failure is reported and remembered, not fatal (see the module doc).
    pub(super) fn save(&mut self) -> Result<()> {
        match self.store.save(&self.transcript) {
            Ok(path) => {
                if std::mem::take(&mut self.save_failed) {
                    let line = format!("saved `{}` again: every answer is on disk", path.display());
                    self.source.print(&self.printer.paint(Tone::Good, &line));
                }
            }
            Err(e) => {
                if !std::mem::replace(&mut self.save_failed, true) {
                    let line = format!(
                        "⚠  {e}\n   your answers are kept in memory and saving is tried again after each answer; \
                         keep this session open until it says they are on disk"
                    );
                    self.source.print(&self.printer.paint(Tone::Warn, &line));
                }
            }
        }
        Ok(())
    }

    /// The last save of a session: when the folder still refuses, the transcript goes to a
    /// rescue file (or stderr) and the error names it.
    pub(super) fn save_last(&mut self) -> Result<()> {
        let Err(e) = self.store.save(&self.transcript) else { return Ok(()) };
        let json = serde_json::to_vec_pretty(&self.transcript).unwrap_or_default();
        let name = format!("viva-rescue-{}.json", self.transcript.id);
        let mut places = vec![std::env::temp_dir()];
        places.extend(std::env::var_os("HOME").map(std::path::PathBuf::from));
        let rescued = places.into_iter().map(|dir| dir.join(&name)).find(|path| {
            crate::transcript::store::write_new(path, &json)
                .or_else(|_| crate::transcript::store::write_atomic(path, &json))
                .is_ok()
        });
        let hint = match &rescued {
            Some(path) => format!(
                "every answer is in `{}`; move it into the transcripts folder as `{}.json` once there is room",
                path.display(),
                self.transcript.id
            ),
            None => {
                // Nowhere to write: the transcript itself, so it can still be copied out.
                self.printer.err(String::from_utf8_lossy(&json));
                "nowhere could be written: the session is printed above as JSON; save it as \
                 `<transcripts>/<id>.json`"
                    .to_string()
            }
        };
        Err(crate::error::Error::Usage { message: e.to_string(), hint: Some(hint) })
    }
}
