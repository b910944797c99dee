//! Build script: compiles the small C shim (the variadic C API functions,
//! which stable Rust cannot define) and the C++ exception boundary
//! (src/capi/cxxshim.cpp) into a static archive linked into the crate.
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
    let cxx = env::var("CXX").unwrap_or_else(|_| {
        if cc.ends_with("gcc") {
            cc.trim_end_matches("gcc").to_string() + "g++"
        } else {
            "c++".to_string()
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
    let cxx_src = "src/capi/cxxshim.cpp";
    println!("cargo:rerun-if-changed={}", cxx_src);
    let cxx_obj = out.join("cxxshim.o");
    run(Command::new(&cxx)
        .args(["-c", "-O2", "-fPIC", cxx_src, "-o"])
        .arg(&cxx_obj));
    let lib = out.join("libljrs_cshim.a");
    let _ = std::fs::remove_file(&lib);
    run(Command::new(&ar)
        .arg("rcs")
        .arg(&lib)
        .arg(&obj)
        .arg(&cxx_obj));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static:+whole-archive=ljrs_cshim");
    // The C++ boundary needs the C++ runtime (exception_ptr, catch).
    // Linked statically: the dynamic loader spent most of `luajit -e ''`
    // resolving libstdc++'s symbols. (The shared library links it dynamically,
    // see the Makefile, so C++ hosts share one C++ runtime with it.)
    println!("cargo:rustc-link-lib=static:-bundle=stdc++");
    // C modules loaded by the luajit binary resolve lua_* from it.
    println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic");
}
