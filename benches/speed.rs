//! viva's speed figures, measured on the release build: `cargo bench --bench speed`.
//! Each figure is the median of several runs, printed with its target as a Markdown table row
//! (BENCHMARKS.md is made from this output).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use viva::bank::assemble::{self, Document};
use viva::bank::{import, store};
use viva::grader::Grader;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    median(samples)
}

fn row(name: &str, value: Duration, target: Duration) {
    let ok = if value <= target { "✅" } else { "❌" };
    println!("| {name} | {:.2} ms | < {:.0} ms | {ok} |", value.as_secs_f64() * 1e3, target.as_secs_f64() * 1e3);
}

/// A local OpenAI-compatible server that answers every request at once with a valid grade.
fn zero_latency_fake() -> String {
    fake_with_latency(Duration::ZERO)
}

/// The same, answering each request after `latency`.
fn fake_with_latency(latency: Duration) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    // A checklist reply (every point missed, so no quote to verify): the grader's full path.
    let content = r#"{"points":[],"misconceptions":[],"depth":{"score":1,"feedback":"ok"},"clarity":{"score":1,"feedback":"ok"},"feedback":"ok","injection":false}"#;
    let body = serde_json::json!({"choices": [{"message": {"content": content}, "finish_reason": "stop"}]}).to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = body.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0;
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut buf = vec![0; len];
                let _ = std::io::Read::read_exact(&mut reader, &mut buf);
                std::thread::sleep(latency);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    url
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = root.join("question_bank/sources");
    let mut files: Vec<_> = std::fs::read_dir(&sources).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();

    println!("| figure | median | target | |");
    println!("|---|---|---|---|");

    let import_all = time(21, || {
        let docs: Vec<Document> = files
            .iter()
            .map(|p| Document {
                file: p.file_name().unwrap().to_string_lossy().into_owned(),
                parsed: import::parse(&import::read_document(p).unwrap()),
            })
            .collect();
        let questions = assemble::assemble(&docs, &[]);
        store::render(&questions)
    });
    row(
        "import all five documents (read, repair, parse, group, classify, distil, render)",
        import_all,
        Duration::from_millis(50),
    );

    if std::env::var_os("VIVA_BENCH_PHASES").is_some() {
        let texts: Vec<String> = files.iter().map(|p| import::read_document(p).unwrap()).collect();
        let read = time(11, || files.iter().map(|p| import::read_document(p).unwrap().len()).sum::<usize>());
        let parse = time(11, || texts.iter().map(|t| import::parse(t).questions.len()).sum::<usize>());
        let docs: Vec<Document> = files
            .iter()
            .zip(&texts)
            .map(|(p, t)| Document { file: p.display().to_string(), parsed: import::parse(t) })
            .collect();
        let assemble = time(11, || assemble::assemble(&docs, &[]).len());
        let qs = assemble::assemble(&docs, &[]);
        let render = time(11, || store::render(&qs).len());
        let raw: Vec<viva::bank::dedupe::Item> = docs
            .iter()
            .flat_map(|d| d.parsed.questions.iter())
            .map(|q| viva::bank::dedupe::Item {
                question: &q.question,
                code: q.code.as_deref(),
                answer: q.answer.as_deref(),
            })
            .collect();
        let group = time(11, || viva::bank::dedupe::group(&raw).len());
        eprintln!("read+repair {read:?} parse {parse:?} assemble {assemble:?} (group {group:?}) render {render:?}");
    }

    let load = time(51, || store::load_embedded().unwrap());
    row("load and validate the bank (embedded)", load, Duration::from_millis(10));

    let bank = store::load_embedded().unwrap();
    let grader = viva::grader::offline::OfflineGrader::new(&bank.questions);
    let answer = "The GIL is a mutex in CPython that lets only one thread run bytecode at a time, so CPU-bound \
                  threads do not run in parallel; it is released during blocking I/O, so threads still help for \
                  I/O-bound work. For CPU-bound parallelism use multiprocessing or C extensions that release it.";
    let mut i = 0;
    let grade = time(201, || {
        i = (i + 1) % bank.questions.len();
        grader.grade(&bank.questions[i], answer)
    });
    row("offline grade, one answer", grade, Duration::from_millis(10));

    // LLM grader overhead: everything but the model, against a zero-latency local fake.
    let url = zero_latency_fake();
    let settings = viva::config::file::LlmSettings {
        base_url: url,
        model: "bench".into(),
        api_key: None,
        key_source: "none".into(),
        timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(10),
        retries: 0,
        temperature: 0.0,
        max_tokens: 500,
        backoff: Duration::from_millis(10),
        max_wait: Duration::from_secs(1),
        prompts: None,
        context_tokens: None,
        budget_usd: None,
        price: None,
    };
    let llm = viva::grader::llm::LlmGrader::new(
        viva::grader::llm::Endpoint::new(settings).unwrap(),
        viva::grader::prompt::Prompts::load(None).unwrap(),
        &bank.questions,
    );
    let q = bank.questions.iter().find(|q| q.key_points.len() >= 3).unwrap();
    let overhead = time(201, || {
        let g = llm.grade(q, answer);
        assert_eq!(g.status, viva::grader::GradeStatus::Graded, "{:?}", g.reason);
    });
    row("LLM grade overhead, zero-latency local fake (HTTP on loopback included)", overhead, Duration::from_millis(5));

    let bin = root.join("target/release/viva");
    if bin.exists() {
        history_figures(&bin, &bank.questions, &grader);
    }
    if bin.exists() {
        let first_question = median(
            (0..11)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    let start = Instant::now();
                    let mut child = Command::new(&bin)
                        .args(["interview", "--count", "5", "--seed", "1"])
                        .current_dir(dir.path())
                        .env("VIVA_TRANSCRIPTS", dir.path())
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap();
                    let mut out = BufReader::new(child.stdout.take().unwrap());
                    let mut line = String::new();
                    while out.read_line(&mut line).unwrap() > 0 && !line.contains("Question 1 of") {
                        line.clear();
                    }
                    let elapsed = start.elapsed();
                    let _ = child.stdin.take().unwrap().write_all(b"/quit\n");
                    let _ = child.wait();
                    elapsed
                })
                .collect(),
        );
        row(
            "start to first question on screen (full bank, process spawn included)",
            first_question,
            Duration::from_millis(50),
        );
    } else {
        eprintln!("(build `cargo build --release` first to measure start-up)");
    }
}

/// `viva review stats` over 1,000 transcripts, and regrade throughput against a 50 ms fake.
fn history_figures(bin: &Path, questions: &[viva::bank::Question], grader: &viva::grader::offline::OfflineGrader) {
    use viva::transcript::{Item, SessionSettings, Store, Transcript};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let gradeable: Vec<&viva::bank::Question> = questions.iter().filter(|q| !q.key_points.is_empty()).collect();
    let make = |n: usize, store: &Store| {
        for i in 0..n {
            let settings = SessionSettings {
                count: 3,
                topics: vec![],
                difficulty: None,
                per_question_seconds: None,
                total_seconds: None,
                hard_stop: true,
                seed: i as u64,
                grader: "offline".into(),
                followups: 0,
            };
            let picked: Vec<&viva::bank::Question> =
                (0..3).map(|k| gradeable[(i * 7 + k * 13) % gradeable.len()]).collect();
            let mut t = Transcript::new(
                format!("20261101-{i:06}"),
                "interview",
                settings,
                picked.iter().map(|q| q.id.clone()).collect(),
            );
            for q in picked {
                let answer = q.key_points.first().map(|k| k.text.clone()).unwrap_or_default();
                t.items.push(Item::new(q, answer.clone(), grader.grade(q, &answer)));
            }
            t.finished_at = Some(t.started_at);
            store.save(&t).unwrap();
        }
    };
    make(1000, &store);
    let stats = median(
        (0..7)
            .map(|_| {
                let start = Instant::now();
                let out = Command::new(bin)
                    .args(["review", "stats", "--json"])
                    .env("VIVA_TRANSCRIPTS", dir.path())
                    .output()
                    .unwrap();
                assert!(out.status.success());
                start.elapsed()
            })
            .collect(),
    );
    row(
        "`viva review stats --json` over 1,000 transcripts (process spawn included)",
        stats,
        Duration::from_millis(200),
    );

    // Regrade: 1,070 transcripts × 3 answers = 3,210 grades at 50 ms each, 32 at a time: ideal ≈ 5 s,
    // so start-up (process, bank, tokenizer) is a small part of it.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    make(1070, &store);
    let url = fake_with_latency(Duration::from_millis(50));
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["regrade", "--all", "--grader", "llm", "--concurrency", "32", "--json"])
        .env("VIVA_TRANSCRIPTS", dir.path())
        .env("OPENAI_BASE_URL", &url)
        .env("VIVA_CONFIG", dir.path().join("none.toml"))
        .output()
        .unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rate = 3210.0 / elapsed;
    let ideal = 32.0 / 0.050;
    let ok = if rate >= 0.8 * ideal { "✅" } else { "❌" };
    println!(
        "| regrade throughput, 50 ms fake, concurrency 32 (3,210 grades) | {rate:.0} grades/s = {:.0}% of ideal {ideal:.0}/s | ≥ 80% | {ok} |",
        100.0 * rate / ideal
    );
}
