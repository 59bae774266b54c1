//! Whether a lock's holder still runs: the facts about this host and its processes that let a
//! run take over the lock of one that was killed, without a human, and only when that is
//! provably safe. Linux answers through `/proc`; elsewhere nothing is provable and a lock is
//! never taken over.

use std::fs;

/// What can be said about a lock holder from this host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// Its process still runs.
    Alive,
    /// Provably gone; says why.
    Dead(String),
    /// Cannot be told from here (another host, no `/proc`); says why.
    Unknown(String),
}

/// This host's name.
pub(crate) fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// The id of this boot of the host: a holder recorded under another boot died with it.
pub(crate) fn boot_id() -> Option<String> {
    fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
}

/// A process as `/proc/<pid>/stat` shows it.
struct ProcessStat {
    /// `Z`ombie, `X` dead, `R`unning, `S`leeping…
    state: char,
    /// Start time in clock ticks after boot: with the pid, identifies the process.
    started: u64,
}

fn stat(pid: u32) -> Option<ProcessStat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcessStat {
        state: fields.first()?.chars().next()?,
        // Field 22 of the whole line is the 20th after the command.
        started: fields.get(19)?.parse().ok()?,
    })
}

/// The start time of a process of this host, if it runs.
pub(crate) fn process_started(pid: u32) -> Option<u64> {
    stat(pid).map(|s| s.started)
}

/// Whether the process `pid`, on `host`, recorded under `boot` with start time `started`, still
/// runs.
pub(crate) fn liveness(host: &str, pid: u32, boot: Option<&str>, started: Option<u64>) -> Liveness {
    let here = host_name();
    if host != here {
        return Liveness::Unknown(format!(
            "it runs on host {host}, and this is {here}: whether it lives cannot be told from here"
        ));
    }
    if !std::path::Path::new("/proc/self/stat").exists() {
        return Liveness::Unknown("this system has no /proc to look processes up in".into());
    }
    if let (Some(recorded), Some(current)) = (boot, boot_id())
        && recorded != current
    {
        return Liveness::Dead("the host has restarted since it took the lock".into());
    }
    match stat(pid) {
        None => Liveness::Dead(format!("process {pid} no longer exists")),
        Some(process) if matches!(process.state, 'Z' | 'X') => {
            Liveness::Dead(format!("process {pid} has exited"))
        }
        Some(process) if started.is_some_and(|s| s != process.started) => Liveness::Dead(format!(
            "process {pid} has exited (the pid now belongs to a later process)"
        )),
        Some(_) => Liveness::Alive,
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_an_exited_child_is_dead() {
        let me = std::process::id();
        let started = process_started(me);
        assert!(started.is_some());
        let boot = boot_id();
        assert_eq!(
            liveness(&host_name(), me, boot.as_deref(), started),
            Liveness::Alive
        );
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(matches!(
            liveness(&host_name(), pid, boot.as_deref(), None),
            Liveness::Dead(_)
        ));
    }

    #[test]
    fn a_reused_pid_a_reboot_and_another_host_are_told_apart() {
        let me = std::process::id();
        let started = process_started(me).unwrap();
        let boot = boot_id();
        let reused = liveness(&host_name(), me, boot.as_deref(), Some(started + 1));
        assert!(matches!(reused, Liveness::Dead(ref why) if why.contains("later process")));
        let rebooted = liveness(&host_name(), me, Some("another-boot"), Some(started));
        assert!(matches!(rebooted, Liveness::Dead(ref why) if why.contains("restarted")));
        let elsewhere = liveness("some-other-host", me, boot.as_deref(), Some(started));
        assert!(matches!(elsewhere, Liveness::Unknown(ref why) if why.contains("some-other-host")));
    }
}
