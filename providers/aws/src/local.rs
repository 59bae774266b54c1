//! A local AWS API emulator for the command line's `--local` (what `cdklocal` and `tflocal`
//! do for CDK and Terraform): moto server on a free loopback port, started in the
//! background on first use, its port and pid recorded in a directory beside the local state
//! so that later commands reach the same emulator, stopped on request.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aws_config::SdkConfig;

use crate::moto::{answers, free_port, spawn, wait_until_answering};

/// The pinned emulator, as the tests and `cargo xtask` install it.
pub const MOTO_VERSION: &str = "5.2.5";

/// What `--local` commands share: where the emulator listens and which process it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalEmulator {
    /// The loopback port it listens on.
    pub port: u16,
    /// Its process id, to stop it.
    pub pid: u32,
}

/// Why the emulator could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// `moto_server` is not installed where we look.
    #[error(
        "moto server is not installed: run `cargo xtask tools` (it installs it into .tools/), or \
         `pip install 'moto[server]=={MOTO_VERSION}'`, or point STRATUS_MOTO_SERVER at it"
    )]
    NotInstalled,
    /// The `moto_server` found is not the pinned version.
    #[error(
        "the moto server found at {path} is version {found}, but Stratus is tested with \
         {MOTO_VERSION}: run `cargo xtask tools` (it installs {MOTO_VERSION} into .tools/, used \
         first), or `pip install 'moto[server]=={MOTO_VERSION}'`, or set STRATUS_MOTO_SERVER={path} \
         to use this one anyway"
    )]
    WrongVersion {
        /// Where it is.
        path: String,
        /// Its version, or why it could not be told.
        found: String,
    },
    /// It did not start or answer in time.
    #[error("moto server did not start on 127.0.0.1:{port} within a minute; its log: {log}")]
    NoAnswer {
        /// The port it was started on.
        port: u16,
        /// Its log file.
        log: String,
    },
    /// Reading or writing the record, or starting the process, failed.
    #[error("{0}")]
    Io(String),
}

/// The record's file in `dir`.
fn record(dir: &Path) -> PathBuf {
    dir.join("emulator.json")
}

/// Where `moto_server` is: `STRATUS_MOTO_SERVER`, the project's `.tools/` (from
/// `cargo xtask tools`), or `PATH`.
fn moto_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STRATUS_MOTO_SERVER") {
        return Some(PathBuf::from(path));
    }
    let local = Path::new(".tools/python/bin/moto_server");
    if local.exists() {
        return Some(local.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("moto_server"))
            .find(|candidate| candidate.is_file())
    })
}

/// Refuses a `moto_server` that is not the pinned version: its interpreter (the script's
/// `#!` line) is asked for `moto.__version__`. One named by `STRATUS_MOTO_SERVER` is taken as
/// it is.
///
/// # Errors
/// [`LocalError::WrongVersion`], naming what was found and how to get the pinned one.
pub fn check_version(program: &Path) -> Result<(), LocalError> {
    let found = moto_version(program);
    match found {
        Ok(version) if version == MOTO_VERSION => Ok(()),
        Ok(version) => Err(LocalError::WrongVersion {
            path: program.display().to_string(),
            found: version,
        }),
        Err(why) => Err(LocalError::WrongVersion {
            path: program.display().to_string(),
            found: format!("unknown ({why})"),
        }),
    }
}

/// The version of the moto package the `moto_server` script runs with.
fn moto_version(program: &Path) -> Result<String, String> {
    let script = std::fs::read_to_string(program).map_err(|e| e.to_string())?;
    let interpreter = script
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("#!"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .ok_or("it is not a script with a #! line")?;
    let mut words = interpreter.split_whitespace();
    let first = words.next().unwrap_or_default();
    let output = Command::new(first)
        .args(words)
        .args(["-c", "import moto; print(moto.__version__)"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{first}: {e}"))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if output.status.success() && !version.is_empty() {
        Ok(version)
    } else {
        Err(format!("{first} could not import moto"))
    }
}

impl LocalEmulator {
    /// The emulator recorded in `dir`, if it still answers.
    pub fn running(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(record(dir)).ok()?;
        let emulator: Self = serde_json::from_str(&text).ok()?;
        answers(emulator.port).then_some(emulator)
    }

    /// The emulator recorded in `dir`, or a new one started in the background (and recorded)
    /// when none answers.
    ///
    /// # Errors
    /// When moto server is not installed, does not start, or `dir` cannot be written.
    pub fn ensure(dir: &Path) -> Result<Self, LocalError> {
        if Self::running(dir).is_none()
            && std::env::var_os("STRATUS_MOTO_SERVER").is_none()
            && let Some(program) = moto_server()
        {
            check_version(&program)?;
        }
        Self::ensure_with(dir, moto_server())
    }

    /// As [`LocalEmulator::ensure`], with `moto_server` found by the caller (`None`: not
    /// installed).
    ///
    /// # Errors
    /// As [`LocalEmulator::ensure`].
    pub fn ensure_with(dir: &Path, moto_server: Option<PathBuf>) -> Result<Self, LocalError> {
        if let Some(running) = Self::running(dir) {
            return Ok(running);
        }
        let program = moto_server.ok_or(LocalError::NotInstalled)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| LocalError::Io(format!("{}: {e}", dir.display())))?;
        let port =
            free_port().map_err(|e| LocalError::Io(format!("no free port on 127.0.0.1: {e}")))?;
        let log = dir.join("emulator.log");
        let log_file = std::fs::File::create(&log)
            .map_err(|e| LocalError::Io(format!("{}: {e}", log.display())))?;
        // Not waited for: it outlives this command, until `destroy --local` or `local stop`.
        let child = spawn(&program, port, log_file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LocalError::NotInstalled,
            _ => LocalError::Io(format!("cannot start {}: {e}", program.display())),
        })?;
        let emulator = Self {
            port,
            pid: child.id(),
        };
        if !wait_until_answering(port) {
            emulator.kill();
            return Err(LocalError::NoAnswer {
                port,
                log: log.display().to_string(),
            });
        }
        let text = serde_json::to_string_pretty(&emulator)
            .map_err(|e| LocalError::Io(format!("cannot record the emulator: {e}")))?;
        std::fs::write(record(dir), text)
            .map_err(|e| LocalError::Io(format!("{}: {e}", record(dir).display())))?;
        Ok(emulator)
    }

    /// Stops the emulator recorded in `dir` and forgets it; `false` when none was recorded.
    ///
    /// # Errors
    /// When the record cannot be removed.
    pub fn stop(dir: &Path) -> Result<bool, LocalError> {
        let Some(text) = std::fs::read_to_string(record(dir)).ok() else {
            return Ok(false);
        };
        if let Ok(emulator) = serde_json::from_str::<Self>(&text) {
            emulator.kill();
        }
        std::fs::remove_file(record(dir))
            .map_err(|e| LocalError::Io(format!("{}: {e}", record(dir).display())))?;
        Ok(true)
    }

    fn kill(&self) {
        // `kill` rather than a signal call: this workspace forbids unsafe code.
        let _ = Command::new("kill")
            .arg(self.pid.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// The endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// An SDK configuration for this process only: the emulator's endpoint, us-east-1 and
    /// dummy static credentials (nothing is read from or written to the environment).
    pub async fn config(&self) -> SdkConfig {
        crate::moto::config(&self.endpoint(), "stratus-local").await
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A `moto_server` script whose interpreter says moto is `version`.
    fn fake_moto_server(dir: &Path, version: &str) -> PathBuf {
        let python = dir.join("python");
        std::fs::write(&python, format!("#!/bin/sh\necho {version}\n")).unwrap();
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
        let server = dir.join("moto_server");
        std::fs::write(&server, format!("#!{}\nimport moto\n", python.display())).unwrap();
        server
    }

    #[test]
    fn another_moto_version_is_refused_naming_it_and_the_way_to_the_pinned_one() {
        let dir = tempfile::tempdir().unwrap();
        let old = fake_moto_server(dir.path(), "5.2.1");
        let message = check_version(&old).unwrap_err().to_string();
        assert!(
            message.contains("5.2.1")
                && message.contains(MOTO_VERSION)
                && message.contains("cargo xtask tools"),
            "{message}"
        );
        let pinned_dir = tempfile::tempdir().unwrap();
        let pinned = fake_moto_server(pinned_dir.path(), MOTO_VERSION);
        check_version(&pinned).unwrap();
        let binary = dir.path().join("not-a-script");
        std::fs::write(&binary, [0u8, 1, 2]).unwrap();
        assert!(check_version(&binary).is_err());
    }
}
