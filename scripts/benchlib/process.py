"""Running one process and measuring its wall time and peak resident memory.

The child is started with posix_spawn and reaped with os.wait4, whose resource
usage gives ru_maxrss (KiB on Linux) for exactly that child. Output goes to
temporary files so a chatty or hung child cannot block on a full pipe.
"""
import os
import signal
import tempfile
import threading
import time


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


def run(argv, timeout=300.0):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        env = dict(os.environ)
        try:
            start = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
        except OSError as e:
            return Result("spawn-error", 0.0, 0, "", "cannot start %s: %s" % (argv[0], e), None, None)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, wait_status, usage = os.wait4(pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    maxrss = usage.ru_maxrss
    if timed_out.is_set():
        return Result("timeout", wall, maxrss, stdout, stderr, None, signal.SIGKILL)
    if os.WIFSIGNALED(wait_status):
        return Result("signal", wall, maxrss, stdout, stderr, None, os.WTERMSIG(wait_status))
    code = os.WEXITSTATUS(wait_status)
    return Result("ok" if code == 0 else "exit", wall, maxrss, stdout, stderr, code, None)


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
