use super::*;

const GOOD: &str = r#"topic = "concurrency"

[[question]]
id = "concurrency/gil"
difficulty = "hard"
difficulty_origin = "marked"
question = "What is the GIL?"
source = "000.md:5"
answer = "A mutex."
key_points = ["The GIL is a mutex"]

[[question]]
id = "concurrency/asyncio"
difficulty = "medium"
question = "What is asyncio?"
source = "000.md:9"
"#;

#[test]
fn a_valid_file_loads_every_field() {
    let (qs, problems) = parse_file("concurrency.toml", GOOD);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[0].id, "concurrency/gil");
    assert_eq!(qs[0].topic, "concurrency");
    assert_eq!(qs[0].difficulty, Difficulty::Hard);
    assert_eq!(qs[0].difficulty_origin, DifficultyOrigin::Marked);
    assert_eq!(qs[0].source, Source { file: "000.md".into(), line: 5 });
    assert_eq!(qs[0].key_points, vec!["The GIL is a mutex".to_string()]);
    assert_eq!(qs[1].difficulty_origin, DifficultyOrigin::Estimated);
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let broken = GOOD
        .replace("difficulty = \"hard\"", "difficulty = \"brutal\"")
        .replace("question = \"What is asyncio?\"\n", "");
    let (qs, problems) = parse_file("c.toml", &broken);
    assert!(qs.is_empty());
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "c.toml:5: unknown difficulty `brutal`; expected easy, medium or hard".to_string(),
            "c.toml:12: question is missing `question`".to_string(),
        ]
    );
}

#[test]
fn unknown_topic_and_bad_toml_are_reported() {
    let (_, p) = parse_file("x.toml", "topic = \"cooking\"\n");
    assert_eq!(p[0].line, 1);
    assert!(p[0].message.starts_with("unknown topic `cooking`"), "{}", p[0].message);
    let (_, p) = parse_file("x.toml", "topic = \"typing\"\n\n[[question]\nid = 1\n");
    assert_eq!(p[0].line, 3);
    assert!(p[0].message.starts_with("not valid bank TOML"), "{}", p[0].message);
}

#[test]
fn duplicate_ids_across_files_name_both_places() {
    let other = GOOD.replace("concurrency/asyncio", "concurrency/gil2");
    let err = parse_files([("a.toml".to_string(), GOOD), ("b.toml".to_string(), other.as_str())]).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].to_string(), "b.toml:4: duplicate id `concurrency/gil` (first at a.toml:4)");
}

#[test]
fn render_then_parse_round_trips() {
    let (qs, _) = parse_file("concurrency.toml", GOOD);
    let refs: Vec<&Question> = qs.iter().collect();
    let text = render_file("concurrency", &refs);
    let (again, problems) = parse_file("concurrency.toml", &text);
    assert!(problems.is_empty(), "{problems:?}\n{text}");
    assert_eq!(again, qs);
    assert_eq!(render_file("concurrency", &again.iter().collect::<Vec<_>>()), text);
}

/// A topic file of `n` questions, as `viva bank import` writes them.
fn big_file(n: usize) -> String {
    let mut text = String::from("topic = \"concurrency\"\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n[[question]]\nid = \"concurrency/q{i}\"\ndifficulty = \"medium\"\nquestion = \"Question number {i}?\"\nsource = \"big.md:{i}\"\nanswer = \"An answer that runs for a line or so, like a real one.\"\nkey_points = [\"a point\", \"another point\"]\n"
        ));
    }
    text
}

#[test]
fn ten_thousand_questions_load_with_the_right_lines() {
    // The speed is measured in `cargo bench` (BENCHMARKS.md), not here: this checks that the
    // line index used for linear loading still names the right line at the end of a big file.
    let mut text = big_file(10_000);
    text.push_str("\n[[question]]\nid = \"concurrency/last\"\ndifficulty = \"tricky\"\nquestion = \"Q?\"\nsource = \"big.md:1\"\n");
    let problems = parse_files([("big.toml".to_string(), text.as_str())]).unwrap_err();
    let line = text.lines().position(|l| l == "difficulty = \"tricky\"").unwrap() + 1;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, line, "{problems:?}");
    assert!(parse_files([("big.toml".to_string(), big_file(10_000).as_str())]).is_ok_and(|qs| qs.len() == 10_000));
}

/// Makes a FIFO at `path` (nobody ever writes to it).
fn fifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Runs `f` on a thread and fails if it has not returned within a few seconds.
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10)).expect("it blocked instead of refusing")
}

#[test]
fn a_fifo_or_device_in_the_bank_folder_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("concurrency.toml"), GOOD).unwrap();
    fifo(&dir.path().join("django.toml"));
    let path = dir.path().to_path_buf();
    let err = within_seconds(move || load_dir(&path).unwrap_err().to_string());
    assert!(err.contains("django.toml") && err.contains("not a regular file"), "{err}");
    std::fs::remove_file(dir.path().join("django.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("django.toml")).unwrap();
    let path = dir.path().to_path_buf();
    let err = within_seconds(move || load_dir(&path).unwrap_err().to_string());
    assert!(err.contains("not a regular file"), "{err}");
}
