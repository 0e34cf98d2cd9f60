from __future__ import annotations

import factory

from sifara.directory.models import Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = "hq_department"
    name_en = factory.Sequence(lambda n: f"Unit {n}")
    name_ar = factory.Sequence(lambda n: f"الوحدة {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name_en = factory.Sequence(lambda n: f"Person {n}")
    full_name_ar = factory.Sequence(lambda n: f"شخص {n}")
    clearance = 0
    password = factory.django.Password("correct horse battery staple")
