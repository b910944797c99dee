//! The default `package.path` and `package.cpath`, composed from the
//! installation layout chosen at build time, the way LuaJIT's `luaconf.h`
//! composes them from the macros its Makefile passes (`LUA_ROOT` when
//! PREFIX is not /usr/local, `LUA_MULTILIB`, `LUA_LMULTILIB`, the directory
//! of the `jit.*` modules).
//!
//! build.rs includes this file to compute the strings compiled into the
//! library (from the Makefile's PREFIX, MULTILIB, LMULTILIB and
//! INSTALL_LJLIBD); the library includes it for its unit tests.

/// LuaJIT's fixed local root: its directories are searched whatever the
/// prefix, as in LuaJIT (`LUA_LROOT`).
pub const LOCAL_ROOT: &str = "/usr/local";
/// The prefix for which LuaJIT adds no second set of directories.
pub const DEFAULT_PREFIX: &str = "/usr/local";
pub const DEFAULT_MULTILIB: &str = "lib";
/// Name of the `jit.*` module directory under `share/` (LuaJIT 2.1.0-beta3
/// installs into `share/luajit-2.1.0-beta3`, which is what the 2022
/// snapshot we behave like searches).
pub const JIT_DIR_NAME: &str = "luajit-2.1.0-beta3";
const LUA_DIR: &str = "/lua/5.1/";

/// Where an installation puts things, as far as the search paths care.
pub struct Layout<'a> {
    /// Installation prefix (PREFIX).
    pub prefix: &'a str,
    /// Library directory under the prefix (MULTILIB: `lib`, `lib64`,
    /// `lib/x86_64-linux-gnu`).
    pub multilib: &'a str,
    /// Library directory under the local root (LMULTILIB).
    pub local_multilib: &'a str,
    /// Directory of the `jit.*` modules; `None`: `<prefix>/share/` +
    /// [`JIT_DIR_NAME`] (with the local root when the prefix is the default).
    pub jit_dir: Option<&'a str>,
}

impl Layout<'_> {
    /// The root searched besides the local one, if any.
    fn install_root(&self) -> Option<&str> {
        (self.prefix != DEFAULT_PREFIX).then_some(self.prefix)
    }

    fn jit_dir(&self) -> String {
        match self.jit_dir {
            Some(d) => d.to_string(),
            None => format!(
                "{}/share/{}",
                self.install_root().unwrap_or(LOCAL_ROOT),
                JIT_DIR_NAME
            ),
        }
    }

    /// `package.path` when LUA_PATH is unset.
    pub fn lua_path(&self) -> String {
        let local = format!("{}/share{}", LOCAL_ROOT, LUA_DIR);
        let mut p = format!(
            "./?.lua;{}/?.lua;{local}?.lua;{local}?/init.lua",
            self.jit_dir()
        );
        if let Some(root) = self.install_root() {
            let dir = format!("{}/share{}", root, LUA_DIR);
            p.push_str(&format!(";{dir}?.lua;{dir}?/init.lua"));
        }
        p
    }

    /// `package.cpath` when LUA_CPATH is unset.
    pub fn c_path(&self) -> String {
        let local = format!("{}/{}{}", LOCAL_ROOT, self.local_multilib, LUA_DIR);
        let mut p = format!("./?.so;{local}?.so");
        if let Some(root) = self.install_root() {
            p.push_str(&format!(";{}/{}{}?.so", root, self.multilib, LUA_DIR));
        }
        p.push_str(&format!(";{local}loadall.so"));
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout<'a>(prefix: &'a str, multilib: &'a str) -> Layout<'a> {
        Layout {
            prefix,
            multilib,
            local_multilib: DEFAULT_MULTILIB,
            jit_dir: None,
        }
    }

    // Debian's luajit 2.1.0~beta3+git20220320 (built with PREFIX=/usr
    // MULTILIB=lib/x86_64-linux-gnu):
    //   luajit -e 'print(package.path) print(package.cpath)'
    #[test]
    fn debian_layout_gives_debians_paths() {
        let l = layout("/usr", "lib/x86_64-linux-gnu");
        assert_eq!(
            l.lua_path(),
            "./?.lua;/usr/share/luajit-2.1.0-beta3/?.lua;/usr/local/share/lua/5.1/?.lua;\
             /usr/local/share/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua"
        );
        assert_eq!(
            l.c_path(),
            "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;\
             /usr/local/lib/lua/5.1/loadall.so"
        );
    }

    // LuaJIT 2.1.0-beta3's luaconf.h without LUA_ROOT (make with the
    // default PREFIX=/usr/local): only the local directories.
    #[test]
    fn default_prefix_gives_luajits_local_paths() {
        let l = layout(DEFAULT_PREFIX, DEFAULT_MULTILIB);
        assert_eq!(
            l.lua_path(),
            "./?.lua;/usr/local/share/luajit-2.1.0-beta3/?.lua;/usr/local/share/lua/5.1/?.lua;\
             /usr/local/share/lua/5.1/?/init.lua"
        );
        assert_eq!(
            l.c_path(),
            "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so"
        );
        // MULTILIB only matters for the install root, as in luaconf.h.
        assert_eq!(layout(DEFAULT_PREFIX, "lib64").c_path(), l.c_path());
    }

    #[test]
    fn other_prefix_and_library_directories() {
        let l = Layout {
            prefix: "/opt/lj",
            multilib: "lib64",
            local_multilib: "lib32",
            jit_dir: Some("/opt/lj/share/luajit-2.1"),
        };
        assert_eq!(
            l.lua_path(),
            "./?.lua;/opt/lj/share/luajit-2.1/?.lua;/usr/local/share/lua/5.1/?.lua;\
             /usr/local/share/lua/5.1/?/init.lua;/opt/lj/share/lua/5.1/?.lua;/opt/lj/share/lua/5.1/?/init.lua"
        );
        assert_eq!(
            l.c_path(),
            "./?.so;/usr/local/lib32/lua/5.1/?.so;/opt/lj/lib64/lua/5.1/?.so;/usr/local/lib32/lua/5.1/loadall.so"
        );
    }
}
