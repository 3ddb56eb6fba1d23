//! The API key from the config file's `api_key_cmd` (`pass show openai`, `op read …`): run
//! through `sh -c` with a time limit, its first line taken as the key, an empty one refused, so
//! a slow command cannot freeze the start and a multi-line or empty output never reaches the
//! `Authorization` header.

use std::io::Read;
use std::time::{Duration, Instant};

use super::file::{ConfigError, Secret};

/// How long `api_key_cmd` may run unless `api_key_cmd_timeout_secs` says otherwise (long enough
/// to unlock a password manager by hand).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `cmd` and returns the first line it printed, trimmed, as the key.
pub fn from_command(cmd: &str, timeout: Duration) -> Result<Secret, ConfigError> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| ConfigError::KeyCommand(format!("cannot run it: {e}")))?;
    let mut stdout = child.stdout.take().ok_or_else(|| ConfigError::KeyCommand("no output pipe".into()))?;
    let (tx, rx) = std::sync::mpsc::channel();
    // Read while it runs (a full pipe would stall it); a key is far below 64 KB. A plain thread:
    // settings are resolved before any grading runtime exists, and this read is bounded by the
    // command's time limit (the pipe closes when the command is killed).
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout).take(64 * 1024).read_to_end(&mut out);
        let _ = tx.send(out);
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                kill_tree(child.id());
                let _ = child.wait();
                return Err(ConfigError::KeyCommand(format!(
                    "it did not finish within {} s (a slower one needs `api_key_cmd_timeout_secs` in `[llm]`)",
                    timeout.as_secs_f64()
                )));
            }
            Err(e) => return Err(ConfigError::KeyCommand(format!("cannot wait for it: {e}"))),
        }
    };
    if !status.success() {
        return Err(ConfigError::KeyCommand(format!("it exited with {status}")));
    }
    let out = rx.recv_timeout(Duration::from_secs(1)).unwrap_or_default();
    let text = String::from_utf8_lossy(&out);
    let key = text.lines().next().unwrap_or("").trim();
    if key.is_empty() {
        return Err(ConfigError::KeyCommand("it printed no key (its first line is empty)".into()));
    }
    Ok(Secret::new(key))
}

/// Kills `pid` and every process it started (`sh -c` may have forked the command), so nothing
/// keeps running, or holding viva's output open, after the time limit.
fn kill_tree(pid: u32) {
    // Children first found, then killed parents-first: stopped with SIGKILL, none can fork on.
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", all[i])).into_iter().flatten().flatten();
        for task in tasks {
            let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            all.extend(children.split_whitespace().filter_map(|c| c.parse::<u32>().ok()));
        }
        i += 1;
    }
    for pid in all {
        // SAFETY: plain kill(2) on a pid we found as our child or its descendant.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_line_is_the_key() {
        let key = from_command("printf '  sk-first  \\nuser: me\\nurl: x\\n'", DEFAULT_TIMEOUT).unwrap();
        assert_eq!(key.expose(), "sk-first");
    }

    #[test]
    fn an_empty_key_or_a_failing_command_is_an_error_not_a_blank_key() {
        for cmd in ["true", "printf '\\nsk-on-line-two\\n'", "exit 3"] {
            assert!(from_command(cmd, DEFAULT_TIMEOUT).is_err(), "{cmd}");
        }
    }

    #[test]
    fn a_slow_command_is_stopped_at_its_time_limit() {
        let started = Instant::now();
        let err = from_command("sleep 30; echo late", Duration::from_millis(300)).unwrap_err().to_string();
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(err.contains("did not finish within 0.3 s"), "{err}");
    }
}
