"""Directory pages: browse units and people; administrators manage them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sifara.core import i18n, policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.core.forms import apply_application_error
from sifara.core.pages import paginate
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory import selectors, services
from sifara.directory.forms import (
    AccessForm,
    MembershipForm,
    PersonCreateForm,
    PersonFilterForm,
    UnitFilterForm,
    UnitForm,
)
from sifara.directory.models import WEEKDAYS, Membership, User


@login_required
def unit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        country = form.cleaned_data.get("country")
        filters = {
            "query": form.cleaned_data.get("q") or "",
            "kind": form.cleaned_data.get("kind") or "",
            "country": country.code if country else "",
        }
    units = selectors.unit_list_for_user(user=request.user, **filters)
    countries = sorted(form.fields["country"].queryset, key=lambda country: country.name)  # type: ignore[attr-defined]
    context = {"form": form, "page_obj": paginate(request, units), "countries": countries}
    template = "directory/partials/unit_table.html" if request.htmx else "directory/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(user=request.user, unit_id=unit_id)
    context = {
        "unit": unit,
        "members": selectors.unit_members_for_user(user=request.user, unit=unit),
        "clock": selectors.clock(unit.timezone) if unit.timezone else None,
        "working_languages": [i18n.language_name(code) for code in unit.working_languages],
        "weekend": [str(label) for day, label in WEEKDAYS if day in unit.weekend_days],
    }
    return render(request, "directory/unit_detail.html", context)


@login_required
def unit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "directory.manage")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        countries = list(data.pop("accredited_countries", []))
        try:
            unit = services.unit_create(actor=request.user, accredited_countries=countries, **data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Unit created."))
            return redirect("directory:unit_detail", unit_id=unit.pk)
    return render(request, "directory/unit_form.html", {"form": form, "creating": True})


@login_required
def unit_edit(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    policy.require(request.user, "directory.manage")
    unit = selectors.unit_get_for_user(user=request.user, unit_id=unit_id)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        countries = list(data.pop("accredited_countries", []))
        unit.refresh_from_db()
        try:
            services.unit_update(
                actor=request.user, unit=unit, accredited_countries=countries, **data
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("directory:unit_detail", unit_id=unit.pk)
    return render(
        request, "directory/unit_form.html", {"form": form, "unit": unit, "creating": False}
    )


@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    query, role = "", ""
    if form.is_valid():
        query, role = form.cleaned_data.get("q") or "", form.cleaned_data.get("role") or ""
    people = selectors.person_list_for_user(user=request.user, query=query, role=role)
    context = {"form": form, "page_obj": paginate(request, people)}
    template = (
        "directory/partials/person_table.html" if request.htmx else "directory/person_list.html"
    )
    return render(request, template, context)


@login_required
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    can_change = policy.may_change_access(request.user, person)
    context = {
        "person": person,
        "can_change": can_change,
        "access_form": AccessForm(
            initial={"clearance": person.clearance, "is_active": person.is_active}
        ),
        "membership_form": MembershipForm(),
    }
    return render(request, "directory/person_detail.html", context)


@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "directory.manage")
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person, temporary = services.person_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            return render(
                request,
                "directory/person_created.html",
                {"person": person, "temporary_password": temporary},
            )
    return render(request, "directory/person_form.html", {"form": form})


def _person_for_change(request: AuthenticatedHttpRequest, person_id: int) -> User:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    if not policy.may_change_access(request.user, person):
        raise PermissionDeniedError(
            _("Only another administrator can change this person's access."), status_code=403
        )
    return person


@login_required
@require_POST
def person_access(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id)
    form = AccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid clearance."))
    else:
        services.person_set_access(
            actor=request.user,
            person=person,
            clearance=form.cleaned_data["clearance"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("Access updated."))
    return redirect("directory:person_detail", person_id=person.pk)


@login_required
@require_POST
def membership_add(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id)
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a unit and a role."))
    else:
        try:
            services.membership_grant(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Role granted."))
    return redirect("directory:person_detail", person_id=person.pk)


@login_required
@require_POST
def membership_remove(
    request: AuthenticatedHttpRequest, person_id: int, membership_id: int
) -> HttpResponse:
    person = _person_for_change(request, person_id)
    membership = get_object_or_404(Membership, pk=membership_id, user=person)
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, _("Role removed."))
    return redirect("directory:person_detail", person_id=person.pk)
