//! Repairs the five real seed documents and checks nothing suspicious is left.

use super::*;

const SEEDS: [(&str, &str, usize); 5] = [
    ("000", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/000_46ec5d35f9affa3b.txt")), 0),
    ("001", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/001_eb8fadc99d596cad.txt")), 251),
    ("002", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/002_53c5d08a8afd696a.txt")), 380),
    ("003", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/003_9cb27af7ff6f5b77.txt")), 414),
    ("004", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/004_bf1413b491ee3244.txt")), 0),
];

/// Sequences the task names, checked literally besides `find_mojibake`.
const FORBIDDEN: &[&str] = &["â€", "Ã©", "ðŸ", "ğŸ", "üëâ", "β€", "‚Üí", "‚Äô", "â”", "‚î", "β”", "\u{F8FF}"];

#[test]
fn seeds_have_mojibake_before_and_none_after() {
    for (name, text, count) in SEEDS {
        let (repaired, n) = repair_counted(text);
        assert_eq!(n, count, "{name}: replacements");
        assert_eq!(find_mojibake(&repaired), None, "{name}: left over");
        for marker in FORBIDDEN {
            assert!(!repaired.contains(marker), "{name}: {marker:?} left over");
        }
        let c1 = repaired.char_indices().find(|&(i, c)| {
            c == 'Ã' && repaired[i + c.len_utf8()..].chars().next().is_some_and(|n| ('\u{80}'..='\u{BF}').contains(&n))
        });
        assert_eq!(c1, None, "{name}: Ã + U+0080..U+00BF left over");
        assert_eq!(repair(&repaired), repaired, "{name}: not idempotent");
        if count == 0 {
            assert!(matches!(repaired, Cow::Borrowed(_)), "{name}: clean seed was copied");
            assert_eq!(find_mojibake(text), None, "{name}: clean seed flagged");
        } else {
            assert!(find_mojibake(text).is_some(), "{name}: mojibake not detected before repair");
        }
    }
}

#[test]
fn seeds_gain_the_meant_characters() {
    let expect: [(&str, &[&str]); 3] = [
        ("001", &["os → file", "👉\n", "🔹", "’", "—", "✅", "❌", "⚠️", "🧵", "↔", "…”"]),
        (
            "002",
            &[
                "06 — Advanced", "🟡 What", "🔹 Section", "🔴", "│", "──▶", "├──", "──┤", "┌──", "──┐", "└──", "──┘",
                "❌ CPU-bound", "✅",
            ],
        ),
        (
            "003",
            &["🐍 Python", "FastAPI · Django", "equality — calls", "→", "├──", "│", "5–10× faster", "²", "└──", "←"],
        ),
    ];
    for (name, wanted) in expect {
        let Some((_, text, _)) = SEEDS.iter().find(|s| s.0 == name) else { panic!("no seed {name}") };
        let repaired = repair(text);
        for w in wanted {
            assert!(repaired.contains(w), "{name}: {w:?} missing after repair");
        }
    }
}

#[test]
fn seed_003_keeps_its_correct_utf8() {
    let text = SEEDS[3].1;
    let repaired = repair(text);
    for real in ["🐍", "·", "←", "└──", "8–512", "•"] {
        assert_eq!(text.matches(real).count(), repaired.matches(real).count(), "{real:?} count changed");
    }
}

#[test]
fn repair_stays_fast() {
    // Loose bounds (debug build, shared machine): measured ~2.3 ms and ~90 ms.
    let started = std::time::Instant::now();
    let _ = repair(SEEDS[3].1);
    assert!(started.elapsed() < std::time::Duration::from_millis(250), "{:?}", started.elapsed());
    // Worst case for guessing: 40,000 broken 1253 emoji needing two guessed bytes each.
    let mut text = String::from("β€” β€” ");
    for _ in 0..40_000 {
        text.push_str("π” ");
    }
    let started = std::time::Instant::now();
    let (repaired, n) = repair_counted(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(n, 40_002);
    assert!(repaired.starts_with("— — 🔍 🔍 "), "{}", &repaired[..40]);
}
