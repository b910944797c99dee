//! Builds a `bytecode` module from the main crate's sources: the contents of
//! src/bytecode/mod.rs (without its inner doc comments and module
//! declarations, which cannot appear in an included file) plus the modules
//! under test, referenced by absolute path.
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let src = manifest.join("../src/bytecode");
    let src = src.canonicalize().expect("src/bytecode next to fuzz/");
    let mod_rs = std::fs::read_to_string(src.join("mod.rs")).unwrap();
    let mut out = String::new();
    for line in mod_rs.lines() {
        let t = line.trim_start();
        if t.starts_with("//!")
            || t.starts_with("mod ")
            || t.starts_with("pub mod ")
            || t.starts_with("pub(crate) mod ")
        {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    for m in ["opmodes", "reader", "writer", "listing"] {
        let path = src.join(format!("{}.rs", m));
        out.push_str(&format!(
            "#[path = {:?}]\npub mod {};\n",
            path.display().to_string(),
            m
        ));
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed={}", src.join("mod.rs").display());
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("bytecode_mod.rs");
    std::fs::write(dest, out).unwrap();
}
