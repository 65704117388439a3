//! Link settings of `libloginbycall.so`: its SONAME, `libloginbycall.so.<major>`.
//!
//! No version script is needed: rustc already exports only the `#[no_mangle]` functions of a cdylib
//! (`make test-c` checks with `nm -D --defined-only` that every exported symbol is an `lbc_*` one).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        target_os.as_str(),
        "linux" | "freebsd" | "netbsd" | "openbsd" | "android"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libloginbycall.so.{major}");
    }
}
