"""Reading bench/manifest.json: the benchmark list, sizes and expected checksums."""
import json
import os

from . import BENCH_DIR, MANIFEST_PATH

# The sizes every benchmark has: the timed run, the self-test, the warm-up kernel.
SIZE_KINDS = ("default", "quick", "warmup")


class Benchmark:
    def __init__(self, name, entry):
        self.name = name
        self.file = entry["file"]
        self.path = os.path.join(BENCH_DIR, self.file)
        self.requires = list(entry.get("requires", []))
        self.sizes = {kind: entry[kind + "_size"] for kind in SIZE_KINDS}
        self.checksums = {kind: entry.get(kind + "_checksum") for kind in SIZE_KINDS}
        self.description = entry.get("description", "")

    def size(self, kind):
        return self.sizes[kind]

    def checksum(self, kind):
        return self.checksums[kind]


def load(path=MANIFEST_PATH):
    with open(path) as f:
        data = json.load(f)
    return data, [Benchmark(name, entry) for name, entry in data["benchmarks"].items()]


def select(benchmarks, only):
    """Filters by a comma-separated list of names; unknown names are an error."""
    if not only:
        return benchmarks
    wanted = [n.strip() for n in only.split(",") if n.strip()]
    known = {b.name: b for b in benchmarks}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SystemExit("unknown benchmark(s): %s (known: %s)"
                         % (", ".join(unknown), ", ".join(sorted(known))))
    return [known[n] for n in wanted]
