//! `viva bank …` as a user runs it.
