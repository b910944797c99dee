//! Build script: compiles the small C shims (the variadic C API functions,
//! which stable Rust cannot define, and the boundary that stops C++
//! exceptions, src/capi/foreign_unwind.c) into a static archive linked into
//! the crate.
use std::env;
use std::path::PathBuf;
use std::process::Command;

#[path = "src/stdlib/package_paths.rs"]
#[allow(dead_code)]
mod package_paths;

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("failed to run {:?}: {}", cmd, e));
    if !status.success() {
        panic!("command failed: {:?}", cmd);
    }
}

/// Compiles the default search paths into the library from the layout the
/// Makefile passes (LUAJIT_RS_PREFIX, _MULTILIB, _LMULTILIB, _LJDIR; a plain
/// `cargo build` gets LuaJIT's defaults for /usr/local).
fn search_path_defaults() {
    let var = |name: &str, default: &str| {
        println!("cargo:rerun-if-env-changed={}", name);
        match env::var(name) {
            Ok(v) if !v.is_empty() => v,
            _ => default.to_string(),
        }
    };
    let prefix = var("LUAJIT_RS_PREFIX", package_paths::DEFAULT_PREFIX);
    let multilib = var("LUAJIT_RS_MULTILIB", package_paths::DEFAULT_MULTILIB);
    let local_multilib = var("LUAJIT_RS_LMULTILIB", package_paths::DEFAULT_MULTILIB);
    let jit_dir = var("LUAJIT_RS_LJDIR", "");
    let layout = package_paths::Layout {
        prefix: &prefix,
        multilib: &multilib,
        local_multilib: &local_multilib,
        jit_dir: (!jit_dir.is_empty()).then_some(jit_dir.as_str()),
    };
    println!(
        "cargo:rustc-env=LUAJIT_RS_LUA_PATH_DEFAULT={}",
        layout.lua_path()
    );
    println!(
        "cargo:rustc-env=LUAJIT_RS_C_PATH_DEFAULT={}",
        layout.c_path()
    );
    println!("cargo:rustc-env=LUAJIT_RS_INSTALL_PREFIX={}", prefix);
}

fn main() {
    search_path_defaults();
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
                .args([
                    "-c",
                    "-O2",
                    "-fPIC",
                    "-fexceptions",
                    "-Iinclude",
                    &src,
                    "-o",
                ])
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
