from django import template

from bookkeeping.bank_accounts import format_iban

register = template.Library()


@register.filter(name="iban")
def iban(value: str) -> str:
    """An IBAN in groups of four."""
    return format_iban(value)
