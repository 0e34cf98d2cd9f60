from django.db import migrations


def load_topics(apps, schema_editor):
    from sifara.archive.topics import upsert_topics

    upsert_topics(apps.get_model("archive", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_agreements_files_reminders")]

    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
