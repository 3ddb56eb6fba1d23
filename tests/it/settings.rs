//! Odd settings: every number is checked at load with a clear error (never a panic, a hang or
//! retrying for ever), `api_key_cmd` is bounded in time and gives one line or an error, and
//! credentials in the base URL are used but never stored or shown.

use crate::fake_llm::{FakeLlm, completion, grading, ok};
use crate::util::{Workspace, ok as success, text};

#[test]
fn out_of_bounds_numbers_from_the_environment_are_errors_not_panics() {
    let ws = Workspace::new();
    for (var, value) in [
        ("VIVA_TIMEOUT", "inf"),
        ("VIVA_TIMEOUT", "1e20"),
        ("VIVA_TIMEOUT", "0"),
        ("VIVA_MAX_WAIT", "-1"),
        ("VIVA_MAX_WAIT", "nan"),
        ("VIVA_MAX_WAIT", "1e300"),
        ("VIVA_RETRIES", "4294967295"),
        ("VIVA_TEMPERATURE", "nan"),
        ("VIVA_BUDGET_USD", "inf"),
        ("VIVA_DEADLINE", "0"),
        ("VIVA_DEADLINE", "inf"),
    ] {
        let mut cmd = ws.cmd(&["config", "show"]);
        cmd.env(var, value);
        let out = crate::util::run_cmd(cmd, "");
        assert_eq!(out.status.code(), Some(1), "{var}={value}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains(&format!("error: {var} must be")) && !err.contains("panicked"), "{var}={value}: {err}");
    }
}

#[test]
fn out_of_bounds_numbers_in_the_config_file_are_errors_not_panics() {
    let ws = Workspace::new();
    let config = ws.path().join("config.toml");
    for line in ["timeout_secs = inf", "timeout_secs = 1e20", "retries = 4294967295", "deadline_secs = 1e9"] {
        std::fs::write(&config, format!("[llm]\n{line}\n")).unwrap();
        let mut cmd = ws.cmd(&["interview", "--grader", "llm", "--count", "1", "--no-timer"]);
        cmd.env("VIVA_CONFIG", &config);
        let out = crate::util::run_cmd(cmd, "");
        assert_eq!(out.status.code(), Some(1), "{line}: {}", text(&out.stderr));
        let key = line.split(' ').next().unwrap();
        assert!(text(&out.stderr).contains(&format!("`{key}` in `")), "{line}: {}", text(&out.stderr));
    }
}

#[test]
fn the_deadline_of_a_call_is_a_setting_shown_by_config_show() {
    let ws = Workspace::new();
    let config = ws.path().join("config.toml");
    let shown = |file: &str, env: &[(&str, &str)]| -> serde_json::Value {
        std::fs::write(&config, file).unwrap();
        let mut cmd = ws.cmd(&["config", "show", "--json"]);
        cmd.env("VIVA_CONFIG", &config).env_remove("VIVA_TIMEOUT").env_remove("VIVA_DEADLINE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let (stdout, _) = success(&crate::util::run_cmd(cmd, ""));
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["llm"].clone()
    };
    assert_eq!(shown("", &[])["deadline_secs"], 120.0, "twice the default 60 s timeout");
    assert_eq!(shown("", &[("VIVA_TIMEOUT", "5")])["deadline_secs"], 10.0, "twice the timeout");
    assert_eq!(shown("[llm]\ndeadline_secs = 45\n", &[])["deadline_secs"], 45.0);
    assert_eq!(shown("[llm]\ndeadline_secs = 45\n", &[("VIVA_DEADLINE", "7.5")])["deadline_secs"], 7.5);
}

#[test]
fn api_key_cmd_is_bounded_in_time_and_gives_its_first_line_or_an_error() {
    let fake = FakeLlm::start(|_, _| ok(completion(&grading(1, 1, &[]), "stop")));
    let ws = Workspace::new();
    let config = ws.path().join("config.toml");
    let run = |body: &str, args: &[&str], stdin: &str| {
        std::fs::write(&config, format!("[llm]\n{body}\n")).unwrap();
        let mut cmd = ws.cmd(args);
        cmd.env("VIVA_CONFIG", &config).env("OPENAI_BASE_URL", &fake.url);
        let started = std::time::Instant::now();
        (crate::util::run_cmd(cmd, stdin), started.elapsed())
    };
    let (out, took) = run("api_key_cmd = \"sleep 60\"\napi_key_cmd_timeout_secs = 1", &["config", "show"], "");
    assert!(!out.status.success() && took < std::time::Duration::from_secs(10), "{took:?}");
    assert!(text(&out.stderr).contains("did not finish within 1 s"), "{}", text(&out.stderr));
    let (out, _) = run("api_key_cmd = \"true\"", &["config", "show"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("printed no key"), "an empty key is not 'set': {}", text(&out.stderr));
    // `pass show` prints the key, then more lines: only the first is the key.
    let (out, _) = run(
        "api_key_cmd = \"printf 'sk-first-line\\\\nlogin: me\\\\n'\"",
        &["interview", "--grader", "llm", "--count", "1", "--no-timer", "--seed", "2"],
        "The GIL is a mutex in CPython.\n.\n",
    );
    success(&out);
    let chats = fake.chats();
    assert_eq!(chats.len(), 1, "one request, no retries of a malformed header");
    assert_eq!(chats[0].header("authorization"), Some("Bearer sk-first-line"));
}

#[test]
fn credentials_in_the_base_url_are_used_but_never_stored_or_shown() {
    let fake = FakeLlm::start(|_, _| ok(completion(&grading(1, 1, &[]), "stop")));
    let ws = Workspace::new();
    let url = fake.url.replace("http://", "http://viva:PW-SECRET-77@");
    let mut cmd = ws.cmd(&["interview", "--grader", "llm", "--count", "1", "--no-timer", "--base-url", &url]);
    cmd.env("VIVA_RETRIES", "0");
    let out = crate::util::run_cmd(cmd, "The GIL is a mutex in CPython.\n.\n");
    let (stdout, stderr) = success(&out);
    let auth = fake.chats()[0].header("authorization").unwrap_or_default().to_string();
    assert!(auth.starts_with("Basic "), "the credentials still authenticate: {auth}");
    let mut shown = vec![stdout, stderr];
    let mut cmd = ws.cmd(&["config", "show", "--base-url", &url]);
    cmd.env("OPENAI_BASE_URL", &url);
    let (config, _) = success(&crate::util::run_cmd(cmd, ""));
    assert!(config.contains("***@127.0.0.1"), "{config}");
    shown.push(config);
    // A dead endpoint: the error and the pending reason carry no credentials either.
    let dead = "http://viva:PW-SECRET-77@127.0.0.1:9/v1";
    let mut cmd = ws.cmd(&["regrade", "--all", "--grader", "llm", "--base-url", dead]);
    cmd.env("VIVA_RETRIES", "0");
    let out = crate::util::run_cmd(cmd, "");
    shown.extend([text(&out.stdout), text(&out.stderr)]);
    for entry in std::fs::read_dir(ws.transcripts()).unwrap() {
        shown.push(std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default());
    }
    for s in &shown {
        assert!(!s.contains("PW-SECRET-77"), "the URL's password leaked: {s}");
    }
}
