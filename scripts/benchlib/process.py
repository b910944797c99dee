"""Running one process and measuring its wall time and peak resident memory.

Processes are started through a tiny C helper (measure.c, compiled on first
use into build/bench-tools/) that forks the command, reaps it with wait4 and
reports ru_maxrss and the wall time. Going through the helper matters: a child
exec'd straight from Python inherits Python's RSS high-water mark (the kernel
keeps the peak of the address space that exec replaces), so ru_maxrss would
never read below ~20 MiB. Without a C compiler the runner falls back to
os.wait4 on a direct child and marks the memory figures as including the
runner ('rss_exact' False).

Output goes to temporary files, so a chatty or hung child cannot block on a
full pipe. On timeout the whole process group is killed.
"""
import os
import signal
import subprocess
import tempfile
import threading
import time

from . import REPO_ROOT

HELPER_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "measure.c")
HELPER_BINARY = os.path.join(REPO_ROOT, "build", "bench-tools", "measure")
REPORT_FD = 3


class Result:
    """Outcome of one process execution."""

    def __init__(self, status, wall, maxrss_kb, stdout, stderr, exit_code, signal_number):
        self.status = status            # "ok", "exit", "signal", "timeout" or "spawn-error"
        self.wall = wall                # seconds
        self.maxrss_kb = maxrss_kb
        self.stdout = stdout
        self.stderr = stderr
        self.exit_code = exit_code
        self.signal_number = signal_number

    def describe_failure(self):
        if self.status == "timeout":
            return "timed out after %.0f s" % self.wall
        if self.status == "signal":
            return "killed by signal %d" % self.signal_number
        if self.status == "exit":
            tail = self.stderr.strip().splitlines()[-1:] or ["no error output"]
            return "exit %d: %s" % (self.exit_code, tail[0][:160])
        if self.status == "spawn-error":
            return self.stderr
        return ""


def _build_helper():
    """Path of the compiled helper, or None when it cannot be built."""
    try:
        if (os.path.exists(HELPER_BINARY)
                and os.path.getmtime(HELPER_BINARY) >= os.path.getmtime(HELPER_SOURCE)):
            return HELPER_BINARY
        os.makedirs(os.path.dirname(HELPER_BINARY), exist_ok=True)
        cc = os.environ.get("CC", "cc")
        tmp = HELPER_BINARY + ".tmp%d" % os.getpid()
        r = subprocess.run([cc, "-O2", "-o", tmp, HELPER_SOURCE],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            return None
        os.replace(tmp, HELPER_BINARY)
        return HELPER_BINARY
    except OSError:
        return None


class Runner:
    def __init__(self, log=None):
        self.helper = _build_helper()
        self.rss_exact = self.helper is not None
        if not self.rss_exact and log:
            log("note: cannot compile %s; peak RSS figures include the Python runner's "
                "own memory" % HELPER_SOURCE)

    def run(self, argv, timeout=300.0):
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                tempfile.TemporaryFile() as report:
            actions = [
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
            ]
            full = list(argv)
            if self.helper:
                actions.append((os.POSIX_SPAWN_DUP2, report.fileno(), REPORT_FD))
                full = [self.helper, str(REPORT_FD)] + full
            start = time.perf_counter()
            try:
                pid = os.posix_spawnp(full[0], full, dict(os.environ), file_actions=actions,
                                      setpgroup=0)
            except OSError as e:
                return Result("spawn-error", 0.0, 0, "", "cannot start %s: %s" % (full[0], e),
                              None, None)
            timed_out = threading.Event()

            def kill():
                timed_out.set()
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, wait_status, usage = os.wait4(pid, 0)
            finally:
                timer.cancel()
            wall = time.perf_counter() - start
            stdout = _read(out)
            stderr = _read(err)
            lines = _read(report).split("\n")
        maxrss = usage.ru_maxrss
        if timed_out.is_set():
            return Result("timeout", wall, maxrss, stdout, stderr, None, signal.SIGKILL)
        if self.helper:
            fields = dict(line.split(" ", 1) for line in lines if " " in line)
            if "wall" not in fields:
                return Result("spawn-error", wall, 0, stdout, stderr or "measure helper failed",
                              None, None)
            wall = float(fields["wall"])
            maxrss = int(fields["maxrss"])
            if "signal" in fields:
                return Result("signal", wall, maxrss, stdout, stderr, None, int(fields["signal"]))
            code = int(fields["exit"])
            if code == 127 and "measure: cannot run" in stderr:
                return Result("spawn-error", wall, 0, stdout, stderr.strip(), None, None)
        else:
            if os.WIFSIGNALED(wait_status):
                return Result("signal", wall, maxrss, stdout, stderr, None,
                              os.WTERMSIG(wait_status))
            code = os.WEXITSTATUS(wait_status)
        return Result("ok" if code == 0 else "exit", wall, maxrss, stdout, stderr, code, None)


def _read(f):
    f.seek(0)
    return f.read().decode("utf-8", "replace")


def last_checksum(stdout):
    """The value of the last 'checksum ...' line of a normal benchmark run."""
    found = None
    for line in stdout.splitlines():
        if line.startswith("checksum "):
            found = line[len("checksum "):].strip()
    return found


def parse_iterations(stdout):
    """Kernel-mode lines 'iteration N SECONDS checksum VALUE' as (n, seconds, checksum)."""
    rows = []
    for line in stdout.splitlines():
        parts = line.split(None, 4)
        if len(parts) == 5 and parts[0] == "iteration" and parts[3] == "checksum":
            try:
                rows.append((int(parts[1]), float(parts[2]), parts[4].strip()))
            except ValueError:
                continue
    return rows
