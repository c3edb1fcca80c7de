"""What the address of a forwarded message says: the company (its secret forwarding address), the
project (`+code` after it) and, when no code is given, the sender's default project.

`<slug>-<token>+<code>@<inbound domain>`: the code is matched, ignoring case, against the number of
the company's Scoro projects (Scoro's `no`, our `Project.number`). An active project wins over a
closed one with the same number; a code that matches none is not an error — the documents are
accepted without a project and the reply says the code was not recognised.

Lists of senders (the allow-list, the link allow-list, per-sender defaults) all use one rule: an entry
with a local part matches that address only; `@domain` (or `domain`) matches every address there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare

from accounts.models import Company
from bookkeeping.models import Project
from inbound.selectors import project_by_number, sender_project_for

# What may follow the "+" and name a project: Scoro numbers are short and plain ("P-24", "1042").
CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$", re.I)
# Coding sources (document.coding_sources["project"]); the review page shows "set by <kind>: <label>"
# ("set by e-mail: address +P-24", "set by sender default: mail from @supplier.example").
# Rules may replace a sender default but never the address's project (rules.services.REPLACEABLE_KINDS).
ADDRESS_KIND = "e-mail"
SENDER_DEFAULT_KIND = "sender default"
SENDER_ENTRY = re.compile(r"^(?:[^@\s]+@|@)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)


@dataclass(frozen=True)
class Address:
    company: Company | None
    code: str  # "" when the address has no +code


@dataclass(frozen=True)
class ProjectChoice:
    project: Project | None
    source: dict | None  # the coding source recorded on each document
    note: str = ""  # for the sender's reply


def parse_address(address: str) -> Address:
    """The company whose current forwarding address this is (None for unknown or rotated ones) and the
    `+code` given with it."""
    local, _, domain = (address or "").strip().rpartition("@")
    if domain.lower() != settings.ENVOICE_INBOUND_DOMAIN.lower() or "-" not in local:
        return Address(company=None, code="")
    local, _, code = local.partition("+")
    slug, _, token = local.lower().rpartition("-")
    company = Company.objects.filter(slug=slug).first()
    if company is None or not constant_time_compare(company.inbound_token.lower(), token):
        return Address(company=None, code="")
    return Address(company=company, code=code.strip())


def split_entries(text: str) -> list[str]:
    """One address or @domain per line (commas and semicolons also separate), lower case, no blanks."""
    return [e.strip().lower() for e in re.split(r"[\n,;]+", text or "") if e.strip()]


def matches(entry: str, sender: str) -> bool:
    """`entry` (an address, `@domain` or `domain`) covers `sender`."""
    sender = (sender or "").strip().lower()
    entry = entry.strip().lower()
    if "@" in entry and not entry.startswith("@"):
        return sender == entry
    return bool(sender) and sender.rpartition("@")[2] == entry.lstrip("@")


def any_matches(entries: list[str], sender: str) -> bool:
    return any(matches(e, sender) for e in entries)


def project_for_code(company: Company, code: str) -> ProjectChoice:
    if not CODE.match(code):
        return ProjectChoice(None, None, f"The project code “{code[:60]}” in the address was not recognised.")
    project = project_by_number(company, code)
    if project is None:
        return ProjectChoice(
            None, None, f"The project code “{code}” in the address was not recognised; no project was set."
        )
    if not project.is_active:
        return ProjectChoice(
            None, None, f"Project {project} is closed in Scoro; the documents were filed without a project."
        )
    return ProjectChoice(project, {"kind": ADDRESS_KIND, "label": f"address +{code}"})


def project_for(company: Company, *, code: str, sender: str) -> ProjectChoice:
    """The project the documents of one message are filed under: the address's +code when given
    (even an unrecognised one: the sender asked for a project, a default would be a guess), else the
    sender's default."""
    if code:
        return project_for_code(company, code)
    default = sender_project_for(company, sender)
    if default is None:
        return ProjectChoice(None, None)
    return ProjectChoice(
        default.project, {"kind": SENDER_DEFAULT_KIND, "label": f"mail from {default.sender}"}
    )
