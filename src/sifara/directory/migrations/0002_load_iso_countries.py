from django.db import migrations


def load_countries(apps, schema_editor):
    from sifara.directory.countries import iso_countries

    Country = apps.get_model("directory", "Country")
    for row in iso_countries():
        Country.objects.update_or_create(
            code=row.code,
            defaults={
                "alpha3": row.alpha3,
                "numeric": row.numeric,
                "name_en": row.name_en,
                "name_ar": row.name_ar,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
