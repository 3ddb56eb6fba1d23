//! Advisory locks between viva processes sharing a transcripts folder (`File::lock`, i.e.
//! `flock`):
//!
//! - the **write lock** is the folder itself, held for the few milliseconds of every
//!   read-modify-write of a transcript, so two writers never save over each other's changes
//!   (a regrade beside a live interview, two regrades at once);
//! - a **claim** is a hidden file beside the transcripts (`.<id>.live` for the process running
//!   session `<id>`, `.regrade-<key>.lock` for the regrade run owning a progress file), held
//!   for as long as its owner runs and removed when it ends, so the folder keeps no litter.
//!
//! A claim file is removed while still locked, and a claimant checks after locking that the
//! name still leads to the file it locked (else it starts again), so removing never lets two
//! owners in. The kernel releases every lock of a process that dies.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The write lock of a folder; released on drop.
#[derive(Debug)]
pub struct WriteLock {
    _dir: File,
}

/// Waits for the write lock of the folder `dir`.
pub fn write_lock(dir: &Path) -> std::io::Result<WriteLock> {
    let file = File::open(dir)?;
    file.lock()?;
    Ok(WriteLock { _dir: file })
}

/// A held claim; the file is removed and the lock released on drop.
#[derive(Debug)]
pub struct Claim {
    file: File,
    path: PathBuf,
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Removed while still locked: see the module doc.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Takes the claim at `path` if nobody holds it; `Ok(None)` when somebody does.
pub fn claim(path: &Path) -> std::io::Result<Option<Claim>> {
    loop {
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        let locked = file.metadata()?;
        match std::fs::metadata(path) {
            Ok(now) if now.ino() == locked.ino() && now.dev() == locked.dev() => {
                return Ok(Some(Claim { file, path: path.to_path_buf() }));
            }
            // Its owner removed it after we opened it: try again with the file there now.
            _ => continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_claim_is_refused_to_others_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".x.live");
        let held = claim(&p).unwrap().unwrap();
        assert!(claim(&p).unwrap().is_none(), "a second claim is refused");
        drop(held);
        assert!(!p.exists(), "the claim file goes with its owner");
        assert!(claim(&p).unwrap().is_some());
    }

    #[test]
    fn the_write_lock_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let held = write_lock(dir.path()).unwrap();
        let other = File::open(dir.path()).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
