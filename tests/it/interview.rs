//! The interview driven through pipes: scripted sessions, commands, hard stop, kill -9 and resume.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::util::{Workspace, ok, text};

#[test]
fn a_scripted_interview_saves_two_graded_items() {
    let ws = Workspace::new();
    let out = ws.run(&["interview", "--count", "2", "--no-timer", "--seed", "1"], "answer one\n.\nanswer two\n.\n");
    let (stdout, _) = ok(&out);
    let ts = ws.transcripts_json();
    assert_eq!(ts.len(), 1, "one transcript");
    let t = &ts[0];
    assert_eq!(t["schema_version"], 1);
    assert!(t["finished_at"].is_string(), "finished: {t}");
    let items = t["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["answer"], "answer one");
    assert_eq!(items[1]["answer"], "answer two");
    for item in items {
        assert_eq!(item["grade"]["status"], "graded", "{item}");
        assert!(item["grade"]["score"].as_f64().unwrap() <= 10.0);
        for field in [
            "question_id", "question", "topic", "difficulty", "started_at", "answered_at", "seconds", "timed_out",
            "skipped",
        ] {
            assert!(!item[field].is_null(), "item has {field}");
        }
        assert_eq!(item["grade"]["grader"]["kind"], "offline");
    }
    assert!(stdout.contains("Question 1 of 2"), "{stdout}");
    assert!(stdout.contains("Overall:"), "{stdout}");
    // The Markdown rendering sits beside the JSON.
    let id = t["id"].as_str().unwrap();
    let md = std::fs::read_to_string(ws.transcripts().join(format!("{id}.md"))).unwrap();
    assert!(md.contains("> answer one"), "{md}");
}

#[test]
fn the_same_seed_draws_the_same_questions() {
    let ws = Workspace::new();
    for _ in 0..2 {
        ok(&ws.run(&["interview", "--count", "3", "--no-timer", "--seed", "42"], ""));
    }
    let ts = ws.transcripts_json();
    assert_eq!(ts.len(), 2);
    assert_eq!(ts[0]["plan"], ts[1]["plan"]);
    let plan = ts[0]["plan"].as_array().unwrap();
    assert_eq!(plan.len(), 3);
    let topics: std::collections::HashSet<&str> =
        plan.iter().map(|id| id.as_str().unwrap().split('/').next().unwrap()).collect();
    assert_eq!(topics.len(), 3, "topics are mixed: {plan:?}");
}

#[test]
fn commands_work_from_a_pipe_and_typos_are_not_answers() {
    let ws = Workspace::new();
    let script = "/skpi\n/help\n/time\n/skip\nmy real answer\nsecond line\n.\n";
    let out = ws.run(&["interview", "--count", "2", "--per-question", "600", "--seed", "3"], script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("unknown command /skpi: did you mean /skip?"), "{stdout}");
    assert!(stdout.contains("/repeat"), "help lists commands: {stdout}");
    assert!(stdout.contains("question: 10m 00s left") || stdout.contains("question: 9m 59s left"), "{stdout}");
    let t = &ws.transcripts_json()[0];
    let items = t["items"].as_array().unwrap();
    assert_eq!(items[0]["skipped"], true);
    assert_eq!(items[0]["answer"], "");
    assert_eq!(items[1]["answer"], "my real answer\nsecond line");
}

#[test]
fn eof_ends_the_session_saved_and_resumable() {
    let ws = Workspace::new();
    let out = ws.run(&["interview", "--count", "3", "--no-timer", "--seed", "5"], "only one answer\n.\n");
    let (_, stderr) = ok(&out);
    assert!(stderr.contains("viva resume"), "{stderr}");
    let t = &ws.transcripts_json()[0];
    assert!(t["finished_at"].is_null());
    assert_eq!(t["items"].as_array().unwrap().len(), 1);
    let out = ws.run(&["resume"], "two\n.\nthree\n.\n");
    ok(&out);
    let t = &ws.transcripts_json()[0];
    assert!(t["finished_at"].is_string(), "{t}");
    let answers: Vec<&str> = t["items"].as_array().unwrap().iter().map(|i| i["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["only one answer", "two", "three"]);
}

#[test]
fn hard_stop_submits_the_partial_answer_from_a_pipe() {
    let ws = Workspace::new();
    let mut child = ws
        .cmd(&["interview", "--count", "1", "--per-question", "1", "--seed", "9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"half an answer, still typing\n").unwrap();
    stdin.flush().unwrap();
    // Keep stdin open: the answer is never finished by the candidate.
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("time is up"), "{stdout}");
    let item = &ws.transcripts_json()[0]["items"][0];
    assert_eq!(item["timed_out"], true);
    assert_eq!(item["answer"], "half an answer, still typing");
}

#[test]
fn kill_9_after_the_second_answer_loses_nothing_and_resume_finishes() {
    let ws = Workspace::new();
    let mut child = ws
        .cmd(&["interview", "--count", "3", "--no-timer", "--seed", "11"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"first answer\n.\nsecond answer\n.\nthird answer, half typed").unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let items = ws.transcripts_json().first().map(|t| t["items"].as_array().map_or(0, |a| a.len())).unwrap_or(0);
        if items >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the second answer never reached the disk");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    drop(stdin);
    let t = &ws.transcripts_json()[0];
    let answers: Vec<&str> = t["items"].as_array().unwrap().iter().map(|i| i["answer"].as_str().unwrap()).collect();
    assert_eq!(answers, ["first answer", "second answer"]);
    assert!(t["finished_at"].is_null());
    let out = ws.run(&["resume"], "third answer\n.\n");
    let (_, stderr) = ok(&out);
    assert!(stderr.contains("resuming session"), "{stderr}");
    let t = &ws.transcripts_json()[0];
    assert!(t["finished_at"].is_string());
    let items = t["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["grade"]["status"] == "graded"), "{t}");
}

#[test]
fn bad_filters_get_clear_errors() {
    let ws = Workspace::new();
    let out = ws.run(&["interview", "--topic", "cooking"], "");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("error: unknown topic `cooking`"), "{err}");
    assert!(err.contains("hint: topics are: core-python"), "{err}");
    let out = ws.run(&["resume"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no unfinished session"), "{}", text(&out.stderr));
}

#[test]
fn an_answer_typed_while_paused_is_kept_not_lost() {
    let ws = Workspace::new();
    let script = "/pause\nmy answer typed while paused\n.\n/resume\nand its second line\n.\n";
    let out = ws.run(&["interview", "--count", "1", "--per-question", "600", "--seed", "3"], script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("paused: /resume to continue"), "{stdout}");
    let item = &ws.transcripts_json()[0]["items"][0];
    assert_eq!(item["answer"], "my answer typed while paused\nand its second line");
}

#[test]
fn follow_ups_probe_missed_key_points_and_nest_under_their_question() {
    let ws = Workspace::new();
    let script = "The GIL is a mutex.\n.\nIt is released while a thread waits on blocking I/O, so other threads run.\n.\nsecond question answer\n.\nanother follow-up answer\n.\n";
    let out = ws.run(&["interview", "--count", "2", "--no-timer", "--seed", "8", "--followups", "1"], script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("Follow-up 1 · untimed"), "{stdout}");
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["settings"]["followups"], 1);
    let first = &t["items"][0];
    let follow = &first["followups"][0];
    assert_eq!(follow["answer"], "It is released while a thread waits on blocking I/O, so other threads run.");
    assert_eq!(follow["grade"]["status"], "graded");
    // The follow-up probes exactly one key point the first answer missed.
    let probed = follow["grade"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["point"].as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert_eq!(probed.len(), 1, "{follow}");
    let missed_first: Vec<&str> = first["grade"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] != "covered")
        .map(|p| p["point"].as_str().unwrap())
        .collect();
    assert!(missed_first.contains(&probed[0].as_str()), "{probed:?} not in {missed_first:?}");
    assert!(!follow["question"].as_str().unwrap().contains(&probed[0]), "the follow-up never states the point");
    // The Markdown shows the chain.
    let id = t["id"].as_str().unwrap();
    let md = std::fs::read_to_string(ws.transcripts().join(format!("{id}.md"))).unwrap();
    assert!(md.contains("### Follow-up 1.1:"), "{md}");
}

#[test]
fn practice_gives_feedback_after_each_answer_drills_follow_ups_and_shows_the_reference() {
    let ws = Workspace::new();
    let id = "concurrency/gil-global-interpreter-lock-implications";
    let script = "The GIL is a mutex.\n.\n/reference\nIt is released during blocking I/O, so other threads overlap their waits.\n.\nno idea\n.\n";
    let out = ws.run(&["practice", "--question", id], script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("Score 0.5/10") || stdout.contains("Score "), "{stdout}");
    assert!(stdout.contains("✗ For I/O-bound work threads still help"), "missed points shown: {stdout}");
    assert!(stdout.contains("Reference answer\nThe GIL (Global Interpreter Lock) is a mutex"), "{stdout}");
    assert!(
        stdout.contains("Follow-up 1 · untimed") && stdout.contains("Follow-up 2 · untimed"),
        "drills up to 2: {stdout}"
    );
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["mode"], "practice");
    assert_eq!(t["plan"], serde_json::json!([id]));
    let followups = t["items"][0]["followups"].as_array().unwrap();
    assert_eq!(followups.len(), 2);
    assert!(followups.iter().all(|f| f["grade"]["status"] == "graded"));
    // --weak draws from past scores; with no history it says what to do.
    let fresh = Workspace::new();
    let out = fresh.run(&["practice", "--weak"], "");
    assert!(!out.status.success() && text(&out.stderr).contains("no weak questions yet"), "{}", text(&out.stderr));
    let (_, _) = ok(&ws.run(&["practice", "--weak", "--followups", "0"], "again\n.\n"));
    let t = ws.transcripts_json().last().unwrap().clone();
    assert_eq!(t["plan"][0], id, "the weakest question comes first");
}

#[test]
fn practice_hints_lower_the_best_score_and_ratings_and_improvements_are_recorded() {
    let ws = Workspace::new();
    let id = "concurrency/gil-global-interpreter-lock-implications";
    let strong = "The GIL (Global Interpreter Lock) is a mutex in CPython that allows only one thread to execute Python bytecode at a time. \
        I/O-bound workloads: the GIL is released during I/O operations, so threads overlap I/O wait time. \
        CPU-bound workloads: the GIL prevents threads from running Python code in parallel, so use multiprocessing. \
        It simplifies memory management because reference counting is not thread-safe, but prevents true CPU parallelism across threads. \
        C extensions such as NumPy and Pandas release the GIL for numeric operations.";
    let script = format!("/hint\n/hint\n/hint\n{strong}\n.\n/improve\n/rate good\n");
    let second = "concurrency/threading-multiprocessing-asyncio-concurrent-futures";
    let out = ws.run(&["practice", "--question", id, "--question", second, "--followups", "0"], &script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("Hint 1 (best score now 8.5)") && stdout.contains("Hint 2 (best score now 7)"), "{stdout}");
    assert!(stdout.contains("Hint 3 (best score now 5.5): The GIL is a mutex in CPython"), "{stdout}");
    assert!(stdout.contains("Your answer, with what it missed:"), "{stdout}");
    assert!(stdout.contains("recorded your rating: good"), "{stdout}");
    let item = &ws.transcripts_json()[0]["items"][0];
    assert_eq!(item["hints"], 3);
    assert_eq!(item["self_rating"], "good");
    assert!(item["grade"]["score"].as_f64().unwrap() <= 5.5, "{item}");
    assert!(item["grade"]["flags"].as_array().unwrap().iter().any(|f| f == "hints:3"));
}

#[test]
fn practice_retry_grades_another_attempt_and_shows_the_change() {
    let ws = Workspace::new();
    let id = "concurrency/gil-global-interpreter-lock-implications";
    let second = "concurrency/threading-multiprocessing-asyncio-concurrent-futures";
    let better = "The GIL (Global Interpreter Lock) is a mutex in CPython that allows only one thread to execute Python bytecode at a time, \
        so CPU-bound threads cannot run Python code in parallel; for I/O-bound workloads the GIL is released during I/O operations.";
    let script = format!("The GIL is a lock.\n.\n/retry\n{better}\n.\n");
    let out = ws.run(&["practice", "--question", id, "--question", second, "--followups", "0"], &script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("Retry — answer again:"), "{stdout}");
    let line = stdout.lines().find(|l| l.starts_with("Retry: ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("(+"), "the score went up: {line}");
    assert!(stdout.contains("+ now covered: The GIL is a mutex in CPython"), "{stdout}");
    assert!(stdout.contains("coverage"), "per-criterion change shown");
    let item = &ws.transcripts_json()[0]["items"][0];
    assert_eq!(item["retries"].as_array().unwrap().len(), 1);
    assert_eq!(item["answer"], "The GIL is a lock.", "the first attempt is kept");
}

#[test]
fn practice_appeals_are_checked_against_the_answer_not_the_argument() {
    let ws = Workspace::new();
    let id = "concurrency/gil-global-interpreter-lock-implications";
    let second = "concurrency/threading-multiprocessing-asyncio-concurrent-futures";
    let answer = "The GIL is a mutex in CPython, one thread at a time.";
    let script = format!("{answer}\n.\n/appeal I obviously covered C extensions releasing the GIL, NumPy, Pandas\n");
    let out = ws.run(&["practice", "--question", id, "--question", second, "--followups", "0"], &script);
    let (stdout, _) = ok(&out);
    assert!(stdout.contains("appeal not upheld") && stdout.contains("the argument alone is not evidence"), "{stdout}");
    let item = &ws.transcripts_json()[0]["items"][0];
    let appeals = item["appeals"].as_array().unwrap();
    assert_eq!(appeals.len(), 1);
    assert_eq!(appeals[0]["upheld"], false);
    assert!(
        appeals[0]["point"].as_str().unwrap().contains("C extensions"),
        "the point the argument names: {}",
        appeals[0]
    );
    assert_eq!(appeals[0]["argument"], "I obviously covered C extensions releasing the GIL, NumPy, Pandas");
}
