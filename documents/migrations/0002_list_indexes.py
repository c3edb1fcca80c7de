"""Indexes for the document lists at 100,000 documents per company.

- A B-tree on (company, received_at desc, id desc, status, type): every list's default
  order, so a page of ids (even a deep one) is an index-only scan that stops after the page
  instead of sorting every matching row.
- On PostgreSQL, the same for the first click on Date and Total: (company, issue_date desc nulls
  last, id desc) and (company, total desc nulls last, id desc), including status and type. SQLite
  has no NULLS LAST (nor INCLUDE) in indexes.
- On PostgreSQL, trigram GIN indexes for the text search of the lists (`icontains` on supplier
  name, invoice number, file name and note). Django compiles `icontains` to
  `UPPER(col::text) LIKE UPPER(%s)`, so the indexes are on `UPPER(col)`. Without fastupdate:
  the values are short, and an upload should not now and then pay for flushing the pending list.

The PostgreSQL-only indexes are built CONCURRENTLY (hence a non-atomic migration) so a live table
is not locked while they build. Elsewhere (the SQLite demo) those steps do nothing and lists sort
and search by scanning, which is fine at demo sizes.
"""

from django.db import migrations, models

TRIGRAM_COLUMNS = ("supplier_name", "invoice_number", "filename", "note")


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL on PostgreSQL; a no-op on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _trigram_index(column: str) -> PostgreSQLOnly:
    name = f"documents_{column}_trgm"
    return PostgreSQLOnly(
        sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
        f"ON documents_document USING gin (UPPER({column}) gin_trgm_ops) WITH (fastupdate = off)",
        reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        elidable=False,
    )


def _order_index(column: str) -> PostgreSQLOnly:
    name = f"documents_list_{column}_idx"
    return PostgreSQLOnly(
        sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON documents_document "
        f"(company_id, {column} DESC NULLS LAST, id DESC) INCLUDE (status, type)",
        reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        elidable=False,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                fields=["company", "-received_at", "-id", "status", "type"],
                name="documents_list_received_idx",
            ),
        ),
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        PostgreSQLOnly(sql="CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop),
        *(_trigram_index(column) for column in TRIGRAM_COLUMNS),
        *(_order_index(column) for column in ("issue_date", "total")),
    ]
