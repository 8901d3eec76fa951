"""Seeds: the workspace the sandbox starts with.

A seed is one JSON object: {"account": {...}, "oauth": {...}, "gmail": {...},
"drive": {...}, "docs": {...}, "calendar": {...}, "tasks": {...},
"people": {...}}; the README documents each section. The built-in "demo" seed
is kept as one file per section under seeds/demo/ so each stays readable.
"""
import json
from pathlib import Path

SEED_DIR = Path(__file__).parent / "seeds"


def resolve(seed) -> dict:
    """`seed` is "demo", "empty", a path to a JSON file, or an already-parsed dict."""
    if isinstance(seed, dict):
        return seed
    if seed in (None, "", "empty"):
        return {}
    if seed == "demo":
        return {path.stem: json.loads(path.read_text()) for path in sorted((SEED_DIR / "demo").glob("*.json"))}
    path = Path(seed)
    if not path.is_file():
        raise ValueError(f"Seed {seed!r} is neither 'demo', 'empty' nor a JSON file.")
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"Seed file {seed} must hold a JSON object with one key per service.")
    return data
