//! `viva review` and `viva export` over transcripts made by real (piped) sessions.

use crate::util::{Workspace, ok, text};

fn two_sessions() -> (Workspace, Vec<String>) {
    let ws = Workspace::new();
    ok(&ws.run(
        &["interview", "--count", "2", "--no-timer", "--seed", "1"],
        "The GIL is a mutex that lets one thread run bytecode.\n.\n/skip\n",
    ));
    ok(&ws.run(
        &["interview", "--count", "1", "--no-timer", "--seed", "2"],
        "Dependency injection with Depends resolves per request.\n.\n",
    ));
    let ids = ws.transcripts_json().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect();
    (ws, ids)
}

#[test]
fn review_lists_newest_first_with_filters_and_json() {
    let (ws, ids) = two_sessions();
    let (stdout, _) = ok(&ws.run(&["review"], ""));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("session"), "{stdout}");
    assert!(lines[1].starts_with(&ids[1]) && lines[2].starts_with(&ids[0]), "newest first:\n{stdout}");
    let (json, _) = ok(&ws.run(&["review", "--json"], ""));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["id"], ids[1].as_str());
    for field in ["started_at", "mode", "topics", "questions", "score", "seconds", "grader"] {
        assert!(!rows[0][field].is_null(), "{field}");
    }
    let (none, _) = ok(&ws.run(&["review", "--json", "--grader", "llm"], ""));
    assert_eq!(none.trim(), "[]");
    let out = ws.run(&["review", "--since", "yesterday"], "");
    assert!(text(&out.stderr).contains("YYYY-MM-DD"), "{}", text(&out.stderr));
}

#[test]
fn show_stats_and_search_over_sessions() {
    let (ws, ids) = two_sessions();
    let (shown, _) = ok(&ws.run(&["review", "show", &ids[0]], ""));
    assert!(shown.contains("> The GIL is a mutex that lets one thread run bytecode."), "{shown}");
    assert!(shown.contains("Flags: skipped"), "{shown}");
    let (stats, _) = ok(&ws.run(&["review", "stats", "--json"], ""));
    let st: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(st["sessions"], 2);
    assert_eq!(st["answers"], 3);
    assert_eq!(st["trend"].as_array().unwrap().len(), 2);
    assert!(!st["by_topic"].as_array().unwrap().is_empty());
    assert_eq!(st["graders"]["offline"], 2);
    let (plain, _) = ok(&ws.run(&["review", "stats"], ""));
    assert!(plain.contains("trend") && plain.contains("Weakest questions"), "{plain}");
    let (found, _) = ok(&ws.run(&["review", "search", "depends", "request"], ""));
    assert!(found.contains(&ids[1]) && found.contains("answer"), "{found}");
}

#[test]
fn export_in_every_format_and_a_damaged_file_is_skipped() {
    let (ws, ids) = two_sessions();
    let (csv, _) = ok(&ws.run(&["export", &ids[0], "--format", "csv"], ""));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "header + 2 answers:\n{csv}");
    assert!(rows[0].starts_with("session,question_id,topic"));
    let (html, _) = ok(&ws.run(&["export", &ids[0], "--format", "html"], ""));
    assert!(html.starts_with("<!doctype html>") && !html.contains("http"), "self-contained");
    let (json, _) = ok(&ws.run(&["export", &ids[0], "--format", "json"], ""));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap()["id"], ids[0].as_str());
    let out_file = ws.path().join("s.md");
    ok(&ws.run(&["export", &ids[0], "-o", out_file.to_str().unwrap()], ""));
    assert!(std::fs::read_to_string(out_file).unwrap().starts_with("# viva interview"));
    std::fs::write(ws.transcripts().join("zz-broken.json"), "{ not json").unwrap();
    let out = ws.run(&["review"], "");
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("warning: skipping transcript") && text(&out.stderr).contains("zz-broken.json"),
        "{}",
        text(&out.stderr)
    );
    let out = ws.run(&["export", "nope"], "");
    assert!(!out.status.success() && text(&out.stderr).contains("no session `nope`"));
}
