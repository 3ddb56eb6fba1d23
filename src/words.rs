//! Words for matching: tokenising, light stemming, stopwords and a few synonyms, shared by
//! duplicate grouping, key-point distillation, search and the offline grader. Pure functions.

/// Function words: carry grammar, not content. Also used to tell prose from a word list.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "into", "onto", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "it's", "this",
    "that", "these", "those", "there", "their", "they", "them", "you", "your", "we", "our", "i", "my", "me", "he",
    "she", "his", "her", "do", "does", "did", "doing", "done", "have", "has", "had", "can", "could", "should", "would",
    "will", "may", "might", "must", "shall", "not", "no", "so", "such", "than", "too", "very", "just", "also", "only",
    "own", "same", "other", "some", "any", "each", "every", "all", "both", "few", "more", "most", "which", "who",
    "whom", "what", "when", "where", "why", "how", "about", "over", "under", "up", "down", "out", "off", "again",
    "further", "once", "here", "because", "while", "until", "between", "through", "during", "before", "after", "above",
    "below", "via", "per", "e.g", "i.e", "etc", "vs", "versus", "one", "two", "get", "gets", "got", "make", "makes",
    "lets", "let", "way", "ways", "like",
];

/// Question filler: words that frame a question without saying what it is about.
pub const FILLER: &[&str] = &[
    "explain", "describe", "difference", "differences", "different", "what's", "whats", "how's", "python", "python's",
    "pythons", "implication", "implications", "detail", "details", "affect", "affects", "work", "works", "working",
    "use", "used", "using", "example", "examples", "mean", "means", "meaning", "concept", "concepts", "purpose",
    "role", "important", "key", "main", "common", "type", "types", "compare", "comparison", "define", "definition",
    "give", "tell", "list", "name", "understand", "internally", "python3", "when", "would", "choose", "prefer", "best",
    "practice", "practices", "benefit", "benefits", "advantage", "advantages", "each",
];

/// Multi-word terms folded into one token before matching.
const PHRASES: &[(&str, &str)] = &[
    ("global interpreter lock", "gil"),
    ("method resolution order", "mro"),
    ("garbage collector", "gc"),
    ("garbage collection", "gc"),
    ("object relational mapper", "orm"),
    ("object relational mapping", "orm"),
    ("object-relational mapper", "orm"),
    ("dependency injection", "depinject"),
    ("context manager", "contextmanager"),
    ("event loop", "eventloop"),
    ("fast api", "fastapi"),
    ("i/o", "io"),
    ("cpu-bound", "cpu bound"),
    ("io-bound", "io bound"),
];

/// Word-level synonyms, applied after stemming.
const SYNONYMS: &[(&str, &str)] = &[
    ("multithread", "thread"),
    ("threading", "thread"),
    ("multiprocess", "process"),
    ("multiprocessing", "process"),
    ("mutex", "lock"),
    ("asynchronous", "async"),
    ("concurrent", "concurrency"),
    ("db", "database"),
    ("parallel", "parallelism"),
    ("await", "async"),
    ("coroutine", "coroutin"),
    ("serialise", "serialize"),
    ("initialise", "initialize"),
];

/// Lowercase word tokens of `text` (letters, digits, `_`), phrases folded.
pub fn tokens(text: &str) -> Vec<String> {
    let mut lower = text.to_lowercase();
    for (phrase, token) in PHRASES {
        if lower.contains(phrase) {
            lower = lower.replace(phrase, token);
        }
    }
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A light stemmer: plural, `-ing`, `-ed`, `-ly` endings.
pub fn stem(word: &str) -> String {
    let w = word.trim_end_matches("'s");
    let n = w.len();
    let two_letter_suffix = (n > 4 && w.ends_with("ed") && !w.ends_with("eed"))
        || (n > 4 && w.ends_with("ly"))
        || (n > 3 && ["sses", "ches", "shes", "xes"].iter().any(|e| w.ends_with(e)));
    let s = if n > 5 && w.ends_with("ies") {
        format!("{}y", &w[..n - 3])
    } else if n > 5 && w.ends_with("ing") {
        w[..n - 3].to_string()
    } else if two_letter_suffix {
        w[..n - 2].to_string()
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..n - 1].to_string()
    } else {
        w.to_string()
    };
    SYNONYMS.iter().find(|(from, _)| *from == s).map_or(s, |(_, to)| to.to_string())
}

pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// Content words of `text`, stemmed, without stopwords (order kept, duplicates kept).
pub fn content(text: &str) -> Vec<String> {
    tokens(text).iter().filter(|w| !is_stopword(w) && w.len() > 1).map(|w| stem(w)).collect()
}

/// Content words of a question without its framing words, as a sorted set.
pub fn topic_words(question: &str) -> Vec<String> {
    let mut words = topic_words_in_order(question);
    words.sort();
    words.dedup();
    words
}

/// [`topic_words`] in the order they appear (duplicates kept).
pub fn topic_words_in_order(question: &str) -> Vec<String> {
    tokens(question)
        .iter()
        .filter(|w| !is_stopword(w) && !FILLER.contains(&w.as_str()) && w.len() > 1)
        .map(|w| stem(w))
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect()
}

/// What the code in a question names, even where English would drop the word: a call such as
/// `any()` names `any`, a dunder such as `__new__` names `new` and `dunder`, `==` names `eq`,
/// and `is` beside `==` is the operator (`is`). Stemmed like [`content`].
pub fn code_words(question: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in question.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '(' || c == ')')) {
        if let Some(name) = token.strip_suffix("()").filter(|n| !n.is_empty() && !n.contains(['(', ')'])) {
            out.push(stem(&name.to_lowercase()));
        }
        if let Some(core) = token.strip_prefix("__").and_then(|t| t.strip_suffix("__")).filter(|c| !c.is_empty()) {
            out.push(stem(&core.to_lowercase()));
            out.push("dunder".to_string());
        }
    }
    if question.contains("==") {
        out.push("eq".to_string());
        if tokens(question).iter().any(|t| t == "is") {
            out.push("is".to_string());
        }
    }
    out
}

/// Share of tokens that are function words: prose is about 0.3–0.5, a word list near 0.
pub fn function_word_ratio(text: &str) -> f64 {
    let toks = tokens(text);
    if toks.is_empty() {
        return 0.0;
    }
    toks.iter().filter(|w| is_stopword(w)).count() as f64 / toks.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_synonyms() {
        assert_eq!(stem("threads"), "thread");
        assert_eq!(stem("threading"), "thread");
        assert_eq!(stem("classes"), "class");
        assert_eq!(stem("dependencies"), "dependency");
        assert_eq!(stem("mutex"), "lock");
        assert_eq!(stem("process"), "process");
    }

    #[test]
    fn phrases_fold_and_filler_goes() {
        assert_eq!(topic_words("Explain the Global Interpreter Lock (GIL) and its implications"), ["gil"]);
        assert_eq!(topic_words("What is the GIL?"), ["gil"]);
        assert_eq!(topic_words("How does the GIL affect FastAPI apps?"), ["app", "fastapi", "gil"]);
    }

    #[test]
    fn code_names_words_english_drops() {
        assert_eq!(code_words("Explain any() vs all()."), ["any", "all"]);
        assert_eq!(code_words("What is Python’s __new__ method?"), ["new", "dunder"]);
        assert_eq!(code_words("Difference between is and == in Python?"), ["eq", "is"]);
        assert!(code_words("What is a closure?").is_empty());
    }

    #[test]
    fn prose_has_function_words_and_lists_do_not() {
        assert!(function_word_ratio("The GIL is a lock that lets only one thread run at a time.") > 0.3);
        assert!(function_word_ratio("GIL mutex threads CPU-bound multiprocessing NumPy") < 0.1);
    }
}
