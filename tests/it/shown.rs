//! What viva shows and writes from transcripts: terminal escapes in answers never reach the
//! terminal, exports carry no live HTML, and `-o` never replaces a file it was not asked to.

use crate::util::{Workspace, ok, text};

/// An answer a hostile or careless paste could hold: OSC 52 (writes the clipboard), OSC 0 (the
/// window title), CSI 2J (clears the screen), CR and BS (overwrite), and HTML.
const NASTY: &str =
    "The GIL is a mutex \x1b]52;c;aGVsbG8=\x07 \x1b]0;pwned\x07 \x1b[2J wipe\rover\x08 <script>alert(1)</script>";

fn session(ws: &Workspace, answer: &str) -> String {
    ok(&ws.run(&["interview", "--count", "1", "--no-timer", "--seed", "1"], &format!("{answer}\n.\n")));
    ws.transcripts_json()[0]["id"].as_str().unwrap().to_string()
}

fn assert_inert(what: &str, shown: &str) {
    for c in ['\x1b', '\x07', '\r', '\x08'] {
        assert!(!shown.contains(c), "{what} passes {c:?} through: {shown:?}");
    }
}

#[test]
fn terminal_escapes_in_answers_are_shown_escaped_and_exports_carry_no_live_html() {
    let ws = Workspace::new();
    let id = session(&ws, NASTY);
    assert!(ws.transcripts_json()[0]["items"][0]["answer"].as_str().unwrap().contains('\x1b'), "kept as typed");
    let mut show = ws.cmd(&["review", "show", &id]);
    show.env("PAGER", "cat");
    let (stdout, _) = ok(&crate::util::run_cmd(show, ""));
    assert_inert("review show", &stdout);
    assert!(stdout.contains("\\x1b]52;c;aGVsbG8=\\x07") && stdout.contains("wipe\\rover\\x08"), "{stdout}");
    let (stdout, _) = ok(&ws.run(&["review", "search", "mutex"], ""));
    assert_inert("review search", &stdout);
    assert!(stdout.contains("\\x1b[2J"), "{stdout}");
    for format in ["md", "csv"] {
        let (stdout, _) = ok(&ws.run(&["export", &id, "--format", format], ""));
        assert_inert(format, &stdout);
        assert!(!stdout.contains("<script>") && stdout.contains("&lt;script&gt;"), "{format}: {stdout}");
    }
    let id_md = std::fs::read_to_string(ws.transcripts().join(format!("{id}.md"))).unwrap();
    assert_inert("the Markdown beside the transcript", &id_md);
    assert!(!id_md.contains("<script>"), "{id_md}");
}

#[test]
fn output_files_are_never_replaced_unless_forced_nor_written_into_the_transcripts_folder() {
    let ws = Workspace::new();
    let id = session(&ws, "The GIL is a mutex.");
    let transcript = format!("transcripts/{id}.json");
    let before = std::fs::read(ws.path().join(&transcript)).unwrap();
    for args in [
        vec!["export", &id, "--format", "csv", "-o", &transcript],
        vec!["export", &id, "--format", "csv", "-o", &transcript, "--force"],
        vec!["report", "-o", "transcripts/report.html", "--force"],
    ] {
        let out = ws.run(&args, "");
        assert!(!out.status.success(), "{args:?}");
        assert!(text(&out.stderr).contains("inside the transcripts folder"), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(std::fs::read(ws.path().join(&transcript)).unwrap(), before, "the session is intact");
    assert!(!ws.transcripts().join("report.html").exists());
    // Someone's own file.
    std::fs::write(ws.path().join("notes.txt"), "mine").unwrap();
    for args in [vec!["export", &id, "-o", "notes.txt"], vec!["report", "-o", "notes.txt"]] {
        let out = ws.run(&args, "");
        assert!(!out.status.success(), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("`notes.txt` already exists") && err.contains("--force"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(ws.path().join("notes.txt")).unwrap(), "mine");
    ok(&ws.run(&["export", &id, "-o", "notes.txt", "--force"], ""));
    assert!(std::fs::read_to_string(ws.path().join("notes.txt")).unwrap().contains("The GIL is a mutex."));
    // The report's own earlier output is replaced as before.
    ok(&ws.run(&["report"], ""));
    ok(&ws.run(&["report"], ""));
    assert!(
        std::fs::read_to_string(ws.path().join("viva-report.html")).unwrap().contains("<title>viva progress report")
    );
}
