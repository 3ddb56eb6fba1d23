//! Reversed claims: a sentence of the answer that says the opposite of a key point (or of a
//! misconception) in the same words.
//!
//! - **Opposite qualities**: the point ties a subject to one side of an opposite pair
//!   (mutable/immutable, sequential/parallel, increase/decrease…) and the sentence ties the same
//!   subject to the other side, in one clause, without a negation ("tuples are mutable" against
//!   "immutable: … tuple"; "threads run bytecode in parallel on all cores" against "only one
//!   thread executes bytecode at a time").
//! - **Swapped roles**: the point gives two of the question's subjects (`__new__` and
//!   `__init__`, concurrency and parallelism) each its own predicate, and the sentence gives each
//!   the other's ("`__init__` creates the instance and `__new__` initialises it").
//!
//! - **The rejected alternative recommended**: the point prefers A "instead of" (or "rather
//!   than") B, and the sentence recommends B without A ("reuse pooled connections instead of
//!   creating a new connection per request" against "open a new connection for every request").
//!
//! All are precise rather than complete: a point must give a subject a side of the pair in one
//! clause only, a sentence that flips two of the point's pairs states it from the other end ("the
//! long string is low" against "if the string is shorter, the pitch will be higher"), and the
//! sentence must hold only one side of the pair. How often they fire on correct answers
//! is measured by `viva calibrate` (flag `contradiction` on `excellent`/`good`/`correct` answers).

use super::terms;
use crate::bank::Question;
use crate::words;

/// Opposites, as written; compared after stemming.
const OPPOSITES: &[(&str, &str)] = &[
    ("mutable", "immutable"),
    ("lazy", "eager"),
    ("lazily", "eagerly"),
    ("single", "multiple"),
    ("faster", "slower"),
    ("increase", "decrease"),
    ("more", "less"),
    ("before", "after"),
    ("acquire", "release"),
    ("shallow", "deep"),
    ("same", "different"),
    ("explicit", "implicit"),
    ("explicitly", "implicitly"),
    ("safe", "unsafe"),
    ("enable", "disable"),
    ("cheap", "expensive"),
    ("efficient", "inefficient"),
    ("stateless", "stateful"),
    ("lower", "higher"),
    ("first", "last"),
    ("blocking", "nonblocking"),
    ("inside", "outside"),
    ("persistent", "ephemeral"),
    ("eager", "deferred"),
    ("once", "every"),
    ("sequential", "parallel"),
    ("synchronous", "asynchronous"),
    ("allow", "prevent"),
    ("include", "exclude"),
    ("static", "dynamic"),
    ("global", "local"),
    ("public", "private"),
    ("strong", "weak"),
    ("true", "false"),
    ("success", "failure"),
    ("open", "closed"),
    ("high", "low"),
    ("larger", "smaller"),
    ("bigger", "smaller"),
    ("longer", "shorter"),
    ("louder", "quieter"),
    ("heavier", "lighter"),
    ("attract", "repel"),
    ("conductor", "insulator"),
    ("absorb", "reflect"),
    ("positive", "negative"),
    ("expand", "contract"),
    ("gain", "lose"),
    ("series", "parallel"),
    ("visible", "invisible"),
    ("soluble", "insoluble"),
    ("complete", "incomplete"),
    ("valid", "invalid"),
    ("stable", "unstable"),
    ("ordered", "unordered"),
    ("hashable", "unhashable"),
    ("compiled", "interpreted"),
    ("copy", "reference"),
];

/// Clauses of a text, as content words: split at `;`, `.`, arrows, brackets, commas, "while",
/// "whereas" and "but", and at a colon after a statement ("QuerySets are lazy: chaining…" says
/// *lazy* of QuerySets, not of chaining); a comma-separated run of short items ("int, float, str") stays with the
/// clause it lists for.
pub(super) fn clauses(text: &str) -> Vec<(Vec<String>, bool)> {
    let lower = text.to_lowercase();
    let mut parts: Vec<String> = Vec::new();
    let mut pieces: Vec<&str> = Vec::new();
    for piece in lower.split([';', '.', '→', '(', ')']) {
        // A colon ends a statement of its own ("QuerySets are lazy: chaining…"), not a heading
        // ("immutable: int, str, tuple").
        let mut rest = piece;
        while let Some(i) = rest.find(':').filter(|i| words::tokens(&rest[..*i]).len() >= 3) {
            pieces.push(&rest[..i]);
            rest = &rest[i + 1..];
        }
        pieces.push(rest);
    }
    for piece in pieces {
        let piece = piece.replace(" while ", ",").replace(" whereas ", ",").replace(" but ", ",");
        for (k, seg) in piece.split(',').enumerate() {
            match parts.last_mut() {
                Some(last) if k > 0 && words::tokens(seg).len() < 3 => {
                    last.push(',');
                    last.push_str(seg);
                }
                _ => parts.push(seg.to_string()),
            }
        }
    }
    parts.iter().map(|p| (terms::content(p), super::checks::negated(p))).filter(|(w, _)| !w.is_empty()).collect()
}

/// Words too general to be a subject ("immutable types" vs "mutable types like lists").
const GENERIC: &[&str] =
    &["type", "object", "value", "thing", "way", "one", "data", "code", "function", "method", "class", "python"];

/// Verbs and adjectives too weak to be a subject ("possible", "need", "use").
pub(super) fn weak(term: &str) -> bool {
    const WEAK: &[&str] = &[
        "possible", "need", "needs", "require", "requires", "use", "uses", "run", "runs", "work", "works", "mean",
        "means", "happen", "happens", "call", "calls", "literally", "actually", "really", "can", "time", "instant",
        "task", "tasks", "thing", "things", "case", "cases", "part",
    ];
    static TERMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TERMS.get_or_init(|| WEAK.iter().map(|g| terms::term(g)).collect()).iter().any(|g| g == term)
}

/// Whether a term is one of [`GENERIC`].
fn generic(term: &str) -> bool {
    static TERMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TERMS.get_or_init(|| GENERIC.iter().map(|g| terms::term(g)).collect()).iter().any(|g| g == term)
}

/// The quality (`a` or `b`) a clause gives its subjects, if exactly one and the clause does not
/// negate ("can't change" would flip the wrong word); with the word the quality qualifies, when
/// one follows it ("single *core*").
fn quality(clause: &(Vec<String>, bool), a: &str, b: &str) -> Option<(bool, Option<String>)> {
    let (has_a, has_b) = (clause.0.iter().any(|w| w == a), clause.0.iter().any(|w| w == b));
    let is_a = match (has_a, has_b, clause.1) {
        (true, false, false) => true,
        (false, true, false) => false,
        _ => return None,
    };
    let at = clause.0.iter().position(|w| w == if is_a { a } else { b })?;
    Some((is_a, clause.0.get(at + 1).filter(|w| !generic(w)).cloned()))
}

/// Whether `sentence` ties one of `point`'s subjects to the opposite quality: the point puts
/// `tuple` among the immutable types, the sentence calls tuples mutable; the point puts
/// concurrency on a single core and parallelism on multiple, the sentence swaps them. Subject
/// and quality must share a clause, and the clause must hold one quality of the pair only.
pub fn contradicts(point: &str, sentence: &str, roles: &[String]) -> bool {
    let (pc, sc) = (clauses(point), clauses(sentence));
    for (a, b) in opposites().iter().map(|(a, b)| (a.as_str(), b.as_str())) {
        let in_point: Vec<(usize, (bool, Option<String>))> =
            pc.iter().enumerate().filter_map(|(i, c)| Some((i, quality(c, a, b)?))).collect();
        if in_point.is_empty() {
            continue;
        }
        for (i, meant) in in_point {
            for subject in &pc[i].0 {
                // The subject is what the quality is said of, never the word it qualifies ("a
                // single *core*" against "multiple *cores*" says nothing of who runs there).
                if *subject == a
                    || *subject == b
                    || generic(subject)
                    || (opposite(subject).is_some() && !roles.contains(subject))
                    || meant.1.as_ref() == Some(subject)
                    || weak(subject)
                {
                    continue;
                }
                // The point must give the subject a side of the pair in one clause only (it may
                // name it elsewhere: "QuerySets are lazy: … hit when the QuerySet is
                // evaluated"); in the sentence, some clause holding it gives the opposite quality
                // and none gives the point's.
                let sided = |c: &&(Vec<String>, bool)| c.0.contains(subject) && c.0.iter().any(|w| w == a || w == b);
                if pc.iter().filter(sided).count() != 1 {
                    continue;
                }
                // "single core" against "multiple tasks" is no contradiction: when the point's
                // quality qualifies a word, the sentence's must qualify the same one.
                let said: Vec<(bool, Option<String>)> =
                    sc.iter().filter(|c| c.0.contains(subject)).filter_map(|c| quality(c, a, b)).collect();
                let fits = |noun: &Option<String>| meant.1.is_none() || *noun == meant.1;
                let opposed = said.iter().any(|(q, noun)| *q != meant.0 && fits(noun));
                let agreed = said.iter().any(|(q, _)| *q == meant.0);
                if opposed && !agreed && !flips_another(&pc, &sc, (a, b)) {
                    return true;
                }
            }
        }
    }
    false
}

/// Opposites of degree, which a correlation links ("the shorter the string, the higher the
/// pitch"), as against kinds (mutable/immutable, copy/reference).
const GRADED: &[&str] = &[
    "fast", "slow", "increase", "decrease", "more", "less", "high", "low", "large", "big", "small", "long", "short",
    "loud", "quiet", "heavy", "light", "strong", "weak", "cheap", "expensive", "expand", "contract", "gain", "lose",
];

fn graded(stem: &str) -> bool {
    static TERMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TERMS.get_or_init(|| GRADED.iter().map(|g| terms::term(g)).collect()).iter().any(|g| g == stem)
}

/// Whether the sentence flips another opposite pair of degree the point uses too (the pair
/// flipped being one of degree): "if the string is shorter, the pitch will be higher" read from
/// the other end ("the long string is low") is the same claim, not its reversal.
fn flips_another(pc: &[(Vec<String>, bool)], sc: &[(Vec<String>, bool)], this: (&str, &str)) -> bool {
    if !graded(this.0) {
        return false;
    }
    let same_pair = |x: &str, y: &str| (x, y) == this || (y, x) == this;
    opposites().iter().filter(|(x, y)| !same_pair(x, y) && graded(x)).any(|(x, y)| {
        let sides = |cs: &[(Vec<String>, bool)]| -> Vec<bool> {
            cs.iter().filter_map(|c| quality(c, x, y)).map(|q| q.0).collect()
        };
        let (meant, said) = (sides(pc), sides(sc));
        let Some(&side) = meant.first() else { return false };
        meant.iter().all(|m| *m == side) && !said.is_empty() && said.iter().all(|s| *s != side)
    })
}

/// The opposite of a stemmed word, if it has one.
fn opposite(stem: &str) -> Option<String> {
    opposites().iter().find_map(|(a, b)| {
        if a == stem {
            Some(b.clone())
        } else if b == stem {
            Some(a.clone())
        } else {
            None
        }
    })
}

/// [`OPPOSITES`], stemmed once.
fn opposites() -> &'static [(String, String)] {
    static STEMMED: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    STEMMED.get_or_init(|| OPPOSITES.iter().map(|(a, b)| (terms::term(a), terms::term(b))).collect())
}

/// The subjects a question compares or asks about, as terms: its topic words, and identifiers
/// written in it (`__new__`, `select_related`).
pub fn roles(question: &Question) -> Vec<String> {
    let mut roles: Vec<String> =
        crate::words::topic_words(&question.question).iter().flat_map(|w| terms::content(w)).collect();
    roles.sort();
    roles.dedup();
    roles.retain(|r| !generic(r) && r.len() > 2);
    roles
}

/// Whether `sentence` swaps two of `roles` in `point`: the point gives X the predicate Px and Y
/// the predicate Py in different clauses; the sentence puts X with more of Py than of Px and Y
/// with more of Px than of Py.
pub fn swapped(point: &str, sentence: &str, roles: &[String]) -> bool {
    let (pc, sc) = (clauses_split_and(point), clauses_split_and(sentence));
    let clause_of = |cs: &[(Vec<String>, bool)], r: &String| {
        let holding: Vec<&(Vec<String>, bool)> = cs.iter().filter(|c| c.0.contains(r)).collect();
        (holding.len() == 1).then(|| holding[0].clone())
    };
    let present: Vec<&String> = roles.iter().filter(|r| clause_of(&pc, r).is_some()).collect();
    for (i, x) in present.iter().enumerate() {
        for y in &present[i + 1..] {
            let (Some(cx), Some(cy)) = (clause_of(&pc, x), clause_of(&pc, y)) else { continue };
            if cx.0.contains(*y) || cy.0.contains(*x) || cx.1 || cy.1 {
                continue;
            }
            let predicate = |c: &Vec<String>| -> Vec<String> {
                let mut p: Vec<String> =
                    c.iter().filter(|w| *w != *x && *w != *y && !generic(w) && !roles.contains(w)).cloned().collect();
                p.sort();
                p.dedup();
                p
            };
            let (px, py) = (predicate(&cx.0), predicate(&cy.0));
            let px: Vec<String> = px.iter().filter(|w| !py.contains(w)).cloned().collect();
            let py: Vec<String> = py.iter().filter(|w| !px.contains(w)).cloned().collect();
            if px.is_empty() || py.is_empty() {
                continue;
            }
            let (Some(sx), Some(sy)) = (clause_of(&sc, x), clause_of(&sc, y)) else { continue };
            if sx.0.contains(*y) || sx.1 || sy.1 {
                continue;
            }
            let count = |c: &Vec<String>, p: &[String]| p.iter().filter(|w| c.contains(w)).count();
            if count(&sx.0, &py) > count(&sx.0, &px) && count(&sy.0, &px) > count(&sy.0, &py) {
                return true;
            }
        }
    }
    false
}

/// Clauses as [`clauses`] splits them, and also at "and" (two roles are often given in one
/// sentence joined by it).
fn clauses_split_and(text: &str) -> Vec<(Vec<String>, bool)> {
    clauses(&text.to_lowercase().replace(" and ", "; "))
}

/// Markers after which a point names the alternative it rejects.
const REJECTING: &[&str] = &[" instead of ", " rather than ", " in place of "];

/// Whether `sentence` recommends what `point` rejects: the point prefers A "instead of" B (in one
/// clause); the sentence holds at least two of B's own terms and 60% of their weight (`weight`),
/// none negated, less than half the weight of A's own terms, and rejects nothing itself.
pub fn prefers_rejected(point: &str, sentence: &str, weight: &dyn Fn(&String) -> f64) -> bool {
    let lower = point.to_lowercase();
    let Some((at, len)) = REJECTING.iter().find_map(|m| lower.find(m).map(|i| (i, m.len()))) else {
        return false;
    };
    let bound = |c: char| matches!(c, ',' | ';' | ':' | '.' | '(' | ')');
    let before = &lower[..at];
    let preferred = &before[before.rfind(bound).map_or(0, |i| i + 1)..];
    let after = &lower[at + len..];
    let rejected = &after[..after.find(bound).unwrap_or(after.len())];
    let distinct = |t: &str| {
        let mut v: Vec<String> = terms::content(t).into_iter().filter(|w| !generic(w) && !weak(w)).collect();
        v.sort();
        v.dedup();
        v
    };
    let (p, r) = (distinct(preferred), distinct(rejected));
    let r_only: Vec<&String> = r.iter().filter(|w| !p.contains(w)).collect();
    let p_only: Vec<&String> = p.iter().filter(|w| !r.contains(w)).collect();
    if r_only.len() < 2 || p_only.is_empty() {
        return false;
    }
    let s_lower = format!(" {} ", sentence.to_lowercase());
    if REJECTING.iter().chain(&[" avoid ", " instead ", " rather "]).any(|m| s_lower.contains(m)) {
        return false;
    }
    let sw = terms::content(sentence);
    let share = |ws: &[&String]| {
        let total: f64 = ws.iter().map(|w| weight(w)).sum();
        let got: f64 = ws.iter().filter(|w| sw.contains(w)).map(|w| weight(w)).sum();
        if total > 0.0 { got / total } else { 0.0 }
    };
    let hits: Vec<&String> = r_only.iter().filter(|w| sw.contains(w)).copied().collect();
    hits.len() >= 2
        && share(&r_only) >= 0.6
        && share(&p_only) < 0.5
        && super::checks::negated_words(sentence, &hits).is_empty()
}
