//! Compile-fail cases (`ui/`, run by `tests/ui.rs`): with graph-vpptoken's feature `client`
//! alone, calling `Client::v1_0`, `Client::beta` or the Microsoft Entra ID methods of
//! `ClientBuilder` fails with a message that names the feature to enable.
