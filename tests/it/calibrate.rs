//! `viva calibrate`: the shipped set meets the offline grader's targets, bad lines are named,
//! and the LLM grader never inflates an adversarial answer whatever the model says.

use crate::fake_llm::{FakeLlm, completion, covering, ok};
use crate::util::{Workspace, run_cmd, text};

fn calibrate(ws: &Workspace, args: &[&str]) -> (std::process::Output, serde_json::Value) {
    let mut all = vec!["calibrate", "--json"];
    all.extend_from_slice(args);
    let out = run_cmd(ws.cmd(&all), "");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

#[test]
fn the_offline_grader_meets_its_targets_on_the_held_out_half() {
    let ws = Workspace::new();
    let (out, s) = calibrate(&ws, &["--split", "heldout"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(s["n"].as_u64().unwrap() >= 100);
    assert!(s["spearman"].as_f64().unwrap() >= 0.75, "spearman {}", s["spearman"]);
    assert!(s["mae"].as_f64().unwrap() <= 1.5, "mae {}", s["mae"]);
    let max = |kind: &str| s["by_adversarial"][kind]["max_score"].as_f64().unwrap();
    assert!(max("empty") <= 1.0 && max("dont-know") <= 1.0);
    assert!(max("keyword-stuffing") <= 3.0);
    assert!(max("wrong-question") <= 2.0);
    for item in s["items"].as_array().unwrap() {
        for key in ["id", "expert_score", "score", "status"] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
    assert_eq!(s["grader"]["kind"], "offline");
}

#[test]
fn the_readable_report_has_the_table_the_worst_answers_and_the_scatter() {
    let ws = Workspace::new();
    let out = run_cmd(ws.cmd(&["calibrate", "--split", "dev"]), "");
    let stdout = text(&out.stdout);
    for needle in ["spearman", "By label", "Adversarial answers", "Worst disagreements", "expert", "  0 |"] {
        assert!(stdout.contains(needle), "{needle} missing:\n{stdout}");
    }
}

#[test]
fn a_malformed_line_is_named_and_the_rest_still_run() {
    let ws = Workspace::new();
    let good = r#"{"id":"a","question":"What is the GIL?","reference":"The GIL is a lock in CPython that lets one thread run bytecode at a time.","answer":"A lock that lets one thread run bytecode at a time.","expert_score":7}"#;
    let set = ws.path().join("set.jsonl");
    std::fs::write(&set, format!("{good}\n{{\"id\": \"b\", \"answer\": \n{}\n", good.replace("\"a\"", "\"c\"")))
        .unwrap();
    let (out, s) = calibrate(&ws, &["--set", set.to_str().unwrap()]);
    assert!(!out.status.success(), "a bad line fails the run");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("set.jsonl:2:"), "{stderr}");
    assert_eq!(s["n"], 2, "the two good lines were graded: {s}");
    // Unknown splits are explained.
    let (out, _) = calibrate(&ws, &["--set", set.to_str().unwrap(), "--split", "nope"]);
    assert!(text(&out.stderr).contains("no answers"), "{}", text(&out.stderr));
}

/// The model says 10/10 to everything; pre-checks and caps hold: no attack on the grader is
/// inflated, and an answer to another question that viva recognises (`off-topic`) scores at
/// most 2. (Recognising one is lexical: on the shipped set 13 of 14 are.)
#[test]
fn the_llm_grader_never_inflates_an_adversarial_answer_even_at_ten() {
    let fake = FakeLlm::start(|_, r| ok(completion(&covering(r), "stop")));
    let ws = Workspace::new();
    let attacks = ["empty", "dont-know", "keyword-stuffing", "wrong-question", "injection", "master-key"];
    let shipped = include_str!("../data/calibration.jsonl");
    let lines: Vec<&str> = shipped
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            attacks.contains(&v["adversarial"].as_str().unwrap_or(""))
        })
        .collect();
    let set = ws.path().join("attacks.jsonl");
    std::fs::write(&set, lines.join("\n")).unwrap();
    let mut cmd =
        ws.cmd(&["calibrate", "--json", "--grader", "llm", "--concurrency", "4", "--set", set.to_str().unwrap()]);
    cmd.env("OPENAI_BASE_URL", &fake.url).env("VIVA_MODEL", "fake");
    let out = run_cmd(cmd, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["n"].as_u64().unwrap() as usize, lines.len());
    assert!(!fake.chats().is_empty(), "the model was asked");
    for (kind, group) in s["by_adversarial"].as_object().unwrap() {
        if kind != "wrong-question" {
            assert_eq!(group["inflated"], 0, "{kind}: {group}");
        }
    }
    let items = s["items"].as_array().unwrap();
    let off_topic: Vec<&serde_json::Value> = items
        .iter()
        .filter(|i| i["adversarial"] == "wrong-question" && i["flags"].to_string().contains("off-topic"))
        .collect();
    assert!(off_topic.len() >= 12, "{off_topic:?}");
    assert!(off_topic.iter().all(|i| i["score"].as_f64().unwrap() <= 2.0), "{off_topic:?}");
}

#[test]
fn a_set_with_one_word_references_gets_a_score_or_a_reason_for_every_answer() {
    let ws = Workspace::new();
    let lines = [
        r#"{"id":"a","question":"What process separates salt from water by heating?","reference":"Evaporation","answer":"The water evaporates and leaves the salt.","expert_score":10,"label":"correct"}"#,
        r#"{"id":"b","question":"What process separates salt from water by heating?","reference":"Evaporation","answer":"A magnet pulls the salt out.","expert_score":0,"label":"incorrect"}"#,
        r#"{"id":"c","question":"What process separates salt from water by heating?","reference":"Evaporation","answer":"El agua se evapora y la sal se queda en el plato, por eso es la evaporación.","expert_score":10,"label":"correct"}"#,
        r#"{"id":"d","question_id":"concurrency/global-interpreter-lock-gil-implications","question":"Explain the GIL.","reference":"A lock.","answer":"Only one thread runs Python bytecode at a time.","expert_score":6}"#,
    ];
    let set = ws.path().join("one-word.jsonl");
    std::fs::write(&set, lines.join("\n")).unwrap();
    let (out, s) = calibrate(&ws, &["--set", set.to_str().unwrap(), "--grader", "offline"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let items = s["items"].as_array().unwrap();
    for item in items {
        assert!(item["score"].is_number() || item["reason"].is_string(), "no score or reason: {item}");
    }
    assert!(items[0]["score"].as_f64().unwrap() > items[1]["score"].as_f64().unwrap(), "{items:?}");
    assert_eq!(items[2]["status"], "ungraded");
    assert_eq!(items[0]["answer_key"], "line");
    assert_eq!(items[3]["answer_key"], "bank:concurrency/global-interpreter-lock-gil-implications");
    assert!(s["auc_correct_vs_rest"].is_number(), "{s}");
}
