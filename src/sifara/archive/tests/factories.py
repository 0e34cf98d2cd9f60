from __future__ import annotations

from datetime import date

import factory

from sifara.archive.models import Agreement, AgreementStatus, AgreementType
from sifara.directory.tests.factories import UnitFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    kind = AgreementType.AGREEMENT
    title_en = factory.Sequence(lambda n: f"Agreement {n} on cooperation")
    title_ar = factory.Sequence(lambda n: f"الاتفاقية {n} بشأن التعاون")
    status = AgreementStatus.IN_FORCE
    signed_on = date(2020, 5, 1)
    owner_unit = factory.SubFactory(
        UnitFactory, code="hq-legal", name_en="Legal and Treaties Department"
    )
