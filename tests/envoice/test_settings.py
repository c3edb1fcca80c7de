"""The settings package: every variable it reads is documented in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
LISTED = re.compile(r"\b([A-Z][A-Z0-9_]*)=")


def test_env_example_lists_every_variable_the_settings_read():
    read = {
        name
        for path in (ROOT / "envoice" / "settings").glob("*.py")
        for name in READ.findall(path.read_text())
    }
    listed = set(LISTED.findall((ROOT / ".env.example").read_text()))
    assert len(read) > 30  # the pattern still matches how the settings read variables
    assert read - listed == set()
