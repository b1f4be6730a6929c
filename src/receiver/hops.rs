//! Keeping `--forward-to` from looping: a target that is the listener itself is refused before it
//! starts, and every relayed request carries the listeners it went through, so that one coming
//! back (or passing through too many) is answered 508 instead of relayed again.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use hyper::header::HeaderMap;

use crate::defaults;
use crate::http::HOP_HEADER;

/// An id for this listener in the hop header: random, so that two listeners differ.
pub(super) fn new_id() -> String {
    format!("{:012x}", fastrand::u64(..) & 0xffff_ffff_ffff)
}

/// Whether `target` (any address its host resolves to) reaches the listener bound at `bound`.
pub(super) async fn reaches_itself(target: &url::Url, bound: SocketAddr) -> bool {
    let (Some(host), Some(port)) = (target.host(), target.port_or_known_default()) else {
        return false;
    };
    if port != bound.port() {
        return false;
    }
    let addrs: Vec<SocketAddr> = match host {
        url::Host::Ipv4(ip) => vec![SocketAddr::new(ip.into(), port)],
        url::Host::Ipv6(ip) => vec![SocketAddr::new(ip.into(), port)],
        // A name that does not resolve now cannot be judged; the hop header still stops a loop.
        url::Host::Domain(name) => match tokio::net::lookup_host((name, port)).await {
            Ok(addrs) => addrs.collect(),
            Err(_) => Vec::new(),
        },
    };
    addrs.into_iter().any(|a| reaches(a, bound))
}

/// Whether connecting to `target` reaches a socket bound at `bound`.
fn reaches(target: SocketAddr, bound: SocketAddr) -> bool {
    if target.port() != bound.port() {
        return false;
    }
    // Connecting to the unspecified address connects to the loopback address of its family.
    let t = match target.ip().to_canonical() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    match bound.ip().to_canonical() {
        b if b == t => true,
        // Bound to every IPv4 address: any IPv4 loopback reaches it.
        IpAddr::V4(b) if b.is_unspecified() => t.is_ipv4() && t.is_loopback(),
        // Bound to every IPv6 address, which takes IPv4 too: any loopback reaches it.
        IpAddr::V6(b) if b.is_unspecified() => t.is_loopback(),
        _ => false,
    }
}

/// A request not relayed because it went round: its one-line description.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct ForwardingLoop(pub String);

/// The hop header to relay a request with (the listeners it came through, then this one), or why
/// it is a loop.
pub(super) fn relay_chain(headers: &HeaderMap, id: &str) -> Result<String, ForwardingLoop> {
    let chain: Vec<&str> = headers
        .get_all(HOP_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    if chain.contains(&id) {
        return Err(ForwardingLoop(format!(
            "forwarding loop: this request already came through this listener ({HOP_HEADER}: {}); \
             not forwarded again",
            chain.join(", ")
        )));
    }
    if chain.len() >= defaults::MAX_HOPS {
        return Err(ForwardingLoop(format!(
            "forwarding loop: this request already came through {} hookctl listeners ({HOP_HEADER}), \
             the most allowed is {}; not forwarded again",
            chain.len(),
            defaults::MAX_HOPS
        )));
    }
    let mut chain = chain;
    chain.push(id);
    Ok(chain.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn what_reaches_a_bound_socket() {
        let loopback = addr("127.0.0.1:8080");
        assert!(reaches(addr("127.0.0.1:8080"), loopback));
        assert!(reaches(addr("0.0.0.0:8080"), loopback), "0.0.0.0 connects to loopback");
        assert!(reaches(addr("[::ffff:127.0.0.1]:8080"), loopback));
        assert!(!reaches(addr("127.0.0.1:8081"), loopback), "another port");
        assert!(!reaches(addr("[::1]:8080"), loopback), "IPv6 loopback is another socket");
        assert!(!reaches(addr("127.0.0.2:8080"), loopback), "bound to one address only");
        let every_v4 = addr("0.0.0.0:8080");
        assert!(reaches(addr("127.0.0.1:8080"), every_v4));
        assert!(reaches(addr("127.0.0.2:8080"), every_v4));
        assert!(!reaches(addr("[::1]:8080"), every_v4));
        assert!(!reaches(addr("10.1.2.3:8080"), every_v4), "another machine, as far as we can tell");
        let every = addr("[::]:8080");
        assert!(reaches(addr("[::1]:8080"), every));
        assert!(reaches(addr("127.0.0.1:8080"), every));
        let one = addr("192.168.1.5:9000");
        assert!(reaches(addr("192.168.1.5:9000"), one));
        assert!(!reaches(addr("127.0.0.1:9000"), one));
    }

    #[test]
    fn the_hop_chain_grows_and_stops_loops() {
        let mut headers = HeaderMap::new();
        assert_eq!(relay_chain(&headers, "me").unwrap(), "me");
        headers.insert(HOP_HEADER, "a, b".parse().unwrap());
        assert_eq!(relay_chain(&headers, "me").unwrap(), "a, b, me");
        headers.append(HOP_HEADER, "me".parse().unwrap());
        let why = relay_chain(&headers, "me").unwrap_err().to_string();
        assert!(why.contains("already came through this listener") && why.contains("a, b, me"), "{why}");
        let many = ["x"; defaults::MAX_HOPS].join(",");
        headers.insert(HOP_HEADER, many.parse().unwrap());
        let why = relay_chain(&headers, "me").unwrap_err().to_string();
        assert!(why.contains(&format!("through {} hookctl listeners", defaults::MAX_HOPS)), "{why}");
        headers.insert(HOP_HEADER, ["x"; defaults::MAX_HOPS - 1].join(",").parse().unwrap());
        assert!(relay_chain(&headers, "me").is_ok(), "one short of the most is still relayed");
    }

    #[test]
    fn ids_differ() {
        assert_ne!(new_id(), new_id());
        assert_eq!(new_id().len(), 12);
    }
}
