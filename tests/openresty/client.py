#!/usr/bin/env python3
"""Client and load generator of tests/openresty/run.

Talks to the nginx started by the runner on 127.0.0.1 and checks every
response for its exact content (see app.lua for the handlers):

  1. one request per behaviour (functional checks, each named);
  2. the worker processes map the expected libluajit (--expect-lib);
  3. a warm-up of --warmup requests, then the workers' RSS;
  4. --requests requests over --connections keep-alive connections, each
     response checked; then the RSS again, which may grow by at most
     --rss-growth-kb per worker;
  5. the shared counters: every concurrent incr returned a distinct value
     and the total equals the number of /incr requests; every timer ran;
     the workers are the ones that started (none crashed and was respawned).

Prints one line per check and closes with "N passed, M failed"; exit
status 0 iff nothing failed. Only loopback is contacted, the number of
requests is fixed and every socket has a timeout.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import zlib

HOST = "127.0.0.1"
USER_AGENT = "openresty-test-client"
SOCKET_TIMEOUT_SECONDS = 10
# Seeded so that a failure can be replayed with the same requests.
RANDOM_SEED = 12
WORD_ALPHABET = "abcdefghijklmnopqrstuvwxyzABC0123456789_"
# worker_processes in nginx.conf.in.
EXPECTED_WORKERS = 2


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok


def query(params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def word(rng, low=1, high=12):
    return "".join(rng.choice(WORD_ALPHABET) for _ in range(rng.randint(low, high)))


def expect_text(text):
    def check(status, headers, body):
        if status != 200:
            return f"status {status}, body {body[:200]!r}"
        if body != text:
            return f"expected {text!r}, got {body[:300]!r}"
        return None
    return check


def expect_json(value):
    def check(status, headers, body):
        if status != 200:
            return f"status {status}, body {body[:200]!r}"
        try:
            got = json.loads(body)
        except ValueError as e:
            return f"not JSON ({e}): {body[:200]!r}"
        if got != value:
            return f"expected {value!r}, got {got!r}"
        return None
    return check


# ---- one request description per handler: (path, checker, kind) ----------

def req_hello(rng):
    return "/hello", expect_text("hello\n"), "hello"


def req_var(rng):
    a, b = word(rng), word(rng)
    want = (f"uri=/var a={a} b={b} method=GET myvar=set-{a} "
            f"remote=127.0.0.1 ua={USER_AGENT}\n")
    plain = expect_text(want)

    def check(status, headers, body):
        err = plain(status, headers, body)
        if err is None and headers.get("X-Var") != "yes":
            err = f"header X-Var is {headers.get('X-Var')!r}"
        return err
    return f"/var?a={a}&b={b}", check, "var"


def req_args(rng):
    x1, x2, y = word(rng), word(rng), word(rng) + " " + word(rng)
    path = f"/args?x={x1}&x={x2}&{query({'y': y})}&flag"
    return path, expect_json({"x": [x1, x2], "y": y, "flag": True}), "args"


def req_json(rng):
    nums = [rng.randint(-1000, 1000) for _ in range(rng.randint(1, 8))]
    doc = {"nums": nums, "name": word(rng), "maybe": None, "deep": {"list": [1, "two", True]}}
    want = {"sum": sum(nums), "count": len(nums), "name": doc["name"].upper(),
            "empty": {}, "null_kept": True, "echo": doc}
    return "/json?" + query({"d": json.dumps(doc)}), expect_json(want), "json"


def expected_re(s):
    m = re.search(r"(\d+)-(\d+)", s, re.ASCII)
    lines = [f"{m.group(0)}|{m.group(1)}|{m.group(2)}" if m else "nomatch"]
    replaced, n = re.subn(r"[aeiou]", lambda mm: f"<{mm.group(0)}>", s)
    lines.append(f"{replaced}|{n}")
    f = re.search(r"b+", s)
    lines.append(f"{f.start() + 1}-{f.end()}" if f else "nofind")
    lines.append(str(sum(len(w) for w in re.findall(r"\w+", s, re.ASCII))))
    lines.append(re.sub(r"^(\w)", r"[\1]", s, count=1, flags=re.ASCII))
    return "\n".join(lines) + "\n"


def req_re(rng):
    parts = [word(rng) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.6:
        parts.insert(rng.randint(0, len(parts)), f"{rng.randint(0, 999)}-{rng.randint(0, 999)}")
    if rng.random() < 0.5:
        parts.append("b" * rng.randint(1, 3))
    s = " ".join(parts)
    return "/re?" + query({"s": s}), expect_text(expected_re(s)), "re"


def req_incr(rng):
    def check(status, headers, body):
        if status != 200 or not re.fullmatch(r"hits=\d+\n", body):
            return f"status {status}, body {body[:200]!r}"
        return None
    return "/incr", check, "incr"


def req_dict(rng):
    k, v, n = word(rng), word(rng), rng.randint(0, 100000)
    return f"/dict?k={k}&v={v}&n={n}", expect_text(f"{v} false {n}.5 nil\n"), "dict"


def req_timer(rng):
    tid = rng.randint(1, 10**9)
    return f"/timer?id={tid}", expect_text(f"timer {tid} {tid * 2}\n"), "timer"


def req_threads(rng):
    n = rng.randint(1, 500)
    want = (f"true {n * (n + 1) // 2} {n * (2 * n + 1)} {n + 1} 10 true:end! "
            f"1 false inside dead\n")
    return f"/threads?n={n}", expect_text(want), "threads"


def req_cosocket(rng):
    msg = word(rng, 1, 40)
    return f"/cosocket?msg={msg}", expect_text(f"upstream {msg[::-1]} {len(msg) + 1000}\n"), "cosocket"


def req_capture(rng):
    a = rng.randint(-1000, 1000)
    return f"/capture?a={a}", expect_text(f"capture 200 {a + 2} {10 + a} hello\n"), "capture"


def req_error(rng):
    kind = rng.choice(["raise", "index"])

    def check(status, headers, body):
        if status != 500 or "500 Internal Server Error" not in body:
            return f"expected the 500 page, got status {status}, body {body[:200]!r}"
        return None
    return f"/error?kind={kind}", check, "error"


def req_buffer(rng):
    n = rng.randint(1, 300)
    return (f"/buffer?n={n}",
            expect_text(f"n={n};sq:{n * n} {n * n} x 1.5 false cleared\n"), "buffer")


def req_misc(rng):
    words = [word(rng, 1, 6) + rng.choice(["", " " + word(rng, 1, 4)]) for _ in range(rng.randint(1, 4))]
    seps = [rng.choice("-,") for _ in words[1:]]
    s = words[0] + "".join(sep + w for sep, w in zip(seps, words[1:]))
    escaped = urllib.parse.quote(s, safe="-_.~")
    want = "\n".join([
        hashlib.md5(s.encode()).hexdigest(), base64.b64encode(s.encode()).decode(), s,
        escaped, s, str(zlib.crc32(s.encode())), "20", "|".join(re.split(r"[-,]", s)),
        "woken " + s, "k=" + escaped, "true", s,
    ]) + "\n"
    return "/misc?" + query({"s": s}), expect_text(want), "misc"


MIX = [req_hello, req_var, req_args, req_json, req_re, req_incr, req_incr, req_dict,
       req_timer, req_threads, req_cosocket, req_capture, req_error, req_buffer, req_misc]


class Connection:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path):
        # No retry: with keepalive_requests and keepalive_timeout above what
        # the test uses, a closed connection means something went wrong.
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=SOCKET_TIMEOUT_SECONDS)
        self.conn.request("GET", path, headers={"User-Agent": USER_AGENT})
        resp = self.conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        if resp.will_close:
            self.close()
        return resp.status, resp.headers, body

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Load:
    """Runs requests over several keep-alive connections, checking each."""

    def __init__(self, port, connections):
        self.port = port
        self.connections = connections
        self.lock = threading.Lock()
        self.failures = []
        self.counts = {}
        self.incr_values = []

    def run(self, requests):
        chunks = [requests[i::self.connections] for i in range(self.connections)]
        threads = [threading.Thread(target=self._worker, args=(chunk,)) for chunk in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def _worker(self, chunk):
        conn = Connection(self.port)
        try:
            for path, check, kind in chunk:
                try:
                    status, headers, body = conn.get(path)
                    err = check(status, headers, body)
                except Exception as e:  # a refused or broken connection is a failure
                    conn.close()
                    err, body = f"{type(e).__name__}: {e}", ""
                with self.lock:
                    self.counts[kind] = self.counts.get(kind, 0) + 1
                    if err:
                        self.failures.append(f"{path}: {err}")
                    elif kind == "incr":
                        self.incr_values.append(int(body.strip().split("=")[1]))
        finally:
            conn.close()


def worker_pids(master_pid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == master_pid:
            pids.append(int(entry))
    return sorted(pids)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def mapped_luajit(pid):
    paths = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and "libluajit" in fields[5]:
                paths.add(fields[5].strip())
    return paths


def generate(rng, count):
    return [rng.choice(MIX)(rng) for _ in range(count)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--master-pid", type=int, required=True)
    ap.add_argument("--expect-lib", help="the libluajit every nginx process must map (realpath)")
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--warmup", type=int, default=1500)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rss-growth-kb", type=int, default=2048)
    ap.add_argument("--only", help="comma-separated request kinds (hello,var,...): load only these")
    args = ap.parse_args()
    if args.only:
        kinds = args.only.split(",")
        MIX[:] = [make for make in MIX if make.__name__[len("req_"):] in kinds]

    results = Results()
    rng = random.Random(RANDOM_SEED)
    conn = Connection(args.port)

    # 1. Each behaviour once, named.
    first_counts = {}
    for make in MIX:
        path, check, kind = make(rng)
        first_counts[kind] = first_counts.get(kind, 0) + 1
        try:
            status, headers, body = conn.get(path)
            err = check(status, headers, body)
        except Exception as e:
            conn.close()
            err = f"{type(e).__name__}: {e}"
        results.check(f"{kind}: GET {path}", err is None, err or "")

    # 2. The swap happened: every nginx process maps exactly our library.
    workers = worker_pids(args.master_pid)
    results.check(f"nginx runs {len(workers)} workers", len(workers) == EXPECTED_WORKERS, f"workers {workers}")
    if args.expect_lib:
        for pid in [args.master_pid] + workers:
            mapped = mapped_luajit(pid)
            results.check(f"process {pid} maps only {args.expect_lib}", mapped == {args.expect_lib},
                          f"maps {sorted(mapped)}")
        status, _, body = conn.get("/maps")
        listed = body.splitlines()[1:] if status == 200 else []
        results.check("a handler sees our library in /proc/self/maps",
                      listed == [args.expect_lib], f"status {status}, body {body[:300]!r}")
    conn.close()

    # 3. Warm-up, then RSS.
    warm = Load(args.port, args.connections)
    warm.run(generate(rng, args.warmup))
    results.check(f"warm-up: {args.warmup} requests, all answered as expected", not warm.failures,
                  "; ".join(warm.failures[:5]) + (f" (and {len(warm.failures) - 5} more)" if len(warm.failures) > 5 else ""))
    rss_before = {}
    for pid in workers:
        try:
            rss_before[pid] = rss_kb(pid)
        except (OSError, RuntimeError) as e:
            results.check(f"worker {pid} RSS after the warm-up", False, f"worker gone: {e}")

    # 4. The load.
    start = time.monotonic()
    load = Load(args.port, args.connections)
    load.run(generate(rng, args.requests))
    elapsed = time.monotonic() - start
    results.check(f"load: {args.requests} requests over {args.connections} connections in "
                  f"{elapsed:.1f} s, all answered as expected", not load.failures,
                  "; ".join(load.failures[:5]) + (f" (and {len(load.failures) - 5} more)" if len(load.failures) > 5 else ""))
    for pid in rss_before:
        try:
            after = rss_kb(pid)
        except (OSError, RuntimeError) as e:
            results.check(f"worker {pid} RSS", False, f"worker gone: {e}")
            continue
        growth = after - rss_before[pid]
        results.check(f"worker {pid} RSS {rss_before[pid]} kB -> {after} kB "
                      f"(growth {growth} kB, bound {args.rss_growth_kb} kB)",
                      growth <= args.rss_growth_kb)

    # 5. Counters, timers, workers.
    incr_values = warm.incr_values + load.incr_values
    incr_count, timer_count = (sum(c.get(kind, 0) for c in (first_counts, warm.counts, load.counts))
                               for kind in ("incr", "timer"))
    results.check(f"{len(incr_values)} concurrent incr returned distinct values",
                  len(set(incr_values)) == len(incr_values))
    conn = Connection(args.port)
    try:
        status, _, body = conn.get("/stats")
        stats = json.loads(body) if status == 200 else {}
    except Exception as e:
        stats = {}
        body = f"{type(e).__name__}: {e}"
    conn.close()
    results.check(f"shared dict total is {incr_count} (the number of /incr requests)",
                  stats.get("hits") == incr_count, f"stats {body[:300]!r}")
    results.check(f"{timer_count} timers ran", stats.get("timers") == timer_count, f"stats {body[:300]!r}")
    results.check("the ngx.timer.every tick ran", stats.get("ticks", 0) > 0, f"stats {body[:300]!r}")
    results.check("no worker died and was replaced", worker_pids(args.master_pid) == workers,
                  f"workers before {workers}, now {worker_pids(args.master_pid)}")

    print(f"{results.passed} passed, {results.failed} failed")
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
