//! viva's integration tests: the binary driven as a user drives it (pipes, a pseudo-terminal,
//! signals), with a temporary workspace each.

mod bank;
mod beside;
mod calibrate;
mod cancel;
mod checklist;
mod e2e;
mod fake_llm;
mod interview;
mod keypoints;
mod llm;
mod llm_commands;
mod loop_repl;
mod prepare;
mod pty;
mod review;
mod settings;
mod shown;
mod signals;
mod streaming;
mod util;
