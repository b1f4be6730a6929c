//! Errors that stop a command, and the exit codes they map to.
//!
//! A contract failure (an invalid document, a failed expectation) is not an error: it is an outcome
//! that commands return as a value. What lives here is what prevents a command from judging at all.

use std::fmt;

/// The exit codes every command shares. They are a contract: scripts and CI read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything delivered, received or validated, and every check passed.
    Ok = 0,
    /// A contract failure: an invalid payload or response, a failed expectation.
    Contract = 1,
    /// A usage or input error: a bad flag, an unreadable or unparsable file, an unknown event.
    Usage = 2,
    /// A transport error: connection refused, DNS, TLS, timeout.
    Transport = 3,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Combine the outcomes of several items: the most serious wins
    /// (transport over usage over contract over success).
    pub fn worst(self, other: Exit) -> Exit {
        self.max(other)
    }
}

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A usage or input error (exit 2). The message names the flag, file or field.
    #[error("{0}")]
    Usage(String),
    /// A transport error (exit 3). The message says which: refused, DNS, TLS, timeout.
    #[error("{0}")]
    Transport(String),
    /// The reader of our output went away (`hookctl list | head`): a normal end, exit 0, no message.
    #[error("output closed")]
    BrokenPipe,
}

impl Error {
    pub fn usage(msg: impl fmt::Display) -> Self {
        Error::Usage(msg.to_string())
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) => Exit::Usage,
            Error::Transport(_) => Exit::Transport,
            Error::BrokenPipe => Exit::Ok,
        }
    }
}

impl From<std::io::Error> for Error {
    /// Only output errors reach this conversion: reading input has its own messages.
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Usage(format!("cannot write output: {e}"))
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
