"""What each role may do. One table, read by views, the API and tests alike."""

from accounts.models import Role

ADMIN, ACCOUNTANT, APPROVER, EMPLOYEE = Role.ADMIN, Role.ACCOUNTANT, Role.APPROVER, Role.EMPLOYEE

PERMISSIONS: dict[str, set[str]] = {
    "documents.view_all": {ADMIN, ACCOUNTANT, APPROVER},
    "documents.upload": {ADMIN, ACCOUNTANT, APPROVER, EMPLOYEE},
    "documents.code": {ADMIN, ACCOUNTANT},
    "documents.record": {ADMIN, ACCOUNTANT},
    "documents.delete": {ADMIN, ACCOUNTANT},
    "documents.publish": {ADMIN, ACCOUNTANT},
    "documents.approve": {ADMIN, APPROVER, ACCOUNTANT},
    "expenses.create": {ADMIN, ACCOUNTANT, APPROVER, EMPLOYEE},
    "rules.manage": {ADMIN, ACCOUNTANT},
    "members.manage": {ADMIN},
    "settings.manage": {ADMIN},
    "approvals.manage": {ADMIN},
    "integrations.manage": {ADMIN},
    "bookkeeping.sync": {ADMIN, ACCOUNTANT},
    "contacts.edit": {ADMIN, ACCOUNTANT},
    # Four eyes: never the admin who recorded the invoice (documents.bank_accounts).
    "bank_accounts.confirm": {ADMIN},
    "dashboard.view": {ADMIN, ACCOUNTANT},
}


def role_can(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]


# What each permission lets a person do, for refusals that say what is needed.
PERMISSION_LABELS: dict[str, str] = {
    "documents.view_all": "see all of the company's documents",
    "documents.upload": "upload documents",
    "documents.code": "correct and code documents",
    "documents.record": "record documents",
    "documents.delete": "delete documents",
    "documents.publish": "publish to Scoro",
    "documents.approve": "approve",
    "expenses.create": "create expense reports",
    "rules.manage": "manage coding rules",
    "members.manage": "manage members",
    "settings.manage": "change company settings",
    "approvals.manage": "manage approval workflows",
    "integrations.manage": "manage the Scoro integration",
    "bookkeeping.sync": "sync background data",
    "contacts.edit": "edit contacts",
    "bank_accounts.confirm": "confirm a supplier's new bank account",
    "dashboard.view": "see the overview",
}


def denial_message(role: str | None, permission: str) -> str:
    """ "Correcting and coding documents needs the admin or accountant role; you are an approver." """
    allowed = sorted(PERMISSIONS[permission], key=[ADMIN, ACCOUNTANT, APPROVER, EMPLOYEE].index)
    names = [Role(r).label.lower() for r in allowed]
    needed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    you = f"; you are {'an' if str(role)[0] in 'aeiou' else 'a'} {Role(role).label.lower()}" if role else ""
    what = PERMISSION_LABELS.get(permission, permission)
    return f"To {what} you need the {needed} role{you}."
