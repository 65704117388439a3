//! The subcommands that talk to the service: one per API method, and the `request` escape hatch.

pub mod api;
pub mod request;
