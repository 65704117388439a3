//! Every encoding, built then parsed back, with the values that break naive encoders.

use lbc_protocol::{Encoding, Method, Params, Signer};
use lbc_protocol::{IncomingRequest, SignaturePlacement, build, parse};

const AWKWARD: [&str; 9] = [
    "Привет, мир",
    "emoji 📞🙂",
    "a&b=c",
    "1+1 = 2",
    "/path/with/slashes/",
    "  spaces  around  ",
    "%41 literally",
    "\"quoted\" and \\back\\slash",
    "line\r\nbreak",
];

fn round_trip(
    encoding: Encoding,
    placement: SignaturePlacement,
    params: &Params,
    signature: &str,
) -> lbc_protocol::ParsedRequest {
    let request = build("pay", params, Some(signature), encoding, placement).unwrap();
    let (path, query) = match request.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (request.target.as_str(), None),
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    parse(&IncomingRequest {
        path,
        query,
        content_type: header("content-type"),
        signature_header: header("signature"),
        body: &request.body,
    })
    .unwrap_or_else(|e| panic!("{encoding}: {e}"))
}

#[test]
fn awkward_values_survive_every_encoding_and_placement() {
    let signer = Signer::new("ключ&=+/ 🔑");
    for (i, value) in AWKWARD.iter().enumerate() {
        let params = Params::new()
            .with("call-api-id", format!("id {value}"))
            .with("timestamp", "1492799685")
            .with("nonce", *value)
            .with("amount", "50000")
            .with("locale", "")
            .with(
                "success_url",
                format!("https://example.com/ok?x={value}&y=1"),
            );
        let signature = signer.sign(Method::Pay, &params).unwrap();
        for encoding in Encoding::ALL {
            for placement in [SignaturePlacement::Param, SignaturePlacement::Header] {
                let parsed = round_trip(encoding, placement, &params, &signature);
                assert_eq!(parsed.method, "pay");
                let sent: Vec<_> = params.non_empty().collect();
                let got: Vec<_> = parsed.params.iter().collect();
                assert_eq!(got, sent, "value {i} via {encoding} {placement:?}");
                assert_eq!(
                    parsed.params.get("locale"),
                    None,
                    "empty values are left out"
                );
                assert_eq!(parsed.signature.as_deref(), Some(signature.as_str()));
                assert!(signer.verify(Method::Pay, &parsed.params, &signature));
            }
        }
    }
}

#[test]
fn the_default_form_encoding_keeps_phone_numbers_out_of_urls() {
    let params = Params::new().with("msisdn", "79256880636");
    let get = build(
        "call",
        &params,
        None,
        Encoding::QUERY,
        SignaturePlacement::Param,
    )
    .unwrap();
    assert!(get.target.contains("79256880636"));
    let post = build(
        "call",
        &params,
        None,
        Encoding::FORM,
        SignaturePlacement::Param,
    )
    .unwrap();
    assert!(
        !post.target.contains("79256880636"),
        "the default keeps numbers out of URLs"
    );
    assert_eq!(Encoding::default(), Encoding::FORM);
}

/// A small deterministic generator (xorshift), so failures reproduce without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
        let len = (self.next() % max as u64) as usize;
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn the_parser_never_panics_on_arbitrary_input() {
    let alphabet: Vec<u8> =
        b"ab=&%/?+-_\"{}[]:,\r\n0123456789FFparamsignature--boundary;\xff\xc3".to_vec();
    let content_types = [
        None,
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=--"),
        Some("multipart/form-data; boundary=\"b\""),
        Some("multipart/form-data"),
        Some("application/json"),
    ];
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut refused = 0;
    for _ in 0..20_000 {
        let path = String::from_utf8_lossy(&rng.text(&alphabet, 40)).into_owned();
        let query = String::from_utf8_lossy(&rng.text(&alphabet, 60)).into_owned();
        let body = rng.text(&alphabet, 120);
        let content_type = content_types[(rng.next() % content_types.len() as u64) as usize];
        let result = parse(&IncomingRequest {
            path: &path,
            query: Some(&query),
            content_type,
            signature_header: None,
            body: &body,
        });
        if let Err(err) = result {
            assert!(!err.field.is_empty() && !err.reason.is_empty(), "{err:?}");
            refused += 1;
        }
    }
    assert!(refused > 0, "the generator reaches the error paths");
}
