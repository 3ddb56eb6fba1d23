use super::*;

#[test]
fn each_code_page_is_repaired() {
    let cases = [
        // Mac Roman
        ("os ‚Üí file system", "os → file system"),
        ("What‚Äôs new", "What’s new"),
        ("\u{f8ff}üëâ look", "👉 look"),
        ("### \u{f8ff}üîπ Summary", "### 🔹 Summary"),
        ("‚ö†Ô∏è careful", "⚠️ careful"),
        // Windows-1254
        ("06 â€” Advanced", "06 — Advanced"),
        ("### Q1. ğŸŸ¡ What", "### Q1. 🟡 What"),
        ("Task A â”€â”€â–¶ pause", "Task A ──▶ pause"),
        ("âœ… yes âŒ no", "✅ yes ❌ no"),
        // Windows-1253
        ("equality β€” calls", "equality — calls"),
        ("β”‚ box β†’ next", "│ box → next"),
        ("O(n Γ— m) and nΒ²", "O(n × m) and n²"),
    ];
    for (broken, fixed) in cases {
        assert_eq!(repair(broken), fixed, "{broken}");
    }
}

#[test]
fn a_page_mixing_correct_and_broken_text_is_mended_span_by_span() {
    let mixed = "🐍 Python · FastAPI — real\n• bullet β€” broken └── tree";
    assert_eq!(repair(mixed), "🐍 Python · FastAPI — real\n• bullet — broken └── tree");
}

#[test]
fn correct_text_is_left_alone() {
    for text in
        ["café naïve", "Ελληνικά γλώσσα", "İstanbul'da ağaç", "→ — ’ “quoted” … ✅ 🟡 👉", "plain ascii", "Ünïcödé"]
    {
        assert!(matches!(repair(text), Cow::Borrowed(_)), "{text} changed to {}", repair(text));
        assert_eq!(find_mojibake(text), None);
    }
}

#[test]
fn repair_is_idempotent_and_find_reports_the_first_span() {
    let broken = "ok ‚Üí then â€” end";
    let once = repair(broken).into_owned();
    assert_eq!(repair(&once), once);
    assert_eq!(find_mojibake(broken), Some((3, "‚Üí")));
}

fn seed(name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/question_bank/sources/");
    std::fs::read_to_string(format!("{dir}{name}")).unwrap()
}

const MARKERS: &[&str] = &["â€", "Ã©", "ðŸ", "ğŸ", "üëâ", "β€", "‚Üí", "‚Äô", "â”", "β”", "\u{f8ff}", "Ô∏"];

#[test]
fn the_five_seed_documents_come_out_clean() {
    let expect: &[(&str, &[&str])] = &[
        ("000_46ec5d35f9affa3b.txt", &[]),
        ("001_eb8fadc99d596cad.txt", &["→", "’", "👉", "🔹", "✅", "❌"]),
        ("002_53c5d08a8afd696a.txt", &["—", "🟡", "🔴", "▶", "│", "❌"]),
        ("003_9cb27af7ff6f5b77.txt", &["—", "🐍", "·", "│", "×"]),
        ("004_bf1413b491ee3244.txt", &["—", "→"]),
    ];
    for (name, wanted) in expect {
        let raw = seed(name);
        let fixed = repair(&raw);
        for m in MARKERS {
            assert!(!fixed.contains(m), "{name}: `{m}` left");
        }
        assert_eq!(find_mojibake(&fixed), None, "{name}");
        for w in *wanted {
            assert!(fixed.contains(w), "{name}: `{w}` missing");
        }
    }
}
