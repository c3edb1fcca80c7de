"""Shared helpers for the extraction-engine tests: the labelled eval set lives outside the repo."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "eval" / "dev"


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not DEV.is_dir():
        pytest.skip("eval dev set (../shared/eval/dev) not available")
    return DEV


@pytest.fixture(scope="session")
def scorer(dev_dir: Path):
    """The eval scorer module, so tests compare values exactly as the benchmark does."""
    spec = importlib.util.spec_from_file_location("eval_score", dev_dir.parent / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def load_doc(dev_dir: Path):
    def _load(name: str) -> tuple[bytes, dict]:
        doc = dev_dir / name
        if not doc.exists():
            pytest.skip(f"{name} not in the eval set")
        label = json.loads(doc.with_suffix(".json").read_text())
        return doc.read_bytes(), label["fields"]

    return _load
