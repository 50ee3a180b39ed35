//! Typed models and requests for Microsoft Graph's Intune vppToken API.
#![forbid(unsafe_code)]

pub mod runtime;
