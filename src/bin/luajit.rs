//! The `luajit` command.
fn main() {
    eprintln!("luajit: the interpreter is not implemented yet");
    std::process::exit(1);
}
