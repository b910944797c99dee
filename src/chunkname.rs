//! Display form of chunk names in messages ("short source"), as LuaJIT
//! prints it: `=name` -> name, `@file` -> file, anything else is source
//! text -> `[string "first line..."]`. Bounded by LUA_IDSIZE (60) bytes
//! including the terminating NUL of the C original.

const LUA_IDSIZE: usize = 60;

pub fn short_src(chunkname: &[u8]) -> Vec<u8> {
    // LuaJIT reads the name as a C string: it ends at the first NUL byte.
    let chunkname = &chunkname[..chunkname
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(chunkname.len())];
    let max = LUA_IDSIZE - 1;
    match chunkname.first() {
        Some(b'=') => {
            let rest = &chunkname[1..];
            rest[..rest.len().min(max)].to_vec()
        }
        Some(b'@') => {
            let rest = &chunkname[1..];
            if rest.len() <= max {
                rest.to_vec()
            } else {
                // Keep the end of long file names: it is the informative part.
                let mut out = b"...".to_vec();
                out.extend_from_slice(&rest[rest.len() - (max - 3)..]);
                out
            }
        }
        _ => {
            const PREFIX: &[u8] = b"[string \"";
            const SUFFIX: &[u8] = b"\"]";
            let avail = max - PREFIX.len() - SUFFIX.len();
            let line_len = chunkname
                .iter()
                .position(|&c| c < b' ')
                .unwrap_or(chunkname.len());
            let mut out = PREFIX.to_vec();
            if line_len < chunkname.len() || line_len > avail {
                out.extend_from_slice(&chunkname[..line_len.min(avail - 3)]);
                out.extend_from_slice(b"...");
            } else {
                out.extend_from_slice(chunkname);
            }
            out.extend_from_slice(SUFFIX);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::short_src;

    fn s(x: &[u8]) -> String {
        String::from_utf8(short_src(x)).unwrap()
    }

    #[test]
    fn forms() {
        assert_eq!(s(b"=stdin"), "stdin");
        assert_eq!(s(b"@file.lua"), "file.lua");
        assert_eq!(s(b"hello"), "[string \"hello\"]");
        assert_eq!(s(b"line1\nline2"), "[string \"line1...\"]");
        // Any control character ends the displayed line (binary chunks).
        assert_eq!(s(b"ab\x01cd"), "[string \"ab...\"]");
        assert_eq!(s(b"\x1bLJ"), "[string \"...\"]");
        assert_eq!(s(b""), "[string \"\"]");
        assert_eq!(s(b"\nabc"), "[string \"...\"]");
        let b48 = "b".repeat(48);
        assert_eq!(s(b48.as_bytes()), format!("[string \"{}\"]", b48));
        let b49 = "b".repeat(49);
        assert_eq!(
            s(b49.as_bytes()),
            format!("[string \"{}...\"]", "b".repeat(45))
        );
        let long = format!("@{}XYZ", "d".repeat(100));
        assert_eq!(s(long.as_bytes()), format!("...{}XYZ", "d".repeat(53)));
        let eq = format!("={}", "e".repeat(70));
        assert_eq!(s(eq.as_bytes()), "e".repeat(59));
    }
}
