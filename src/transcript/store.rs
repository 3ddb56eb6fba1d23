//! The crash-safe transcript store: `<dir>/<id>.json`, rewritten after every answer with
//! write-then-rename and fsync (file, then directory), so a crash, `kill -9` or a closed
//! terminal leaves either the previous or the new file, never a torn one.
//!
//! Several viva processes may share the folder (an interview, a regrade beside it, a second
//! regrade). Invariants:
//! - every read-modify-write of a transcript holds the write lock ([`super::lock`]); the
//!   session writer's [`Store::save`] merges its changes into the file as it is now
//!   ([`super::merge`]), and other writers change it through [`Store::update`], never by
//!   saving a stale copy;
//! - a new session's file is created exclusively ([`Store::create`]), so two sessions never
//!   share one;
//! - the file a transcript was read from decides where it is written: `id` inside the file is
//!   replaced by the file's own name on reading, and ids are checked ([`super::ids`]), so no
//!   path leaves the folder.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Transcript;
use super::ids::{self, IdError};
use super::lock::{self, Claim, WriteLock};

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("cannot save transcript `{}`: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read transcript `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("transcript `{}` is not valid: {source}", path.display())]
    Parse { path: PathBuf, source: serde_json::Error },
    #[error("no session `{id}` in `{}`", dir.display())]
    NotFound { id: String, dir: PathBuf },
    #[error("no unfinished session in `{}`", .0.display())]
    NothingToResume(PathBuf),
    #[error("{source} (in `{}`)", dir.display())]
    Id { source: IdError, dir: PathBuf },
    #[error("session `{id}` is being run by another viva right now")]
    InUse { id: String },
    #[error("cannot lock `{}`: {source}", path.display())]
    Lock { path: PathBuf, source: std::io::Error },
}

impl TranscriptError {
    pub fn hint(&self) -> Option<String> {
        match self {
            TranscriptError::NotFound { .. } => {
                Some("session ids are the file names in the transcripts folder, without `.json`".into())
            }
            TranscriptError::NothingToResume(_) => Some("start a new one with `viva interview`".into()),
            TranscriptError::Id { source: IdError::Ambiguous { .. }, .. } => {
                Some("type more of the id; `viva review` lists the sessions".into())
            }
            TranscriptError::Id { source: IdError::Empty, .. } => Some("start one with `viva interview`".into()),
            TranscriptError::Id { .. } => {
                Some("give a session id as `viva review` lists it (a unique prefix will do), or `latest`".into())
            }
            TranscriptError::InUse { .. } => {
                Some("finish it in the terminal where it runs (it is saved after every answer)".into())
            }
            TranscriptError::Write { .. } => {
                Some("check the folder is writable, or choose another with `--transcripts DIR`".into())
            }
            _ => None,
        }
    }
}

/// Writes `bytes` to `path` atomically and durably: temp file in the same directory, fsync,
/// rename over the target, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, tmp) = temp_beside(path);
    let result = (|| {
        write_synced(&tmp, bytes)?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` only if nothing is there yet (`AlreadyExists` otherwise), atomically
/// and durably like [`write_atomic`]: the temp file is hard-linked to its name, which fails
/// rather than replaces. Where hard links are not supported, an exclusive create is used.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, tmp) = temp_beside(path);
    if let Err(e) = write_synced(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => {
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
    }
    std::fs::File::open(dir)?.sync_all()
}

/// The folder of `path` and a temp file beside it, private to this process.
fn temp_beside(path: &Path) -> (&Path, PathBuf) {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    (dir, tmp)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The folder of transcripts.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// Each session this process writes, as it last saved (or opened) it: the base of the
    /// three-way merge in [`Store::save`].
    known: Arc<Mutex<HashMap<String, Transcript>>>,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into(), known: Arc::default() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of session `id` (an id from [`Store::ids`] or [`Store::resolve`]).
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// The session id the user means by `arg`: `latest`, a whole id or a unique prefix.
    pub fn resolve(&self, arg: &str) -> Result<String, TranscriptError> {
        ids::resolve(arg, &self.ids()).map_err(|source| TranscriptError::Id { source, dir: self.dir.clone() })
    }

    fn remember(&self, t: &Transcript) {
        if let Ok(mut known) = self.known.lock() {
            known.insert(t.id.clone(), t.clone());
        }
    }

    /// The folder's write lock (see [`super::lock`]); the folder is created if need be.
    fn write_lock(&self) -> Result<WriteLock, TranscriptError> {
        let err = |source| TranscriptError::Lock { path: self.dir.clone(), source };
        std::fs::create_dir_all(&self.dir).map_err(err)?;
        lock::write_lock(&self.dir).map_err(err)
    }

    /// Creates the file of a new session, under `t.id` or, when that is taken, the next free
    /// candidate (`t.id` is updated). Never replaces an existing file.
    pub fn create(&self, t: &mut Transcript) -> Result<PathBuf, TranscriptError> {
        let first = t.id.clone();
        let err = |path: &Path, source| TranscriptError::Write { path: path.to_path_buf(), source };
        std::fs::create_dir_all(&self.dir).map_err(|e| err(&self.dir, e))?;
        for id in ids::candidates(&first).take(1000) {
            t.id = id;
            let path = self.path(&t.id);
            let json = serde_json::to_vec_pretty(t).map_err(|e| err(&path, std::io::Error::other(e)))?;
            match write_new(&path, &json) {
                Ok(()) => {
                    self.remember(t);
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(err(&path, e)),
            }
        }
        Err(err(&self.path(&first), std::io::Error::other("a thousand sessions already have this id")))
    }

    /// Claims the right to run session `id` (ask its questions) until the returned lock is
    /// dropped; refused while another process runs it.
    pub fn claim(&self, id: &str) -> Result<Claim, TranscriptError> {
        let path = self.dir.join(format!(".{id}.live"));
        match lock::claim(&path) {
            Ok(Some(held)) => Ok(held),
            Ok(None) => Err(TranscriptError::InUse { id: id.to_string() }),
            Err(source) => Err(TranscriptError::Lock { path, source }),
        }
    }

    /// Saves the session writer's copy durably (see the module doc): under the write lock,
    /// what this writer changed since its last save is merged into the file as it is now, so
    /// grades another process added meanwhile are kept.
    pub fn save(&self, t: &Transcript) -> Result<PathBuf, TranscriptError> {
        let path = self.path(&t.id);
        let err = |source| TranscriptError::Write { path: path.clone(), source };
        std::fs::create_dir_all(&self.dir).map_err(err)?;
        let _lock = self.write_lock()?;
        let base = self.known.lock().ok().and_then(|k| k.get(&t.id).cloned());
        // Without a base (nothing opened or created through this store) or a readable file, this
        // copy is the session.
        let merged = base.and_then(|base| Some(super::merge::merge(&base, t, self.read(&t.id).ok()?)));
        let json =
            serde_json::to_vec_pretty(merged.as_ref().unwrap_or(t)).map_err(|e| err(std::io::Error::other(e)))?;
        write_atomic(&path, &json).map_err(err)?;
        self.remember(t);
        Ok(path)
    }

    /// Changes session `id` on disk under its write lock: reads the file as it is now, applies
    /// `change`, writes it back. For writers other than the one running the session (regrade).
    pub fn update<R>(&self, id: &str, change: impl FnOnce(&mut Transcript) -> R) -> Result<R, TranscriptError> {
        let _lock = self.write_lock()?;
        let mut t = self.load(id)?;
        let result = change(&mut t);
        let path = self.path(id);
        let err = |source| TranscriptError::Write { path: path.clone(), source };
        let json = serde_json::to_vec_pretty(&t).map_err(|e| err(std::io::Error::other(e)))?;
        write_atomic(&path, &json).map_err(err)?;
        Ok(result)
    }

    /// Writes a companion file (e.g. the Markdown rendering) beside the JSON.
    pub fn save_beside(&self, id: &str, ext: &str, text: &str) -> Result<PathBuf, TranscriptError> {
        let path = self.dir.join(format!("{id}.{ext}"));
        write_atomic(&path, text.as_bytes()).map_err(|source| TranscriptError::Write { path: path.clone(), source })?;
        Ok(path)
    }

    fn read(&self, id: &str) -> Result<Transcript, TranscriptError> {
        let path = self.path(id);
        let bytes = std::fs::read(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => TranscriptError::NotFound { id: id.to_string(), dir: self.dir.clone() },
            _ => TranscriptError::Read { path: path.clone(), source },
        })?;
        let mut t: Transcript =
            serde_json::from_slice(&bytes).map_err(|source| TranscriptError::Parse { path, source })?;
        // The file's name is the session's id, whatever the file says (a renamed copy, or an
        // `id` that is a path).
        t.id = id.to_string();
        Ok(t)
    }

    /// Reads session `id` (an id from [`Store::ids`] or [`Store::resolve`]).
    pub fn load(&self, id: &str) -> Result<Transcript, TranscriptError> {
        ids::validate(id).map_err(|source| TranscriptError::Id { source, dir: self.dir.clone() })?;
        self.read(id)
    }

    /// Reads session `id` to run it: later [`Store::save`]s merge against this copy.
    pub fn open(&self, id: &str) -> Result<Transcript, TranscriptError> {
        let t = self.load(id)?;
        self.remember(&t);
        Ok(t)
    }

    /// Every session id in the folder, oldest first (ids sort by time).
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().into_string().ok()?;
                        let id = name.strip_suffix(".json")?;
                        ids::validate(id).is_ok().then(|| id.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// The newest session that has not finished.
    pub fn latest_unfinished(&self) -> Result<Transcript, TranscriptError> {
        self.ids()
            .iter()
            .rev()
            .filter_map(|id| self.load(id).ok())
            .find(|t| !t.is_finished())
            .ok_or_else(|| TranscriptError::NothingToResume(self.dir.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::sample_settings;

    fn transcript(id: &str) -> Transcript {
        Transcript::new(id.into(), "interview", sample_settings(1, "offline"), vec!["concurrency/gil".into()])
    }

    #[test]
    fn sessions_started_in_the_same_millisecond_never_share_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let id = crate::transcript::new_id(chrono::Utc::now());
        // Eight processes' worth of sessions, all with the same clock reading, at once.
        let made: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|n| {
                    let (store, id) = (Store::new(dir.path()), id.clone());
                    s.spawn(move || {
                        let mut t = transcript(&id);
                        t.mode = format!("mode {n}");
                        store.create(&mut t).unwrap();
                        t.id
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let store = Store::new(dir.path());
        let mut ids = store.ids();
        assert_eq!(ids.len(), 8, "{ids:?}");
        ids.sort();
        let mut made_sorted = made.clone();
        made_sorted.sort();
        assert_eq!(ids, made_sorted);
        assert_eq!(ids[0], id, "the first keeps the clock's id");
        for made in &made {
            assert_eq!(store.load(made).unwrap().id, *made);
        }
    }

    #[test]
    fn the_file_name_is_the_id_whatever_the_file_says() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = transcript("../../elsewhere");
        t.id = "../../elsewhere".into();
        std::fs::write(dir.path().join("copy.json"), serde_json::to_vec(&t).unwrap()).unwrap();
        let store = Store::new(dir.path());
        let loaded = store.open("copy").unwrap();
        assert_eq!(loaded.id, "copy");
        store.save(&loaded).unwrap();
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(names, ["copy.json"]);
        assert!(matches!(store.load("../x"), Err(TranscriptError::Id { .. })));
    }

    #[test]
    fn a_save_waits_for_the_write_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut t = transcript("20261123-101500-1a2b");
        store.create(&mut t).unwrap();
        let held = lock::write_lock(dir.path()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (s2, mut t2) = (store.clone(), t.clone());
        std::thread::spawn(move || {
            t2.finish_reason = Some("quit".into());
            tx.send(s2.save(&t2).is_ok()).unwrap();
        });
        assert!(rx.recv_timeout(std::time::Duration::from_millis(300)).is_err(), "saved while the lock was held");
        assert_eq!(store.load(&t.id).unwrap().finish_reason, None);
        drop(held);
        assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
        assert_eq!(store.load(&t.id).unwrap().finish_reason.as_deref(), Some("quit"));
    }
}
