//! Building the SDK client from the global flags.

use lbc_core::Client;

use crate::args::Global;
use crate::exit::Failure;

/// A client configured from `--base-url`, `--call-api-id`, `--api-key`, `--encoding`, `--timeout`,
/// `--deadline` and `--region` (or their environment variables); unset flags keep the SDK's defaults.
pub fn client(global: &Global) -> Result<Client, Failure> {
    let mut builder = Client::builder().default_region(global.region);
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url.as_str());
    }
    if let Some(id) = &global.call_api_id {
        builder = builder.call_api_id(id.as_str());
    }
    if let Some(key) = &global.api_key {
        builder = builder.api_key(key.as_str());
    }
    if let Some(encoding) = global.encoding {
        builder = builder.encoding(encoding);
    }
    if let Some(timeout) = global.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(deadline) = global.deadline {
        builder = builder.deadline(deadline);
    }
    Ok(builder.build()?)
}
