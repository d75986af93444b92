//! Running a program as a child process and measuring it: wall time, peak resident memory
//! (the kernel's `ru_maxrss` for that one child, from `wait4`) and its output.
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of a program did.
pub struct Measured {
    pub elapsed: Duration,
    /// Peak resident set size in KiB.
    pub peak_kib: u64,
    pub stdout: Vec<u8>,
    pub success: bool,
}

/// Runs `program args...` in `dir`, stdout captured, stderr inherited.
pub fn run(program: &Path, args: &[&str], dir: &Path) -> Result<Measured, String> {
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).map_err(|e| e.to_string())?;
    }
    let (status, usage) = wait_with_usage(child.id())?;
    let elapsed = start.elapsed();
    Ok(Measured {
        elapsed,
        peak_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        stdout,
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}

/// Reaps child `pid` and returns its wait status and resource usage. `std` has no way to get
/// one child's `rusage`, hence `wait4`.
fn wait_with_usage(pid: u32) -> Result<(i32, libc::rusage), String> {
    let mut status = 0;
    // SAFETY: `rusage` is plain data, valid when zeroed; `wait4` writes only into `status`
    // and `usage`, both live locals. The child is ours and not yet reaped (`std` reaps only
    // in `wait`, which is never called on it).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(pid).map_err(|e| e.to_string())?;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    Ok((status, usage))
}
