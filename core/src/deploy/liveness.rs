//! Whether a lock's holder still runs: the facts about this host and its processes that let a
//! run take over the lock of one that was killed, without a human, and only when that is
//! provably safe. Linux answers through `/proc`; elsewhere nothing is provable and a lock is
//! never taken over.
//!
//! A host name is not an identity: CI runners and containers share generic ones. A holder is
//! judged from this machine only when it recorded this machine's persistent id; a restart is
//! proven by another boot of the same machine; a pid is looked up only from the holder's own
//! pid namespace (containers on one kernel share its boot id, not their pids).

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

/// What a lock records of its holder.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Holder<'a> {
    pub(crate) host: &'a str,
    pub(crate) machine: Option<&'a str>,
    pub(crate) boot: Option<&'a str>,
    pub(crate) pid_namespace: Option<&'a str>,
    pub(crate) pid: u32,
    pub(crate) started: Option<u64>,
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

fn first_line(path: &str) -> Option<String> {
    fs::read_to_string(path)
        .ok()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
}

/// The id of this boot of the host: a holder recorded under another boot of the same machine
/// died with it.
pub(crate) fn boot_id() -> Option<String> {
    first_line("/proc/sys/kernel/random/boot_id")
}

/// This machine's persistent id (systemd's `machine-id`, D-Bus's where that is missing).
pub(crate) fn machine_id() -> Option<String> {
    first_line("/etc/machine-id").or_else(|| first_line("/var/lib/dbus/machine-id"))
}

/// This process's pid namespace (`pid:[4026531836]`).
pub(crate) fn pid_namespace() -> Option<String> {
    fs::read_link("/proc/self/ns/pid")
        .ok()
        .map(|link| link.to_string_lossy().into_owned())
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

/// What this process knows of itself, to compare a holder with.
struct Here {
    host: String,
    machine: Option<String>,
    boot: Option<String>,
    pid_namespace: Option<String>,
    has_proc: bool,
}

impl Here {
    fn now() -> Self {
        Self {
            host: host_name(),
            machine: machine_id(),
            boot: boot_id(),
            pid_namespace: pid_namespace(),
            has_proc: std::path::Path::new("/proc/self/stat").exists(),
        }
    }
}

/// Whether the holder still runs, as far as this process can prove.
pub(crate) fn liveness(holder: &Holder<'_>) -> Liveness {
    judge(holder, &Here::now(), stat)
}

fn judge(holder: &Holder<'_>, here: &Here, stat: impl Fn(u32) -> Option<ProcessStat>) -> Liveness {
    if holder.host != here.host {
        return Liveness::Unknown(format!(
            "it runs on host {}, and this is {}: whether it lives cannot be told from here",
            holder.host, here.host
        ));
    }
    if !here.has_proc {
        return Liveness::Unknown("this system has no /proc to look processes up in".into());
    }
    // The same host name is not the same machine: only a recorded, equal machine id is.
    let same_machine =
        matches!((holder.machine, here.machine.as_deref()), (Some(a), Some(b)) if a == b);
    let same_boot = matches!((holder.boot, here.boot.as_deref()), (Some(a), Some(b)) if a == b);
    if !same_machine && !same_boot {
        return Liveness::Unknown(format!(
            "it runs on a host named {} that cannot be proven to be this machine (another machine \
             or container may share the name)",
            holder.host
        ));
    }
    if !same_boot {
        return Liveness::Dead("this machine has restarted since it took the lock".into());
    }
    // One kernel, so one boot id, serves many containers, each with pids of its own.
    let same_namespace = matches!((holder.pid_namespace, here.pid_namespace.as_deref()), (Some(a), Some(b)) if a == b);
    if !same_namespace {
        return Liveness::Unknown(
            "it runs in another process namespace (another container on this host), whose \
             processes cannot be seen from here"
                .into(),
        );
    }
    let pid = holder.pid;
    match stat(pid) {
        None => Liveness::Dead(format!("process {pid} no longer exists")),
        Some(process) if matches!(process.state, 'Z' | 'X') => {
            Liveness::Dead(format!("process {pid} has exited"))
        }
        Some(process) if holder.started.is_some_and(|s| s != process.started) => Liveness::Dead(
            format!("process {pid} has exited (the pid now belongs to a later process)"),
        ),
        Some(_) => Liveness::Alive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn here() -> Here {
        Here {
            host: "runner".into(),
            machine: Some("machine-1".into()),
            boot: Some("boot-1".into()),
            pid_namespace: Some("pid:[1]".into()),
            has_proc: true,
        }
    }

    fn holder<'a>() -> Holder<'a> {
        Holder {
            host: "runner",
            machine: Some("machine-1"),
            boot: Some("boot-1"),
            pid_namespace: Some("pid:[1]"),
            pid: 42,
            started: Some(7),
        }
    }

    fn running(started: u64) -> impl Fn(u32) -> Option<ProcessStat> {
        move |_| {
            Some(ProcessStat {
                state: 'S',
                started,
            })
        }
    }

    fn gone(_: u32) -> Option<ProcessStat> {
        None
    }

    #[test]
    fn another_machine_with_the_same_host_name_is_never_judged_dead() {
        // Another machine: another machine id and, of course, another boot id. Before, the
        // boot id alone said "restarted", and its live lock was taken over.
        let other = Holder {
            machine: Some("machine-2"),
            boot: Some("boot-9"),
            ..holder()
        };
        assert!(
            matches!(judge(&other, &here(), gone), Liveness::Unknown(ref why) if why.contains("another machine"))
        );
        // A lock written before machine ids were recorded cannot be placed either.
        let old_format = Holder {
            machine: None,
            pid_namespace: None,
            boot: Some("boot-9"),
            ..holder()
        };
        assert!(matches!(
            judge(&old_format, &here(), gone),
            Liveness::Unknown(_)
        ));
    }

    #[test]
    fn a_restart_of_this_machine_is_proven_by_its_boot_id() {
        let before_restart = Holder {
            boot: Some("boot-0"),
            ..holder()
        };
        assert!(
            matches!(judge(&before_restart, &here(), running(7)), Liveness::Dead(ref why) if why.contains("restarted"))
        );
    }

    #[test]
    fn another_container_on_this_kernel_is_never_judged_by_our_pids() {
        // Containers share the kernel's boot id; their pids are their own.
        let container = Holder {
            machine: Some("image-machine-id"),
            pid_namespace: Some("pid:[2]"),
            ..holder()
        };
        assert!(
            matches!(judge(&container, &here(), gone), Liveness::Unknown(ref why) if why.contains("namespace"))
        );
    }

    #[test]
    fn on_this_machine_a_gone_or_reused_pid_is_dead_and_a_running_one_alive() {
        assert!(matches!(judge(&holder(), &here(), gone), Liveness::Dead(_)));
        assert!(
            matches!(judge(&holder(), &here(), running(8)), Liveness::Dead(ref why) if why.contains("later process"))
        );
        assert_eq!(judge(&holder(), &here(), running(7)), Liveness::Alive);
        let elsewhere = Holder {
            host: "some-other-host",
            ..holder()
        };
        assert!(
            matches!(judge(&elsewhere, &here(), gone), Liveness::Unknown(ref why) if why.contains("some-other-host"))
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_alive_and_an_exited_child_is_dead() {
        let me = std::process::id();
        let (machine, boot, namespace) = (machine_id(), boot_id(), pid_namespace());
        let started = process_started(me);
        assert!(started.is_some());
        let host = host_name();
        let this = Holder {
            host: &host,
            machine: machine.as_deref(),
            boot: boot.as_deref(),
            pid_namespace: namespace.as_deref(),
            pid: me,
            started,
        };
        assert_eq!(liveness(&this), Liveness::Alive);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let exited = Holder {
            pid,
            started: None,
            ..this
        };
        assert!(matches!(liveness(&exited), Liveness::Dead(_)));
    }
}
