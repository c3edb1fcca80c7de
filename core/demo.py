"""Demo data steps: each app's demo module registers its own (`@register("label")`, a callable taking the
demo company); envoice/demo.py runs them in the order it names the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Step = Callable[[Any], None]
STEPS: list[tuple[str, Step]] = []


def register(label: str) -> Callable[[Step], Step]:
    def decorator(func: Step) -> Step:
        STEPS.append((label, func))
        return func

    return decorator


def steps_of(module_name: str) -> list[tuple[str, Step]]:
    return [(label, step) for label, step in STEPS if step.__module__ == module_name]
