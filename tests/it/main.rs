//! viva's integration tests: the binary driven as a user drives it (pipes, a pseudo-terminal,
//! signals), with a temporary workspace each.

mod bank;
mod interview;
mod pty;
mod util;
