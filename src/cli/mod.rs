//! Command-line definitions (clap derive). Doc comments here are the `--help` text; nothing
//! in this module does any work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::ui::ColorChoice;

/// viva: timed mock interviews for senior Python / FastAPI / Django roles, in your terminal.
///
/// Start with `viva interview`: five questions from the built-in bank, a countdown per
/// question, answers graded offline when you finish. Transcripts are saved after every answer.
#[derive(Debug, Parser)]
#[command(name = "viva", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Question bank directory (default: `./question_bank` if present, else the built-in bank).
    #[arg(long, global = true, env = "VIVA_BANK", value_name = "DIR")]
    pub bank: Option<PathBuf>,

    /// Where transcripts are saved (default: `./transcripts` in a viva workspace, else the
    /// user's data directory).
    #[arg(long, global = true, env = "VIVA_TRANSCRIPTS", value_name = "DIR")]
    pub transcripts: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

impl Cli {
    /// `--model` and `--base-url`, given only to the subcommands that grade or check the grader.
    pub fn llm_args(&self) -> LlmArgs {
        match &self.command {
            Command::Interview(a) => a.llm.clone(),
            Command::Practice(a) => a.session.llm.clone(),
            Command::Resume(a) => a.llm.clone(),
            Command::Regrade(a) => a.llm.clone(),
            Command::Calibrate(a) => a.llm.clone(),
            Command::Doctor(a) => a.llm.clone(),
            Command::Config(ConfigCommand::Show(a)) => a.llm.clone(),
            _ => LlmArgs::default(),
        }
    }
}

/// The LLM endpoint, for the subcommands that grade (and `doctor`, `config show`).
#[derive(Debug, Args, Clone, Default)]
pub struct LlmArgs {
    /// Model for the LLM grader (default: `VIVA_MODEL`, the config file, `gpt-4o-mini`).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Base URL of the OpenAI-compatible endpoint (default: `OPENAI_BASE_URL`,
    /// `OPENAI_API_BASE`, the config file, `https://api.openai.com/v1`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// `--json` plus the LLM endpoint flags (`doctor`, `config show`).
#[derive(Debug, Args)]
pub struct JsonLlmArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub llm: LlmArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sit a timed mock interview (offline grader by default).
    ///
    /// Answers: type freely; Enter adds a line, an empty line submits (or a line holding only
    /// `.`). `/help` lists commands (`/skip`, `/repeat`, `/time`, `/pause`, `/resume`, `/edit`,
    /// `/quit`). When stdin is not a terminal, each answer ends at a line holding only `.` and
    /// EOF ends the session.
    Interview(InterviewArgs),
    /// Practise: untimed unless asked, feedback after every answer (score, covered and missed
    /// key points, criteria), follow-ups that drill what you missed, `/reference` to see the
    /// reference answer. Takes the same options as `interview`, plus `--question` and `--weak`.
    Practice(PracticeArgs),
    /// Continue an unfinished session where it stopped (default: the latest).
    Resume(ResumeArgs),
    /// Your past sessions: list them, show one, statistics over all, search answers and feedback.
    Review(ReviewArgs),
    /// Score saved answers again — one session, all, or only those still pending — keeping
    /// every earlier grade, and show what changed (the way to compare models or prompts).
    Regrade(RegradeArgs),
    /// Write a self-contained HTML progress report with charts (score over time, by topic, time
    /// per question, weakest questions).
    Report(ReportArgs),
    /// What is due for review (spaced repetition over your past answers), and when the rest is.
    Due(DueArgs),
    /// Write one session as Markdown, HTML, JSON or CSV.
    Export(ExportArgs),
    /// Measure how closely a grader agrees with an expert, on a labelled set of answers.
    ///
    /// Grades every answer of the set and reports Spearman and Pearson correlation, mean
    /// absolute error, the share within 1 and 2 points, figures per label (excellent … wrong)
    /// and per adversarial kind (how many were inflated: scored more than 2 points above the
    /// expert), the worst disagreements and a scatter. Without `--set`, the set shipped with
    /// viva (243 answers to 27 questions over 12 topics, split by question into `dev` and `heldout`).
    ///
    /// Set format, one JSON object per line: `id`, `question`, `reference`, `answer`,
    /// `expert_score` (0–10); optional `key_points` (else distilled from `reference` as the
    /// importer does), `question_id`, `label`, `adversarial`, `split`, `rationale`.
    Calibrate(CalibrateArgs),
    /// Import, inspect and validate the question bank.
    #[command(subcommand)]
    Bank(BankCommand),
    /// Check the LLM grader end to end: configuration, endpoint, model, structured-output level,
    /// latency, and three probe answers (strong, empty, injection).
    Doctor(JsonLlmArgs),
    /// Where the configuration file is and what viva resolved from it (key redacted).
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the configuration file.
    Path,
    /// Show the resolved settings (flag > environment > file > default); the API key is redacted.
    Show(JsonLlmArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraderKind {
    /// Key points of the reference answer; no network, no setup.
    Offline,
    /// An OpenAI-compatible chat-completions endpoint.
    Llm,
}

#[derive(Debug, Args)]
pub struct InterviewArgs {
    /// Only questions of this topic (repeatable; see `viva bank stats` for the topics).
    #[arg(long = "topic", short = 't', value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Only questions of this difficulty: easy, medium or hard.
    #[arg(long, short = 'd', value_name = "LEVEL")]
    pub difficulty: Option<String>,
    /// Number of questions.
    #[arg(long, short = 'n', default_value_t = 5, value_name = "N")]
    pub count: usize,
    /// Time for the whole interview, in minutes (default: the sum of the per-question times).
    #[arg(long, value_name = "M")]
    pub minutes: Option<f64>,
    /// Seconds per question (default by difficulty: easy 180, medium 240, hard 300).
    #[arg(long, value_name = "SECS", conflicts_with = "no_timer", value_parser = clap::value_parser!(u64).range(1..))]
    pub per_question: Option<u64>,
    /// No countdown at all.
    #[arg(long)]
    pub no_timer: bool,
    /// When a question's time is up, keep waiting instead of submitting what was typed.
    #[arg(long)]
    pub no_hard_stop: bool,
    /// Draw the same questions again: the same seed gives the same interview.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Which grader scores the answers (default: `VIVA_GRADER`, the config file's `grader`,
    /// else offline).
    #[arg(long, value_enum)]
    pub grader: Option<GraderKind>,
    /// Follow-up questions after each answer that missed key points (at most 3; default 1 on a
    /// terminal, 0 when answers come from a pipe, so scripts get exactly the questions they answer).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=3))]
    pub followups: Option<u8>,
    /// Questions due for review first (most overdue first), then new ones, at most
    /// `--new-per-day` new questions a day.
    #[arg(long)]
    pub due: bool,
    /// With `--due`: the daily cap on questions never answered before.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub new_per_day: usize,
    #[command(flatten)]
    pub llm: LlmArgs,
    /// Do not rotate topics: draw at random from the matching questions (by default no topic
    /// repeats until every matching topic had a turn).
    #[arg(long)]
    pub no_mix: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: Option<ReviewCommand>,
    #[command(flatten)]
    pub filter: ReviewFilter,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Which sessions count.
#[derive(Debug, Args, Clone, Default)]
pub struct ReviewFilter {
    /// Only sessions with answers on this topic.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Only sessions started on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only sessions graded by this grader (offline or llm).
    #[arg(long, value_name = "GRADER")]
    pub grader: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Show one session: each question, answer, score, criteria, key points, time, flags —
    /// rendered for the terminal and paged (`viva export ID` prints the Markdown itself).
    Show {
        /// Session id (see `viva review`), a unique prefix of one, or `latest`.
        id: String,
        /// Print the whole transcript as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score trend, per-topic averages, weakest questions, overtime rate, grader mix.
    Stats {
        #[command(flatten)]
        filter: ReviewFilter,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find answers and feedback across all sessions (every word must match).
    Search {
        /// Words to find (case-insensitive; every one must match).
        #[arg(required = true)]
        query: Vec<String>,
        /// Print the hits as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Html,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Session id, a unique prefix of one, or `latest`.
    pub id: String,
    /// Markdown, HTML (one self-contained page), the transcript's JSON, or CSV (one row per attempt).
    #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
    pub format: ExportFormat,
    /// Write to this file instead of stdout (never into the transcripts folder; an existing
    /// file only with `--force`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the `-o` file if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "all", "pending"])))]
pub struct RegradeArgs {
    /// Session id, a unique prefix of one, or `latest`.
    pub id: Option<String>,
    /// Every session.
    #[arg(long)]
    pub all: bool,
    /// Only answers whose grade is pending or failed, in every session.
    #[arg(long)]
    pub pending: bool,
    /// Grader to use (default: the one each session was graded with).
    #[arg(long, value_enum)]
    pub grader: Option<GraderKind>,
    /// Answers graded at the same time.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
    /// Print every change and the drift summary as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub llm: LlmArgs,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The labelled set (JSON Lines); default: the shipped set.
    #[arg(long, value_name = "FILE.jsonl")]
    pub set: Option<PathBuf>,
    /// Grader to measure.
    #[arg(long, value_enum, default_value_t = GraderKind::Offline)]
    pub grader: GraderKind,
    /// Only the answers of this split (`dev` or `heldout` in the shipped set).
    #[arg(long, value_name = "NAME")]
    pub split: Option<String>,
    /// Answers graded at the same time (the LLM grader).
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
    /// Print the summary and every item as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub llm: LlmArgs,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Show at most this many upcoming questions as well.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub upcoming: usize,
    /// Print the due and upcoming questions with their memory state as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write it (never into the transcripts folder; an existing file only if it is an
    /// earlier viva report, or with `--force`).
    #[arg(long, short = 'o', default_value = "viva-report.html", value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the `-o` file even if it is not an earlier report.
    #[arg(long)]
    pub force: bool,
    /// Open it in the browser afterwards (`xdg-open`).
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub filter: ReviewFilter,
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    #[command(flatten)]
    pub session: InterviewArgs,
    /// Practise these questions (bank ids; repeatable).
    #[arg(long = "question", short = 'q', value_name = "ID")]
    pub questions: Vec<String>,
    /// The questions you score lowest on in past sessions, weakest first.
    #[arg(long, conflicts_with = "questions")]
    pub weak: bool,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Session id, a unique prefix of one, or `latest` (default: the latest unfinished session).
    pub id: Option<String>,
    #[command(flatten)]
    pub llm: LlmArgs,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Turn interview-prep documents into bank files (shape recognised automatically).
    Import(ImportArgs),
    /// List questions.
    List(ListArgs),
    /// Show one question with its reference answer and key points.
    Show(ShowArgs),
    /// Search questions, answers and key points (ranked).
    Search(SearchArgs),
    /// Check a bank directory: every problem with file and line, answer keys included.
    Validate(ValidateArgs),
    /// Counts by topic, difficulty and source.
    Stats(JsonFlag),
    /// Review the grouping: variants that look like other questions (suspected wrong merges) and
    /// entries that look like one question (suspected missed merges), each with a score.
    Lint(LintArgs),
    /// Ask the configured LLM to propose key points and misconceptions for entries not yet
    /// reviewed, and write them into the bank for you to check (never marked reviewed).
    Keypoints(KeypointsArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Documents to import (Markdown or text).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Directory to write the bank to.
    #[arg(long, default_value = "question_bank", value_name = "DIR")]
    pub out: PathBuf,
    /// Parse and report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON (with `--dry-run`: every question found).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only questions of this topic (repeatable; see `viva bank stats` for the topics).
    #[arg(long = "topic", short = 't', value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Only questions of this difficulty: easy, medium or hard.
    #[arg(long, short = 'd', value_name = "LEVEL")]
    pub difficulty: Option<String>,
    /// Print every entry as JSON, answer key included.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Question id, e.g. `concurrency/gil-global-interpreter-lock`.
    pub id: String,
    /// Print the entry as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Bank directory (default: `--bank`, `./question_bank`, or the built-in bank).
    pub dir: Option<PathBuf>,
    /// Also require every reviewed entry to have two key points or more (one for a one-fact
    /// question) and a misconception.
    #[arg(long)]
    pub strict: bool,
    /// Print the report as JSON (`ok`, `questions`, `reviewed`, `problems` with file, line, id).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeypointsArgs {
    /// Entries to propose for (default: every unreviewed entry of the chosen topics).
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Only entries of this topic (repeatable).
    #[arg(long = "topic", short = 't', value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Show the proposals, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Bank directory (default: `--bank`, `./question_bank`, or the built-in bank).
    pub dir: Option<PathBuf>,
    /// Source documents to compare variants' own answers and code with (default: the
    /// documents in the bank's `sources/` folder, when it has one).
    #[arg(long = "sources", value_name = "FILE")]
    pub sources: Vec<PathBuf>,
    /// Check reviewed entries too (by default their grouping is taken as a person's decision).
    #[arg(long)]
    pub all: bool,
    /// Show at most this many findings of each kind (all with `--json`).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every subcommand, as `viva bank list --topic`, that has no help text.
    fn undocumented(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let builtin = matches!(arg.get_id().as_str(), "help" | "version");
            if !builtin && arg.get_help().is_none() {
                out.push(format!("{path} {}", arg.get_long().map_or(arg.get_id().to_string(), |l| format!("--{l}"))));
            }
        }
        for sub in cmd.get_subcommands() {
            undocumented(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_argument_of_every_subcommand_has_help_text() {
        let mut missing = Vec::new();
        undocumented(&super::Cli::command(), "viva", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }

    #[test]
    fn only_the_subcommands_that_grade_take_the_endpoint_flags() {
        fn with_model(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
            if cmd.get_arguments().any(|a| a.get_id() == "model")
                && cmd.get_arguments().any(|a| a.get_id() == "base_url")
            {
                out.push(path.trim().to_string());
            }
            for sub in cmd.get_subcommands() {
                with_model(sub, &format!("{path} {}", sub.get_name()), out);
            }
        }
        let mut found = Vec::new();
        with_model(&super::Cli::command(), "", &mut found);
        assert_eq!(found, ["interview", "practice", "resume", "regrade", "calibrate", "doctor", "config show"]);
        let parsed = <super::Cli as clap::Parser>::try_parse_from(["viva", "review", "--model", "m"]);
        assert!(parsed.is_err(), "review does not grade");
        let cli = <super::Cli as clap::Parser>::try_parse_from(["viva", "practice", "--model", "m", "--base-url", "u"])
            .unwrap();
        assert_eq!((cli.llm_args().model.as_deref(), cli.llm_args().base_url.as_deref()), (Some("m"), Some("u")));
    }
}
