//! Topic classification and difficulty estimation for bank entries.
//!
//! Topics: weighted keyword scoring over what the question asks. Each topic has cue words
//! (stemmed, see [`crate::words`]); a cue in the question counts 3, in the reference answer 0.25
//! (at most 2 per topic), in the section heading 0.5 (at most 1 per topic) — the section only
//! breaks near-ties, so "Explain any() vs all()" under a "FAST API" heading is `core-python`.
//! Code in the question counts as words even where English would drop them: `any()`, `all()`,
//! `__new__` (also a `dunder`), `==`. The highest score wins; ties go to the topic listed first
//! in [`super::TOPICS`]; no cue at all means `core-python` with confidence 0. Deliberate
//! choices: the GIL, threads and the event loop are `concurrency`; ORM query questions inside
//! Django (`select_related`) are `django`; SQL, indexes and SQLAlchemy are `databases`.
//!
//! The section counts only where it is trusted ([`trusted_sections`]): in a document whose
//! "FAST API" section also holds questions on dunders, SQL and React, the heading says nothing.
//!
//! Confidence: the winner's share of the two best scores, `best / (best + second)`, from 0.5 (a
//! tie) to 1 (no rival), rounded to two decimals.
//!
//! Difficulty (when the source marks none): `hard` for internals-level subjects (metaclasses,
//! descriptors, MRO, bytecode, GIL internals, event-loop internals, memory allocators) or
//! design prompts; `easy` for short definitional questions ("What is X?") with short answers;
//! `medium` otherwise.

use std::collections::{HashMap, HashSet};

use super::Difficulty;
use crate::words;

/// Cue words per topic (already in stemmed form where it matters).
const CUES: &[(&str, &[&str])] = &[
    (
        "core-python",
        &[
            "repr", "str", "magic", "statement", "feature", "java", "switch", "hash", "eq", "getattr", "getattribute",
            "new", "del", "call", "any", "all", "builtin", "contextvar", "structure", "itertools", "functools",
            "decorator", "generator", "iterator", "closure", "lambda", "comprehension", "args", "kwargs", "dunder",
            "mutable", "immutable", "tuple", "dict", "dictionary", "list", "set", "string", "class", "inheritance",
            "metaclass", "descriptor", "property", "dataclass", "enum", "exception", "scope", "legb", "nonlocal",
            "contextmanager", "with", "yield", "walrus", "slice", "namespace", "function", "encapsulation", "exec",
            "eval", "dunder",
        ],
    ),
    (
        "internals",
        &[
            "gc", "refcount", "reference", "memory", "bytecode", "interpreter", "cpython", "pypy", "interning",
            "intern", "slot", "__slots__", "frame", "allocation", "allocator", "pymalloc", "id", "object", "mro",
            "compile", "pyc", "dis", "weakref", "weak", "copy", "deepcopy", "shallow",
        ],
    ),
    (
        "concurrency",
        &[
            "gil", "thread", "process", "async", "asyncio", "eventloop", "coroutin", "concurrency", "parallelism",
            "lock", "semaphore", "gather", "future", "executor", "threadpoolexecutor", "processpoolexecutor", "race",
            "deadlock", "queue", "celery", "task", "uvloop", "trio", "anyio", "greenlet", "gevent",
        ],
    ),
    (
        "typing",
        &[
            "typing", "type", "hint", "annotation", "mypy", "generic", "typevar", "protocol", "typeddict", "literal",
            "optional", "union", "pyright", "overload", "paramspec",
        ],
    ),
    (
        "fastapi",
        &[
            "fastapi", "starlette", "pydantic", "depend", "depinject", "uvicorn", "apirouter", "backgroundtask",
            "openapi", "swagger", "lifespan", "basemodel", "validator", "startup", "shutdown", "on_event",
            "middleware", "staticfiles", "mount", "httpexception", "response_model", "include_router", "jsonresponse",
            "streamingresponse", "uploadfile", "oauth2passwordbearer", "endpoint", "route",
        ],
    ),
    (
        "django",
        &[
            "django", "drf", "queryset", "select_related", "prefetch_related", "signal", "admin", "migration",
            "manage", "view", "template", "model", "serializer", "viewset", "orm",
        ],
    ),
    (
        "databases",
        &[
            "primary", "unique", "foreign", "sql", "database", "sqlalchemy", "postgres", "postgresql", "mysql",
            "sqlite", "index", "transaction", "acid", "isolation", "query", "join", "psycopg", "psycopg2", "asyncpg",
            "alembic", "n+1", "normalization", "nosql", "mongodb", "redis", "pool", "connection", "sharding",
            "replication", "schema", "seed", "migration", "insert",
        ],
    ),
    (
        "testing",
        &[
            "test", "pytest", "unittest", "mock", "fixture", "patch", "coverage", "tdd", "stub", "parametrize",
            "hypothesis", "tox", "assert", "integration", "unit",
        ],
    ),
    (
        "performance",
        &[
            "performance", "profil", "profiling", "cprofile", "optimiz", "optimize", "optimization", "cache",
            "caching", "lru_cache", "memoization", "speed", "fast", "slow", "bottleneck", "benchmark", "cython",
            "numba", "vectoriz",
        ],
    ),
    (
        "design",
        &[
            "pattern", "singleton", "factory", "solid", "principle", "architecture", "clean", "observer", "strategy",
            "adapter", "composition", "abstraction", "coupling", "refactor", "design",
        ],
    ),
    (
        "algorithms",
        &[
            "algorithm", "complexity", "big", "sort", "search", "binary", "tree", "graph", "heap", "heapq", "linked",
            "stack", "recursion", "dynamic", "hash", "bisect", "deque", "counter", "lru", "sliding", "window",
        ],
    ),
    (
        "system-design",
        &[
            "cap", "theorem", "consistency", "monorepo", "polyrepo", "cdn", "soft", "delete", "scale", "scaling",
            "scalability", "horizontal", "load", "balancer", "microservice", "docker", "kubernetes", "deploy",
            "deployment", "ci", "cd", "monitoring", "observability", "logging", "rate", "limit", "limiter", "kafka",
            "rabbitmq", "message", "broker", "distributed", "production", "gunicorn", "nginx", "availability",
        ],
    ),
    (
        "web",
        &[
            "react", "hydration", "ssr", "csr", "redux", "frontend", "javascript", "dom", "css", "html", "browser",
            "nextjs", "spa", "upload", "http", "rest", "api", "cors", "csrf", "auth", "authentication",
            "authorization", "jwt", "oauth2", "oauth", "token", "session", "cookie", "websocket", "wsgi", "asgi",
            "flask", "request", "response", "security", "xss", "https", "graphql", "grpc",
        ],
    ),
    (
        "ai-ml",
        &[
            "llm", "ml", "model", "machine", "learning", "rag", "embedding", "vector", "prompt", "openai", "langchain",
            "numpy", "pandas", "pytorch", "tensorflow", "scikit", "mlop", "mlops", "fine", "tune", "agent",
            "inference", "ai", "tool", "chatbot",
        ],
    ),
    (
        "tooling",
        &[
            "pip", "pipenv", "poetry", "venv", "virtualenv", "conda", "wheel", "package", "packaging", "pypi",
            "import", "module", "__init__", "requirements", "setuptools", "pyproject", "uv", "linter", "ruff", "black",
            "flake8", "site", "sys", "path", "entry", "distribution", "dependency", "environment",
        ],
    ),
];

/// Cue word -> the topics (indices into `CUES`) it points to, stemmed like the words it is
/// compared with; built once.
fn cue_index() -> &'static std::collections::HashMap<String, Vec<usize>> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (t, (_, cues)) in CUES.iter().enumerate() {
            for c in *cues {
                let topics = index.entry(words::stem(c)).or_default();
                if !topics.contains(&t) {
                    topics.push(t);
                }
            }
        }
        index
    })
}

fn add(scores: &mut [f64], words: &[String], weight: f64, cap: f64) {
    let mut part = vec![0.0; scores.len()];
    for w in words {
        for &t in cue_index().get(w).map(Vec::as_slice).unwrap_or_default() {
            part[t] += weight;
        }
    }
    for (s, p) in scores.iter_mut().zip(part) {
        *s += p.min(cap);
    }
}

/// A topic chosen by the classifier, with how sure it is (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classified {
    pub topic: &'static str,
    pub confidence: f64,
}

/// The question's words for cue matching: its content words and what its code names
/// ([`words::code_words`]).
fn question_words(question: &str) -> Vec<String> {
    let mut out = words::content(question);
    out.extend(words::code_words(question));
    out
}

/// The topic (one of [`super::TOPICS`]) for a question and the classifier's confidence.
pub fn classify(question: &str, answer: Option<&str>, section: Option<&str>) -> Classified {
    let mut scores = vec![0.0; CUES.len()];
    add(&mut scores, &question_words(question), 3.0, f64::MAX);
    add(&mut scores, &answer.map(words::content).unwrap_or_default(), 0.25, 2.0);
    add(&mut scores, &section.map(words::content).unwrap_or_default(), 0.5, 1.0);
    let mut best = (CUES[0].0, 0.0);
    let mut second: f64 = 0.0;
    for ((slug, _), score) in CUES.iter().zip(scores) {
        if score > best.1 {
            second = second.max(best.1);
            best = (slug, score);
        } else {
            second = second.max(score);
        }
    }
    let confidence = if best.1 > 0.0 { (best.1 / (best.1 + second) * 100.0).round() / 100.0 } else { 0.0 };
    Classified { topic: best.0, confidence }
}

/// The topic the question's own words point to, if they point anywhere.
fn question_topic(question: &str) -> Option<&'static str> {
    let mut scores = vec![0.0; CUES.len()];
    add(&mut scores, &question_words(question), 3.0, f64::MAX);
    best_of(&scores)
}

fn best_of(scores: &[f64]) -> Option<&'static str> {
    let mut best: Option<(&'static str, f64)> = None;
    for ((slug, _), &score) in CUES.iter().zip(scores) {
        if score > 0.0 && best.is_none_or(|(_, b)| score > b) {
            best = Some((slug, score));
        }
    }
    best.map(|(slug, _)| slug)
}

/// The sections whose heading can be trusted to break ties: those where the questions that name
/// a topic mostly name the heading's. A catch-all heading ("FAST API" over questions on
/// dunders, SQL and React) is not trusted. `questions` are `(section key, heading, question)`.
pub fn trusted_sections<'a>(questions: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> HashSet<&'a str> {
    let mut tally: HashMap<&str, (Option<&'static str>, usize, usize)> = HashMap::new();
    for (key, heading, question) in questions {
        let entry = tally.entry(key).or_insert_with(|| {
            let mut scores = vec![0.0; CUES.len()];
            add(&mut scores, &words::content(heading), 1.0, f64::MAX);
            (best_of(&scores), 0, 0)
        });
        if let Some(topic) = question_topic(question) {
            entry.2 += 1;
            if Some(topic) == entry.0 {
                entry.1 += 1;
            }
        }
    }
    tally
        .into_iter()
        .filter(|(_, (heading_topic, agree, named))| heading_topic.is_some() && agree * 2 >= *named)
        .map(|(key, _)| key)
        .collect()
}

/// The topic slug (one of [`super::TOPICS`]) for a question.
pub fn topic_for(question: &str, answer: Option<&str>, section: Option<&str>) -> &'static str {
    classify(question, answer, section).topic
}

/// Subjects that make a question hard.
const HARD: &[&str] = &[
    "metaclass", "descriptor", "mro", "bytecode", "gil", "eventloop", "internal", "allocator", "pymalloc", "gc",
    "weakref", "cpython", "design", "scale", "distributed", "architecture", "coroutin", "interning", "__slots__",
    "slot", "lifespan", "transaction", "isolation", "sharding",
];

/// An estimated difficulty when the source marks none.
pub fn estimate_difficulty(question: &str, answer: Option<&str>) -> Difficulty {
    let q = words::content(question);
    if q.iter().any(|w| HARD.iter().any(|h| words::stem(h) == *w)) || question.matches('?').count() >= 2 {
        return Difficulty::Hard;
    }
    let short_answer = answer.is_none_or(|a| a.split_whitespace().count() < 60);
    let lower = question.trim().to_lowercase();
    let definitional = lower.starts_with("what is") || lower.starts_with("what are") || lower.starts_with("what does");
    if definitional && short_answer && question.split_whitespace().count() <= 10 {
        Difficulty::Easy
    } else {
        Difficulty::Medium
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_for_typical_questions() {
        let cases = [
            ("Explain the GIL and its implications", None, "concurrency"),
            ("What are metaclasses and when would you use them?", None, "core-python"),
            ("How does FastAPI implement dependency injection?", None, "fastapi"),
            ("select_related vs prefetch_related", None, "django"),
            ("What is a wheel?", Some("Packaging & tooling"), "tooling"),
            ("What are Python wheels (.whl files)?", None, "tooling"),
            ("How do you design a rate limiter?", None, "system-design"),
            ("What is a B-tree index?", None, "databases"),
            ("How do you mock in pytest?", None, "testing"),
            ("TypedDict vs Protocol", None, "typing"),
            ("What is RAG?", None, "ai-ml"),
            ("What is CORS?", None, "web"),
            ("How does Python's garbage collector detect cycles?", None, "internals"),
        ];
        for (q, section, want) in cases {
            assert_eq!(topic_for(q, None, section), want, "{q}");
        }
    }

    #[test]
    fn the_section_breaks_ties_and_unknown_questions_default() {
        assert_eq!(
            topic_for("How does it handle middleware?", None, Some("FastAPI Internals Interview Q&A")),
            "fastapi"
        );
        assert_eq!(topic_for("Tell me something", None, None), "core-python");
    }

    #[test]
    fn code_in_the_question_counts_and_a_catch_all_heading_does_not() {
        // "any" and "all" are English function words, but `any()` is a builtin.
        assert_eq!(topic_for("Explain any() vs all().", None, Some("FAST API")), "core-python");
        assert_eq!(topic_for("What is Python’s __new__ method?", None, Some("FAST API")), "core-python");
        assert_eq!(topic_for("Difference between is and ==?", None, Some("FAST API")), "core-python");
        let sure = classify("What is BackgroundTasks in FastAPI?", None, None);
        assert_eq!(sure.topic, "fastapi");
        assert!(sure.confidence > 0.9, "{sure:?}");
        assert_eq!(classify("Tell me something", None, None).confidence, 0.0);
        // A heading whose questions are mostly about something else is not trusted.
        let questions = [
            ("a:FAST API", "FAST API", "Explain any() vs all()."),
            ("a:FAST API", "FAST API", "What is database indexing?"),
            ("a:FAST API", "FAST API", "What is APIRouter?"),
            ("a:FAST API", "FAST API", "What is the GIL?"),
            ("b:FastAPI", "FastAPI", "What is APIRouter?"),
            ("b:FastAPI", "FastAPI", "How to add middleware?"),
        ];
        let trusted = trusted_sections(questions.iter().copied());
        assert!(!trusted.contains("a:FAST API") && trusted.contains("b:FastAPI"), "{trusted:?}");
    }

    #[test]
    fn difficulty_estimates() {
        assert_eq!(estimate_difficulty("What are descriptors?", None), Difficulty::Hard);
        assert_eq!(estimate_difficulty("What is PyPI?", Some("The package index.")), Difficulty::Easy);
        assert_eq!(
            estimate_difficulty("How do you handle circular imports in Python?", Some("Restructure.")),
            Difficulty::Medium
        );
    }
}
