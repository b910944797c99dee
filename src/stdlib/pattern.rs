//! Lua 5.1 pattern matching on byte strings, with LuaJIT 2.1's behaviour:
//! the `%g` class, a matcher recursion limit of 200 ("pattern too complex"),
//! a NUL byte in the pattern ending it (the matcher works on C strings), and
//! the exact error messages of the reference implementation.
//!
//! All positions are 0-based byte offsets; ends are exclusive.  Callers add 1
//! when handing positions to Lua.

use crate::mem::ByteSink;

/// Maximum number of captures in one pattern (LUA_MAXCAPTURES).
pub const MAX_CAPTURES: usize = 32;
/// Maximum nesting of matcher calls before "pattern too complex".
pub const MAX_MATCH_DEPTH: u32 = 200;

const ESC: u8 = b'%';

/// One capture of a successful match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// A substring capture `(...)`: start and exclusive end in the subject.
    Range(usize, usize),
    /// A position capture `()`: 0-based offset (Lua sees offset + 1).
    Position(usize),
    /// A capture still open when the pattern ended; using its value raises
    /// "unfinished capture" (it only errors when the value is used).
    Unfinished(usize),
}

/// The value of a capture as Lua sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureValue<'a> {
    Str(&'a [u8]),
    /// 1-based position, pushed to Lua as a number.
    Position(usize),
}

/// True if `p` contains one of `^$*+?.([%-`, i.e. `string.find` must use the
/// pattern matcher rather than a plain substring search.
pub fn has_specials(p: &[u8]) -> bool {
    p.iter().any(|c| b"^$*+?.([%-".contains(c))
}

/// Plain substring search from `init` (0-based).  Returns the start offset.
pub fn find_plain(s: &[u8], p: &[u8], init: usize) -> Option<usize> {
    if init > s.len() {
        return None;
    }
    if p.is_empty() {
        return Some(init);
    }
    let hay = &s[init..];
    if p.len() > hay.len() {
        return None;
    }
    let first = p[0];
    let last_start = hay.len() - p.len();
    let mut i = 0;
    while i <= last_start {
        match hay[i..=last_start].iter().position(|&c| c == first) {
            None => return None,
            Some(off) => {
                i += off;
                if &hay[i..i + p.len()] == p {
                    return Some(init + i);
                }
                i += 1;
            }
        }
    }
    None
}

/// Searches `s` for pattern `p` starting at byte `init` (0-based, may equal
/// `s.len()`).  A leading `^` anchors the match when `anchor_ok` (true for
/// find/match/gsub; gmatch treats `^` literally).  Returns the match start,
/// exclusive end and its captures (empty if the pattern has none).
pub fn find(
    s: &[u8],
    p: &[u8],
    init: usize,
    anchor_ok: bool,
) -> Result<Option<(usize, usize, Vec<Capture>)>, String> {
    let (anchor, p) = split_anchor(p, anchor_ok);
    let lit = if anchor { None } else { first_literal(p) };
    let mut ms = MatchState::new(s, p);
    let mut start = init;
    loop {
        start = next_candidate(s, start, lit);
        if start > s.len() {
            return Ok(None);
        }
        if let Some(end) = ms.match_at(start, 0)? {
            return Ok(Some((start, end, ms.captures())));
        }
        start += 1;
        if anchor {
            return Ok(None);
        }
    }
}

/// A gmatch step: match start, end, captures, next search position.
pub type GmatchStep = (usize, usize, Vec<Capture>, usize);

/// One step of `string.gmatch`: searches from `pos`, returns the match
/// start, end, captures and the position for the next step (an empty match
/// advances by one).  `^` is not an anchor in gmatch.
pub fn gmatch_next(s: &[u8], p: &[u8], pos: usize) -> Result<Option<GmatchStep>, String> {
    let p = split_anchor(p, false).1;
    let lit = first_literal(p);
    let mut ms = MatchState::new(s, p);
    let mut src = pos;
    loop {
        src = next_candidate(s, src, lit);
        if src > s.len() {
            break;
        }
        if let Some(e) = ms.match_at(src, 0)? {
            let next = if e == src { e + 1 } else { e };
            return Ok(Some((src, e, ms.captures(), next)));
        }
        src += 1;
    }
    Ok(None)
}

/// Why a `gsub` stopped: a pattern error or an error from the replacement.
#[derive(Debug, PartialEq, Eq)]
pub enum GsubError<E> {
    Pattern(String),
    Replace(E),
}

/// `string.gsub` driver.  For each match (at most `max_n`), `add_value`
/// appends the replacement for subject range `start..end` with `captures`
/// to `out` (it may append the original text to keep it).  Returns the
/// number of matches.
pub fn gsub<E, S: ByteSink + ?Sized>(
    s: &[u8],
    p: &[u8],
    max_n: usize,
    out: &mut S,
    mut add_value: impl FnMut(&mut S, usize, usize, &[Capture]) -> Result<(), E>,
) -> Result<usize, GsubError<E>> {
    let (anchor, p) = split_anchor(p, true);
    let lit = if anchor { None } else { first_literal(p) };
    let mut ms = MatchState::new(s, p);
    let mut src = 0;
    let mut n = 0;
    while n < max_n {
        if lit.is_some() {
            let next = next_candidate(s, src, lit).min(s.len());
            out.extend_from_slice(&s[src..next]);
            src = next;
        }
        let e = ms.match_at(src, 0).map_err(GsubError::Pattern)?;
        if let Some(e) = e {
            n += 1;
            let caps = ms.captures();
            add_value(out, src, e, &caps).map_err(GsubError::Replace)?;
        }
        match e {
            Some(e) if e > src => src = e,
            _ if src < s.len() => {
                out.push(s[src]);
                src += 1;
            }
            _ => break,
        }
        if anchor {
            break;
        }
    }
    out.extend_from_slice(&s[src..]);
    Ok(n)
}

/// The value of capture `i` (0-based) for a match of `s[start..end]`: with
/// no captures, index 0 is the whole match.  Errors as LuaJIT does.
pub fn capture_value<'a>(
    s: &'a [u8],
    start: usize,
    end: usize,
    caps: &[Capture],
    i: usize,
) -> Result<CaptureValue<'a>, String> {
    if i >= caps.len() {
        if i == 0 {
            return Ok(CaptureValue::Str(&s[start..end]));
        }
        return Err("invalid capture index".to_string());
    }
    match caps[i] {
        Capture::Range(a, b) => Ok(CaptureValue::Str(&s[a..b])),
        Capture::Position(a) => Ok(CaptureValue::Position(a + 1)),
        Capture::Unfinished(_) => Err("unfinished capture".to_string()),
    }
}

/// Expands a `gsub` replacement string for the match `s[start..end]`:
/// `%0`–`%9` insert captures (`%1` is the whole match when there are no
/// captures), `%` followed by any other byte inserts that byte, and a
/// trailing `%` inserts a NUL byte (the reference reads the terminator).
pub fn expand_replacement(
    repl: &[u8],
    s: &[u8],
    start: usize,
    end: usize,
    caps: &[Capture],
    out: &mut (impl ByteSink + ?Sized),
) -> Result<(), String> {
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        i += 1;
        if c != ESC {
            out.push(c);
            continue;
        }
        let d = repl.get(i).copied().unwrap_or(0);
        i += 1;
        if !d.is_ascii_digit() {
            out.push(d);
        } else if d == b'0' {
            out.extend_from_slice(&s[start..end]);
        } else {
            match capture_value(s, start, end, caps, (d - b'1') as usize)? {
                CaptureValue::Str(v) => out.extend_from_slice(v),
                CaptureValue::Position(pos) => crate::numfmt::push_u64(pos as u64, out),
            }
        }
    }
    Ok(())
}

/// If every match must start with one particular byte (the pattern begins
/// with a plain character that is not optional), that byte.  Positions
/// holding another byte fail at once in the matcher, with no error and no
/// recursion, so searches may skip them.
fn first_literal(p: &[u8]) -> Option<u8> {
    let c = *p.first()?;
    if b"()%.[$".contains(&c) || matches!(p.get(1), Some(b'*' | b'?' | b'-')) {
        return None;
    }
    Some(c)
}

/// The first position from `from` where a match may start: with a known
/// first byte, its next occurrence (or `s.len() + 1` if there is none).
fn next_candidate(s: &[u8], from: usize, lit: Option<u8>) -> usize {
    match lit {
        Some(c) if from <= s.len() => match s[from..].iter().position(|&b| b == c) {
            Some(k) => from + k,
            None => s.len() + 1,
        },
        _ => from,
    }
}

/// Splits a leading `^` off when it is an anchor, and cuts the pattern at
/// its first NUL byte (the reference matcher stops there).
fn split_anchor(p: &[u8], anchor_ok: bool) -> (bool, &[u8]) {
    let p = match p.iter().position(|&c| c == 0) {
        Some(z) => &p[..z],
        None => p,
    };
    if anchor_ok && p.first() == Some(&b'^') {
        (true, &p[1..])
    } else {
        (false, p)
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Open,
    Position,
    Closed(usize),
}

/// State of one match attempt: the subject, the pattern (already cut at
/// NUL) and the capture stack.
pub struct MatchState<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    level: usize,
    depth: u32,
    cap_start: [usize; MAX_CAPTURES],
    cap_kind: [Slot; MAX_CAPTURES],
}

impl<'a> MatchState<'a> {
    /// `pat` must not contain the anchor (see [`find`]); bytes after a NUL
    /// are ignored.
    pub fn new(src: &'a [u8], pat: &'a [u8]) -> Self {
        let pat = match pat.iter().position(|&c| c == 0) {
            Some(z) => &pat[..z],
            None => pat,
        };
        MatchState {
            src,
            pat,
            level: 0,
            depth: 0,
            cap_start: [0; MAX_CAPTURES],
            cap_kind: [Slot::Open; MAX_CAPTURES],
        }
    }

    /// Tries to match the whole pattern at subject offset `s`; returns the
    /// end of the match.  Resets the captures first.
    pub fn match_at(&mut self, s: usize, p: usize) -> Result<Option<usize>, String> {
        self.level = 0;
        self.depth = 0;
        self.do_match(s, p)
    }

    /// Captures of the last successful match.
    pub fn captures(&self) -> Vec<Capture> {
        (0..self.level)
            .map(|i| match self.cap_kind[i] {
                Slot::Open => Capture::Unfinished(self.cap_start[i]),
                Slot::Position => Capture::Position(self.cap_start[i]),
                Slot::Closed(len) => Capture::Range(self.cap_start[i], self.cap_start[i] + len),
            })
            .collect()
    }

    /// Pattern byte at `i`, or 0 past the end (C string terminator).
    #[inline]
    fn pc(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    /// Subject byte at `i`, or 0 past the end (C string terminator).
    #[inline]
    fn sc(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn do_match(&mut self, s: usize, p: usize) -> Result<Option<usize>, String> {
        self.depth += 1;
        if self.depth > MAX_MATCH_DEPTH {
            return Err("pattern too complex".to_string());
        }
        let r = self.match_body(s, p);
        self.depth -= 1;
        r
    }

    fn match_body(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, String> {
        loop {
            match self.pc(p) {
                b'(' => {
                    return if self.pc(p + 1) == b')' {
                        self.start_capture(s, p + 2, true)
                    } else {
                        self.start_capture(s, p + 1, false)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                0 => return Ok(Some(s)),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok(if s == self.src.len() { Some(s) } else { None });
                }
                ESC if self.pc(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                ESC if self.pc(p + 1) == b'f' => {
                    p += 2;
                    if self.pc(p) != b'[' {
                        return Err("missing '[' after '%f' in pattern".to_string());
                    }
                    let ep = self.class_end(p)?;
                    let prev = if s == 0 { 0 } else { self.src[s - 1] };
                    let cur = self.sc(s);
                    if self.match_bracket(prev, p, ep - 1) || !self.match_bracket(cur, p, ep - 1) {
                        return Ok(None);
                    }
                    p = ep;
                    continue;
                }
                ESC if self.pc(p + 1).is_ascii_digit() => {
                    match self.match_backref(s, self.pc(p + 1))? {
                        Some(e) => {
                            s = e;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let m = s < self.src.len() && self.single_match(self.src[s], p, ep);
                    match self.pc(ep) {
                        b'?' => {
                            if m {
                                if let Some(r) = self.do_match(s + 1, ep + 1)? {
                                    return Ok(Some(r));
                                }
                            }
                            p = ep + 1;
                            continue;
                        }
                        b'*' => return self.max_expand(s, p, ep),
                        b'+' => {
                            return if m {
                                self.max_expand(s + 1, p, ep)
                            } else {
                                Ok(None)
                            };
                        }
                        b'-' => return self.min_expand(s, p, ep),
                        _ => {
                            if !m {
                                return Ok(None);
                            }
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        }
    }

    /// Index just past the single-character class starting at `p`.
    fn class_end(&self, mut p: usize) -> Result<usize, String> {
        let c = self.pc(p);
        p += 1;
        if c == ESC {
            if p >= self.pat.len() {
                return Err("malformed pattern (ends with '%')".to_string());
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if self.pc(p) == b'^' {
                p += 1;
            }
            // The first byte after '[' (or '[^') is always a member, so
            // "[]]" is a set containing ']'.
            loop {
                if p >= self.pat.len() {
                    return Err("malformed pattern (missing ']')".to_string());
                }
                let c = self.pat[p];
                p += 1;
                if c == ESC && p < self.pat.len() {
                    p += 1;
                }
                if self.pc(p) == b']' {
                    return Ok(p + 1);
                }
            }
        }
        Ok(p)
    }

    fn single_match(&self, c: u8, p: usize, ep: usize) -> bool {
        match self.pat[p] {
            b'.' => true,
            ESC => match_class(c, self.pat[p + 1]),
            b'[' => self.match_bracket(c, p, ep - 1),
            pc => pc == c,
        }
    }

    /// Matches `c` against the set `pat[p..=ec]` (`p` at '[', `ec` at ']').
    fn match_bracket(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.pc(p + 1) == b'^' {
            sig = false;
            p += 1;
        }
        p += 1;
        while p < ec {
            let pc = self.pat[p];
            if pc == ESC {
                p += 1;
                if match_class(c, self.pc(p)) {
                    return sig;
                }
            } else if self.pc(p + 1) == b'-' && p + 2 < ec {
                if pc <= c && c <= self.pat[p + 2] {
                    return sig;
                }
                p += 2;
            } else if pc == c {
                return sig;
            }
            p += 1;
        }
        !sig
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, String> {
        let mut i = 0;
        while s + i < self.src.len() && self.single_match(self.src[s + i], p, ep) {
            i += 1;
        }
        loop {
            if let Some(r) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(r));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> Result<Option<usize>, String> {
        loop {
            if let Some(r) = self.do_match(s, ep + 1)? {
                return Ok(Some(r));
            }
            if s < self.src.len() && self.single_match(self.src[s], p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        position: bool,
    ) -> Result<Option<usize>, String> {
        let level = self.level;
        if level >= MAX_CAPTURES {
            return Err("too many captures".to_string());
        }
        self.cap_start[level] = s;
        self.cap_kind[level] = if position { Slot::Position } else { Slot::Open };
        self.level = level + 1;
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.level -= 1;
        }
        Ok(r)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, String> {
        let l = (0..self.level)
            .rev()
            .find(|&i| matches!(self.cap_kind[i], Slot::Open))
            .ok_or_else(|| "invalid pattern capture".to_string())?;
        self.cap_kind[l] = Slot::Closed(s - self.cap_start[l]);
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.cap_kind[l] = Slot::Open;
        }
        Ok(r)
    }

    fn match_balance(&self, s: usize, p: usize) -> Result<Option<usize>, String> {
        if p + 1 >= self.pat.len() {
            return Err("unbalanced pattern".to_string());
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        if s >= self.src.len() || self.src[s] != open {
            return Ok(None);
        }
        let mut depth = 1;
        let mut i = s + 1;
        while i < self.src.len() {
            let c = self.src[i];
            if c == close {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == open {
                depth += 1;
            }
            i += 1;
        }
        Ok(None)
    }

    fn match_backref(&self, s: usize, digit: u8) -> Result<Option<usize>, String> {
        let l = digit as i32 - b'1' as i32;
        if l < 0 || l as usize >= self.level || matches!(self.cap_kind[l as usize], Slot::Open) {
            return Err("invalid capture index".to_string());
        }
        let l = l as usize;
        // A position capture has no length and never matches.
        let Slot::Closed(len) = self.cap_kind[l] else {
            return Ok(None);
        };
        let start = self.cap_start[l];
        if self.src.len() - s >= len && self.src[start..start + len] == self.src[s..s + len] {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }
}

/// `%x`-style class test in the C locale; an upper-case class letter is the
/// complement; any other byte matches itself.
fn match_class(c: u8, cl: u8) -> bool {
    let res = match cl.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c < 32 || c == 127,
        b'd' => c.is_ascii_digit(),
        b'g' => (33..=126).contains(&c),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => c == b' ' || (9..=13).contains(&c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return cl == c,
    };
    if cl.is_ascii_uppercase() {
        !res
    } else {
        res
    }
}

#[cfg(test)]
#[allow(clippy::approx_constant, clippy::excessive_precision)]
mod tests {
    use super::*;

    /// string.match-like result: captures (or whole match) as strings,
    /// position captures as numbers.
    fn m(s: &str, p: &str) -> Result<Option<Vec<String>>, String> {
        m_at(s.as_bytes(), p.as_bytes(), 0)
    }

    fn m_at(s: &[u8], p: &[u8], init: usize) -> Result<Option<Vec<String>>, String> {
        Ok(find(s, p, init, true)?.map(|(a, b, caps)| {
            let n = caps.len().max(1);
            (0..n)
                .map(|i| match capture_value(s, a, b, &caps, i) {
                    Ok(CaptureValue::Str(v)) => String::from_utf8_lossy(v).into_owned(),
                    Ok(CaptureValue::Position(p)) => p.to_string(),
                    Err(e) => format!("ERR:{}", e),
                })
                .collect()
        }))
    }

    fn one(s: &str, p: &str) -> Option<String> {
        m(s, p).unwrap().map(|v| v.join("|"))
    }

    fn f(s: &str, p: &str) -> Option<(usize, usize)> {
        find(s.as_bytes(), p.as_bytes(), 0, true)
            .unwrap()
            .map(|(a, b, _)| (a + 1, b))
    }

    fn err(s: &str, p: &str) -> String {
        find(s.as_bytes(), p.as_bytes(), 0, true).unwrap_err()
    }

    fn gsub_str(s: &str, p: &str, r: &str, max: usize) -> Result<(String, usize), String> {
        let mut out = Vec::new();
        let n = gsub(
            s.as_bytes(),
            p.as_bytes(),
            max,
            &mut out,
            |out, a, b, caps| expand_replacement(r.as_bytes(), s.as_bytes(), a, b, caps, out),
        )
        .map_err(|e| match e {
            GsubError::Pattern(e) | GsubError::Replace(e) => e,
        })?;
        Ok((String::from_utf8_lossy(&out).into_owned(), n))
    }

    fn gmatch_all(s: &str, p: &str) -> Vec<String> {
        let mut pos = 0;
        let mut r = Vec::new();
        while pos <= s.len() {
            match gmatch_next(s.as_bytes(), p.as_bytes(), pos).unwrap() {
                None => break,
                Some((a, b, caps, next)) => {
                    let n = caps.len().max(1);
                    let v: Vec<String> = (0..n)
                        .map(
                            |i| match capture_value(s.as_bytes(), a, b, &caps, i).unwrap() {
                                CaptureValue::Str(v) => String::from_utf8_lossy(v).into_owned(),
                                CaptureValue::Position(p) => p.to_string(),
                            },
                        )
                        .collect();
                    r.push(v.join(":"));
                    pos = next;
                }
            }
        }
        r
    }

    #[test]
    fn errors_match_reference() {
        assert_eq!(err("abc", "%"), "malformed pattern (ends with '%')");
        assert_eq!(err("abc", "[a"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "["), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "[]"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "[^]"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "[%"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "[a-"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "[\0]"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "%1"), "invalid capture index");
        assert_eq!(err("abc", "(a)%2"), "invalid capture index");
        assert_eq!(err("abc", "%0"), "invalid capture index");
        assert_eq!(err("aa", "(a%1)"), "invalid capture index");
        assert_eq!(err("abc", "a)"), "invalid pattern capture");
        assert_eq!(err("abc", ")"), "invalid pattern capture");
        assert_eq!(err("abc", "%f"), "missing '[' after '%f' in pattern");
        assert_eq!(err("abc", "%fa"), "missing '[' after '%f' in pattern");
        assert_eq!(err("abc", "%b"), "unbalanced pattern");
        assert_eq!(err("abc", "%ba"), "unbalanced pattern");
        let a40 = "a".repeat(40);
        assert_eq!(err(&a40, &"(a)".repeat(33)), "too many captures");
        assert_eq!(err("abc", &"(".repeat(100)), "too many captures");
        // 33 captures are only a problem once the matcher gets that far.
        assert_eq!(m("abc", &"(a)".repeat(33)), Ok(None));
        let caps = m(&a40, &"(a)".repeat(32)).unwrap().unwrap();
        assert_eq!(caps.len(), 32);
        // Unfinished captures error only when their value is used.
        assert_eq!(
            one("abc", "(()"),
            Some("ERR:unfinished capture|1".to_string())
        );
    }

    #[test]
    fn recursion_limit_matches_reference() {
        for (n, ok) in [(100, true), (199, true), (200, false), (1000, false)] {
            let s = "a".repeat(n);
            let r = find(s.as_bytes(), "a?".repeat(n).as_bytes(), 0, true);
            assert_eq!(r.is_ok(), ok, "a? x{}", n);
            let r = find(s.as_bytes(), "a*".repeat(n).as_bytes(), 0, true);
            assert_eq!(r.is_ok(), ok, "a* x{}", n);
            let r = find(s.as_bytes(), ("a-".repeat(n) + "$").as_bytes(), 0, true);
            assert_eq!(r.is_ok(), ok, "a- x{}", n);
            if !ok {
                assert_eq!(r.unwrap_err(), "pattern too complex");
            }
            // Plain items loop without recursing.
            let r = find(s.as_bytes(), (s.clone() + "$").as_bytes(), 0, true);
            assert_eq!(r, Ok(Some((0, n, vec![]))));
        }
        // Depth accounting with captures and expansions (first failing k
        // as measured on the reference).
        let first_fail = |s: &str, prefix: &str, item: &str, suffix: &str| {
            (1..300).find(|&k| {
                let p = format!("{}{}{}", prefix, item.repeat(k), suffix);
                find(s.as_bytes(), p.as_bytes(), 0, true).is_err()
            })
        };
        let a400 = "a".repeat(400);
        let ab400 = "ab".repeat(400);
        assert_eq!(first_fail(&a400, &"(a?)".repeat(31), "a?", ""), Some(107));
        assert_eq!(first_fail(&a400, &"()a-".repeat(20), "a*", ""), Some(160));
        assert_eq!(first_fail(&ab400, "", "%f[a]a?b", "$"), Some(200));
        let s = "a".repeat(300000);
        assert_eq!(
            find(s.as_bytes(), "a?".repeat(300000).as_bytes(), 0, true).unwrap_err(),
            "pattern too complex"
        );
        // A long scan with a failing tail is fine.
        let s = "a".repeat(10000);
        assert_eq!(f(&s, ".-b"), None);
    }

    #[test]
    fn matching_matches_reference() {
        assert_eq!(f("hello world", "o w"), Some((5, 7)));
        assert_eq!(f("hello", "l+"), Some((3, 4)));
        assert_eq!(one("hello", "()ll()"), Some("3|5".into()));
        assert_eq!(m("aaa", "(a)%1").unwrap(), Some(vec!["a".to_string()]));
        assert_eq!(f("aaa", "(a)%1"), Some((1, 2)));
        assert_eq!(f("aaa", "()%1"), None);
        assert_eq!(one("x", "[]]"), None);
        assert_eq!(one("]", "[]]"), Some("]".into()));
        assert_eq!(one("^", "[^^]"), None);
        assert_eq!(one("a-", "[a-]+"), Some("a-".into()));
        assert_eq!(one("-", "[%-]"), Some("-".into()));
        assert_eq!(one("f", "[a-z-]"), Some("f".into()));
        assert_eq!(one("THE (quick) fox", "%((%a+)%)"), Some("quick".into()));
        assert_eq!(one("  x  ", "^%s*(.-)%s*$"), Some("x".into()));
        assert_eq!(one("\u{80}", "%a"), None);
        assert_eq!(one("é", "%w+"), None);
        assert_eq!(
            one("\t\n\x0b\x0c\r x", "%s+"),
            Some("\t\n\x0b\x0c\r ".into())
        );
        assert_eq!(one("\x7f", "%c"), Some("\x7f".into()));
        assert_eq!(one("abc", "%g"), Some("a".into()));
        assert_eq!(one("a b", "%G"), Some(" ".into()));
        assert_eq!(one("a.b", "%."), Some(".".into()));
        assert_eq!(one("aXb", "%X+"), Some("X".into()));
        assert_eq!(
            one("key = value", "(%w+)%s*=%s*(%w+)"),
            Some("key|value".into())
        );
        assert_eq!(one("f(a(b)c)d", "%b()"), Some("(a(b)c)".into()));
        assert_eq!(one("f(a(b c)d", "%b()"), Some("(b c)".into()));
        assert_eq!(one("f(a(bc d", "%b()"), None);
        assert_eq!(
            one("THE (quick) fox", "%f[%a]%a+%f[%A]"),
            Some("THE".into())
        );
        assert_eq!(one("hello", "%f[%l]"), Some("".into()));
        assert_eq!(one("ab", "b%f[%z]"), Some("b".into()));
        assert_eq!(one("ab", "%f[%z]"), Some("".into()));
        assert_eq!(one("abc", "^b"), None);
        assert_eq!(one("abc", "c$"), Some("c".into()));
        assert_eq!(one("a$c", "$c"), Some("$c".into()));
        assert_eq!(one("abc", "b$"), None);
        assert_eq!(one("aaab", "a-b"), Some("aaab".into()));
        assert_eq!(one("aaab", "^a-$"), None);
        assert_eq!(one("x = 10", "(%d+)"), Some("10".into()));
        assert_eq!(one("0x1F", "%x+$"), Some("1F".into()));
        assert_eq!(one("[[x]]", "%[(.-)%]"), Some("[x".into()));
        assert_eq!(
            one("date: 2024-01-15", "(%d+)-(%d+)-(%d+)"),
            Some("2024|01|15".into())
        );
    }

    #[test]
    fn nul_bytes_match_reference() {
        // A NUL in the pattern ends it; the subject may hold NULs.
        assert_eq!(
            m_at(b"abc", b"a\0z", 0).unwrap(),
            Some(vec!["a".to_string()])
        );
        assert_eq!(
            m_at(b"xa\0b", b".\0", 0).unwrap(),
            Some(vec!["x".to_string()])
        );
        assert_eq!(
            m_at(b"a\0b", b"%z", 0).unwrap(),
            Some(vec!["\0".to_string()])
        );
        assert_eq!(
            m_at(b"a\0b", b"[%z]", 0).unwrap(),
            Some(vec!["\0".to_string()])
        );
        assert_eq!(
            find(b"abc", b"a\0.", 0, true).unwrap().map(|r| (r.0, r.1)),
            Some((0, 1))
        );
        assert!(!has_specials(b"a\0z"));
        assert!(has_specials(b"a\0."));
        assert!(!has_specials(b"a)"));
        assert!(has_specials(b"a("));
        assert_eq!(find_plain(b"a\0b", b"\0b", 0), Some(1));
        assert_eq!(find_plain(b"abc", b"a\0z", 0), None);
        assert_eq!(find_plain(b"abc", b"", 3), Some(3));
        assert_eq!(find_plain(b"abc", b"", 4), None);
        assert_eq!(find_plain(b"abcabc", b"bc", 2), Some(4));
    }

    #[test]
    fn find_init_matches_reference() {
        assert_eq!(
            find(b"abc", b"", 3, true).unwrap().map(|r| (r.0, r.1)),
            Some((3, 3))
        );
        assert_eq!(find(b"abc", b"b", 3, true).unwrap(), None);
        assert_eq!(find(b"abc", b"", 4, true).unwrap(), None);
        assert_eq!(
            find(b"abcabc", b"^b", 1, true).unwrap().map(|r| (r.0, r.1)),
            Some((1, 2))
        );
        assert_eq!(find(b"abcabc", b"^c", 1, true).unwrap(), None);
    }

    #[test]
    fn gsub_matches_reference() {
        assert_eq!(
            gsub_str("abc", "a", "%2", usize::MAX),
            Err("invalid capture index".into())
        );
        assert_eq!(
            gsub_str("abc", "a", "%x", usize::MAX),
            Ok(("xbc".into(), 1))
        );
        assert_eq!(
            gsub_str("abc", "a", "%", usize::MAX),
            Ok(("\0bc".into(), 1))
        );
        assert_eq!(
            gsub_str("abc", "(a)", "%1%0%%", usize::MAX),
            Ok(("aa%bc".into(), 1))
        );
        assert_eq!(
            gsub_str("^a^a", "^a", "x", usize::MAX),
            Ok(("^a^a".into(), 0))
        );
        assert_eq!(
            gsub_str("abc", "(b", "x", usize::MAX),
            Ok(("axc".into(), 1))
        );
        assert_eq!(
            gsub_str("abc", "(b", "%0", usize::MAX),
            Ok(("abc".into(), 1))
        );
        assert_eq!(
            gsub_str("abc", "(b", "%1", usize::MAX),
            Err("unfinished capture".into())
        );
        assert_eq!(
            gsub_str("hello world", "%w+", "%0 %0", usize::MAX),
            Ok(("hello hello world world".into(), 2))
        );
        assert_eq!(
            gsub_str("abc", "", "-", usize::MAX),
            Ok(("-a-b-c-".into(), 4))
        );
        assert_eq!(
            gsub_str("abc", ".-", "-", usize::MAX),
            Ok(("-a-b-c-".into(), 4))
        );
        assert_eq!(
            gsub_str("abc", "b*", "-", usize::MAX),
            Ok(("-a--c-".into(), 4))
        );
        assert_eq!(gsub_str("hello", "", "x", 2), Ok(("xhxello".into(), 2)));
        assert_eq!(
            gsub_str("abc", "%w", "%1%1", usize::MAX),
            Ok(("aabbcc".into(), 3))
        );
        assert_eq!(
            gsub_str("hello", "()l", "%1", usize::MAX),
            Ok(("he34o".into(), 2))
        );
        assert_eq!(
            gsub_str("abc", "^", ">", usize::MAX),
            Ok((">abc".into(), 1))
        );
        assert_eq!(
            gsub_str("abc", "$", "<", usize::MAX),
            Ok(("abc<".into(), 1))
        );
        assert_eq!(gsub_str("a b c", " ", "", 0), Ok(("a b c".into(), 0)));
        // Patterns starting with a literal (the search skips ahead).
        assert_eq!(
            gsub_str("hello world", "o", "0", usize::MAX),
            Ok(("hell0 w0rld".into(), 2))
        );
        assert_eq!(
            gsub_str("hello world", "o", "0", 1),
            Ok(("hell0 world".into(), 1))
        );
        assert_eq!(
            gsub_str("abc", "x+", "y", usize::MAX),
            Ok(("abc".into(), 0))
        );
        assert_eq!(
            gsub_str("aXbXXc", "X+", "-", usize::MAX),
            Ok(("a-b-c".into(), 2))
        );
        assert_eq!(
            gsub_str("abab", "b%", "-", usize::MAX),
            Err("malformed pattern (ends with '%')".into())
        );
        assert_eq!(
            gsub_str("aaaa", "b%", "-", usize::MAX),
            Ok(("aaaa".into(), 0))
        );
        assert_eq!(
            gsub_str("x=1, y=2", "=(%d)", "<%1>", usize::MAX),
            Ok(("x<1>, y<2>".into(), 2))
        );
    }

    #[test]
    fn gmatch_matches_reference() {
        assert_eq!(gmatch_all("abc", "b*"), vec!["", "b", "", ""]);
        assert_eq!(
            gmatch_all("abab", "()(b?)"),
            vec!["1:", "2:b", "3:", "4:b", "5:"]
        );
        assert_eq!(gmatch_all("^a^a", "^a"), vec!["^a", "^a"]);
        assert_eq!(
            gmatch_all("one two  three", "%a+"),
            vec!["one", "two", "three"]
        );
        assert_eq!(
            gmatch_all("k1=v1, k2=v2", "(%w+)=(%w+)"),
            vec!["k1:v1", "k2:v2"]
        );
    }
}
