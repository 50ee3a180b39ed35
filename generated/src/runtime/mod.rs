//! Runtime support for the generated code.
