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
    assert!(shown.contains("│ The GIL is a mutex that lets one thread run bytecode."), "{shown}");
    assert!(!shown.contains("|---|") && !shown.contains("### "), "rendered, not raw Markdown: {shown}");
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
    assert!(rows[0].starts_with("session,item,attempt,counts,question_id"));
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

#[test]
fn the_html_report_is_self_contained_with_labelled_charts() {
    let (ws, ids) = two_sessions();
    let out_file = ws.path().join("report.html");
    let (_, stderr) = ok(&ws.run(&["report", "-o", out_file.to_str().unwrap()], ""));
    assert!(stderr.contains("2 sessions, 3 answers"), "{stderr}");
    let html = std::fs::read_to_string(&out_file).unwrap();
    // The DOM we rely on (the unit tests in src/review/report/tests.rs check it in detail): the
    // trend chart with a point per session, a bar row per topic and per answer.
    let trend = &html[html.find(r#"<svg id="trend""#).expect("trend chart")..];
    let trend = &trend[..trend.find("</svg>").unwrap()];
    assert!(trend.contains("<title id=\"trend-title\">Score over time</title>"));
    assert_eq!(trend.matches("<circle").count(), 2, "one point per session");
    assert_eq!(trend.matches(r#"class="x-tick""#).count(), 2, "every session's date");
    let times = &html[html.find(r#"id="times""#).expect("time rows")..];
    assert_eq!(times[..times.find("</div>").unwrap()].matches(r#"class="fill "#).count(), 3, "one bar per answer");
    assert!(html.contains(r#"id="topics""#));
    for id in &ids {
        if html.contains(&format!("transcript {id}")) {
            assert!(html.contains(&format!(r#"href="transcripts/{id}.md""#)), "relative link to {id}");
        }
    }
    assert!(!html.contains("file://"), "links are relative");
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"), "no external assets");
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser"]
        .iter()
        .find(|c| std::process::Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("skipped: no chromium (install Debian's `chromium` to run this check)");
        return;
    };
    let (ws, _) = two_sessions();
    let html = ws.path().join("report.html");
    ok(&ws.run(&["report", "-o", html.to_str().unwrap()], ""));
    let png = ws.path().join("report.png");
    let out = std::process::Command::new(chromium)
        .args([
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1000,1400",
        ])
        .arg(format!("--user-data-dir={}", ws.path().join("chrome").display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(bytes.len() > 20_000, "a page with charts, not a blank one ({} bytes)", bytes.len());
}

#[test]
fn due_schedules_answered_questions_and_interview_due_draws_new_ones_within_the_cap() {
    let (ws, _) = two_sessions();
    let answered: Vec<String> = ws
        .transcripts_json()
        .iter()
        .flat_map(|t| {
            t["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["question_id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let (stdout, _) = ok(&ws.run(&["due", "--json"], ""));
    let due: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(due["known"].as_u64().unwrap() as usize, answered.len());
    // The cap: 10 new a day, 3 already taken today, so 7 remain.
    ok(&ws.run(&["interview", "--due", "--count", "20", "--no-timer"], ""));
    let plan: Vec<String> = ws.transcripts_json().last().unwrap()["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let new: Vec<&String> = plan.iter().filter(|id| !answered.contains(id)).collect();
    assert_eq!(new.len(), 7, "{plan:?}");
    let out = ws.run(&["interview", "--due", "--new-per-day", "3"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("nothing is due"), "{}", text(&out.stderr));
}

/// What the user sees for the fixture transcripts in `tests/data/transcripts/`, compared with
/// the files in `expected/` (`VIVA_UPDATE_SNAPSHOTS=1` rewrites them after an intended change).
#[test]
fn snapshots_of_review_list_stats_search_and_export_over_fixtures() {
    let ws = Workspace::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/transcripts");
    std::fs::create_dir_all(ws.transcripts()).unwrap();
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            std::fs::copy(&p, ws.transcripts().join(p.file_name().unwrap())).unwrap();
        }
    }
    let cases: [(&str, &[&str]); 5] = [
        ("review.txt", &["review"]),
        ("stats.txt", &["review", "stats"]),
        ("search.txt", &["review", "search", "mutex"]),
        ("export.csv", &["export", "20261113-090000-0001", "--format", "csv"]),
        ("show.txt", &["review", "show", "20261110-090000-0000"]),
    ];
    for (file, args) in cases {
        let (stdout, _) = ok(&ws.run(args, ""));
        let expected = fixtures.join("expected").join(file);
        if std::env::var_os("VIVA_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&expected, &stdout).unwrap();
        }
        let want = std::fs::read_to_string(&expected).unwrap_or_default();
        assert_eq!(stdout, want, "`viva {}` differs from {}", args.join(" "), expected.display());
    }
}
