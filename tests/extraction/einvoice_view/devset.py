"""The labelled dev set (../shared/eval/dev), read at run time by the e-invoice view tests; they skip when it is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[3].parent / "shared" / "eval" / "dev"


def dev_file(name: str) -> bytes:
    path = DEV / name
    if not path.exists():
        pytest.skip(f"{name} not in the dev set")
    return path.read_bytes()


def labelled(*categories: str) -> list[tuple[str, dict]]:
    """(file name, labelled fields) of every dev document of these categories."""
    if not DEV.exists():
        return []
    out = []
    for label in sorted(DEV.glob("*.json")):
        data = json.loads(label.read_text())
        if data.get("category") in categories:
            out.append((data["file"], data["fields"]))
    return out
