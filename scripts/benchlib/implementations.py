"""The implementations under comparison: ours (JIT on and -joff) and the references.

Reference names are fixed: 'luajit', 'luajit -joff', 'lua5.1', 'lua5.4'. Ratios are
taken against 'luajit -joff' (the interpreter) and 'luajit'.
"""
import os
import shutil
import subprocess

from . import REPO_ROOT

REFERENCE = "luajit -joff"
REFERENCE_JIT = "luajit"

# name -> (command, extra arguments, Debian package providing the command)
REFERENCES = [
    ("luajit", "luajit", [], "luajit"),
    ("luajit -joff", "luajit", ["-joff"], "luajit"),
    ("lua5.1", "lua5.1", [], "lua5.1"),
    ("lua5.4", "lua5.4", [], "lua5.4"),
]

DEFAULT_OURS = os.path.join(REPO_ROOT, "build", "bin", "luajit")


def which(cmd):
    """Path of a reference command: the reference luajit where
    scripts/reference.sh finds it (the one place that knows), others on PATH."""
    if cmd == "luajit":
        r = subprocess.run(["bash", os.path.join(REPO_ROOT, "scripts", "reference.sh"), "luajit"],
                           capture_output=True, text=True)
        return r.stdout.strip() or None
    return shutil.which(cmd)


class Implementation:
    def __init__(self, name, argv, is_ours):
        self.name = name
        self.argv = argv                # command prefix; the script path follows
        self.is_ours = is_ours
        self.usable = True              # False: every run is reported as FAILED
        self.note = ""                  # why it is unusable, or other remarks
        self.version = ""
        self.has_bit = True             # whether require("bit") works

    def command(self, *args):
        return self.argv + [str(a) for a in args]

    def to_json(self):
        return {"name": self.name, "argv": self.argv, "ours": self.is_ours,
                "usable": self.usable, "note": self.note, "version": self.version,
                "has_bit": self.has_bit}


def add_common_options(parser):
    parser.add_argument("--ours", default=DEFAULT_OURS,
                        help="our luajit binary (default: build/bin/luajit)")
    parser.add_argument("--impls", default="",
                        help="comma-separated subset of implementations to run, e.g. "
                             "'ours,luajit -joff,lua5.1' (default: all that exist)")
    parser.add_argument("--install-refs", action="store_true",
                        help="apt-get install missing reference interpreters (root only)")


def _install(packages, log):
    if os.geteuid() != 0:
        log("note: --install-refs needs root; not installing %s" % ", ".join(packages))
        return
    log("installing %s with apt-get ..." % ", ".join(packages))
    result = subprocess.run(["apt-get", "install", "-y"] + packages,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        log("note: apt-get install failed:\n" + result.stdout[-2000:])


def _probe(runner, impl):
    """Checks that the implementation runs at all, and whether it has `bit`."""
    r = runner.run(impl.command("-e", "io.write('probe-ok')"), timeout=30)
    if r.status != "ok" or "probe-ok" not in r.stdout:
        impl.usable = False
        impl.note = "does not run a trivial script (%s)" % (r.describe_failure() or "no output")
        return
    v = runner.run(impl.command("-v"), timeout=30)
    impl.version = (v.stdout.strip() or v.stderr.strip()).splitlines()[0] if (v.stdout.strip() or v.stderr.strip()) else ""
    b = runner.run(impl.command("-e", "local ok = pcall(require, 'bit') os.exit(ok and 0 or 3)"),
                    timeout=30)
    impl.has_bit = b.status == "ok"


def discover(runner, args, log):
    """Builds the implementation list from the options; missing references are
    installed (with --install-refs as root) or skipped with a note."""
    wanted = None
    if args.impls:
        wanted = [w.strip() for w in args.impls.split(",") if w.strip()]
    impls = []
    ours_path = os.path.abspath(args.ours) if os.sep in args.ours else (shutil.which(args.ours) or args.ours)
    for name, extra in (("ours", []), ("ours -joff", ["-joff"])):
        if wanted is not None and name not in wanted:
            continue
        impl = Implementation(name, [ours_path] + extra, True)
        if not (os.path.isfile(ours_path) and os.access(ours_path, os.X_OK)):
            impl.usable = False
            impl.note = "%s does not exist or is not executable" % ours_path
        impls.append(impl)
    refs = [r for r in REFERENCES if wanted is None or r[0] in wanted]
    missing = sorted({pkg for _, cmd, _, pkg in refs if which(cmd) is None})
    if missing and args.install_refs:
        _install(missing, log)
    for name, cmd, extra, pkg in refs:
        path = which(cmd)
        if path is None:
            hint = "" if args.install_refs else " (use --install-refs as root to install %s)" % pkg
            log("note: skipping %s: %s is not on PATH%s" % (name, cmd, hint))
            continue
        impls.append(Implementation(name, [path] + extra, False))
    if wanted is not None:
        known = {"ours", "ours -joff"} | {r[0] for r in REFERENCES}
        for w in wanted:
            if w not in known:
                raise SystemExit("unknown implementation %r (known: %s)" % (w, ", ".join(sorted(known))))
    for impl in impls:
        if impl.usable:
            _probe(runner, impl)
        if not impl.usable:
            log("note: %s will be reported as FAILED: %s" % (impl.name, impl.note))
    return impls
