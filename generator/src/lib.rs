//! `graph-vpptoken-codegen`: reads Microsoft Graph CSDL and writes Rust models and requests,
//! such as the `graph-vpptoken` crate's, on the runtime of `graph-vpptoken` (see the
//! README for the configuration and the runtime contract).
//!
//! The pipeline has one module per stage, each with one job:
//!
//! | stage | module | in | out |
//! |---|---|---|---|
//! | parse | [`parse`] | CSDL text | [`csdl::Document`] (positions kept) |
//! | resolve | [`resolve`] | documents + fix-ups | [`resolve::Model`] (qualified names, ids) |
//! | select | [`select`] | model + roots + paths | [`select::Selection`] (the closure, sorted) |
//! | lower | [`lower`] | model + selection | [`ir::Module`] (every Rust name decided, by [`names`]) |
//! | emit | [`emit`] | IR | formatted Rust source files |
//!
//! [`codegen`] ties the stages together and [`write`](mod@write) puts files on disk (or checks them).
//! [`scratch`] generates the whole of a published schema into a scratch crate (a check of the
//! generator, not of the generated crate). [`shuffle`] reorders a parsed document without changing
//! its meaning, to test that the output does not depend on declaration order.

pub mod codegen;
pub mod config;
pub mod csdl;
pub mod emit;
pub mod error;
pub mod ir;
pub mod lower;
pub mod names;
pub mod parse;
pub mod resolve;
pub mod scratch;
pub mod select;
pub mod shuffle;
pub mod write;

pub use error::{Error, Result};
