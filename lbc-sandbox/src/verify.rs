//! Domain ownership: the rules for `domain` and `verify_url`, and the real HTTP GET of `verify_url`
//! that `credential_confirm` makes after a `register`.
//!
//! The sandbox fetches `http://` URLs only; an `https://` `verify_url` is accepted by `register` but
//! its check fails with `INVALID_ACCOUNT_VERIFY_RESPONSE` (serve the file over plain HTTP in tests).

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::Request;
use hyper::header::{CONNECTION, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;
use lbc_protocol::{ErrorCode, excerpt};
use tokio::net::TcpStream;

use crate::answer::Failure;

/// The verification file is small; more than this is not read.
const MAX_VERIFY_BODY: usize = 64 * 1024;

/// A registered `domain`: a host name (or IPv4 address), optionally with a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Domain<'a> {
    /// The host, as given.
    pub(crate) host: &'a str,
    /// The port, when the domain names one (`localhost:8000`).
    pub(crate) port: Option<u16>,
}

/// Reads `domain` as `host` or `host:port`: no protocol, path, user or spaces; a port is 1 to 65535.
pub(crate) fn parse_domain(domain: &str) -> Option<Domain<'_>> {
    let (host, port) = match domain.split_once(':') {
        Some((host, port)) => {
            let digits =
                !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
            let port: u16 = port.parse().ok().filter(|p| digits && *p != 0)?;
            (host, Some(port))
        }
        None => (domain, None),
    };
    let valid_host = (1..=253).contains(&host.len())
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
        && !host.starts_with(['.', '-']);
    valid_host.then_some(Domain { host, port })
}

/// The parts of an absolute URL the sandbox needs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Url<'a> {
    scheme: String,
    /// `host[:port]` without user info.
    authority: &'a str,
    /// Host without port or IPv6 brackets, lower-cased.
    host: String,
    port: Option<u16>,
    /// Path and query, `/` at least.
    target: &'a str,
}

fn split_url(url: &str) -> Option<Url<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let target = rest[end..].split('#').next().unwrap_or_default();
    let target = if target.is_empty() { "/" } else { target };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    if host.is_empty() {
        return None;
    }
    Some(Url {
        scheme: scheme.to_ascii_lowercase(),
        authority,
        host: host.to_ascii_lowercase(),
        port,
        target,
    })
}

/// Checks a `verify_url` given to `register`: http or https, on the registered host itself (a
/// subdomain is another host). A domain registered with a port allows only that port; one without
/// allows any.
pub(crate) fn check_verify_url(url: &str, domain: Domain<'_>) -> Result<(), Failure> {
    let protocol_error = || {
        Failure::new(
            ErrorCode::AccountVerifyUrlProtocol,
            format!(
                "Invalid protocol in verify_url {}: only http and https are allowed",
                excerpt(url)
            ),
        )
    };
    let (scheme, _) = url.split_once("://").ok_or_else(protocol_error)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(protocol_error());
    }
    let parts = split_url(url).ok_or_else(|| Failure::invalid_args("verify_url is not a URL"))?;
    if parts.host != domain.host.to_ascii_lowercase() {
        return Err(Failure::new(
            ErrorCode::AccountVerifyUrlDomain,
            format!(
                "verify_url host {} is not the domain {}",
                excerpt(&parts.host),
                domain.host
            ),
        ));
    }
    if let Some(port) = domain.port {
        let default = if parts.scheme == "https" { 443 } else { 80 };
        let used = parts.port.unwrap_or(default);
        if used != port {
            return Err(Failure::new(
                ErrorCode::AccountVerifyUrlDomain,
                format!("verify_url port {used} is not the port {port} of the domain"),
            ));
        }
    }
    Ok(())
}

/// Fetches `url` with a GET and returns its body, or says why that failed.
pub(crate) async fn fetch(url: &str, timeout: Duration) -> Result<String, String> {
    match tokio::time::timeout(timeout, fetch_unbounded(url)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer from {url} within {timeout:?}")),
    }
}

async fn fetch_unbounded(url: &str) -> Result<String, String> {
    let parts = split_url(url).ok_or_else(|| format!("{url} is not a URL"))?;
    if parts.scheme != "http" {
        return Err(format!(
            "the sandbox fetches only http:// verify URLs, not {}://",
            parts.scheme
        ));
    }
    let port = parts.port.unwrap_or(80);
    let stream = TcpStream::connect((parts.host.as_str(), port))
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", parts.authority))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {} failed: {e}", parts.authority))?;
    tokio::spawn(connection);
    let request = Request::get(parts.target)
        .header(HOST, parts.authority)
        .header(
            USER_AGENT,
            concat!("lbc-sandbox/", env!("CARGO_PKG_VERSION")),
        )
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|e| format!("cannot request {url}: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("GET {url} failed: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {url} answered HTTP {}", status.as_u16()));
    }
    let body = Limited::new(response.into_body(), MAX_VERIFY_BODY)
        .collect()
        .await
        .map_err(|e| format!("reading {url} failed: {e}"))?
        .to_bytes();
    Ok(String::from_utf8_lossy(&body).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_hosts_with_an_optional_port() {
        for (good, host, port) in [
            ("example.com", "example.com", None),
            ("127.0.0.1", "127.0.0.1", None),
            ("localhost", "localhost", None),
            ("my-site.example.org", "my-site.example.org", None),
            ("localhost:8000", "localhost", Some(8000)),
            ("127.0.0.1:8000", "127.0.0.1", Some(8000)),
            ("example.com:65535", "example.com", Some(65535)),
        ] {
            assert_eq!(parse_domain(good), Some(Domain { host, port }), "{good}");
        }
        for bad in [
            "",
            "http://example.com",
            "example.com/path",
            "exa mple.com",
            ".example.com",
            "example.com:",
            "example.com:0",
            "example.com:65536",
            "example.com:+80",
            "example.com:80:80",
            ":8000",
            "user@example.com:80",
            "[::1]:80",
        ] {
            assert_eq!(parse_domain(bad), None, "{bad}");
        }
    }

    #[test]
    fn urls_split_into_host_port_target() {
        let url = split_url("http://user@Example.COM:8080/a/b?x=1&y=2#frag").unwrap();
        assert_eq!(url.host, "example.com");
        assert_eq!(url.port, Some(8080));
        assert_eq!(url.authority, "Example.COM:8080");
        assert_eq!(url.target, "/a/b?x=1&y=2");
        let v6 = split_url("http://[::1]:99").unwrap();
        assert_eq!(
            (v6.host.as_str(), v6.port, v6.target),
            ("::1", Some(99), "/")
        );
        assert!(split_url("http://host:notaport/").is_none());
        assert!(split_url("no scheme").is_none());
    }

    #[test]
    fn verify_urls_must_be_http_on_the_domain() {
        fn check(url: &str, domain: &str) -> Result<(), Failure> {
            check_verify_url(url, parse_domain(domain).unwrap())
        }
        assert!(check("http://example.com/lbc.html", "example.com").is_ok());
        assert!(check("HTTPS://EXAMPLE.com:8443/x?a=b", "example.com").is_ok());
        assert!(check("http://127.0.0.1:4000/v", "127.0.0.1").is_ok());
        let code = |url: &str| check(url, "example.com").unwrap_err().code;
        assert_eq!(
            code("ftp://example.com/x"),
            ErrorCode::AccountVerifyUrlProtocol
        );
        assert_eq!(code("example.com/x"), ErrorCode::AccountVerifyUrlProtocol);
        assert_eq!(code("http://evil.com/x"), ErrorCode::AccountVerifyUrlDomain);
        assert_eq!(
            code("http://www.example.com/x"),
            ErrorCode::AccountVerifyUrlDomain
        );
        assert_eq!(
            code("http://example.com.evil.com/"),
            ErrorCode::AccountVerifyUrlDomain
        );
        assert_eq!(
            code("http://example.com@evil.com/"),
            ErrorCode::AccountVerifyUrlDomain
        );
    }

    #[test]
    fn a_domain_with_a_port_allows_only_that_port() {
        fn check(url: &str, domain: &str) -> Result<(), Failure> {
            check_verify_url(url, parse_domain(domain).unwrap())
        }
        assert!(check("http://localhost:8000/lbc.html", "localhost:8000").is_ok());
        assert!(check("http://LOCALHOST:8000/", "Localhost:8000").is_ok());
        assert!(check("http://example.com/x", "example.com:80").is_ok());
        assert!(check("https://example.com/x", "example.com:443").is_ok());
        for (url, domain) in [
            ("http://localhost:8001/lbc.html", "localhost:8000"),
            ("http://localhost/lbc.html", "localhost:8000"),
            ("https://example.com/x", "example.com:80"),
            ("http://127.0.0.2:8000/", "127.0.0.1:8000"),
        ] {
            let failure = check(url, domain).unwrap_err();
            assert_eq!(
                failure.code,
                ErrorCode::AccountVerifyUrlDomain,
                "{url} {domain}"
            );
        }
    }
}
