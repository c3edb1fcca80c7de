"""Tenant isolation over EVERY route of the URL conf (issue 10).

The routes come from walking `get_resolver()`, so a route added tomorrow is covered without anyone
remembering. For each route with an object id in its path, company A's admin asks for company B's
object (every row of B has the primary key `B_ID`, see tests/accounts/world.py) with every verb the
route might take: the answer must be 404 (or 405 for a verb the route does not take, 403 where the
role is not allowed), must never show B's data, and B's rows must be exactly as before. Routes
without parameters (lists, pages) must never list B's objects.

Routes that legitimately take no company object are allow-listed below, each with its reason.
"""

from __future__ import annotations

import warnings

import pytest
from rest_framework.authtoken.models import Token

from tests.accounts.urlwalk import Route, iter_routes
from tests.accounts.world import B_ID, MARKER, build_world, member_client

pytestmark = pytest.mark.django_db

# Routes that take no company object by id, with the reason. Matched by template prefix.
NO_COMPANY_OBJECT = {
    # Django's admin is for staff (operators of the installation); company members are never staff.
    # test_company_admins_are_not_let_into_django_admin proves they are turned away.
    "/admin/": "Django admin: staff only, no tenant access",
    # The token in the URL is the credential itself (a random secret), not a company object id.
    "/accounts/invitations/{token}/": "invitation token is a bearer secret",
    "/accounts/password-reset/{uidb64}/{token}/": "Django's signed password-reset token",
    # A signed link from an approval e-mail: bound to one approver and one step (tests/approvals/test_links.py).
    "/approvals/email/{token}/": "signed approval e-mail link, bound to its approver",
    # `tab` names a kind of background data (contacts, projects, ...), not an object.
    "/settings/bookkeeping/{tab}/": "tab name of the bookkeeping settings page",
}
# Parameterless routes not requested with GET, with the reason.
NOT_REQUESTED = {
    "/healthz": "probes the broker and waits for a worker; reports no company data",
    "/accounts/logout/": "GET would not log out but POST would end the session mid-test",
}
API_VERBS = ("get", "post", "put", "patch", "delete")
BROWSER_VERBS = ("get", "post")
ALLOWED_FOR_OTHER_COMPANY = {403, 404, 405}

ROUTES = iter_routes()


def _allow_listed(route: Route, table: dict[str, str]) -> str | None:
    return next((why for prefix, why in table.items() if route.template.startswith(prefix)), None)


def _object_routes() -> list[Route]:
    return [r for r in ROUTES if r.params and not _allow_listed(r, NO_COMPANY_OBJECT)]


def _plain_routes() -> list[Route]:
    return [
        r
        for r in ROUTES
        if not r.params and not _allow_listed(r, NO_COMPANY_OBJECT) and not _allow_listed(r, NOT_REQUESTED)
    ]


@pytest.fixture
def world(db):
    return build_world()


def _url(route: Route, world) -> str:
    values = {}
    for name, kind in route.params:
        if kind != "int":
            raise AssertionError(
                f"{route}: parameter {name!r} is not an object id. Teach tests/accounts/world.py to build "
                "what it names, or add the route to NO_COMPANY_OBJECT with the reason it holds no "
                "company data."
            )
        values[name] = _param_value(name, world)
    return route.url(**values)


def _param_value(name: str, world) -> int:
    """An object id is B_ID; another number (a page number, a position) is read from B's rows."""
    if name in ("pk", "id") or name.endswith(("_pk", "_id")):
        return B_ID
    for row in world.b_rows.values():
        value = getattr(row, name, None)
        if isinstance(value, int):
            return value
    return B_ID


def _send(client, verb: str, url: str, *, api: bool):
    kwargs = {"format": "json"} if api and verb != "get" else {}
    return getattr(client, verb)(url, {} if verb != "get" else None, **kwargs)


def _leaks(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return MARKER.encode() in body or MARKER.lower().encode() in body or str(B_ID).encode() in body


def test_the_walker_finds_the_routes():
    templates = {r.template for r in ROUTES}
    assert "/dashboard/" in templates and "/api/v1/users/{pk}/" in templates
    assert len(_object_routes()) >= 3


def test_every_tenant_model_was_built(world):
    assert not world.unbuildable, f"teach tests/accounts/world.py to build: {world.unbuildable}"
    labels = {m._meta.label for m in world.b_rows}
    assert {"documents.Document", "documents.DocumentLine", "bookkeeping.Contact"} <= labels


@pytest.mark.parametrize("route", _object_routes(), ids=str)
def test_another_companys_object_is_not_found(route, world):
    url = _url(route, world)
    admin = world.users["admin"]
    before = world.snapshot()
    verbs = API_VERBS if route.is_api else BROWSER_VERBS
    problems = []

    attacker = member_client(admin, world.a, api=route.is_api)
    for verb in verbs:
        response = _send(attacker, verb, url, api=route.is_api)
        if response.status_code not in ALLOWED_FOR_OTHER_COMPANY:
            problems.append(f"{verb.upper()} {url} → {response.status_code}, expected 404")
        if _leaks(response):
            problems.append(f"{verb.upper()} {url} → the answer shows company B's data")
    assert world.snapshot() == before, f"{route}: company A's admin changed company B's data"
    assert not problems, "\n".join(problems)

    # Control: the route really serves B's object to B's admin, or the test above proved nothing.
    owner = member_client(world.b_admin, world.b, api=route.is_api)
    control = {verb: _send(owner, verb, url, api=route.is_api).status_code for verb in ("get", "post")}
    if set(control.values()) <= {404, 405}:
        warnings.warn(f"{route}: B's own admin gets {control} too; isolation is not exercised", stacklevel=1)


@pytest.mark.parametrize("route", _plain_routes(), ids=str)
def test_pages_and_lists_never_show_another_companys_data(route, world):
    for role, user in world.users.items():
        client = member_client(user, world.a, api=route.is_api)
        response = client.get(route.url())
        assert response.status_code < 500, f"{route} as {role}: {response.status_code}"
        assert not _leaks(response), f"{route} as {role} shows company B's data"


@pytest.mark.parametrize("route", [r for r in _plain_routes() if r.is_api], ids=str)
def test_naming_another_company_in_x_company_is_refused(route, world):
    """A's admin naming B in the X-Company header acts for nobody: refused, and nothing of B shown."""
    from rest_framework.test import APIClient

    client = APIClient(raise_request_exception=False)
    token, _ = Token.objects.get_or_create(user=world.users["admin"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_COMPANY=str(world.b.pk))
    response = client.get(route.url())
    assert not _leaks(response), f"{route} with X-Company: B shows company B's data"
    if route.name not in ("api-root", "api-token", "mailgun_inbound_webhook"):
        assert response.status_code in (401, 403, 404, 405), f"{route}: {response.status_code}"


def test_company_admins_are_not_let_into_django_admin(world, client):
    client.force_login(world.users["admin"])
    response = client.get(f"/admin/documents/document/{B_ID}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
