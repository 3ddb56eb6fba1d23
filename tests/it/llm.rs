//! The LLM grader against the local fake server: the request it sends, each rung of the
//! structured-output ladder, and every fault — after each, the answer ends graded or pending
//! with its reason, never lost, and the key appears in nothing viva wrote.

use std::time::Duration;

use viva::bank::Question;
use viva::config::file::{LlmSettings, Secret};
use viva::grader::llm::Endpoint;
use viva::grader::llm::LlmGrader;
use viva::grader::prompt::Prompts;
use viva::grader::{GradeStatus, Grader};

use crate::fake_llm::{FakeLlm, Reply, completion, grading, ok, sse, status};
use crate::util::{Workspace, ok as success};

pub(crate) const KEY: &str = "sk-test-SECRET-4242";
pub(crate) const GIL: &str = "concurrency/gil-global-interpreter-lock-implications";
pub(crate) const ANSWER: &str = "The GIL is a mutex in CPython that allows only one thread to execute Python bytecode at a time, so CPU-bound threads do not run in parallel; it is released during I/O.";

pub(crate) fn bank() -> Vec<Question> {
    viva::bank::store::load_embedded().unwrap().questions
}

pub(crate) fn settings(url: &str) -> LlmSettings {
    LlmSettings {
        base_url: url.to_string(),
        model: "test-model".into(),
        api_key: Some(Secret::new(KEY)),
        key_source: "test".into(),
        timeout: Duration::from_secs(2),
        deadline: Duration::from_secs(4),
        retries: 2,
        temperature: 0.0,
        max_tokens: 500,
        backoff: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
        prompts: None,
        context_tokens: None,
        budget_usd: None,
        price: None,
    }
}

pub(crate) fn grader_with(s: LlmSettings) -> (LlmGrader, Vec<Question>) {
    let b = bank();
    (LlmGrader::new(Endpoint::new(s).unwrap(), Prompts::load(None).unwrap(), &b), b)
}

pub(crate) fn grade(fake: &FakeLlm, answer: &str) -> viva::grader::Grade {
    let (g, b) = grader_with(settings(&fake.url));
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    g.grade(q, answer)
}

/// Key points 1 and 3 of the GIL question covered, with quotes from [`ANSWER`]; depth and
/// clarity 2 of 2.
pub(crate) fn good_reply() -> String {
    completion(
        &grading(
            2,
            2,
            &[
                (1, "covered", "allows only one thread to execute Python bytecode"),
                (2, "missed", ""),
                (3, "covered", "it is released during I/O"),
            ],
        ),
        "stop",
    )
}

#[test]
fn the_request_carries_key_model_reference_and_the_fenced_answer() {
    let fake = FakeLlm::start(|_, _| ok(good_reply()));
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Graded, "{g:?}");
    // Checklist: 2 of 6 points covered (coverage 2 of 6), depth and clarity in full at
    // relevance 0.75 (3): 5 — computed by grader::score from the verdicts, not by the model.
    assert_eq!(g.score, Some(5.0), "{g:?}");
    assert_eq!(g.covered().count(), 2);
    assert_eq!(g.missed().len(), 4);
    assert_eq!(g.points[2].quote(), "it is released during I/O");
    let p = g.provenance.as_ref().unwrap();
    assert_eq!(
        (p.level.as_str(), p.prompt_tokens, p.attempts, p.model.as_str()),
        ("json_schema", Some(321), 1, "test-model")
    );
    let req = &fake.chats()[0];
    assert_eq!(req.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    let body = req.json();
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("## Reference answer") && user.contains("GIL-free options"), "reference in the prompt");
    let marker = user.lines().find(|l| l.starts_with("<<<ANSWER-")).unwrap();
    assert!(user.contains(&format!("{marker}\n{ANSWER}\n{marker}")), "answer fenced by a per-request marker");
    assert!(!serde_json::to_string(&g).unwrap().contains(KEY));
}

#[test]
fn the_ladder_steps_down_and_remembers() {
    // json_schema rejected, json_object rejected, prompted works.
    let fake = FakeLlm::start(|_, r| match r.json()["response_format"]["type"].as_str() {
        Some(_) => status(400, r#"{"error": {"message": "response_format is not supported"}}"#),
        None => ok(completion(&format!("Here you go:\n{}", grading(1, 1, &[])), "stop")),
    });
    let (g, b) = grader_with(settings(&fake.url));
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let first = g.grade(q, ANSWER);
    assert_eq!(first.status, GradeStatus::Graded);
    assert_eq!(first.provenance.unwrap().level, "prompted");
    let formats: Vec<String> = fake
        .chats()
        .iter()
        .map(|r| r.json()["response_format"]["type"].as_str().unwrap_or("none").to_string())
        .collect();
    assert_eq!(formats, ["json_schema", "json_object", "none"]);
    g.grade(q, ANSWER);
    assert_eq!(fake.chats().len(), 4, "the working level is remembered");
    // ... and across runs, when a file is given.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("levels.json");
    let (g, _) = grader_with(settings(&fake.url));
    let g = g.remember_levels_in(file.clone());
    g.grade(q, ANSWER);
    let (again, _) = grader_with(settings(&fake.url));
    assert_eq!(again.remember_levels_in(file).level(), viva::grader::llm::Level::Prompted);
}

#[test]
fn json_object_mode_is_the_middle_rung() {
    let fake = FakeLlm::start(|_, r| match r.json()["response_format"]["type"].as_str() {
        Some("json_schema") => status(400, "json_schema unsupported"),
        _ => ok(good_reply()),
    });
    assert_eq!(grade(&fake, ANSWER).provenance.unwrap().level, "json_object");
}

#[test]
fn a_401_leaves_the_answer_pending_with_a_clear_reason() {
    let fake = FakeLlm::start(|_, _| status(401, r#"{"error": "invalid api key"}"#));
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Pending);
    let reason = g.reason.unwrap();
    assert!(reason.contains("refused the request (401)") && reason.contains("OPENAI_API_KEY"), "{reason}");
    assert!(!reason.contains(KEY));
    assert_eq!(fake.chats().len(), 1, "no retries on 401");
}

#[test]
fn an_unknown_model_lists_what_the_endpoint_serves() {
    let fake = FakeLlm::start(|_, r| {
        if r.path.ends_with("/models") {
            ok(r#"{"data": [{"id": "qwen2.5-coder"}, {"id": "llama3"}]}"#.into())
        } else {
            status(404, r#"{"error": {"message": "The model `test-model` does not exist"}}"#)
        }
    });
    let reason = grade(&fake, ANSWER).reason.unwrap();
    assert!(
        reason.contains("model `test-model` is not served") && reason.contains("qwen2.5-coder, llama3"),
        "{reason}"
    );
    assert!(fake.requests().iter().any(|r| r.method == "GET" && r.path.ends_with("/models")));
}

#[test]
fn a_429_honours_retry_after() {
    let fake = FakeLlm::start(|n, _| match n {
        0 => Reply::Status { status: 429, headers: vec![("retry-after", "1".into())], body: "slow down".into() },
        _ => ok(good_reply()),
    });
    let started = std::time::Instant::now();
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Graded);
    assert!(started.elapsed() >= Duration::from_millis(950), "waited for Retry-After");
    assert_eq!(g.provenance.unwrap().attempts, 2);
}

#[test]
fn a_retry_after_of_inf_nan_or_1e300_is_bounded_not_a_panic() {
    for value in ["inf", "NaN", "1e300", "-5"] {
        let fake = FakeLlm::start(move |n, _| match n {
            0 => Reply::Status { status: 429, headers: vec![("retry-after", value.into())], body: "slow down".into() },
            _ => ok(good_reply()),
        });
        let mut s = settings(&fake.url);
        s.max_wait = Duration::from_millis(200);
        let (g, b) = grader_with(s);
        let started = std::time::Instant::now();
        let grade = g.grade(b.iter().find(|q| q.id == GIL).unwrap(), ANSWER);
        assert_eq!(grade.status, GradeStatus::Graded, "{value}");
        // (The first grade also loads the tokenizer: seconds, unoptimised.)
        assert!(started.elapsed() < Duration::from_secs(30), "{value}: {:?}", started.elapsed());
    }
}

#[test]
fn server_errors_and_dropped_connections_are_retried() {
    let fake = FakeLlm::start(|n, _| match n {
        0 => status(500, "boom"),
        1 => Reply::Drop,
        _ => ok(good_reply()),
    });
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Graded, "{g:?}");
    assert_eq!(g.provenance.unwrap().attempts, 3);
}

#[test]
fn a_timeout_ends_pending_after_bounded_retries() {
    let fake = FakeLlm::start(|_, _| Reply::Delay(Duration::from_secs(3), Box::new(ok(good_reply()))));
    let mut s = settings(&fake.url);
    s.timeout = Duration::from_millis(300);
    s.retries = 1;
    let (g, b) = grader_with(s);
    let grade = g.grade(b.iter().find(|q| q.id == GIL).unwrap(), ANSWER);
    assert_eq!(grade.status, GradeStatus::Pending);
    assert!(grade.reason.as_deref().unwrap().contains("timed out"), "{:?}", grade.reason);
    assert_eq!(fake.chats().len(), 2);
}

#[test]
fn the_deadline_setting_bounds_a_call_whatever_the_retries() {
    let fake = FakeLlm::start(|_, _| Reply::Delay(Duration::from_secs(3), Box::new(ok(good_reply()))));
    let mut s = settings(&fake.url);
    s.timeout = Duration::from_secs(2);
    s.retries = 10;
    s.deadline = Duration::from_millis(500);
    let (g, b) = grader_with(s);
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    // The first grade also builds the offline grader's tables; time the second.
    g.grade(q, ANSWER);
    let started = std::time::Instant::now();
    let grade = g.grade(q, ANSWER);
    let took = started.elapsed();
    assert_eq!(grade.status, GradeStatus::Pending);
    assert!(grade.reason.as_deref().unwrap().contains("timed out"), "{:?}", grade.reason);
    assert!(took < Duration::from_millis(1500), "a 0.5 s deadline, not a 2 s timeout × 11 attempts: {took:?}");
    assert_eq!(fake.chats().len(), 2, "one attempt a grade: none starts past the deadline");
}

#[test]
fn truncated_or_invalid_content_gets_one_repair_retry() {
    let fake = FakeLlm::start(|n, _| match n {
        0 => ok(completion(r#"{"points": [{"id": 1, "status": "covered", "quote": "allows only"#, "length")),
        _ => ok(good_reply()),
    });
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Graded);
    let repair = &fake.chats()[1].json()["messages"];
    assert_eq!(repair.as_array().unwrap().len(), 4, "the bad reply and a repair request were sent back");
    assert!(repair[3]["content"].as_str().unwrap().contains("cut off at the token limit"));
}

#[test]
fn invalid_bodies_and_out_of_range_scores_end_pending_with_the_reason() {
    let fake = FakeLlm::start(|_, _| ok("this is not json".into()));
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Pending);
    assert!(g.reason.unwrap().contains("not a chat completion"));

    let fake = FakeLlm::start(|_, _| ok(completion(&grading(9, 1, &[]), "stop")));
    let g = grade(&fake, ANSWER);
    assert_eq!(g.status, GradeStatus::Pending);
    assert!(g.reason.unwrap().contains("outside 0..=2"));
    assert!(g.provenance.unwrap().raw_reply.contains("\"score\":9"), "the raw reply is kept");
}

#[test]
fn empty_and_dont_know_answers_spend_no_tokens() {
    let fake = FakeLlm::start(|_, _| ok(good_reply()));
    for answer in ["", "I don't know", ":"] {
        let g = grade(&fake, answer);
        assert_eq!(g.score, Some(0.0), "{answer:?}");
        assert_eq!(g.provenance.unwrap().level, "pre-check");
    }
    assert!(fake.chats().is_empty());
}

#[test]
fn a_thousand_gradings_with_a_third_failing_lose_nothing() {
    let fake = FakeLlm::start(|n, _| match n % 6 {
        1 => status(500, "flaky"),
        3 => ok("{broken".into()),
        5 => Reply::Status { status: 429, headers: vec![("retry-after", "0".into())], body: String::new() },
        _ => ok(good_reply()),
    });
    let mut s = settings(&fake.url);
    s.retries = 0;
    let (g, b) = grader_with(s);
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let grades: Vec<_> = (0..1000).map(|i| g.grade(q, &format!("{ANSWER} ({i})"))).collect();
    let pending = grades.iter().filter(|g| g.status == GradeStatus::Pending).count();
    assert_eq!(grades.len(), 1000);
    assert!(grades.iter().all(|g| matches!(g.status, GradeStatus::Graded | GradeStatus::Pending)));
    assert!(grades.iter().filter(|g| g.status == GradeStatus::Pending).all(|g| g.reason.is_some()));
    assert!(pending > 200, "a third failed: {pending}");
    // A later pass against a healthy endpoint completes every pending grade.
    let healthy = FakeLlm::start(|_, _| ok(good_reply()));
    let (g2, _) = grader_with(settings(&healthy.url));
    let redone = grades
        .iter()
        .filter(|g| g.status == GradeStatus::Pending)
        .map(|_| g2.grade(q, ANSWER))
        .filter(|g| g.status == GradeStatus::Graded)
        .count();
    assert_eq!(redone, pending);
}

#[test]
fn a_piped_interview_with_the_llm_grader_and_no_key_in_any_file() {
    let fake = FakeLlm::start(|_, _| ok(completion(&grading(1, 1, &[]), "stop")));
    let ws = Workspace::new();
    let mut cmd =
        ws.cmd(&["interview", "--count", "2", "--no-timer", "--seed", "4", "--grader", "llm", "--model", "m1"]);
    cmd.env("OPENAI_BASE_URL", &fake.url).env("OPENAI_API_KEY", KEY).env("VIVA_CONFIG", ws.path().join("none.toml"));
    let out = crate::util::run_cmd(
        cmd,
        "First answer about the topic in full sentences.\n.\nSecond answer, also in sentences.\n.\n",
    );
    let (stdout, _) = success(&out);
    assert!(stdout.contains("LLM grader: 2 calls · 642 prompt + 108 completion tokens"), "{stdout}");
    let t = &ws.transcripts_json()[0];
    for item in t["items"].as_array().unwrap() {
        assert_eq!(item["grade"]["status"], "graded", "{item}");
        // Per-point verdicts are saved (here every point missed), with the agreement with the
        // offline grader.
        let points = item["grade"]["points"].as_array().unwrap();
        assert!(!points.is_empty() && points.iter().all(|p| p["status"] == "missed"), "{item}");
        assert!(item["grade"]["provenance"]["agreement"]["of"].as_u64().is_some(), "{item}");
        assert_eq!(item["grade"]["grader"]["model"], "m1");
        assert_eq!(
            item["grade"]["provenance"]["endpoint"],
            fake.url.trim_start_matches("http://").trim_end_matches("/v1")
        );
    }
    for entry in std::fs::read_dir(ws.transcripts()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains(KEY), "the key leaked into a transcript");
    }
    assert!(!crate::util::text(&out.stdout).contains(KEY) && !crate::util::text(&out.stderr).contains(KEY));
}

#[test]
fn answers_pending_on_a_dead_endpoint_are_graded_by_resume() {
    let ws = Workspace::new();
    let dead = "http://127.0.0.1:9/v1";
    let mut cmd = ws.cmd(&["interview", "--count", "2", "--no-timer", "--seed", "4", "--grader", "llm"]);
    cmd.env("OPENAI_BASE_URL", dead).env("VIVA_RETRIES", "0").env("VIVA_CONFIG", ws.path().join("none.toml"));
    let out = crate::util::run_cmd(cmd, "one answer here.\n.\n");
    success(&out);
    let t = &ws.transcripts_json()[0];
    assert_eq!(t["items"][0]["grade"]["status"], "pending");
    assert!(t["items"][0]["grade"]["reason"].as_str().unwrap().contains("cannot reach"), "{t}");
    let fake = FakeLlm::start(|_, _| ok(completion(&grading(1, 1, &[]), "stop")));
    let mut cmd = ws.cmd(&["resume"]);
    cmd.env("OPENAI_BASE_URL", &fake.url).env("VIVA_CONFIG", ws.path().join("none.toml"));
    success(&crate::util::run_cmd(cmd, "second answer here.\n.\n"));
    let t = &ws.transcripts_json()[0];
    assert!(t["items"].as_array().unwrap().iter().all(|i| i["grade"]["status"] == "graded"), "{t}");
}

#[test]
fn an_over_long_answer_is_cut_visibly_to_fit_the_context() {
    let fake = FakeLlm::start(|_, _| ok(good_reply()));
    let mut s = settings(&fake.url);
    s.context_tokens = Some(2500);
    let (g, b) = grader_with(s);
    let long = format!("{ANSWER} {}", "The GIL matters for threads and processes. ".repeat(400));
    let grade = g.grade(b.iter().find(|q| q.id == GIL).unwrap(), &long);
    assert_eq!(grade.status, GradeStatus::Graded);
    assert!(grade.flags.contains(&"truncated".to_string()), "{:?}", grade.flags);
    let (kept, total) = grade.provenance.unwrap().truncated.unwrap();
    assert!(kept < total && total > 3000, "{kept} of {total}");
    let user = fake.chats()[0].json()["messages"][1]["content"].as_str().unwrap().to_string();
    assert!(user.contains("[… the rest of the answer was cut by viva to fit the model's context]"));
}

#[test]
fn tokens_are_counted_when_the_endpoint_reports_none_and_the_budget_stops_spending() {
    let content = grading(1, 1, &[]);
    let body = serde_json::json!({"choices": [{"message": {"content": content}, "finish_reason": "stop"}]}).to_string();
    let fake = FakeLlm::start(move |_, _| ok(body.clone()));
    let mut s = settings(&fake.url);
    s.price = Some(viva::grader::tokens::Price { input_per_mtok: 1000.0, output_per_mtok: 1000.0 });
    s.budget_usd = Some(0.5);
    let (g, b) = grader_with(s);
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let first = g.grade(q, ANSWER);
    let p = first.provenance.unwrap();
    assert!(p.tokens_counted);
    assert!(p.prompt_tokens.unwrap() > 300, "{p:?}");
    assert!(p.cost_usd.unwrap() > 0.5, "{p:?}");
    let second = g.grade(q, ANSWER);
    assert_eq!(second.status, GradeStatus::Pending);
    assert!(second.reason.unwrap().contains("budget"));
    assert_eq!(fake.chats().len(), 1, "no call once the budget is spent");
}

#[test]
fn llm_follow_ups_are_validated_and_fall_back_offline_on_any_fault() {
    let b = bank();
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let missed = q.point_texts()[1..].to_vec();
    let probe = missed[0].clone();
    let p2 = probe.clone();
    let fake = FakeLlm::start(move |_, r| {
        let body = r.json();
        assert_eq!(body["response_format"]["json_schema"]["name"], "followup");
        let user = body["messages"][0]["content"].as_str().unwrap().to_string();
        assert!(user.contains("## Key points the answer missed") && user.contains(&p2));
        ok(completion(
            &serde_json::json!({"question": "What changes when the thread is waiting on the network?", "probes": [p2]})
                .to_string(),
            "stop",
        ))
    });
    let (g, _) = grader_with(settings(&fake.url));
    let f = g.followup(q, ANSWER, &missed, 1).unwrap();
    assert_eq!(f.question, "What changes when the thread is waiting on the network?");
    assert_eq!(f.point_texts(), std::slice::from_ref(&probe));

    // A reply that states the point, a probe that is not a missed point, or a server error:
    // the offline follow-up is used instead, and the session goes on.
    let p3 = probe.clone();
    let bad = FakeLlm::start(move |n, _| match n {
        0 => ok(completion(
            &serde_json::json!({"question": format!("Is it true that {p3}?"), "probes": [p3]}).to_string(),
            "stop",
        )),
        1 => ok(completion(
            r#"{"question": "Tell me about decorators?", "probes": ["decorators wrap functions"]}"#,
            "stop",
        )),
        _ => status(500, "down"),
    });
    let mut s = settings(&bad.url);
    s.retries = 0;
    let (g, _) = grader_with(s);
    for _ in 0..3 {
        let f = g.followup(q, ANSWER, &missed, 1).unwrap();
        assert!(f.question.starts_with("Let's go one level deeper."), "{}", f.question);
        assert_eq!(f.key_points.len(), 1);
    }
}

#[test]
fn practice_improve_shows_the_models_minimal_edit_as_a_diff() {
    let content = grading(1, 1, &[]);
    let fake = FakeLlm::start(move |_, r| {
        let body = r.json();
        if body["stream"] == true {
            ok(sse(&content, 3, true))
        } else {
            assert!(body["messages"][0]["content"].as_str().unwrap().contains("smallest edits"));
            ok(completion(r#"{"improved": "The GIL is a mutex, released during blocking I/O."}"#, "stop"))
        }
    });
    let ws = Workspace::new();
    let second = "concurrency/threading-multiprocessing-asyncio-concurrent-futures";
    let mut cmd = ws.cmd(&["practice", "--question", GIL, "--question", second, "--grader", "llm", "--followups", "0"]);
    cmd.env("OPENAI_BASE_URL", &fake.url);
    let (stdout, _) = success(&crate::util::run_cmd(cmd, "The GIL is a mutex.\n.\n/improve\n"));
    assert!(stdout.contains("A minimal edit of your answer"), "{stdout}");
    assert!(stdout.contains("{+released+}") && stdout.contains("[-mutex.-]"), "{stdout}");
}

#[test]
fn an_llm_appeal_needs_a_real_quote_and_never_sees_the_argument() {
    let b = bank();
    let q = b.iter().find(|q| q.id == GIL).unwrap();
    let point = q.key_points.last().unwrap().text.clone();
    let answer = "Some libraries do heavy numeric work outside the interpreter lock, which is why they stay fast.";
    let fake = FakeLlm::start(|n, r| {
        let user = r.json()["messages"][0]["content"].as_str().unwrap().to_string();
        assert!(user.contains("## Key point") && !user.contains("I did cover"), "the argument is never sent");
        match n {
            0 => ok(completion(
                r#"{"covered": true, "evidence": "do heavy numeric work outside the interpreter lock"}"#,
                "stop",
            )),
            _ => ok(completion(r#"{"covered": true, "evidence": "NumPy releases the GIL"}"#, "stop")),
        }
    });
    let (g, _) = grader_with(settings(&fake.url));
    let upheld = g.recheck(q, answer, &point).expect("a quote from the answer upholds it");
    assert!(answer.contains(&upheld.evidence));
    assert!(g.recheck(q, answer, &point).is_none(), "a quote the answer does not contain is not evidence");
}
