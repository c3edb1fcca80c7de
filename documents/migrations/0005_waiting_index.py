from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_amounts_fit_columns")]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("status", "received")),
                fields=["received_at", "id"],
                name="documents_waiting_idx",
            ),
        ),
    ]
