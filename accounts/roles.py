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
    "dashboard.view": {ADMIN, ACCOUNTANT},
}


def role_can(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]
