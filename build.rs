//! Build script: compiles the small C shims (the variadic C API functions,
//! which stable Rust cannot define, and the boundary that stops C++
//! exceptions, src/capi/foreign_unwind.c) into a static archive linked into
//! the crate.
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
    println!("cargo:rerun-if-changed=include");
    // -fexceptions: unwind tables, so that Lua errors (Rust unwinds) and
    // C++ exceptions pass through these C frames.
    let objs: Vec<PathBuf> = ["variadic", "foreign_unwind"]
        .iter()
        .map(|name| {
            let src = format!("src/capi/{}.c", name);
            println!("cargo:rerun-if-changed={}", src);
            let obj = out.join(format!("{}.o", name));
            run(Command::new(&cc)
                .args(["-c", "-O2", "-fPIC", "-fexceptions", "-Iinclude", &src, "-o"])
                .arg(&obj));
            obj
        })
        .collect();
    let lib = out.join("libljrs_cshim.a");
    let _ = std::fs::remove_file(&lib);
    run(Command::new(&ar).arg("rcs").arg(&lib).args(&objs));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static:+whole-archive=ljrs_cshim");
    // C modules loaded by the luajit binary resolve lua_* from it.
    println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic");
}
