//! The offline grader's terms: what it compares between an answer and a key point. A word is
//! lower-cased, stemmed (Snowball English, so "evaporated", "evaporation" and "evaporates" are
//! one term) and mapped through a field thesaurus (async/asynchronous, DB/database,
//! mutex/lock, O(log n)/logarithmic, simultaneously/in parallel…), so an answer is matched on
//! meaning a little beyond its exact words. Stopwords are dropped.
//!
//! Pure functions; the stemmer and the thesaurus are built once, on first use (off the path to
//! the first question).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::words;

/// Symbols and notations, rewritten as words before tokenising (longest first).
const NOTATIONS: &[(&str, &str)] = &[
    ("o(n log n)", " linearithmic "),
    ("o(nlogn)", " linearithmic "),
    ("o(log(n))", " logarithmic "),
    ("o(log n)", " logarithmic "),
    ("o(logn)", " logarithmic "),
    ("o(n^2)", " quadratic "),
    ("o(n²)", " quadratic "),
    ("o(n*n)", " quadratic "),
    ("o(n)", " linear "),
    ("o(1)", " constant "),
    ("in parallel", " parallel "),
    ("one at a time", " sequentially "),
    ("at a time", " sequentially "),
    ("one after another", " sequentially "),
    ("take turns", " sequentially "),
    ("taking turns", " sequentially "),
    ("->", " "),
    ("→", " "),
    ("=>", " "),
];

/// Groups of words that mean the same here; every word of a group becomes its first.
const THESAURUS: &[&[&str]] = &[
    &["async", "asynchronous", "asynchronously", "await", "awaitable", "nonblocking", "non-blocking"],
    &["database", "db", "databases"],
    &["lock", "mutex", "mutexes"],
    &["thread", "threads", "threading", "multithreading", "multithreaded"],
    &["process", "processes", "multiprocessing", "subprocess"],
    &["parallel", "parallelism", "simultaneously", "simultaneous"],
    &["sequential", "sequentially", "serially", "serial"],
    &["concurrency", "concurrent", "concurrently"],
    &["function", "func", "fn", "functions"],
    &["argument", "arg", "args", "arguments"],
    &["parameter", "param", "params"],
    &["variable", "var", "vars"],
    &["dictionary", "dict", "dicts", "mapping"],
    &["object", "obj", "instance"],
    &["initialise", "initialize", "init", "initialisation", "initialization", "initializer", "initialiser"],
    &["authentication", "authn", "authenticate", "login"],
    &["authorization", "authorisation", "authz", "authorize", "authorise", "permission", "permissions"],
    &["configuration", "config", "settings"],
    &["environment", "env"],
    &["repository", "repo"],
    &["request", "req"],
    &["response", "resp"],
    &["connection", "conn", "connections"],
    &["transaction", "txn"],
    &["performance", "perf"],
    &["memory", "mem", "ram"],
    &["serialise", "serialize", "serialization", "serialisation", "marshal"],
    &["attribute", "attr", "attrs"],
    &["application", "app", "apps"],
    &["library", "lib", "libs"],
    &["coroutine", "coro", "coroutines"],
    &["immutable", "unchangeable", "read-only"],
    &["garbage", "gc"],
    &["cache", "caching", "memoize", "memoise", "memoization"],
    &["error", "exception", "errors", "exceptions"],
    &["fast", "quick", "quickly", "speedy"],
    &["big", "large", "huge"],
    &["small", "tiny", "little"],
    &["heat", "warm", "hot"],
    &["cold", "cool"],
];

/// Comparatives and superlatives of common adjectives, with their base: "higher pitch" states
/// the reference's "the pitch will be higher", "High pitch." answers it, and the opposites
/// (high/low) stay opposites. Only these: "-er" is no suffix in "server", "user" or "layer".
const DEGREES: &[(&str, &[&str])] = &[
    ("high", &["higher", "highest"]),
    ("low", &["lower", "lowest"]),
    ("fast", &["faster", "fastest"]),
    ("slow", &["slower", "slowest"]),
    ("big", &["bigger", "biggest"]),
    ("small", &["smaller", "smallest"]),
    ("large", &["larger", "largest"]),
    ("long", &["longer", "longest"]),
    ("short", &["shorter", "shortest"]),
    ("hot", &["hotter", "hottest"]),
    ("cold", &["colder", "coldest"]),
    ("warm", &["warmer", "warmest"]),
    ("cool", &["cooler", "coolest"]),
    ("hard", &["harder", "hardest"]),
    ("soft", &["softer", "softest"]),
    ("heavy", &["heavier", "heaviest"]),
    ("light", &["lighter", "lightest"]),
    ("loud", &["louder", "loudest"]),
    ("quiet", &["quieter", "quietest"]),
    ("tight", &["tighter", "tightest"]),
    ("loose", &["looser", "loosest"]),
    ("strong", &["stronger", "strongest"]),
    ("weak", &["weaker", "weakest"]),
    ("safe", &["safer", "safest"]),
    ("cheap", &["cheaper", "cheapest"]),
    ("deep", &["deeper", "deepest"]),
    ("shallow", &["shallower", "shallowest"]),
    ("close", &["closer", "closest"]),
    ("far", &["farther", "farthest", "further", "furthest"]),
    ("near", &["nearer", "nearest"]),
    ("wide", &["wider", "widest"]),
    ("narrow", &["narrower", "narrowest"]),
    ("thick", &["thicker", "thickest"]),
    ("thin", &["thinner", "thinnest"]),
    ("bright", &["brighter", "brightest"]),
    ("dark", &["darker", "darkest"]),
    ("easy", &["easier", "easiest"]),
    ("simple", &["simpler", "simplest"]),
    ("new", &["newer", "newest"]),
    ("old", &["older", "oldest"]),
    ("dense", &["denser", "densest"]),
];

fn stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

/// Word or stem → canonical stem, from [`THESAURUS`] and [`DEGREES`].
fn thesaurus() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<String, String> = HashMap::new();
        for group in THESAURUS {
            let head = stemmer().stem(group[0]).into_owned();
            for w in *group {
                map.insert(stemmer().stem(w).into_owned(), head.clone());
                map.insert(w.to_string(), head.clone());
            }
        }
        for (base, forms) in DEGREES {
            let stem = stemmer().stem(base).into_owned();
            let head = map.get(&stem).cloned().unwrap_or(stem);
            for w in *forms {
                map.insert(w.to_string(), head.clone());
            }
        }
        map
    })
}

/// The term of one lower-case word.
pub fn term(word: &str) -> String {
    let w = word.trim_end_matches("'s");
    if let Some(t) = thesaurus().get(w) {
        return t.clone();
    }
    let stem = stemmer().stem(w);
    thesaurus().get(stem.as_ref()).cloned().unwrap_or_else(|| stem.into_owned())
}

/// Lower-case text with notations rewritten as words.
fn prepared(text: &str) -> String {
    let mut lower = text.to_lowercase();
    for (from, to) in NOTATIONS {
        if lower.contains(from) {
            lower = lower.replace(from, to);
        }
    }
    lower
}

/// The terms of `text`, in order, duplicates kept; stopwords and one-letter words dropped.
pub fn content(text: &str) -> Vec<String> {
    words::tokens(&prepared(text))
        .iter()
        .filter(|w| !words::is_stopword(w) && (w.len() > 1 || w.chars().all(|c| c.is_ascii_digit())))
        .map(|w| term(w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_word_and_field_synonyms_are_one_term() {
        assert_eq!(content("evaporated"), content("evaporation"));
        assert_eq!(content("asynchronous DB calls"), content("async database call"));
        assert_eq!(content("a mutex"), content("the lock"));
        assert_eq!(content("O(log n)"), content("logarithmic"));
        assert_eq!(content("they run in parallel"), content("they run simultaneously"));
        assert_ne!(content("concurrency"), content("parallelism"));
        assert_eq!(content("higher pitch"), content("high pitch"));
        assert_eq!(content("the safest"), content("safe"));
    }
}
