//! The commands around the LLM grader, against the local fake server: `viva doctor`,
//! `viva config`, and `viva regrade` (history, drift, pending completed, resumable runs).

use crate::fake_llm::{FakeLlm, completion, covering, grading, ok, status};
use crate::util::{Workspace, ok as success};

const KEY: &str = "sk-test-SECRET-4242";

#[test]
fn doctor_checks_the_endpoint_and_the_probes() {
    let fake = FakeLlm::start(|_, r| {
        if r.path.ends_with("/models") {
            ok(r#"{"data": [{"id": "m1"}]}"#.into())
        } else {
            ok(completion(&covering(r), "stop"))
        }
    });
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["doctor", "--json", "--model", "m1"]);
    cmd.env("OPENAI_BASE_URL", &fake.url).env("OPENAI_API_KEY", KEY);
    let out = crate::util::run_cmd(cmd, "");
    let (stdout, _) = success(&out);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], true, "{report}");
    let checks: Vec<&str> = report["checks"].as_array().unwrap().iter().map(|c| c["check"].as_str().unwrap()).collect();
    assert_eq!(
        checks,
        [
            "configuration", "prompts", "endpoint", "model", "structured output", "strong answer", "empty answer",
            "injection"
        ]
    );
    assert!(!stdout.contains(KEY));
    // A dead endpoint fails with a report, not a panic.
    let mut cmd = ws.cmd(&["doctor"]);
    cmd.env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1").env("VIVA_RETRIES", "0");
    let out = crate::util::run_cmd(cmd, "");
    assert!(!out.status.success());
    let stdout = crate::util::text(&out.stdout);
    assert!(stdout.contains("FAIL endpoint"), "{stdout}");
    assert!(stdout.contains("127.0.0.1:9 refused the connection: is the server running?"), "{stdout}");
}

#[test]
fn doctor_says_why_models_and_structured_output_failed() {
    // No model list, and replies that are never a grade, at any structured-output level.
    let fake = FakeLlm::start(|_, r| {
        if r.path.ends_with("/models") {
            status(404, "no such route")
        } else {
            ok(completion("I refuse to grade.", "stop"))
        }
    });
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["doctor", "--json", "--model", "m1"]);
    cmd.env("OPENAI_BASE_URL", &fake.url).env("OPENAI_API_KEY", KEY).env("VIVA_RETRIES", "0");
    let out = crate::util::run_cmd(cmd, "");
    assert!(!out.status.success());
    let report: serde_json::Value = serde_json::from_str(&crate::util::text(&out.stdout)).unwrap();
    let detail = |name: &str| {
        let check = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == name).unwrap();
        (check["ok"].as_bool().unwrap(), check["detail"].as_str().unwrap().to_string())
    };
    assert_eq!(detail("endpoint"), (false, "GET /models answered 404: no such route".to_string()));
    let (ok, why) = detail("structured output");
    assert!(!ok);
    assert_eq!(
        why,
        "no usable grade at level json_schema: the model's reply was invalid twice: no JSON object in the reply"
    );
}

#[test]
fn config_show_prints_the_settings_as_toml_with_unset_ones_left_out() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["config", "show"]);
    for var in [
        "VIVA_MODEL", "VIVA_PROMPTS", "VIVA_TIMEOUT", "VIVA_RETRIES", "VIVA_TEMPERATURE", "VIVA_MAX_TOKENS",
        "VIVA_CONTEXT_TOKENS", "VIVA_BUDGET_USD", "VIVA_DEADLINE",
    ] {
        cmd.env_remove(var);
    }
    let (stdout, _) = success(&crate::util::run_cmd(cmd, ""));
    let shown = stdout.replace(&ws.path().display().to_string(), "[WS]");
    insta::assert_snapshot!(shown);
}

#[test]
fn config_show_resolves_the_file_and_never_prints_the_key() {
    let ws = Workspace::new();
    let config = ws.path().join("config.toml");
    std::fs::write(
        &config,
        "grader = \"llm\"\n[llm]\nbase_url = \"http://127.0.0.1:1/v1\"\nmodel = \"from-file\"\napi_key_cmd = \"echo sk-from-password-manager\"\nretries = 5\n",
    )
    .unwrap();
    let mut cmd = ws.cmd(&["config", "show", "--json", "--model", "from-flag"]);
    cmd.env("VIVA_CONFIG", &config);
    let (stdout, _) = success(&crate::util::run_cmd(cmd, ""));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["grader"], "llm");
    assert_eq!(v["llm"]["model"], "from-flag", "flag beats file");
    assert_eq!(v["llm"]["base_url"], "http://127.0.0.1:1/v1");
    assert_eq!(v["llm"]["retries"], 5);
    assert_eq!(v["llm"]["api_key"], "*** (set)");
    assert_eq!(v["llm"]["api_key_source"], "config file `api_key_cmd`");
    assert!(!stdout.contains("sk-from-password-manager"));
    let mut path = ws.cmd(&["config", "path"]);
    path.env("VIVA_CONFIG", &config);
    assert_eq!(success(&crate::util::run_cmd(path, "")).0.trim(), config.display().to_string());
    // A broken file names its line.
    std::fs::write(&config, "[llm]\nmodle = \"x\"\n").unwrap();
    let mut cmd = ws.cmd(&["config", "show"]);
    cmd.env("VIVA_CONFIG", &config);
    let out = crate::util::run_cmd(cmd, "");
    assert!(!out.status.success());
    assert!(crate::util::text(&out.stderr).contains("line 2"), "{}", crate::util::text(&out.stderr));
}

fn offline_session(ws: &Workspace) -> String {
    success(&ws.run(
        &[
            "practice",
            "--question",
            "core-python/iterator-protocol",
            "--question",
            "databases/difference-left-join-inner-join",
            "--followups",
            "0",
        ],
        "Implement __iter__ returning self and __next__, which raises StopIteration at the end.\n.\nAn inner join keeps matching rows only.\n.\n",
    ));
    ws.transcripts_json()[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn regrade_keeps_history_and_reports_drift() {
    let fake = FakeLlm::start(|_, _| ok(completion(&grading(1, 1, &[]), "stop")));
    let ws = Workspace::new();
    let id = offline_session(&ws);
    let mut cmd = ws.cmd(&["regrade", &id, "--grader", "llm", "--concurrency", "2", "--json"]);
    cmd.env("OPENAI_BASE_URL", &fake.url);
    let (stdout, _) = success(&crate::util::run_cmd(cmd, ""));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["drift"]["regraded"], 2);
    assert!(report["drift"]["mean_abs_change"].as_f64().unwrap() > 0.0, "{report}");
    let t = &ws.transcripts_json()[0];
    for item in t["items"].as_array().unwrap() {
        assert!(item["grade"]["points"].as_array().unwrap().iter().all(|p| p["status"] == "missed"), "{item}");
        assert_eq!(item["grade"]["grader"]["kind"], "llm");
        assert_eq!(item["history"][0]["grader"]["kind"], "offline", "the old grade is kept");
    }
    assert_eq!(fake.chats().len(), 2);
}

#[test]
fn regrade_pending_completes_what_failed_and_a_rerun_continues() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["interview", "--count", "2", "--no-timer", "--seed", "4", "--grader", "llm"]);
    cmd.env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1").env("VIVA_RETRIES", "0");
    success(&crate::util::run_cmd(cmd, "first answer here.\n.\nsecond answer here.\n.\n"));
    let failing = FakeLlm::start(|_, _| status(500, "down"));
    let mut cmd = ws.cmd(&["regrade", "--pending"]);
    cmd.env("OPENAI_BASE_URL", &failing.url).env("VIVA_RETRIES", "0");
    let out = crate::util::run_cmd(cmd, "");
    assert!(!out.status.success(), "a run with failures exits non-zero");
    let stdout = crate::util::text(&out.stdout);
    assert!(stdout.contains("2 failed") && stdout.contains("2 still pending"), "{stdout}");
    let healthy = FakeLlm::start(|_, _| ok(completion(&grading(1, 1, &[]), "stop")));
    let mut cmd = ws.cmd(&["regrade", "--pending"]);
    cmd.env("OPENAI_BASE_URL", &healthy.url);
    success(&crate::util::run_cmd(cmd, ""));
    let t = &ws.transcripts_json()[0];
    for item in t["items"].as_array().unwrap() {
        assert_eq!(item["grade"]["status"], "graded");
        assert_eq!(item["history"].as_array().unwrap().len(), 2, "the pending grades are history");
    }
    // An interrupted run (one item recorded as done) continues with the rest only.
    let id = t["id"].as_str().unwrap();
    std::fs::write(ws.transcripts().join(format!(".regrade-{id}-offline-default.json")), format!("[\"{id}#0\"]"))
        .unwrap();
    let (stdout, _) = success(&ws.run(&["regrade", id, "--grader", "offline"], ""));
    assert!(stdout.contains("drift: 1 regraded"), "{stdout}");
}

#[test]
fn regrade_pending_grades_follow_ups_on_the_point_they_probed() {
    let ws = Workspace::new();
    success(&ws.run(
        &["interview", "--count", "1", "--no-timer", "--seed", "3", "--followups", "1"],
        "I am not sure, something about it.\n.\nIt has to do with that part.\n.\n",
    ));
    let path = std::fs::read_dir(ws.transcripts())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    let mut t: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let follow = &mut t["items"][0]["followups"][0];
    assert!(follow.is_object(), "a follow-up was asked: {t}");
    let probed = follow["grade"]["points"][0]["point"].clone();
    // As if the grader had been unreachable for the follow-up.
    follow["grade"] = serde_json::json!({"status": "pending", "score": null, "points": [], "feedback": "", "flags": [],
        "reason": "endpoint unreachable", "grader": {"kind": "offline", "model": null, "version": "x"}});
    std::fs::write(&path, serde_json::to_vec_pretty(&t).unwrap()).unwrap();
    let (stdout, _) = success(&ws.run(&["regrade", "--pending"], ""));
    assert!(stdout.contains(" #1.1 "), "the follow-up is listed as 1.1: {stdout}");
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let grade = &t["items"][0]["followups"][0]["grade"];
    assert_eq!(grade["status"], "graded", "{grade}");
    let points = grade["points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "graded on the probed point alone: {grade}");
    assert_eq!(points[0]["point"], probed);
}
