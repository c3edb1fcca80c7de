"""The life of a supplier's bank account as a state machine (audit/transitions.py); bookkeeping/bank_accounts.py
keeps the accounts and moves them.

An account is recorded on file (the contact's own, or the first one an invoice brings) or pending (a new one
an invoice asks to be paid to); a second admin confirms or rejects a pending one, and may still confirm a
rejected one.
"""

from __future__ import annotations

from audit.transitions import StateMachine
from bookkeeping.models import ContactBankAccount

B = ContactBankAccount.Status

BANK_ACCOUNT_MACHINE = StateMachine(
    model=ContactBankAccount,
    transitions={
        "confirm_bank_account": (frozenset({B.PENDING, B.REJECTED}), B.CONFIRMED),
        "reject_bank_account": (frozenset({B.PENDING}), B.REJECTED),
    },
    noun="bank account",
    states=B,
    touches=("updated_at",),
    initial=frozenset({B.ON_FILE, B.PENDING}),
)
