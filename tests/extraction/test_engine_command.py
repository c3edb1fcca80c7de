"""The ``extract`` management command: JSON lines, errors keep going, exit status 1."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_extract_command_json(dev_dir, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing else")
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("extract", str(dev_dir / "finvgs__1.0.xml"), str(bad), "--json", stdout=out)
    assert exc.value.returncode == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    assert rows[0]["file"] == "finvgs__1.0.xml"
    assert rows[0]["fields"]["total"] == "122.00"
    assert set(rows[0]) == {"file", "fields", "confidence", "seconds"}
    assert rows[1]["file"] == "broken.pdf" and rows[1]["error"]


def test_extract_command_table(dev_dir):
    out = io.StringIO()
    call_command("extract", str(dev_dir / "peppol__examples_base-example.xml"), stdout=out)
    text = out.getvalue()
    assert "einvoice_xml" in text and "total" in text


def test_extract_command_runs_with_nothing_exported(dev_dir):
    """The contract command works on a fresh clone: no DJANGO_SECRET_KEY, no settings module set."""
    repo = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, str(repo / "manage.py"), "extract", str(dev_dir / "i2d__coolblue1.pdf"), "--json"],
        env=env,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout.strip().splitlines()[-1])
    assert row["file"] == "i2d__coolblue1.pdf"
    assert row["fields"]["total"] == "717.97"
