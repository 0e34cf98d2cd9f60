"""Create the chain head before the first event, so concurrent first writers
serialise on its row lock instead of racing to insert it."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    if AuditHead.objects.filter(pk=1).exists():
        return
    seal = hmac.new(
        settings.SIFARA_AUDIT_SEAL_KEY, f"0:{GENESIS}".encode(), hashlib.sha256
    ).hexdigest()
    AuditHead.objects.create(pk=1, seq=0, hash=GENESIS, seal=seal)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_auditevent_actor")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
