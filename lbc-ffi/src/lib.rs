//! PLACEHOLDER: the C ABI (being implemented).
