"""Shared helpers for scripts/bench and scripts/warmup (standard library only)."""
import os

SCRIPTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(SCRIPTS_DIR)
BENCH_DIR = os.path.join(REPO_ROOT, "bench")
MANIFEST_PATH = os.path.join(BENCH_DIR, "manifest.json")
