//! Host name resolution for the client's connection pool.
//!
//! ureq resolves the host on every request, even when it then reuses a pooled connection, and with a
//! timeout set its default resolver spawns a thread per lookup. This resolver answers IP literals at
//! once and keeps looked-up addresses for a short time, so that a request on a kept-alive
//! connection costs neither a thread nor a DNS query.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use crate::transport::resolve_failed;

/// How long looked-up addresses are reused.
const TTL: Duration = Duration::from_secs(30);
/// The most host names remembered; past it the cache starts over.
const MAX_HOSTS: usize = 64;

/// IP literals at once, names through the system resolver, remembered for [`TTL`].
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    system: DefaultResolver,
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(authority) = uri.authority() else {
            return self
                .system
                .resolve(uri, config, timeout)
                .map_err(resolve_failed);
        };
        let default_port = match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        };
        let port = authority.port_u16().unwrap_or(default_port);
        let host = authority.host();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        if let Some((at, addrs)) = self.lock().get(&key) {
            if now.duration_since(*at) < TTL {
                return Ok(addrs.clone());
            }
        }
        // A failure here (the name does not resolve, or not in time) is marked as one before
        // anything was sent, whatever I/O error the system resolver gave.
        let addrs = self
            .system
            .resolve(uri, config, timeout)
            .map_err(resolve_failed)?;
        let mut cache = self.lock();
        if cache.len() >= MAX_HOSTS {
            cache.clear();
        }
        cache.insert(key, (now, addrs.clone()));
        Ok(addrs)
    }
}

impl CachingResolver {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, ResolvedSocketAddrs)>> {
        // The map is always left consistent, so a panic elsewhere while it was held is harmless.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::time::Duration as UreqDuration;

    fn resolve(resolver: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let timeout = NextTimeout {
            after: UreqDuration::from(Duration::from_secs(1)),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        resolver
            .resolve(&uri, &Config::default(), timeout)
            .unwrap()
            .to_vec()
    }

    #[test]
    fn ip_literals_resolve_without_a_lookup() {
        let resolver = CachingResolver::default();
        assert_eq!(
            resolve(&resolver, "http://127.0.0.1:8080/x"),
            ["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve(&resolver, "https://[::1]/x"),
            ["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert!(resolver.lock().is_empty());
    }

    #[test]
    fn names_are_remembered() {
        let resolver = CachingResolver::default();
        let first = resolve(&resolver, "http://localhost:9/x");
        assert!(!first.is_empty());
        assert_eq!(resolver.lock().len(), 1);
        assert_eq!(resolve(&resolver, "http://localhost:9/y"), first);
    }
}
