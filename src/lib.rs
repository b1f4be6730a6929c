//! hookctl: simulate, inspect and contract-test the webhooks of Botpress HITL Next and eva.
//!
//! The library holds everything; the binary only parses arguments and maps the outcome to an exit
//! code. The [`catalogue`] is the single source of truth for events and document kinds; commands
//! return values that the [`printer`] renders.

pub mod catalogue;
pub mod cli;
pub mod contract;
pub mod defaults;
pub mod error;
pub mod http;
pub mod input;
pub mod load;
pub mod payload;
pub mod platform;
pub mod printer;
pub mod receiver;
pub mod replay;
pub mod run;
pub mod scenario;
pub mod send;
pub mod suite;
pub mod tester;
pub mod validate;

pub use error::{Error, Exit};
