//! The report's DOM: parsed (with `tl`) and checked for what a reader relies on.

use super::*;
use crate::review::stats;
use crate::review::tests::{item, transcript};

/// The nodes matching a simple selector (`tl` matches no combinators).
fn nodes<'a>(dom: &'a tl::VDom<'a>, selector: &str) -> Vec<&'a tl::HTMLTag<'a>> {
    dom.query_selector(selector).map(|q| q.filter_map(|h| h.get(dom.parser())?.as_tag()).collect()).unwrap_or_default()
}

fn text(dom: &tl::VDom, tag: &tl::HTMLTag) -> String {
    tag.inner_text(dom.parser()).into_owned()
}

fn attr(tag: &tl::HTMLTag, name: &str) -> String {
    tag.attributes().get(name).flatten().map(|v| v.as_utf8_str().into_owned()).unwrap_or_default()
}

/// Three sessions on three days: timed (budgets 240 s), one answer over its time, topics in
/// every band, one question strong (9.5), the others weak.
fn history() -> Vec<Transcript> {
    let mut long = item("concurrency/gil", "concurrency", Some(2.0), "A lock.", true);
    long.question =
        "Explain the Global Interpreter Lock (GIL) in Python and its implications for FastAPI applications.".into();
    long.seconds = 260.0;
    let mut ts = vec![
        transcript("s1", 2, "offline", vec![long, item("django/orm", "django", Some(5.0), "joins", false)]),
        transcript("s2", 9, "offline", vec![item("typing/protocol", "typing", Some(9.5), "structural", false)]),
        transcript("s3", 16, "offline", vec![item("django/orm", "django", Some(6.0), "joins again", false)]),
    ];
    for t in &mut ts {
        t.settings.per_question_seconds = Some(vec![240; t.plan.len()]);
    }
    ts
}

fn page(ts: &[Transcript], dir: &Path, report: &Path) -> String {
    html(ts, &stats(ts), dir, report)
}

#[test]
fn the_trend_has_ticks_axis_titles_and_every_sessions_date() {
    let ts = history();
    let html = page(&ts, Path::new("/w/transcripts"), Path::new("/w/report.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let ticks: Vec<String> = nodes(&dom, ".y-tick").iter().map(|t| text(&dom, t)).collect();
    assert_eq!(ticks, ["0", "2", "4", "6", "8", "10"]);
    let titles: Vec<String> = nodes(&dom, ".axis-title").iter().map(|t| text(&dom, t)).collect();
    assert_eq!(titles, ["score (0–10)", "session date"]);
    let dates: Vec<String> = nodes(&dom, ".x-tick").iter().map(|t| text(&dom, t)).collect();
    assert_eq!(dates, ["Nov 2", "Nov 9", "Nov 16"]);
    assert_eq!(nodes(&dom, "circle").len(), 3, "one point per session");
}

#[test]
fn many_sessions_get_dates_that_do_not_overlap() {
    let ts: Vec<Transcript> = (1..=30)
        .map(|d| transcript(&format!("s{d}"), d, "offline", vec![item("django/orm", "django", Some(5.0), "x", false)]))
        .collect();
    let html = page(&ts, Path::new("t"), Path::new("r.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let dates: Vec<_> = dom
        .query_selector("text")
        .unwrap()
        .filter_map(|h| h.get(dom.parser())?.as_tag())
        .filter(|t| attr(t, "class").starts_with("x-tick"))
        .collect();
    assert!((8..=16).contains(&dates.len()), "{} labels", dates.len());
    assert_eq!(text(&dom, dates.last().unwrap()), "Nov 30", "the last session is always labelled");
    assert_eq!(nodes(&dom, "circle").len(), 30);
}

#[test]
fn topic_bars_are_coloured_by_band_with_the_value_outside_the_bar() {
    let ts = history();
    let html = page(&ts, Path::new("t"), Path::new("r.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let topics = nodes(&dom, "#topics")[0];
    let parser = dom.parser();
    let fills: Vec<String> = topics
        .query_selector(parser, ".fill")
        .unwrap()
        .filter_map(|h| h.get(parser)?.as_tag())
        .map(|t| attr(t, "class"))
        .collect();
    // Weakest first: concurrency 2, django 5.5, typing 9.5.
    assert_eq!(fills, ["fill band-low", "fill band-mid", "fill band-high"]);
    let values: Vec<String> = topics
        .query_selector(parser, ".value")
        .unwrap()
        .filter_map(|h| h.get(parser)?.as_tag())
        .map(|t| text(&dom, t))
        .collect();
    assert_eq!(values, ["2/10 (1 answer)", "5.5/10 (2 answers)", "9.5/10 (1 answer)"]);
    // The value is a grid cell of its own, never inside the bar's track, so it cannot be clipped.
    for track in topics.query_selector(parser, ".track").unwrap().filter_map(|h| h.get(parser)?.as_tag()) {
        assert!(track.query_selector(parser, ".value").unwrap().next().is_none());
    }
}

#[test]
fn time_rows_name_the_question_and_mark_its_budget() {
    let ts = history();
    let html = page(&ts, Path::new("t"), Path::new("r.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let times = nodes(&dom, "#times")[0];
    let parser = dom.parser();
    let labels: Vec<String> = times
        .query_selector(parser, ".label")
        .unwrap()
        .filter_map(|h| h.get(parser)?.as_tag())
        .map(|t| text(&dom, t))
        .collect();
    assert_eq!(labels.len(), 4, "one row per answer");
    let long = labels.iter().find(|l| l.starts_with("Explain")).unwrap();
    assert!(long.ends_with('…') && long.chars().count() <= 60, "cut at a word: {long}");
    assert!(long.starts_with("Explain the Global Interpreter Lock (GIL) in Python and its"), "{long}");
    let markers = times.query_selector(parser, ".budget").unwrap().count();
    assert_eq!(markers, 4, "every timed answer shows its budget");
    let over: Vec<String> = times
        .query_selector(parser, ".over")
        .unwrap()
        .filter_map(|h| h.get(parser)?.as_tag())
        .map(|t| attr(t, "style"))
        .collect();
    assert_eq!(over.len(), 1, "the answer that ran over is marked");
    assert_eq!(over[0], "width:100.0%");
}

#[test]
fn weakest_lists_only_questions_below_the_line_with_relative_links() {
    let dir = tempfile::tempdir().unwrap();
    let ts = history();
    let transcripts = dir.path().join("transcripts");
    std::fs::create_dir_all(&transcripts).unwrap();
    std::fs::write(transcripts.join("s1.md"), "# s1").unwrap();
    let html = page(&ts, &transcripts, &dir.path().join("reports/progress.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    let items: Vec<String> = nodes(&dom, "li").iter().map(|t| text(&dom, t)).collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].starts_with("2/10") && items[1].starts_with("5.5/10"), "{items:?}");
    assert!(!items.iter().any(|i| i.contains("typing/protocol")), "9.5 is not weak");
    let hrefs: Vec<String> = nodes(&dom, "a").iter().map(|a| attr(a, "href")).collect();
    // The .md where it exists, else the JSON; relative to the report's folder.
    assert_eq!(hrefs, ["../transcripts/s1.md", "../transcripts/s3.json"]);
    // Nothing weak: said so.
    let strong = vec![transcript("s", 1, "offline", vec![item("typing/protocol", "typing", Some(9.5), "x", false)])];
    let html = page(&strong, &transcripts, &dir.path().join("r.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    assert!(nodes(&dom, "#weakest").is_empty());
    assert!(text(&dom, nodes(&dom, "#weakest-none")[0]).starts_with("None"));
}

#[test]
fn an_empty_history_says_to_run_an_interview_first() {
    let html = page(&[], Path::new("t"), Path::new("r.html"));
    let dom = tl::parse(&html, tl::ParserOptions::default()).unwrap();
    assert!(nodes(&dom, "svg").is_empty() && nodes(&dom, ".bars").is_empty(), "no bare axes");
    assert!(text(&dom, nodes(&dom, "#empty")[0]).contains("run viva interview first"));
}

#[test]
fn relative_paths_and_hrefs() {
    assert_eq!(relative(Path::new("/a/t/x.md"), Path::new("/a")), Path::new("t/x.md"));
    assert_eq!(relative(Path::new("/a/t/x.md"), Path::new("/a/r/s")), Path::new("../../t/x.md"));
    assert_eq!(href(Path::new("my notes/a#1.md")), "my%20notes/a%231.md");
    assert_eq!(shorten("one two three", 9), "one two…");
    assert_eq!(shorten("short", 9), "short");
}
