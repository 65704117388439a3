//! `request METHOD name=value...`: any method by name, through the SDK's escape hatch.

use lbc_core::protocol::{Method, Params};

use crate::args::RequestArgs;
use crate::connect::Session;
use crate::exit::Failure;
use crate::output::Rendered;
use crate::pairs;
use crate::render;

/// Sends the method with the given parameters and renders the raw JSON answer; a failed `call` is
/// reported as one that may have placed a call.
pub fn run(session: &Session, args: &RequestArgs) -> Result<Rendered, Failure> {
    let params: Params = pairs::to_params(&args.params)?;
    let places_call = Method::from_name(&args.method) == Some(Method::Call);
    match session.request(&args.method, &params) {
        Ok(answer) => Ok(render::raw(answer)),
        Err(error) if places_call => Err(Failure::placing_call(error)),
        Err(error) => Err(error.into()),
    }
}
