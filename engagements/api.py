"""API viewsets, serializers and filtersets of this app (DESIGN.md section 6).

Serializers check shape only; every write goes through engagements/services.py.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from crm import permissions as access
from crm.api_auth import RolePermission
from crm.concurrency import VersionedViewSetMixin
from engagements import services
from engagements.filters import (
    ContactFilter,
    EngagementFilter,
    EventFilter,
    FollowUpFilter,
    InitiativeFilter,
    OrganisationFilter,
)
from engagements.models import Contact, Engagement, Event, FollowUp, Initiative, Organisation, Sector


@contextmanager
def service_errors():
    """A service's Django ValidationError becomes the API's 400 with the same field names."""
    try:
        yield
    except services.PossibleDuplicate as exc:
        raise ValidationError(
            {
                "name": exc.messages,
                "possible_duplicates": [{"id": o.pk, "name": o.name} for o in exc.existing],
                "create_anyway": ["Send create_anyway: true to create it all the same."],
            }
        ) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(exc.message_dict) from exc
        raise ValidationError({"non_field_errors": exc.messages}) from exc


class OrganisationSerializer(serializers.ModelSerializer):
    create_anyway = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Create even when the name is close to another's."
    )
    sector = serializers.ChoiceField(
        choices=Sector.choices, read_only=True, help_text="industry (pharma, biotech, medtech, CRO) or partner."
    )

    class Meta:
        model = Organisation
        fields = ["id", *services.ORGANISATION_FIELDS, "sector", "merged_into", "created_at", "create_anyway"]
        read_only_fields = ["merged_into", "created_at"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", *services.CONTACT_FIELDS, "erased", "erased_at", "created_at"]
        read_only_fields = ["erased", "erased_at", "created_at"]
        extra_kwargs = {"email": {"required": True, "allow_blank": False}}
        validators = []  # uniqueness (case-insensitive) is the service's to say, in words


class EventSerializer(serializers.ModelSerializer):
    contacts = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="The contacts the network met or invited there (added on the contacts list).",
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "place",
            "virtual",
            "scope",
            "participation",
            "attendees",
            "website",
            "notes",
            "staff_attending",
            "contacts",
        ]
        extra_kwargs = {"staff_attending": {"required": False}}
        validators = []


class EngagementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Engagement
        fields = [
            "id",
            "occurred_on",
            "kind",
            "subject",
            "summary",
            "organisations",
            "contacts",
            "staff",
            "event",
            "topics",
            "outcome",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {
            "organisations": {"required": True, "allow_empty": False},
            "contacts": {"required": False},
            "staff": {"required": False},
            "occurred_on": {"required": False},
        }


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "engagement", "organisation", "owner", "due_on", "done_on", "text"]
        extra_kwargs = {"owner": {"required": False}}


class InitiativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Initiative
        fields = ["id", "title", *services.INITIATIVE_FIELDS[1:], "organisations", "events"]
        extra_kwargs = {"organisations": {"required": False}, "events": {"required": False}}
        validators = []


class _ServiceViewSet(VersionedViewSetMixin, viewsets.ModelViewSet):
    """Reads from a visible_* queryset; writes through the named services."""

    permission_classes = [RolePermission]
    read_check = staticmethod(access.can_read_engagements)
    write_check = staticmethod(access.can_write_engagements)

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = self.create_with_service(self.request.user, dict(serializer.validated_data))

    def perform_update(self, serializer):
        with service_errors():
            serializer.instance = self.update_with_service(
                self.request.user, serializer.instance, dict(serializer.validated_data)
            )

    def perform_destroy(self, instance):
        with service_errors():
            self.delete_with_service(self.request.user, instance)


class OrganisationViewSet(_ServiceViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "created_at", "country"]

    def get_queryset(self):
        return access.visible_organisations(self.request.user)

    def create_with_service(self, user, data):
        allow = data.pop("create_anyway", False)
        return services.organisation_create(actor=user, allow_duplicate=allow, **data)

    def update_with_service(self, user, obj, data):
        allow = data.pop("create_anyway", False)
        return services.organisation_update(actor=user, organisation=obj, allow_duplicate=allow, **data)

    def delete_with_service(self, user, obj):
        services.organisation_delete(actor=user, organisation=obj)


class ContactViewSet(_ServiceViewSet):
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["last_name", "first_name", "created_at"]

    def get_queryset(self):
        return access.visible_contacts(self.request.user)

    def create_with_service(self, user, data):
        return services.contact_create(actor=user, **data)

    def update_with_service(self, user, obj, data):
        return services.contact_update(actor=user, contact=obj, **data)

    def delete_with_service(self, user, obj):
        services.contact_delete(actor=user, contact=obj)


class EventViewSet(_ServiceViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["starts_on", "name"]

    def get_queryset(self):
        return access.visible_events(self.request.user).prefetch_related("staff_attending", "contacts")

    def create_with_service(self, user, data):
        return services.event_create(actor=user, **data)

    def update_with_service(self, user, obj, data):
        return services.event_update(actor=user, event=obj, **data)

    def delete_with_service(self, user, obj):
        services.event_delete(actor=user, event=obj)


class EngagementViewSet(_ServiceViewSet):
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter
    ordering_fields = ["occurred_on", "created_at"]

    def get_queryset(self):
        return access.visible_engagements(self.request.user).prefetch_related("organisations", "contacts", "staff")

    def create_with_service(self, user, data):
        return services.engagement_log(actor=user, **data)

    def update_with_service(self, user, obj, data):
        return services.engagement_update(actor=user, engagement=obj, **data)

    def delete_with_service(self, user, obj):
        services.engagement_delete(actor=user, engagement=obj)


class FollowUpViewSet(_ServiceViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering_fields = ["due_on", "done_on"]

    def get_queryset(self):
        return access.visible_follow_ups(self.request.user)

    def create_with_service(self, user, data):
        return services.follow_up_create(actor=user, **data)

    def update_with_service(self, user, obj, data):
        return services.follow_up_update(actor=user, follow_up=obj, **data)

    def delete_with_service(self, user, obj):
        services.follow_up_delete(actor=user, follow_up=obj)


class InitiativeViewSet(_ServiceViewSet):
    """Capability-building initiatives: the office writes, leadership reads; centre staff have none (403)."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    ordering_fields = ["started_on", "title"]

    def get_queryset(self):
        return access.visible_initiatives(self.request.user).prefetch_related("organisations", "events")

    def list(self, request, *args, **kwargs):
        # "None" in DESIGN.md section 5 is a refusal, so a script never takes no access for no records.
        access.require(access.can_read_engagements(request.user), "Initiatives are for the Programme Office.")
        return super().list(request, *args, **kwargs)

    def create_with_service(self, user, data):
        return services.initiative_create(actor=user, **data)

    def update_with_service(self, user, obj, data):
        return services.initiative_update(actor=user, initiative=obj, **data)

    def delete_with_service(self, user, obj):
        services.initiative_delete(actor=user, initiative=obj)


# (prefix, viewset, basename) for crm/api_urls.py's router.
ROUTES: list[tuple] = [
    ("organisations", OrganisationViewSet, "organisation"),
    ("contacts", ContactViewSet, "contact"),
    ("events", EventViewSet, "event"),
    ("engagements", EngagementViewSet, "engagement"),
    ("follow-ups", FollowUpViewSet, "follow-up"),
    ("initiatives", InitiativeViewSet, "initiative"),
]
