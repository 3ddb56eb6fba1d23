//! SIGHUP (the terminal was closed) and SIGTERM (viva was asked to stop). By default either
//! kills the process with the answer being typed; instead the signal is noted, and the driver
//! saves the draft as the answer (marked `interrupted`) and ends the session, saved. A second
//! signal while that runs ends viva at once, as the default would.

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal received, 0 until one is.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    if SIGNAL.swap(sig, Ordering::SeqCst) != 0 {
        // SAFETY: signal(2) and raise(3) are async-signal-safe.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
}

/// Installs the handlers (idempotent).
pub fn install() {
    // SAFETY: the handler only touches an atomic, or restores the default and re-raises.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGHUP, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
    }
}

/// Whether SIGHUP or SIGTERM has arrived.
pub fn received() -> bool {
    SIGNAL.load(Ordering::SeqCst) != 0
}
