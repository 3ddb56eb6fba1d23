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
