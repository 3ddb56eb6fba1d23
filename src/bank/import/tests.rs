use super::*;
use crate::bank::Difficulty;

const SEEDS: [&str; 5] = [
    "000_46ec5d35f9affa3b.txt", "001_eb8fadc99d596cad.txt", "002_53c5d08a8afd696a.txt", "003_9cb27af7ff6f5b77.txt",
    "004_bf1413b491ee3244.txt",
];

fn seed(name: &str) -> ParsedDocument {
    let path = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/")).join(name);
    parse(&read_document(&path).unwrap())
}

fn own(name: &str) -> ParsedDocument {
    let path = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import/")).join(name);
    parse(&read_document(&path).unwrap())
}

#[test]
fn the_five_seed_documents_give_their_counts_with_answers() {
    let counts: Vec<usize> = SEEDS.iter().map(|s| seed(s).questions.len()).collect();
    assert_eq!(counts[0], 20);
    assert!((460..=490).contains(&counts[1]), "001: {}", counts[1]);
    assert_eq!(counts[2], 38, "002: 28 questions and the 10 rows of its Quick Revision table");
    assert_eq!(counts[3], 97);
    assert_eq!(counts[4], 16);
    assert!(counts.iter().sum::<usize>() >= 580);
    for s in SEEDS {
        let d = seed(s);
        assert!(d.questions.iter().all(|q| q.answer.is_some()), "{s}: every question has its answer");
    }
    let shapes: Vec<Shape> = SEEDS.iter().map(|s| seed(s).shape).collect();
    assert_eq!(
        shapes,
        [
            Shape::MarkdownAnswerMarker,
            Shape::MarkdownHeadings,
            Shape::MarkdownDifficulty,
            Shape::FlattenedWeb,
            Shape::PlainNotes
        ]
    );
}

#[test]
fn markdown_answer_marker_excerpt() {
    let text = "# Top questions\n\n## Advanced Python Questions\n\n### 1. **Explain the GIL and its implications**\n\n**Answer:** The GIL is a mutex.\n- CPU-bound threads do not benefit\n- I/O releases it\n\n### 2. **What are metaclasses?**\n\n**Answer:** Classes of classes.\n\n```python\nclass M(type):\n    pass\n```\n";
    let d = parse(text);
    assert_eq!(d.shape, Shape::MarkdownAnswerMarker);
    assert_eq!(d.questions.len(), 2);
    let q = &d.questions[0];
    assert_eq!(q.question, "Explain the GIL and its implications");
    assert_eq!(q.answer.as_deref(), Some("The GIL is a mutex.\n- CPU-bound threads do not benefit\n- I/O releases it"));
    assert_eq!(q.section.as_deref(), Some("Advanced Python Questions"));
    assert_eq!(q.line, 5);
    assert_eq!(
        d.questions[1].answer.as_deref(),
        Some("Classes of classes.\n\n```python\nclass M(type):\n    pass\n```")
    );
}

#[test]
fn markdown_headings_excerpt_with_tutorial_sections_and_summary() {
    let text = "# Python\n\n## Internals Q&A\n\n### 1. What is reference counting?\n\nEvery object counts its references.\n\n- freed at zero\n\n### How does the GC find cycles?\n\nGenerational collection.\n\n### 🔹 Summary of Key Concepts\n\n- refcounts\n\n## Database\n\n### 🔹 1. psycopg (Driver level)\n\n### What it is:\n\nA driver.\n";
    let d = parse(text);
    assert_eq!(d.shape, Shape::MarkdownHeadings);
    let qs: Vec<&str> = d.questions.iter().map(|q| q.question.as_str()).collect();
    assert_eq!(qs, ["What is reference counting?", "How does the GC find cycles?"]);
    assert_eq!(d.questions[0].answer.as_deref(), Some("Every object counts its references.\n\n- freed at zero"));
    assert_eq!(d.questions[1].section.as_deref(), Some("Internals Q&A"));
    let reasons: Vec<(usize, &str)> = d.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            (15, "summary, not a question: Summary of Key Concepts"),
            (23, "tutorial section, not a question: What it is:")
        ]
    );
}

#[test]
fn markdown_difficulty_excerpt() {
    let text = "## 🔹 Section 1: Concurrency\n\n### Q1. 🟡 What is the difference between concurrency and parallelism?\n\n**Answer:**\n\nInterleaving versus simultaneity.\n\n---\n\n### Q2. 🔴 Explain the GIL in detail.\n\n**Answer:** A lock.\n\n### Q3. 🟢 What is a thread?\n\n**Answer:** A unit of execution.\n";
    let d = parse(text);
    assert_eq!(d.shape, Shape::MarkdownDifficulty);
    let got: Vec<(&str, Option<Difficulty>)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.difficulty)).collect();
    assert_eq!(
        got,
        [
            ("What is the difference between concurrency and parallelism?", Some(Difficulty::Medium)),
            ("Explain the GIL in detail.", Some(Difficulty::Hard)),
            ("What is a thread?", Some(Difficulty::Easy)),
        ]
    );
    assert_eq!(d.questions[0].answer.as_deref(), Some("Interleaving versus simultaneity."));
    assert_eq!(d.questions[0].section.as_deref(), Some("Concurrency"));
}

#[test]
fn flattened_web_excerpt() {
    let text = "🐍 Python ~2 questions\n\nNo questions match your search.\n\nCore Python\n\n2 questions\n1What is the difference between is and ==?\n\n== compares values. is compares identity.\n\na = [1, 2]\nb = [1, 2]\na == b  # True\n\nRule: use is for None.\n\n2Explain closures.\n\nA function capturing variables.\n\nInternals\n\n1 questions\n1What is the GIL?\n\nA mutex.\n";
    let d = parse(text);
    assert_eq!(d.shape, Shape::FlattenedWeb);
    let got: Vec<(&str, Option<&str>, usize)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.section.as_deref(), q.line)).collect();
    assert_eq!(
        got,
        [
            ("What is the difference between is and ==?", Some("Core Python"), 8),
            ("Explain closures.", Some("Core Python"), 18),
            ("What is the GIL?", Some("Internals"), 25),
        ]
    );
    assert_eq!(
        d.questions[0].answer.as_deref(),
        Some(
            "== compares values. is compares identity.\n\n```python\na = [1, 2]\nb = [1, 2]\na == b  # True\n```\n\nRule: use is for None."
        )
    );
    assert_eq!(d.questions[1].answer.as_deref(), Some("A function capturing variables."));
    assert_eq!(d.skipped, [Skipped { line: 1, reason: "page header before the first section".into() }]);
}

#[test]
fn plain_notes_excerpt() {
    let text = "Python Deep Dive\nPriority: HIGH\n# comment in code\nx = 1\nInterview Questions About FastAPI\nQ: How does FastAPI achieve high performance?\nA: - Built on Starlette\n- Pydantic V2\nQ: What is the walrus operator (:=)?\nA: Assignment expression.\nwhile (line := f.readline()): process(line)\nResources\n- Fluent Python\n";
    let d = parse(text);
    assert_eq!(d.shape, Shape::PlainNotes);
    assert_eq!(d.questions.len(), 2);
    assert_eq!(d.questions[0].question, "How does FastAPI achieve high performance?");
    assert_eq!(d.questions[0].answer.as_deref(), Some("- Built on Starlette\n- Pydantic V2"));
    assert_eq!(d.questions[0].section.as_deref(), Some("Interview Questions About FastAPI"));
    assert_eq!(
        d.questions[1].answer.as_deref(),
        Some("Assignment expression.\n\n```python\nwhile (line := f.readline()): process(line)\n```")
    );
    assert!(d.skipped.iter().any(|s| s.reason == "resources, not a question: Resources"), "{:?}", d.skipped);
}

#[test]
fn html_details_document() {
    let d = own("details.md");
    assert_eq!(d.shape, Shape::HtmlDetails);
    let got: Vec<(&str, Option<&str>)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.answer.as_deref())).collect();
    assert_eq!(
        got,
        [
            (
                "What does select_related do?",
                Some(
                    "It follows foreign keys in the same SQL query with a JOIN, so accessing the related object\ncosts no extra query."
                )
            ),
            (
                "When would you use prefetch_related instead?",
                Some(
                    "For many-to-many and reverse foreign keys: it runs one extra query per relation and joins in Python."
                )
            ),
            ("What is a Django signal?", None),
        ]
    );
    assert_eq!(d.questions[0].line, 4);
}

#[test]
fn numbered_list_document() {
    let d = own("numbered-list.md");
    assert_eq!(d.shape, Shape::NumberedList);
    let got: Vec<(&str, Option<&str>)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.answer.as_deref())).collect();
    assert_eq!(
        got,
        [
            (
                "What is a list comprehension?",
                Some("A compact way to build a list from an iterable: `[x * x for x in xs if x > 0]`.")
            ),
            ("What does `enumerate` return?", Some("An iterator of (index, item) pairs.")),
            ("Why are tuples hashable but lists are not?", None),
        ]
    );
}

#[test]
fn a_table_of_contents_never_counts_a_question_twice() {
    let d = own("toc.md");
    let got: Vec<(&str, Option<Difficulty>, usize)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.difficulty, q.line)).collect();
    assert_eq!(
        got,
        [
            ("What is dependency injection in FastAPI?", None, 13),
            ("How do background tasks work?", Some(Difficulty::Medium), 17)
        ]
    );
    assert!(d.questions.iter().all(|q| q.answer.is_some()));
    assert_eq!(d.questions[0].section.as_deref(), Some("Questions"));
    assert!(d.skipped.iter().any(|s| s.reason.starts_with("table of contents")), "{:?}", d.skipped);
}

#[test]
fn question_and_answer_prefixes_with_code_in_the_question() {
    let d = own("qa-prefix.txt");
    assert_eq!(d.shape, Shape::PlainNotes);
    assert_eq!(d.questions.len(), 2);
    assert_eq!(d.questions[0].question, "What is a pytest fixture?");
    assert_eq!(
        d.questions[0].answer.as_deref(),
        Some(
            "A function that provides test data or resources; declared with @pytest.fixture and\nrequested by naming it as a test parameter."
        )
    );
    assert_eq!(d.questions[1].question, "What does the output of this code show?");
    assert_eq!(d.questions[1].code.as_deref(), Some("def f(x=[]):\n    x.append(1)\n    return x"));
    assert_eq!(
        d.questions[1].answer.as_deref(),
        Some("The default list is shared between calls, so it grows: [1], then [1, 1].")
    );
}

#[test]
fn plain_question_lines_in_a_document_with_no_other_structure() {
    let d = own("plain-questions.txt");
    assert_eq!(d.shape, Shape::QuestionLines);
    let got: Vec<(&str, Option<&str>, usize)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.answer.as_deref(), q.line)).collect();
    assert_eq!(
        got,
        [
            (
                "What is the N+1 query problem?",
                Some(
                    "Loading a list and then one query per item for a relation: 1 query becomes N+1.\nFix it with select_related or prefetch_related."
                ),
                3
            ),
            ("Why use transactions?", Some("They make a group of writes all-or-nothing."), 7),
            ("Which isolation level does PostgreSQL use by default?", None, 10),
        ]
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.md");
    std::fs::File::create(&path).unwrap().set_len(MAX_BYTES + 1).unwrap();
    let err = read_document(&path).unwrap_err().to_string();
    assert!(err.contains("is too large"), "{err}");
}

#[test]
fn a_device_or_fifo_is_refused_at_once_never_read_or_waited_on() {
    // `/dev/zero` reports size 0 and never ends; a FIFO blocks the open until a writer comes.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("notes.md");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for path in [std::path::PathBuf::from("/dev/zero"), fifo] {
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || tx.send(read_document(&p).map_err(|e| e.to_string())));
        let got = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("blocked on a device or FIFO");
        let err = got.unwrap_err();
        assert!(err.contains("not a regular file"), "{}: {err}", path.display());
    }
}

#[test]
fn the_size_limit_counts_the_bytes_read_not_the_size_reported() {
    // `/proc` files are regular but report a size of 0.
    let path = std::path::Path::new("/proc/self/status");
    assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
    assert!(matches!(read_regular(path, 100), Err(RegularReadError::TooLarge(101))));
    assert!(read_regular(path, 1 << 20).unwrap().len() > 100);
}

#[test]
fn nothing_to_find_gives_no_questions_and_no_panic() {
    for text in
        ["", "\n\n", "Just prose.\n\nMore prose.", "# Title\n\nSome notes.\n", "```\nunclosed fence\n### 1. What?"]
    {
        let d = parse(text);
        assert!(d.questions.is_empty(), "{text:?}: {:?}", d.questions);
    }
}

#[test]
fn bad_files_are_refused_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (write("empty.md", b"  \n"), "is empty"),
        (write("bin.dat", &[0x7f, b'E', b'L', b'F', 0, 0, 1]), "looks binary"),
        (write("latin1.md", b"# Notes\n\n### What is caf\xe9?\n"), "not valid UTF-8 (line 3"),
        (dir.path().join("missing.md"), "no such file"),
        (dir.path().to_path_buf(), "is a directory"),
    ];
    for (path, expect) in cases {
        let err = read_document(&path).unwrap_err().to_string();
        assert!(err.contains(expect), "{}: {err}", path.display());
    }
    let bom = write("bom.md", "\u{feff}### 1. What is X?\r\nAn answer.\r\n".as_bytes());
    assert_eq!(read_document(&bom).unwrap(), "### 1. What is X?\nAn answer.\n");
}

#[test]
fn a_very_large_document_parses_without_trouble() {
    let block = "### 1. What is a generator?\n\nA lazy iterator.\n\n";
    let text = block.repeat(20_000);
    let d = parse(&text);
    assert_eq!(d.questions.len(), 20_000);
    assert!(d.questions.iter().all(|q| q.answer.as_deref() == Some("A lazy iterator.")));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "### 1. What is X?", "**Answer:** yes", "## Section", "Q: why?", "A: because", "```", "<details>",
            "<summary>Q?</summary>", "</details>", "1. What is Y?", "3What is Z?", "5 questions", "- bullet",
            "    code()", "", "🟡", "â€”", "β€", "#", "**", "Q:",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
            let d = parse(&text);
            let lines = text.lines().count().max(1);
            for q in &d.questions {
                prop_assert!(q.line >= 1 && q.line <= lines);
            }
        }

        #[test]
        fn parse_never_panics_on_markdownish_documents(parts in prop::collection::vec(fragment(), 0..60)) {
            let text = parts.join("\n");
            let d = parse(&crate::bank::repair::repair(&text));
            let lines = text.lines().count().max(1);
            for q in &d.questions {
                prop_assert!(q.line >= 1 && q.line <= lines);
                prop_assert!(!q.question.is_empty());
            }
            for s in &d.skipped {
                prop_assert!(s.line >= 1 && s.line <= lines);
            }
        }
    }
}

fn shape(name: &str) -> ParsedDocument {
    let path = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/shapes/")).join(name);
    parse(&read_document(&path).unwrap())
}

fn asked(d: &ParsedDocument) -> Vec<&str> {
    d.questions.iter().map(|q| q.question.as_str()).collect()
}

#[test]
fn a_questions_only_numbered_list_wrapped_over_indented_lines() {
    let d = shape("numbered-wrapped.txt");
    assert_eq!(
        asked(&d),
        [
            "What is the difference between a process and a thread, and when would you pick one over the other for a CPU-bound job?",
            "Explain how CPython's garbage collector finds reference cycles and what its three generations are for.",
            "Why would you give a class __slots__?",
            "How does a FastAPI dependency with yield clean up after the response has been sent, and what happens when the endpoint raises?",
            "When is select_related better than prefetch_related in Django?",
        ]
    );
    assert!(d.questions.iter().all(|q| q.answer.is_none()), "{:?}", d.questions);
    assert_eq!(d.questions.iter().map(|q| q.line).collect::<Vec<_>>(), [3, 5, 7, 8, 11]);
}

#[test]
fn numbered_questions_ended_by_br_with_ans_paragraphs_and_bullets() {
    let d = shape("br-ans.md");
    assert_eq!(
        asked(&d),
        ["What is a decorator?", "What does `yield` do in a function?", "Why is a mutable default argument a trap?"]
    );
    assert_eq!(
        d.questions[0].answer.as_deref(),
        Some(
            "A decorator is a callable that takes a function and returns a replacement for it.\nIt runs once, when the decorated function is defined.\n\n- Used for logging, caching and access checks\n- `functools.wraps` keeps the wrapped function's name and docstring"
        )
    );
    assert!(d.questions[1].answer.as_deref().unwrap().starts_with("It makes the function a generator function"));
    assert_eq!(
        d.questions[2].answer.as_deref(),
        Some(
            "The default is evaluated once, when `def` runs, so every call shares the same list.\n\n- Use `None` as the default and create the list inside the function"
        )
    );
}

#[test]
fn a_document_mixing_question_headings_with_numbered_questions() {
    let d = shape("mixed.md");
    assert_eq!(
        asked(&d),
        [
            "What is a list comprehension?",
            "What is the difference between a list and a tuple?",
            "What is the GIL?",
            "How do threads help I/O-bound code?",
            "When would you choose asyncio over threads?",
        ]
    );
    let sections: Vec<Option<&str>> = d.questions.iter().map(|q| q.section.as_deref()).collect();
    assert_eq!(
        sections,
        [Some("Core Python"), Some("Core Python"), Some("Concurrency"), Some("Concurrency"), Some("Concurrency")]
    );
    assert_eq!(
        d.questions[1].answer.as_deref(),
        Some("Lists are mutable; tuples are immutable and can be dictionary keys when their items are hashable.")
    );
    // The numbered steps after the last question are its answer, not questions.
    assert!(d.questions[4].answer.as_deref().unwrap().contains("2. Run it under cProfile."));
}

#[test]
fn one_line_question_and_answer_tables() {
    let d = shape("one-liners.md");
    assert_eq!(d.shape, Shape::QaTable);
    let got: Vec<(&str, Option<&str>, usize)> =
        d.questions.iter().map(|q| (q.question.as_str(), q.answer.as_deref(), q.line)).collect();
    assert_eq!(
        got,
        [
            ("What is the GIL?", Some("A CPython lock: one thread runs bytecode at a time"), 7),
            ("`__slots__` saves?", Some("Memory (no per-instance `__dict__`)"), 8),
            ("Type hint for optional?", Some("`Optional[X]` or `X | None`"), 9),
        ]
    );
}

#[test]
fn the_quick_revision_table_of_source_002_is_read() {
    let d = seed(SEEDS[2]);
    let rows: Vec<&RawQuestion> =
        d.questions.iter().filter(|q| q.section.as_deref() == Some("Quick Revision — One-Liners")).collect();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[1].question, "What is GIL?");
    assert_eq!(rows[1].answer.as_deref(), Some("One thread at a time in CPython"));
}
