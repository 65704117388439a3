//! Integration tests of `lbc-core` against `lbc-sandbox`, over real HTTP on 127.0.0.1 (see
//! `tests/`). The crate has no code of its own.
#![forbid(unsafe_code)]

/// The README's Rust example, compiled and run as a doc-test so it cannot rot (it uses both
/// `lbc-core` and `lbc-sandbox`, which only this crate has together).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExample;
