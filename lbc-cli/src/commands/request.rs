//! `request METHOD name=value...`: any method by name, through the SDK's escape hatch.

use lbc_core::{Client, Params};

use crate::args::RequestArgs;
use crate::exit::Failure;
use crate::output::Rendered;
use crate::pairs;
use crate::render;

/// Sends the method with the given parameters and renders the raw JSON answer.
pub fn run(client: &Client, args: &RequestArgs) -> Result<Rendered, Failure> {
    let params: Params = pairs::to_params(&args.params)?;
    Ok(render::raw(client.request(&args.method, &params)?))
}
