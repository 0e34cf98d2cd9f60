"""API of the archive of agreements (read-only, scope ``archive:read``): the
agreements a caller may see, one agreement, and search. Same selectors as the
pages; reads of classified agreements are audited the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara.archive import selectors, services
from sifara.archive.models import Agreement
from sifara.core.types import acting_user
from sifara.identity.permissions import IsVerifiedUser, ScopePermission


class ArchiveFileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    role = serializers.CharField()
    language = serializers.CharField()
    file_format = serializers.CharField()
    classification = serializers.IntegerField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    extraction = serializers.CharField()


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    # Plain fields, not ModelSerializer choice fields: those become named enums
    # in the schema and collide with other modules' "status"/clearance enums.
    type = serializers.CharField(source="kind", read_only=True, help_text="treaty, convention, …")
    status = serializers.CharField(
        read_only=True, help_text="under_negotiation, signed, in_force, …"
    )
    classification = serializers.IntegerField(
        read_only=True, help_text="0 unclassified, 1 restricted, 2 confidential, 3 secret"
    )
    countries = serializers.SerializerMethodField()
    organisations = serializers.SerializerMethodField()
    ministries = serializers.SlugRelatedField[Any](slug_field="code", many=True, read_only=True)
    topics = serializers.SlugRelatedField[Any](slug_field="code", many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "reference",
            "type",
            "title_ar",
            "title_en",
            "summary_ar",
            "summary_en",
            "is_multilateral",
            "classification",
            "countries",
            "organisations",
            "ministries",
            "topics",
            "place_en",
            "place_ar",
            "signed_on",
            "signatories",
            "authentic_languages",
            "ratified_on",
            "entry_into_force",
            "duration_years",
            "expires_on",
            "auto_renewal",
            "renewal_period_years",
            "notice_days",
            "status",
            "depositary",
            "un_registration",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, agreement: Agreement) -> list[str]:
        return sorted(p.country_id for p in agreement.parties.all() if p.country_id)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_organisations(self, agreement: Agreement) -> list[str]:
        return [
            p.organisation_en or p.organisation_ar
            for p in agreement.parties.all()
            if not p.country_id
        ]


class AgreementDetailSerializer(AgreementSerializer):
    files = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "files"]
        read_only_fields = fields

    @extend_schema_field(ArchiveFileSerializer(many=True))
    def get_files(self, agreement: Agreement) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None:
            return []
        files = selectors.files_for_user(user=acting_user(request), agreement=agreement)
        return [dict(ArchiveFileSerializer(f).data) for f in files]


class SearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_ar = serializers.CharField()
    title_en = serializers.CharField()
    type = serializers.CharField()
    status = serializers.CharField()
    classification = serializers.IntegerField()
    files = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField()
    snippet = serializers.CharField(help_text="HTML-safe; matches in <mark>")


class SearchResultsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    hits = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


FILTERS = [
    OpenApiParameter(name, OpenApiTypes.STR, required=False, description=description)
    for name, description in [
        ("country", "ISO 3166 code of a party"),
        ("ministry", "code of a responsible ministry"),
        ("topic", "topic code"),
        ("type", "agreement type"),
        ("status", "status"),
        ("year", "year of signature"),
    ]
]


@extend_schema_view(
    list=extend_schema(
        summary="Agreements the caller may see (filters: country, ministry, topic, type, status, "
        "year)",
        parameters=FILTERS,
        responses=AgreementSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One agreement with the files the caller may see",
        responses=AgreementDetailSerializer,
    ),
)
class AgreementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Agreement]
):
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "archive:read"}
    serializer_class = AgreementSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return AgreementDetailSerializer if self.action == "retrieve" else AgreementSerializer

    def get_queryset(self) -> QuerySet[Agreement]:
        params = self.request.query_params
        return selectors.agreement_list_for_user(
            user=acting_user(self.request),
            country=params.get("country", "")[:2],
            ministry=params.get("ministry", "")[:60],
            topic=params.get("topic", "")[:40],
            kind=params.get("type", "")[:24],
            status=params.get("status", "")[:24],
            year=params.get("year", "")[:4],
        )

    def get_object(self) -> Agreement:
        agreement = selectors.agreement_get_for_user(
            user=acting_user(self.request), agreement_id=int(self.kwargs["pk"])
        )
        services.agreement_viewed(
            actor=acting_user(self.request), agreement=agreement, request=self.request._request
        )
        return agreement

    @extend_schema(
        summary="Search agreements: words in Arabic or English, facets, highlighted snippets",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=False, description="the words"),
            OpenApiParameter("limit", OpenApiTypes.INT, required=False),
            OpenApiParameter("offset", OpenApiTypes.INT, required=False),
            *FILTERS,
        ],
        responses=SearchResultsSerializer,
    )
    @action(detail=False, methods=["get"])
    def search(self, request: Request) -> Response:
        params = request.query_params
        try:
            limit = max(1, min(int(params.get("limit", "20")), 100))
            offset = max(0, min(int(params.get("offset", "0")), 10_000))
        except ValueError:
            limit, offset = 20, 0
        facets = {
            name: [params.get(name, "")[:60]] for name in selectors.FACETS if params.get(name)
        }
        page = selectors.agreement_search_for_user(
            user=acting_user(request),
            query=params.get("q", "")[:200],
            facets=facets,
            limit=limit,
            offset=offset,
        )
        hits = [
            {
                "id": row.agreement.pk,
                "title": row.agreement.title,
                "title_ar": row.agreement.title_ar,
                "title_en": row.agreement.title_en,
                "type": row.agreement.kind,
                "status": row.agreement.status,
                "classification": int(row.agreement.classification),
                "files": row.files,
                "score": row.score,
                "snippet": row.snippet,
            }
            for row in page.rows
        ]
        return Response({"total": page.total, "hits": hits, "facets": page.facets})


def register(router: DefaultRouter) -> None:
    """Register this module's API views on ``router``."""
    router.register("agreements", AgreementViewSet, basename="agreement")
