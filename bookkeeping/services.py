from __future__ import annotations

from accounts.models import Company
from bookkeeping.models import DimensionGroup


def dimension_groups_ensure(*, company: Company) -> None:
    """Every company has the Project and Object dimension groups Scoro data lands in."""
    DimensionGroup.objects.get_or_create(company=company, name=DimensionGroup.PROJECT)
    DimensionGroup.objects.get_or_create(company=company, name=DimensionGroup.OBJECT)
