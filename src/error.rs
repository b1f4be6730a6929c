//! Exit codes, the one rule that maps outcomes to them, and the errors that stop a command.
//!
//! A contract failure (an invalid document, a failed expectation) or a transport failure
//! (refused, DNS, TLS, timeout) is not an error: it is an outcome that commands return as a value,
//! counted by [`Counts`]. What lives in [`Error`] is what prevents a command from judging at all.

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
    /// hookctl itself could not work: the system refused what it needs (its output, a runtime).
    Internal = 4,
    /// Stopped by Ctrl-C (128 + SIGINT, as shells report it), after saying what was done.
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// What a run came to, counted: how many items could not be delivered, could not be read, or
/// broke the contract.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub transport: usize,
    pub input: usize,
    pub contract: usize,
}

impl Counts {
    /// The one rule from outcomes to an exit code: the most serious wins, transport over input
    /// over contract.
    pub fn exit(self) -> Exit {
        if self.transport > 0 {
            Exit::Transport
        } else if self.input > 0 {
            Exit::Usage
        } else if self.contract > 0 {
            Exit::Contract
        } else {
            Exit::Ok
        }
    }

    /// One delivery or item: not delivered, else passed or not.
    pub fn one(delivered: bool, passed: bool) -> Counts {
        Counts { transport: usize::from(!delivered), input: 0, contract: usize::from(delivered && !passed) }
    }
}

impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, o: Counts) -> Counts {
        Counts {
            transport: self.transport + o.transport,
            input: self.input + o.input,
            contract: self.contract + o.contract,
        }
    }
}

impl std::iter::Sum for Counts {
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        iter.fold(Counts::default(), |a, b| a + b)
    }
}

/// A result a command returns: it knows what it came to, and so its exit code.
pub trait Outcome {
    fn counts(&self) -> Counts;

    fn exit(&self) -> Exit {
        self.counts().exit()
    }
}

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A usage or input error (exit 2): something the user gave. The message names the flag,
    /// file or field.
    #[error("{0}")]
    Usage(String),
    /// hookctl itself could not work (exit 4): the system refused what it needs.
    #[error("{0}")]
    Internal(String),
    /// The reader of our output went away (`hookctl list | head`): a normal end, exit 0, no message.
    #[error("output closed")]
    BrokenPipe,
}

impl Error {
    pub fn usage(msg: impl fmt::Display) -> Self {
        Error::Usage(one_line(msg))
    }

    pub fn internal(msg: impl fmt::Display) -> Self {
        Error::Internal(one_line(msg))
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) => Exit::Usage,
            Error::Internal(_) => Exit::Internal,
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
            Error::Internal(format!("cannot write output: {}", crate::input::io_reason(&e)))
        }
    }
}

impl From<crate::input::InputError> for Error {
    /// An input that cannot be read stops the command that needs it (exit 2).
    fn from(e: crate::input::InputError) -> Self {
        Error::usage(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A message on one line: control characters (line breaks, terminal escapes) written as escapes,
/// so that what the user gave, echoed in a message, can neither break it nor paint the terminal.
fn one_line(msg: impl fmt::Display) -> String {
    let msg = msg.to_string();
    if msg.chars().any(char::is_control) { escaped(&msg) } else { msg }
}

/// Text on one line: line breaks, tabs and other control characters written as escapes.
pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line_whatever_it_echoes() {
        let e = Error::usage("--set 'a\nb\r\u{1b}[31m': expected PATH=VALUE");
        assert_eq!(e.to_string(), "--set 'a\\nb\\r\\u{1b}[31m': expected PATH=VALUE");
        assert_eq!(Error::internal("plain words").to_string(), "plain words");
    }
}
