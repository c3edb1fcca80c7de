"""Every route of the URL conf, walked recursively from `django.urls.get_resolver()`.

Each route becomes a `Route` with a template such as ``/api/v1/documents/{pk}/record/`` and its
parameters (name → "int" or "str"). Route patterns (``<int:pk>``) and the regex patterns DRF's
routers produce (``^contacts/(?P<pk>[^/.]+)/$``) are both understood; DRF's format-suffix
duplicates (``.json``) are left out since they reach the same views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

REGEX_META = set("()[]*+?|^$")


@dataclass(frozen=True)
class Route:
    template: str  # "/api/v1/documents/{pk}/"
    params: tuple[tuple[str, str], ...]  # (("pk", "int"),)
    name: str
    callback: object

    @property
    def is_api(self) -> bool:
        return self.template.startswith("/api/v1/")

    @property
    def param_kinds(self) -> set[str]:
        return {kind for _, kind in self.params}

    def url(self, **values) -> str:
        return self.template.format(
            **{name: values.get(name, values.get("_default")) for name, _ in self.params}
        )

    def __str__(self) -> str:
        return self.template


def _route_template(pattern: RoutePattern) -> tuple[str, list[tuple[str, str]]]:
    params = []
    route = str(pattern)

    def replace(match: re.Match) -> str:
        name = match.group("name")
        converter = pattern.converters.get(name)
        params.append((name, "int" if isinstance(converter, IntConverter) else "str"))
        return "{" + name + "}"

    return re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>", replace, route), params


def _regex_template(pattern: RegexPattern) -> tuple[str | None, list[tuple[str, str]]]:
    source = pattern.regex.pattern.removeprefix("^").removesuffix("$")
    out, params, i = [], [], 0
    while i < len(source):
        if source.startswith("(?P<", i):
            end = source.index(">", i)
            name = source[i + 4 : end]
            depth, k = 1, end + 1
            while depth and k < len(source):
                if source[k] == "\\":
                    k += 2
                    continue
                depth += {"(": 1, ")": -1}.get(source[k], 0)
                k += 1
            # DRF's default lookup regex accepts any id; treat a `pk`/`*_id`/`id` group as an object id.
            kind = "int" if name == "pk" or name == "id" or name.endswith(("_pk", "_id")) else "str"
            params.append((name, kind))
            out.append("{" + name + "}")
            i = k
        elif source[i] == "\\":
            out.append(source[i + 1])
            i += 2
        elif source.startswith("/?", i):
            out.append("/")
            i += 2
        else:
            out.append(source[i])
            i += 1
    template = "".join(out)
    if REGEX_META & set(template):
        return None, params
    return template, params


def _template(pattern) -> tuple[str | None, list[tuple[str, str]]]:
    if isinstance(pattern, RoutePattern):
        return _route_template(pattern)
    if isinstance(pattern, RegexPattern):
        return _regex_template(pattern)
    raise TypeError(f"unknown URL pattern type {type(pattern).__name__}")


def iter_routes(resolver: URLResolver | None = None) -> list[Route]:
    """All routes, or raise if one cannot be turned into a URL (then this walker needs teaching)."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, params: list[tuple[str, str]], namespace: str) -> None:
        for p in patterns:
            template, own = _template(p.pattern)
            if template is None:
                raise ValueError(f"cannot build a URL from the pattern {p.pattern!r} under {prefix!r}")
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + template, params + own, ns)
            elif isinstance(p, URLPattern):
                all_params = params + own
                if any(name == "format" for name, _ in all_params):
                    continue  # DRF format suffix: the same view as the route without it
                name = f"{namespace}{p.name}" if p.name else ""
                routes.append(Route("/" + prefix + template, tuple(all_params), name, p.callback))

    walk((resolver or get_resolver()).url_patterns, "", [], "")
    unique: dict[str, Route] = {}
    for route in routes:
        unique.setdefault(route.template, route)
    return list(unique.values())
