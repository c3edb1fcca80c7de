"""Amounts fit their columns: values too large to read back (possible on SQLite before validation)
are cleared first, then check constraints keep them out."""

from decimal import Decimal

from django.db import migrations, models

COLUMNS = {
    "documents_document": {"total": 12, "subtotal": 12, "tax_total": 12},
    "documents_documentline": {"quantity": 10, "unit_price": 10, "total": 12, "tax_percent": 4},
}
# quantity is NOT NULL: an unreadable quantity becomes 1, as a line without one.
NOT_NULL_DEFAULTS = {("documents_documentline", "quantity"): "1"}


def _clear_unreadable(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            for column, whole in columns.items():
                limit = 10**whole
                value = NOT_NULL_DEFAULTS.get((table, column), "NULL")
                cursor.execute(
                    f"UPDATE {table} SET {column} = {value} "  # noqa: S608 - names are constants above
                    f"WHERE {column} >= {limit} OR {column} <= -{limit}"
                )


def _fits(model, name, whole):
    limit = Decimal(10) ** whole
    return models.CheckConstraint(
        condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__gt": -limit, f"{name}__lt": limit}),
        name=f"documents_{model}_{name}_fits",
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_rejected_status")]

    operations = [
        migrations.RunPython(_clear_unreadable, migrations.RunPython.noop),
        *[
            migrations.AddConstraint(model_name="document", constraint=_fits("document", name, 12))
            for name in ("total", "subtotal", "tax_total")
        ],
        migrations.AddConstraint(model_name="documentline", constraint=_fits("line", "quantity", 10)),
        migrations.AddConstraint(model_name="documentline", constraint=_fits("line", "unit_price", 10)),
        migrations.AddConstraint(model_name="documentline", constraint=_fits("line", "total", 12)),
        migrations.AddConstraint(model_name="documentline", constraint=_fits("line", "tax_percent", 4)),
    ]
