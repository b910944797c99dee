//! Mutation fuzzers for the bytecode loader (`--target bytecode`, the
//! default), for the Lua parser (`--target parser`, in parser_target.rs)
//! and for loading and running bytecode (`--target run`, in
//! run_target.rs).
//!
//! Bytecode target: seeds are the reference dumps in tests/bytecode plus
//! fuzz/corpus/ (if present) and a few synthetic ones. Each input is checked
//! for: no panic, bounded time, bounded memory (a counting allocator), and
//! for inputs that load, that the listing and `verify` do not panic and that
//! writing is idempotent (load, write, load, write gives the same bytes).
//! Failing inputs are saved to fuzz/crashes/. See README.md for the command
//! line.

// The modules under test, from the main crate (a path dependency).
use luajit::{bytecode, frontend};

mod parser_target;
mod run_target;

use bytecode::{listing, reader, writer, KGc, KNum, KTabVal, ProtoData, VarInfo};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Allocator that tracks live and peak bytes, so that an input making the
/// loader allocate far more than its size is caught.
struct CountingAlloc;

pub(crate) static LIVE: AtomicUsize = AtomicUsize::new(0);
pub(crate) static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// xorshift64* generator.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub(crate) fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const INTERESTING: [u8; 12] = [0, 1, 2, 3, 4, 5, 0x3f, 0x40, 0x7f, 0x80, 0xfe, 0xff];

fn push_uleb(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// One random byte-level change.
pub(crate) fn mutate_bytes(rng: &mut Rng, data: &mut Vec<u8>, pool: &[Vec<u8>]) {
    let len = data.len();
    match rng.below(13) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = INTERESTING[rng.below(INTERESTING.len())];
        }
        2 if len > 0 => {
            let i = rng.below(len);
            data[i] = rng.next() as u8;
        }
        3 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(16.min(len - i));
            data.drain(i..i + n);
        }
        4 => {
            let i = rng.below(len + 1);
            let n = 1 + rng.below(16);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            data.splice(i..i, bytes);
        }
        5 if len > 1 => {
            let a = rng.below(len);
            let n = 1 + rng.below((len - a).min(64));
            let chunk = data[a..a + n].to_vec();
            let at = rng.below(len + 1);
            data.splice(at..at, chunk);
        }
        6 => data.truncate(rng.below(len + 1)),
        7 if !pool.is_empty() => {
            let other = &pool[rng.below(pool.len())];
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        8 => {
            let i = rng.below(len + 1);
            let v = match rng.below(4) {
                0 => rng.next() & 0xff,
                1 => rng.next() & 0xffff,
                2 => rng.next() & 0xffff_ffff,
                _ => rng.next(),
            };
            let mut enc = Vec::new();
            push_uleb(&mut enc, v);
            let replace = rng.below(6).min(len - i);
            data.splice(i..i + replace, enc);
        }
        9 if len > 0 => {
            let i = rng.below(len);
            data[i] = if rng.chance(2) {
                data[i].wrapping_add(1)
            } else {
                data[i].wrapping_sub(1)
            };
        }
        10 => {
            let i = rng.below(len + 1);
            let n = 1 + rng.below(12);
            data.splice(i..i, std::iter::repeat(0x80u8).take(n));
        }
        11 if len > 4 => data[4] = rng.below(32) as u8,
        _ if len > 0 => {
            // Swap two bytes.
            let (a, b) = (rng.below(len), rng.below(len));
            data.swap(a, b);
        }
        _ => data.push(rng.next() as u8),
    }
}

fn random_ktab(rng: &mut Rng) -> KTabVal {
    match rng.below(6) {
        0 => KTabVal::Nil,
        1 => KTabVal::False,
        2 => KTabVal::True,
        3 => KTabVal::Int(rng.next() as i32),
        4 => KTabVal::Num(f64::from_bits(rng.next())),
        _ => KTabVal::Str((0..rng.below(50)).map(|_| rng.next() as u8).collect()),
    }
}

/// One random change to a loaded prototype (some child, or the main one),
/// for dumps that are well-formed but unusual.
pub(crate) fn mutate_proto(rng: &mut Rng, p: &mut ProtoData, depth: usize) {
    let children: Vec<usize> = p
        .kgc
        .iter()
        .enumerate()
        .filter(|(_, k)| matches!(k, KGc::Child(_)))
        .map(|(i, _)| i)
        .collect();
    if !children.is_empty() && depth < 50 && rng.chance(2) {
        let i = children[rng.below(children.len())];
        if let KGc::Child(c) = &mut p.kgc[i] {
            mutate_proto(rng, c, depth + 1);
        }
        return;
    }
    match rng.below(14) {
        0 => p.numline = [0, 255, 256, 65535, 65536, u32::MAX][rng.below(6)],
        1 => p.firstline = rng.next() as u32,
        2 if !p.bc.is_empty() => {
            let i = rng.below(p.bc.len());
            p.bc[i] = rng.next() as u32;
        }
        3 => {
            let n = rng.below(300);
            for _ in 0..n {
                p.bc.push(rng.next() as u32);
            }
            while p.lineinfo.len() < p.bc.len() && !p.lineinfo.is_empty() {
                p.lineinfo.push(rng.next() as u32);
            }
        }
        4 => p.kgc.push(KGc::Str(
            (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
        )),
        5 => {
            let array: Vec<KTabVal> = (0..rng.below(10)).map(|_| random_ktab(rng)).collect();
            let hash: Vec<(KTabVal, KTabVal)> = (0..rng.below(10))
                .map(|_| (random_ktab(rng), random_ktab(rng)))
                .collect();
            // Laid out as the loader lays it out; nil and NaN keys cannot
            // be stored.
            let hbits = luajit::table::hsize2hbits(hash.len() as u32);
            let mut t = bytecode::ktable::KTable::new(array.len() as u32, hbits);
            t.array = array;
            for (k, v) in hash {
                if k != KTabVal::Nil && !matches!(k, KTabVal::Num(n) if n.is_nan()) {
                    t.set(k, v);
                }
            }
            p.kgc.push(KGc::Table(t));
        }
        6 => p.kgc.push(match rng.below(3) {
            0 => KGc::I64(rng.next() as i64),
            1 => KGc::U64(rng.next()),
            _ => KGc::Complex(f64::from_bits(rng.next()), f64::from_bits(rng.next())),
        }),
        7 => p.knum.push(if rng.chance(2) {
            KNum::Int(rng.next() as i32)
        } else {
            KNum::Num(f64::from_bits(rng.next()))
        }),
        8 => {
            p.uv.push(rng.next() as u16);
            if !p.lineinfo.is_empty() {
                p.uvnames.push(
                    (0..rng.below(20))
                        .map(|_| 1 + rng.below(255) as u8)
                        .collect(),
                );
            }
        }
        9 if !p.lineinfo.is_empty() => p.varinfo.push(VarInfo {
            name: (0..1 + rng.below(20))
                .map(|_| 1 + rng.below(255) as u8)
                .collect(),
            startpc: rng.next() as u32,
            endpc: rng.next() as u32,
        }),
        10 => {
            let child = p.clone();
            p.kgc.push(KGc::Child(Box::new(child)));
            p.flags |= bytecode::PROTO_CHILD;
        }
        11 if !p.kgc.is_empty() => {
            let i = rng.below(p.kgc.len());
            p.kgc.remove(i);
        }
        12 => p.flags = rng.next() as u8,
        _ => {
            p.lineinfo.clear();
            p.uvnames.clear();
            p.varinfo.clear();
        }
    }
}

/// A dump with every template table rebuilt from its live entries, in a
/// fixed order and at the size they need. Dump, load and dump again
/// changes the layout of a template's hash part, in LuaJIT as here (the
/// loader stores the entries in dump order, the writer writes the nodes
/// last first), so round trips are compared on this form.
pub(crate) fn normalized_dump(p: &ProtoData, strip: bool) -> Vec<u8> {
    let mut q = p.clone();
    normalize_templates(&mut q);
    writer::dump(&q, strip)
}

fn normalize_templates(p: &mut ProtoData) {
    for k in p.kgc.iter_mut() {
        match k {
            KGc::Child(c) => normalize_templates(c),
            KGc::Table(t) => {
                let mut live: Vec<(KTabVal, KTabVal)> = t
                    .nodes
                    .iter()
                    .filter(|n| n.val != KTabVal::Nil)
                    .map(|n| (n.key.clone(), n.val.clone()))
                    .collect();
                live.sort_by_key(|(k, _)| format!("{:?}", k));
                let hbits = luajit::table::hsize2hbits(live.len() as u32);
                let mut u = bytecode::ktable::KTable::new(t.array.len() as u32, hbits);
                u.array = t.array.clone();
                for (k, v) in live {
                    u.set(k, v);
                }
                *t = u;
            }
            _ => {}
        }
    }
}

/// A chain of `depth` nested prototypes, each the only child of the next.
fn nested_dump(depth: usize) -> Vec<u8> {
    let mut out = b"\x1bLJ\x02\x0a".to_vec();
    for level in 0..depth {
        let mut body = vec![if level == 0 { 0 } else { bytecode::PROTO_CHILD }, 0, 1, 0];
        push_uleb(&mut body, (level > 0) as u64); // sizekgc
        push_uleb(&mut body, 0); // sizekn
        push_uleb(&mut body, 1); // sizebc
        body.extend_from_slice(&bytecode::ins_ad(bytecode::Op::RET0, 0, 1).to_le_bytes());
        if level > 0 {
            push_uleb(&mut body, 0); // child
        }
        push_uleb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    out.push(0);
    out
}

#[derive(Default)]
struct Stats {
    execs: u64,
    loaded: u64,
    messages: HashSet<Vec<u8>>,
    failures: u64,
}

pub(crate) fn fnv(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h
}

fn save(dir: &Path, kind: &str, data: &[u8], detail: &str) {
    save_as(dir, kind, "raw", data, detail)
}

pub(crate) fn save_as(dir: &Path, kind: &str, ext: &str, data: &[u8], detail: &str) {
    let _ = std::fs::create_dir_all(dir);
    let name = dir.join(format!("{}-{:016x}.{}", kind, fnv(data), ext));
    if !name.exists() {
        let _ = std::fs::write(&name, data);
        let _ = std::fs::write(name.with_extension("txt"), detail);
        eprintln!("FAILURE {}: {} ({})", kind, name.display(), detail);
    }
}

/// Run every check on one input; returns the loaded prototype, if any, or
/// the name of the failed check.
fn check(data: &[u8]) -> Result<Option<ProtoData>, (String, String)> {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    // The whole load path (parse and verify) under the time and memory
    // budgets; then the parse alone, for the checks on what it read.
    let verified = catch_unwind(AssertUnwindSafe(|| reader::undump(data, b"=fuzz")));
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let _load_result = verified.map_err(|e| ("panic-undump".to_string(), panic_text(&e)))?;
    let result = catch_unwind(AssertUnwindSafe(|| reader::undump_unverified(data, b"=fuzz")))
        .map_err(|e| ("panic-undump".to_string(), panic_text(&e)))?;
    if elapsed > Duration::from_secs(1) {
        return Err(("slow".to_string(), format!("{:?}", elapsed)));
    }
    let budget = 256 * data.len() + (1 << 20);
    if peak > budget {
        return Err((
            "memory".to_string(),
            format!("peak {} bytes for {} input bytes", peak, data.len()),
        ));
    }
    let Ok(p) = result else { return Ok(None) };
    catch_unwind(AssertUnwindSafe(|| {
        let _ = listing::list_bytes(&p);
    }))
    .map_err(|e| ("panic-listing".to_string(), panic_text(&e)))?;
    catch_unwind(AssertUnwindSafe(|| {
        let _ = reader::verify(&p);
    }))
    .map_err(|e| ("panic-verify".to_string(), panic_text(&e)))?;
    for strip in [false, true] {
        let once = catch_unwind(AssertUnwindSafe(|| writer::dump(&p, strip)))
            .map_err(|e| ("panic-writer".to_string(), panic_text(&e)))?;
        let again = reader::undump_unverified(&once, b"=fuzz").map_err(|e| {
            (
                "reload".to_string(),
                String::from_utf8_lossy(&e).into_owned(),
            )
        })?;
        if normalized_dump(&again, strip) != normalized_dump(&p, strip) {
            return Err(("not-idempotent".to_string(), format!("strip={}", strip)));
        }
    }
    Ok(Some(p))
}

pub(crate) fn panic_text(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

pub(crate) fn load_dir(dir: &Path, ext: &str, out: &mut Vec<Vec<u8>>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.to_string_lossy().ends_with(ext) {
                if let Ok(d) = std::fs::read(&path) {
                    out.push(d);
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--run-worker") {
        run_target::worker();
    }
    if args.get(1).map(String::as_str) == Some("--run-one") {
        run_target::run_files(&args[2..]);
    }
    let mut minutes: f64 = 20.0;
    let mut target = "bytecode".to_string();
    let mut reference: Option<String> = Some("luajit".to_string());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--minutes" => {
                minutes = args
                    .get(i + 1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(minutes)
            }
            "--seed" => seed = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(seed),
            "--target" => target = args.get(i + 1).cloned().unwrap_or_default(),
            "--reference" => reference = args.get(i + 1).cloned(),
            "--no-reference" => {
                reference = None;
                i -= 1;
            }
            other => {
                eprintln!(
                    "unknown argument {} (use --target bytecode|parser|run, --minutes N, --seed S, \
                     --reference BIN, --no-reference)",
                    other
                );
                std::process::exit(2);
            }
        }
        i += 2;
    }
    match target.as_str() {
        "bytecode" => run_bytecode(minutes, seed),
        "parser" => parser_target::run(minutes, seed, reference),
        "run" => run_target::run(minutes, seed),
        other => {
            eprintln!("unknown target {} (bytecode, parser or run)", other);
            std::process::exit(2);
        }
    }
}

fn run_bytecode(minutes: f64, seed: u64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let crashes = root.join("crashes");
    let mut seeds = Vec::new();
    load_dir(&root.join("../tests/bytecode"), ".raw", &mut seeds);
    load_dir(&root.join("corpus"), "", &mut seeds);
    load_dir(&crashes, ".raw", &mut seeds);
    for depth in [1, 2, 100, 399, 400, 401, 5000] {
        seeds.push(nested_dump(depth));
    }
    eprintln!(
        "fuzzing for {} minutes, seed {}, {} seeds",
        minutes,
        seed,
        seeds.len()
    );
    let mut rng = Rng(seed | 1);

    // Watchdog: an input that never finishes is saved as a hang.
    let current = Arc::new(Mutex::new(Vec::<u8>::new()));
    let heartbeat = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (current, heartbeat, done, crashes) = (
            current.clone(),
            heartbeat.clone(),
            done.clone(),
            crashes.clone(),
        );
        std::thread::spawn(move || {
            let mut last = u64::MAX;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(10));
                let now = heartbeat.load(Ordering::Relaxed);
                if now == last {
                    let data = current.lock().map(|d| d.clone()).unwrap_or_default();
                    save(&crashes, "hang", &data, "no progress for 10 s");
                    std::process::exit(1);
                }
                last = now;
            }
        });
    }

    std::panic::set_hook(Box::new(|_| {}));
    let mut stats = Stats::default();
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let deadline = Instant::now() + Duration::from_secs_f64(minutes * 60.0);
    let mut next_report = Instant::now() + Duration::from_secs(30);
    let started = Instant::now();
    while Instant::now() < deadline {
        for _ in 0..256 {
            let base = &pool[rng.below(pool.len())];
            let mut data = base.clone();
            if rng.chance(4) {
                if let Ok(mut p) = reader::undump_unverified(&data, b"=fuzz") {
                    for _ in 0..1 + rng.below(4) {
                        mutate_proto(&mut rng, &mut p, 0);
                    }
                    data = writer::dump(&p, rng.chance(2));
                }
            } else {
                for _ in 0..1 + rng.below(8) {
                    mutate_bytes(&mut rng, &mut data, &seeds);
                }
            }
            if let Ok(mut cur) = current.lock() {
                cur.clear();
                cur.extend_from_slice(&data);
            }
            match check(&data) {
                Ok(Some(_)) => {
                    stats.loaded += 1;
                    // Unusual inputs that still load make good bases.
                    if data.len() < 1 << 16 {
                        if pool.len() < 4000 {
                            pool.push(data);
                        } else if rng.chance(8) {
                            let i = seeds.len() + rng.below(pool.len() - seeds.len());
                            pool[i] = data;
                        }
                    }
                }
                Ok(None) => {
                    if let Err(msg) = reader::undump(&data, b"=fuzz") {
                        stats.messages.insert(msg);
                    }
                }
                Err((kind, detail)) => {
                    stats.failures += 1;
                    save(&crashes, &kind, &data, &detail);
                }
            }
            stats.execs += 1;
            heartbeat.store(stats.execs, Ordering::Relaxed);
        }
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(60);
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "{:.0}s: {} execs ({:.0}/s), {} loaded, {} distinct errors, {} failures, pool {}",
                secs,
                stats.execs,
                stats.execs as f64 / secs,
                stats.loaded,
                stats.messages.len(),
                stats.failures,
                pool.len()
            );
        }
    }
    done.store(true, Ordering::Relaxed);
    let mut msgs: Vec<String> = stats
        .messages
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect();
    msgs.sort();
    eprintln!(
        "done: {} execs in {:.0}s, {} loaded, {} failures; error messages seen: {:?}",
        stats.execs,
        started.elapsed().as_secs_f64(),
        stats.loaded,
        stats.failures,
        msgs
    );
    std::process::exit(if stats.failures > 0 { 1 } else { 0 });
}
