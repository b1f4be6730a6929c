//! hookctl: simulate, inspect and contract-test the webhooks of Botpress HITL Next and eva.
//!
//! The library holds everything; the binary parses the command line, runs it, and exits with the
//! code the result says. A map of the rooms:
//!
//! - [`catalogue`]: every built-in event, document kind and scenario, the single source of truth,
//!   with its fixtures and schemas embedded from `fixtures/`.
//! - [`kind`] and [`finding`], the words the rest speaks in: the kinds of document and the
//!   platforms; a finding by JSON pointer and the context a document is judged in. They import
//!   nothing of hookctl.
//! - [`platform`]: what Botpress and eva send and expect, each fact spelled once.
//! - [`contract`]: judging a document against its kind's schema and the platform's rules.
//! - The core, which returns values and never prints: [`send`] (deliver and judge), [`preview`]
//!   (what `send` would deliver), [`load`], [`scenario`], [`receiver`] (stand in for the user's
//!   server), [`capture`] and [`replay`] (what it kept), [`suite`] (contract suites and
//!   their runs), [`validate`], [`openapi`], with [`payload`], [`http`] and [`input`] beside.
//! - [`cli`]: the command-line definition; [`commands`]: one module per subcommand, from arguments
//!   to the core to a renderer; [`output`]: the renderers (text, JSON, JUnit) over result values.
//! - [`error`]: the exit codes, the one rule from outcomes to them, and the errors that stop a
//!   command; [`defaults`]: defaults shared by several commands; [`alloc`]: the heap the binary
//!   allocates from.

pub mod alloc;
pub mod capture;
pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod contract;
pub mod defaults;
pub mod error;
pub mod finding;
pub mod http;
pub mod input;
pub mod json;
pub mod kind;
pub mod load;
pub mod openapi;
pub mod output;
pub mod payload;
pub mod platform;
pub mod preview;
pub mod receiver;
pub mod replay;
pub mod scenario;
pub mod send;
pub mod suite;
pub mod validate;

pub use error::{Error, Exit};
