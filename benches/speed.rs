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
        let questions = assemble::assemble(&docs, &Default::default());
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
        let assemble = time(11, || assemble::assemble(&docs, &Default::default()).len());
        let qs = assemble::assemble(&docs, &Default::default());
        let render = time(11, || store::render(&qs).len());
        let raw: Vec<&str> = docs.iter().flat_map(|d| d.parsed.questions.iter().map(|q| q.question.as_str())).collect();
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

    let bin = root.join("target/release/viva");
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
