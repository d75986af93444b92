//! The controlling terminal and Ctrl-C, as MicroPython's unix port handles them
//! (`ports/unix/unix_mphal.c`): raw mode while the REPL reads keys, the original mode while
//! Python runs, and SIGINT turned into a request the VM answers with `KeyboardInterrupt`.
//!
//! All the `unsafe` of `krait` is here: `termios` calls on descriptor 0 and a signal handler
//! that only stores to an atomic.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the SIGINT handler; the VM polls and clears it (`Vm::set_interrupt_flag`).
pub static INTERRUPT: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPT.store(true, Ordering::Relaxed);
}

/// Routes SIGINT to [`INTERRUPT`] instead of ending the process.
pub fn catch_sigint() {
    let handler: extern "C" fn(libc::c_int) = on_sigint;
    // SAFETY: the handler is async-signal-safe (one atomic store) and lives for the whole
    // process; `signal` has no other preconditions.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
    }
}

/// Standard input in raw mode (no echo, no line buffering, no signals from keys) for as long
/// as this lives; the original mode comes back on drop. Without a terminal it does nothing.
pub struct RawMode {
    original: Option<libc::termios>,
}

impl RawMode {
    pub fn enter() -> RawMode {
        // SAFETY: `termios` is plain data, valid when zeroed; `tcgetattr` only writes into it.
        let mut term: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: descriptor 0 stays open for the process; `term` is a live local.
        if unsafe { libc::tcgetattr(0, &mut term) } != 0 {
            return RawMode { original: None };
        }
        let original = term;
        term.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG | libc::IEXTEN);
        term.c_iflag &= !(libc::BRKINT | libc::ICRNL | libc::INPCK | libc::ISTRIP | libc::IXON);
        term.c_cc[libc::VMIN] = 1;
        term.c_cc[libc::VTIME] = 0;
        // SAFETY: as above; `term` is a complete settings block read from the terminal.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &term) };
        RawMode {
            original: Some(original),
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(original) = &self.original {
            // SAFETY: restores the settings `enter` read from the same descriptor.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, original) };
        }
    }
}
