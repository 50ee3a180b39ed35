//! Compile-fail cases (`ui/`, run by `tests/ui.rs`): without graph-vpptoken's feature
//! `client`, calling `send` or `stream` on a request value fails with a message that names the
//! feature to enable.
