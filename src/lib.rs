//! hookctl: simulate, inspect and contract-test the webhooks of Botpress HITL Next and eva.
//!
//! The library holds everything; the binary parses the command line, runs it, and exits with the
//! code the result says. The rooms stand on five floors, and a room imports only from its own
//! floor and the floors below (README.md, "A map of the source"; `.ci/imports` checks it):
//!
//! - commands: [`cli`] (the command-line definition) and [`commands`] (one module per
//!   subcommand: arguments to options, the feature, a renderer);
//! - renderers: [`output`] (text, JSON and JUnit from result values and a style);
//! - features, which return values and never print: [`send`], [`preview`], [`load`],
//!   [`scenario`], [`receiver`], [`capture`], [`replay`], [`export`], [`validate`], [`suite`],
//!   [`openapi`];
//! - the domain, facts and rules with no I/O: [`catalogue`] (every built-in event, kind and
//!   scenario), [`platform`] (what Botpress and eva send and expect), [`contract`] (judging a
//!   document), [`payload`] (building bodies), [`kind`] and [`finding`];
//! - the ground: [`json`], [`http`], [`input`], [`error`] (exit codes and the one rule from
//!   outcomes to them), [`defaults`], [`alloc`].

pub mod alloc;
pub mod capture;
pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod contract;
pub mod defaults;
pub mod error;
pub mod export;
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
