//! Prints what signing and building a request cost, and what keying the HMAC once per client saves.
//!
//! `cargo bench -p lbc-core --bench signing` — figures and ratios only, nothing asserted.

use std::hint::black_box;
use std::time::{Duration, Instant};

use lbc_core::protocol::{Encoding, Method, Params, Signer};
use lbc_protocol::{SignaturePlacement, build};

const KEY: &str = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq";

fn per_op(iterations: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn main() {
    let params = Params::new()
        .with("call-api-id", "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6")
        .with("timestamp", "1492799685")
        .with("nonce", "p2P6YLWPk4wOfqKXwBjkXGyO33k")
        .with("msisdn", "79256880636")
        .with("ip_address", "80.80.88.88");
    let n = 200_000;

    let signer = Signer::new(KEY);
    let keyed_once = per_op(n, || {
        black_box(signer.sign(Method::Call, black_box(&params)).unwrap());
    });
    let keyed_each_time = per_op(n, || {
        black_box(
            Signer::new(black_box(KEY))
                .sign(Method::Call, &params)
                .unwrap(),
        );
    });
    let form = per_op(n, || {
        let sig = signer.sign(Method::Call, &params).unwrap();
        black_box(
            build(
                "call",
                &params,
                Some(&sig),
                Encoding::FORM,
                SignaturePlacement::Param,
            )
            .unwrap(),
        );
    });
    let multipart = per_op(n / 4, || {
        let sig = signer.sign(Method::Call, &params).unwrap();
        black_box(
            build(
                "call",
                &params,
                Some(&sig),
                Encoding::MULTIPART,
                SignaturePlacement::Param,
            )
            .unwrap(),
        );
    });

    println!(
        "sign `call`, HMAC keyed once per client   {:>8.0} ns",
        keyed_once.as_nanos()
    );
    println!(
        "sign `call`, HMAC keyed for each request  {:>8.0} ns",
        keyed_each_time.as_nanos()
    );
    println!(
        "  keying once is {:.2}x faster",
        keyed_each_time.as_secs_f64() / keyed_once.as_secs_f64()
    );
    println!(
        "sign + build a POST form request          {:>8.0} ns",
        form.as_nanos()
    );
    println!(
        "sign + build a multipart request          {:>8.0} ns",
        multipart.as_nanos()
    );
    println!(
        "  requests signed and built per second (form, one core): {:.0}",
        1.0 / form.as_secs_f64()
    );
}
