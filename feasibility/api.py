"""API viewsets, serializers and filtersets of this app (DESIGN.md section 6)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from capabilities.models import POPULATION_CODES, Centre, Modality
from crm import permissions as access
from crm.api_auth import IdFilter, IsSignedIn, RolePermission
from crm.concurrency import ETagMixin, VersionedViewSetMixin, check_if_match, etag_for
from crm.forms_util import MAX_PATIENTS, MAX_SITES, MAX_TEXT
from engagements.models import Organisation
from feasibility import services
from feasibility.models import (
    CentreResponse,
    Community,
    Decision,
    DeclineReason,
    FeasibilityRequest,
    Funding,
    Invitation,
    Necessity,
    Phase,
    RequestStatus,
    SiteSetUp,
    Source,
    SponsorSummary,
)


def _service_call(function, **kwargs):
    """Run a service; its ValidationError becomes the API's 400 with the same field messages."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc


# Invitations and answers ----------------------------------------------------------------------------


class CentreResponseSerializer(serializers.ModelSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    decline_reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False, allow_blank=True)

    class Meta:
        model = CentreResponse
        fields = [*services.ANSWER_FIELDS, "responded_at"]
        read_only_fields = ["responded_at"]
        extra_kwargs = {"estimated_patients": {"max_value": MAX_PATIENTS}, "comments": {"max_length": MAX_TEXT}}


class InvitationSerializer(serializers.ModelSerializer):
    # A nested serializer built once for the list (a serializer made per row rebuilt its fields every time);
    # an invitation not yet answered has null.
    response = CentreResponseSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "request", "centre", "routed_at", "deadline", "response"]


# Requests -------------------------------------------------------------------------------------------


class RequirementSerializer(serializers.Serializer):
    capability = serializers.CharField(help_text="A capability code, e.g. 'imaging.pet_ct'.")
    necessity = serializers.ChoiceField(choices=Necessity.choices, default=Necessity.REQUIRED)
    at_most = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="Only for a capability with a quantity (minutes)."
    )
    at_least = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="Only for a capability with a quantity (beds)."
    )


class FeasibilityRequestSerializer(serializers.ModelSerializer):
    sponsor = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Required for the Programme Office; a sponsor account's requests are always its own company's.",
    )
    nda_accepted = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="Sponsor accounts: accept the network's confidentiality agreement (needed once per version).",
    )
    modality = serializers.ChoiceField(choices=Modality.choices, required=False)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    populations = serializers.ListField(
        child=serializers.ChoiceField(choices=POPULATION_CODES), allow_empty=False, required=False
    )
    tumour_types = serializers.ListField(child=serializers.CharField(), required=False, write_only=True)
    requirements = RequirementSerializer(many=True, required=False, write_only=True)
    funding = serializers.ChoiceField(choices=Funding.choices, required=False)
    communities = serializers.ListField(
        child=serializers.ChoiceField(choices=Community.choices),
        read_only=True,
        help_text="adult/paediatric from the populations; haematology from a haematological tumour type or the "
        "required haematology capability.",
    )

    class Meta:
        model = FeasibilityRequest
        fields = [
            "id",
            "reference",
            "title",
            "sponsor",
            "modality",
            "phase",
            "populations",
            "tumour_types",
            "requirements",
            "sites_sought",
            "received_on",
            "response_deadline",
            "status",
            "under_nda",
            "synopsis",
            "funding",
            "regulatory_submitted_on",
            "regulatory_approved_on",
            "advanced_therapy",
            "communities",
            "closed_on",
            "nda_accepted",
        ]
        read_only_fields = ["reference", "status", "closed_on"]
        extra_kwargs = {
            "received_on": {"required": False},
            "sites_sought": {"min_value": 1, "max_value": MAX_SITES},
            "synopsis": {"max_length": MAX_TEXT},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["tumour_types"] = sorted(t.code for t in instance.tumour_types.all())
        data["requirements"] = [
            {
                "capability": r.capability.code,
                "necessity": r.necessity,
                **{bound: getattr(r, bound) for bound in ("at_most", "at_least") if getattr(r, bound) is not None},
            }
            for r in sorted(instance.requirements.all(), key=lambda r: (r.necessity, r.capability.code))
        ]
        return data

    def _service_fields(self, data: dict) -> dict:
        fields = dict(data)
        if "requirements" in fields:
            fields["requirements"] = [dict(r) for r in fields["requirements"]]
        return fields

    def create(self, validated_data):
        actor = self.context["request"].user
        fields = self._service_fields(validated_data)
        nda_accepted = fields.pop("nda_accepted", False)
        if access.can_submit_requests(actor):
            # The sponsor is the account's company, whatever was sent; the public form's path and checks.
            submitted = {k: v for k, v in fields.items() if k in SPONSOR_SUBMIT_FIELDS}
            return _service_call(
                services.request_submit_sponsor,
                actor=actor,
                source=Source.API,
                nda_accepted=nda_accepted,
                **submitted,
            )
        if "sponsor" not in fields:
            raise serializers.ValidationError({"sponsor": "Choose the sponsor organisation."})
        return _service_call(services.request_create, actor=actor, source=Source.API, **fields)

    def update(self, instance, validated_data):
        actor = self.context["request"].user
        if validated_data and set(validated_data) <= set(services.REGULATORY_FIELDS):
            # The study's regulatory review is followed after placement too, when the request is closed.
            return _service_call(services.request_regulatory_update, actor=actor, request=instance, **validated_data)
        return _service_call(
            services.request_update, actor=actor, request=instance, **self._service_fields(validated_data)
        )


SPONSOR_SUBMIT_FIELDS = (
    "title",
    "synopsis",
    "populations",
    "modality",
    "phase",
    "asset",
    "sites_sought",
    "patients_total",
    "planned_start",
    "tumour_types",
    "requirements",
)


class FeasibilityRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    modality = django_filters.ChoiceFilter(choices=Modality.choices)
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    sponsor = IdFilter(help_text="An organisation's id.")
    funding = django_filters.ChoiceFilter(choices=Funding.choices)
    community = django_filters.ChoiceFilter(choices=Community.choices, method="in_community")

    class Meta:
        model = FeasibilityRequest
        fields = ["status", "modality", "phase", "sponsor", "funding", "community"]

    def in_community(self, queryset, name, value):
        return queryset.in_community(value) if value else queryset


class RouteSerializer(serializers.Serializer):
    centres = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s, RequestStatus(s).label) for s in services.OUTCOMES])
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)
    centres = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class MatchSerializer(serializers.Serializer):
    centre = serializers.IntegerField(source="centre_id")
    centre_name = serializers.CharField()
    eligible = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True, help_text="Only eligible centres have a score.")
    matched = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    limited = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())


class ExtractRequestSerializer(serializers.Serializer):
    synopsis = serializers.FileField(help_text="The synopsis: a PDF, DOCX or text file (or its text, as a string).")


class ExtractResponseSerializer(serializers.Serializer):
    fields = serializers.DictField(
        help_text="title, phase, modality, populations, tumour_types, requirements [{capability, necessity}], "
        "sites_sought, patients_total, planned_start: those the synopsis gives"
    )
    evidence = serializers.DictField(child=serializers.CharField(), help_text="For each field, its sentence.")


class FeasibilityRequestViewSet(VersionedViewSetMixin, viewsets.ModelViewSet):
    """Trial opportunities. Centre staff see only those routed to their centres; only the Programme Office writes."""

    serializer_class = FeasibilityRequestSerializer
    filterset_class = FeasibilityRequestFilter
    permission_classes = [RolePermission]
    write_check = staticmethod(access.can_create_requests)  # sponsors create their own company's
    object_write_check = staticmethod(lambda user, obj: access.can_write_requests(user))
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # withdraw, never delete

    def get_queryset(self):
        return (
            access.visible_requests(self.request.user)
            .prefetch_related("tumour_types", "requirements__capability")
            .order_by("-received_on", "-id")
        )

    @extend_schema(responses=MatchSerializer(many=True), filters=False)
    # A plain list of every centre (some 30), never paginated nor filtered: say so to the schema too.
    @action(detail=True, methods=["get"], permission_classes=[IsSignedIn], pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        """Every centre's match (eligible first, then by score): the Programme Office and viewers only."""
        feasibility_request = self.get_object()
        access.require(access.can_see_matches(request.user), "Only the Programme Office and viewers see matches.")
        return Response(MatchSerializer(services.matches_for(feasibility_request), many=True).data)

    @extend_schema(request=RouteSerializer, responses={201: InvitationSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[IsSignedIn])
    def route(self, request, pk=None):
        """Invite centres; refused whole (400) when a centre is not eligible and no override reason is given."""
        feasibility_request = self.get_object()
        access.require(access.can_write_requests(request.user), "Only the Programme Office routes requests.")
        body = RouteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = _service_call(
            services.route_request, actor=request.user, request=feasibility_request, **body.validated_data
        )
        for invitation in made:
            invitation._prefetched_objects_cache = {}
        return Response(InvitationSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeSerializer, responses=FeasibilityRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsSignedIn])
    def outcome(self, request, pk=None):
        """Close the request once: placed (a set-up for each centre named), not placed or withdrawn."""
        feasibility_request = self.get_object()
        access.require(access.can_write_requests(request.user), "Only the Programme Office records outcomes.")
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _service_call(
            services.request_set_outcome, actor=request.user, request=feasibility_request, **body.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=feasibility_request.pk)).data)

    @extend_schema(request=ExtractRequestSerializer, responses=ExtractResponseSerializer)
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[IsSignedIn],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def extract(self, request):
        """Read a synopsis (PDF, DOCX or text file as `synopsis`, or its text) into the request's fields, each with
        the sentence it came from. Nothing is saved. The Programme Office and sponsor accounts only."""
        access.require(access.can_extract_synopsis(request.user), "Only the Programme Office and sponsors use this.")
        upload = request.FILES.get("synopsis")
        text = "" if upload else request.data.get("synopsis", "")
        if not isinstance(text, str):
            raise serializers.ValidationError({"synopsis": "Send the synopsis as a file or as text."})
        extraction, _text = _service_call(services.synopsis_extract, actor=request.user, upload=upload, text=text)
        return Response(extraction.as_dict())


class InvitationFilter(django_filters.FilterSet):
    answered = django_filters.BooleanFilter(field_name="response", lookup_expr="isnull", exclude=True)
    request = IdFilter(help_text="A feasibility request's id.")
    centre = IdFilter(help_text="A centre's id.")

    class Meta:
        model = Invitation
        fields = ["request", "centre"]


class InvitationViewSet(ETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invitations are made by routing a request; centres answer through `response/`."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    permission_classes = [RolePermission]
    read_check = staticmethod(access.can_read_invitations)

    def get_queryset(self):
        return (
            access.visible_invitations(self.request.user)
            .select_related("response")
            .order_by("deadline", "centre__name", "id")
        )

    @extend_schema(methods=["GET"], responses=InvitationSerializer)
    @extend_schema(methods=["PUT"], request=CentreResponseSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["get", "put"], url_path="response", permission_classes=[IsSignedIn])
    def answer(self, request, pk=None):
        """The centre's answer; it can be changed until the deadline. Its `ETag` is the answer's version: send it
        back as `If-Match` to change the answer only if no one else has since (412 when someone has)."""
        invitation = self.get_object()
        if request.method == "PUT":
            body = CentreResponseSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            with transaction.atomic():
                check_if_match(request, CentreResponse.objects.filter(invitation=invitation).first())
                _service_call(
                    services.submit_response, actor=request.user, invitation=invitation, **body.validated_data
                )
        invitation = self.get_queryset().get(pk=invitation.pk)
        response = Response(InvitationSerializer(invitation).data)
        answer = getattr(invitation, "response", None)
        if answer is not None:
            response["ETag"] = etag_for(answer)
        return response


# Site set-up ---------------------------------------------------------------------------------------------


class SiteSetUpSerializer(serializers.ModelSerializer):
    request = serializers.PrimaryKeyRelatedField(queryset=FeasibilityRequest.objects.all())
    centre = serializers.PrimaryKeyRelatedField(queryset=Centre.objects.all())
    participants = serializers.IntegerField(
        required=False, allow_null=True
    )  # a negative count is the service's to refuse

    class Meta:
        model = SiteSetUp
        fields = ["id", "request", "centre", *services.SETUP_FIELDS]
        validators = []  # one set-up per site is the service's to say, in words

    def create(self, validated_data):
        return _service_call(services.setup_add, actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        for fixed in ("request", "centre"):
            if fixed in validated_data and validated_data.pop(fixed) != getattr(instance, fixed):
                raise serializers.ValidationError({fixed: "A set-up's study and centre are fixed; add another."})
        return _service_call(
            services.setup_update, actor=self.context["request"].user, setup=instance, **validated_data
        )


class SiteSetUpFilter(django_filters.FilterSet):
    # Ids as plain numbers: an unknown and an invisible request or centre answer alike (an empty list).
    request = IdFilter(field_name="request_id", help_text="A request's id.")
    centre = IdFilter(field_name="centre_id", help_text="A centre's id.")

    class Meta:
        model = SiteSetUp
        fields = ["request", "centre"]


class SiteSetUpViewSet(VersionedViewSetMixin, viewsets.ModelViewSet):
    """Each selected site's set-up milestones: the Programme Office writes; centre staff read their own sites'."""

    serializer_class = SiteSetUpSerializer
    filterset_class = SiteSetUpFilter
    permission_classes = [RolePermission]
    read_check = staticmethod(access.can_read_setups)
    write_check = staticmethod(access.can_write_requests)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return access.visible_setups(self.request.user).order_by("request_id", "centre__name", "id")


# Sponsor summaries ---------------------------------------------------------------------------------


class SponsorSummarySerializer(serializers.ModelSerializer):
    pdf = serializers.SerializerMethodField(help_text="Where to download the released PDF; null until released.")

    class Meta:
        model = SponsorSummary
        fields = ["id", "request", "created_at", "released_at", "pdf"]

    def get_pdf(self, summary) -> str | None:
        if not summary.released_at:
            return None
        url = reverse("feasibility:summary-download", args=[summary.pk, "pdf"])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class SponsorSummaryFilter(django_filters.FilterSet):
    # A number, not a choice of every request: an unknown and an invisible request answer alike (an empty list).
    request = IdFilter(field_name="request_id", help_text="A request's id.")

    class Meta:
        model = SponsorSummary
        fields = ["request"]


class SponsorSummaryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The collated answers: the office and viewers see all; a sponsor account its own requests' once released."""

    serializer_class = SponsorSummarySerializer
    filterset_class = SponsorSummaryFilter
    permission_classes = [RolePermission]
    read_check = staticmethod(access.can_read_sponsor_summaries)

    def get_queryset(self):
        return access.visible_sponsor_summaries(self.request.user).order_by("-created_at", "-id")


# (prefix, viewset, basename) for crm/api_urls.py's router.
ROUTES: list[tuple] = [
    ("feasibility-requests", FeasibilityRequestViewSet, "feasibility-request"),
    ("invitations", InvitationViewSet, "invitation"),
    ("site-setups", SiteSetUpViewSet, "site-setup"),
    ("sponsor-summaries", SponsorSummaryViewSet, "sponsor-summary"),
]
