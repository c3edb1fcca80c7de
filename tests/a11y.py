"""axe-core (vendored in static/vendor) run inside a Playwright page: serious or critical
accessibility violations fail the test with what and where."""

from __future__ import annotations

from django.templatetags.static import static

# Served by the live server like any static file: the pages' Content-Security-Policy allows only
# scripts from our own origin.
AXE = "vendor/axe-4.10.3.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page, *, impacts=BLOCKING) -> list[dict]:
    """The page's violations of the given impacts, as {id, impact, help, targets}."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=static(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page, what: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"{what or page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}" for v in violations
    )
