from django.db import migrations


def load_countries(apps, schema_editor):
    from sifara.directory.countries import upsert_countries

    upsert_countries(apps.get_model("directory", "Country"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
