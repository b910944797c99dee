//! Build script: compiles the small C shim (the variadic C API functions,
//! which stable Rust cannot define) into a static archive linked into the crate.
use std::env;
use std::path::PathBuf;
use std::process::Command;

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("failed to run {:?}: {}", cmd, e));
    if !status.success() {
        panic!("command failed: {:?}", cmd);
    }
}

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let cc = env::var("CC").unwrap_or_else(|_| {
        let target = env::var("TARGET").unwrap_or_default();
        let host = env::var("HOST").unwrap_or_default();
        if target != host && target.starts_with("aarch64") {
            "aarch64-linux-gnu-gcc".to_string()
        } else {
            "cc".to_string()
        }
    });
    let ar = if cc.ends_with("gcc") && cc.contains('-') {
        cc.trim_end_matches("gcc").to_string() + "ar"
    } else {
        "ar".to_string()
    };
    let src = "src/capi/variadic.c";
    println!("cargo:rerun-if-changed={}", src);
    println!("cargo:rerun-if-changed=include");
    let obj = out.join("variadic.o");
    run(Command::new(&cc)
        .args(["-c", "-O2", "-fPIC", "-fexceptions", "-Iinclude", src, "-o"])
        .arg(&obj));
    let lib = out.join("libljrs_cshim.a");
    let _ = std::fs::remove_file(&lib);
    run(Command::new(&ar).arg("rcs").arg(&lib).arg(&obj));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static:+whole-archive=ljrs_cshim");
    // C modules loaded by the luajit binary resolve lua_* from it.
    println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic");
}
