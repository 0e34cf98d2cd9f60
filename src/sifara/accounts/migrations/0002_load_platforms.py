from django.db import migrations


def load_platforms(apps, schema_editor):
    from sifara.accounts.platforms import upsert_platforms

    upsert_platforms(apps.get_model("accounts", "Platform"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load_platforms, migrations.RunPython.noop)]
