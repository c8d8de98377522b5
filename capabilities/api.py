"""API viewsets, serializers and filtersets of this app (DESIGN.md section 6).

Serializers check shape only; every write goes through capabilities.services, whose ValidationError
becomes a 400 and whose PermissionDenied a 403. Centres and capabilities are not deleted through the
API: a centre is made inactive, and a capability's code stays valid for the requests that name it.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from capabilities import services
from capabilities.models import Capability, CapabilityArea, Centre, CentreCapability
from crm import permissions as access
from crm.api_auth import IdFilter, RolePermission
from crm.concurrency import VersionedViewSetMixin
from crm.forms_util import MAX_QUANTITY


def _service_call(function, **kwargs):
    """Run a service, answering its ValidationError as a 400 with the same field messages."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise ApiValidationError(detail) from exc


# Centres ----------------------------------------------------------------------------------------------


class CentreLevelSerializer(serializers.ModelSerializer):
    capability = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CentreCapability
        fields = ["capability", "level"]


def attach_levels(centres) -> None:
    """Each centre's levels as plain {capability, level} pairs, read as values in one query: building a model
    object per level (a thousand on a page of centres) was most of the list's time."""
    by_centre = defaultdict(list)
    rows = (
        CentreCapability.objects.filter(centre__in=[c.pk for c in centres])
        .order_by("capability__code")
        .values_list("centre_id", "capability__code", "level")
    )
    for centre_id, code, level in rows:
        by_centre[centre_id].append({"capability": code, "level": level})
    for centre in centres:
        centre.level_pairs = by_centre[centre.pk]


class CentreSerializer(serializers.ModelSerializer):
    capabilities = serializers.SerializerMethodField()
    partners = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Centre.objects.all(),
        help_text="Centres whose available capabilities count as limited for this one (both ways).",
    )

    class Meta:
        model = Centre
        fields = ["id", "name", "code", "nation", "city", "active", "partners", "capabilities"]
        # The services validate uniqueness (with the model's own messages).
        extra_kwargs = {"name": {"validators": []}, "code": {"validators": []}}

    @extend_schema_field(CentreLevelSerializer(many=True))
    def get_capabilities(self, centre: Centre) -> list[dict]:
        if not hasattr(centre, "level_pairs"):
            attach_levels([centre])
        return centre.level_pairs


class CentreFilter(filters.FilterSet):
    class Meta:
        model = Centre
        fields = ["code", "nation", "active"]


class CentreViewSet(VersionedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = CentreSerializer
    filterset_class = CentreFilter
    permission_classes = [RolePermission]
    write_check = staticmethod(access.can_edit_taxonomy)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return access.visible_centres(self.request.user).prefetch_related(
            Prefetch("partners", Centre.objects.only("pk"))
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_levels(page)
        return page

    def perform_create(self, serializer):
        serializer.instance = _service_call(
            services.centre_create, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = _service_call(
            services.centre_update, actor=self.request.user, centre=serializer.instance, **serializer.validated_data
        )


# Capabilities (the taxonomy) --------------------------------------------------------------------------


class AreaNameField(serializers.SlugRelatedField):
    """An area given and shown by its name; an unknown name is refused with the names that exist."""

    def to_internal_value(self, data):
        try:
            return self.get_queryset().get(name=data)
        except CapabilityArea.DoesNotExist as exc:
            names = ", ".join(self.get_queryset().values_list("name", flat=True))
            raise serializers.ValidationError(
                f"There is no capability area named “{data}”. Use one of: {names}."
            ) from exc
        except (TypeError, ValueError) as exc:
            raise serializers.ValidationError("Give the area's name as text.") from exc


class CapabilitySerializer(serializers.ModelSerializer):
    area = AreaNameField(slug_field="name", queryset=CapabilityArea.objects.all())

    class Meta:
        model = Capability
        fields = [
            "id",
            "code",
            "name",
            "area",
            "description",
            "has_quantity",
            "expires",
            "is_tumour_type",
            "haematological",
        ]
        extra_kwargs = {"code": {"validators": []}}


class CapabilityFilter(filters.FilterSet):
    area = filters.CharFilter(field_name="area__name")

    class Meta:
        model = Capability
        fields = ["code", "area", "is_tumour_type", "haematological"]


class CapabilityViewSet(VersionedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = CapabilitySerializer
    filterset_class = CapabilityFilter
    permission_classes = [RolePermission]
    write_check = staticmethod(access.can_edit_taxonomy)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return access.visible_capabilities(self.request.user).select_related("area")

    def perform_create(self, serializer):
        serializer.instance = _service_call(
            services.capability_create, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = _service_call(
            services.capability_update,
            actor=self.request.user,
            capability=serializer.instance,
            **serializer.validated_data,
        )


# Each centre's levels ---------------------------------------------------------------------------------


class CentreCapabilitySerializer(serializers.ModelSerializer):
    centre = serializers.PrimaryKeyRelatedField(queryset=Centre.objects.all())
    capability = serializers.SlugRelatedField(slug_field="code", queryset=Capability.objects.all())

    class Meta:
        model = CentreCapability
        fields = ["id", "centre", "capability", "level", "quantity", "notes", "evidence", "expires_on", "confirmed_on"]
        read_only_fields = ["confirmed_on"]
        extra_kwargs = {"quantity": {"max_value": MAX_QUANTITY}}
        validators = []  # one row per centre and capability: said in words below, not by the unique constraint

    def validate(self, attrs):
        instance = self.instance
        if instance is None:
            existing = CentreCapability.objects.filter(centre=attrs["centre"], capability=attrs["capability"]).first()
            if existing is not None:
                # DESIGN.md section 6: a second POST is refused, so a script cannot overwrite a level unawares.
                raise serializers.ValidationError(
                    {"capability": f"This centre already has a level for it (id {existing.pk}): PATCH that one."}
                )
        if instance is not None:
            for field in ("centre", "capability"):
                if field in attrs and attrs[field] != getattr(instance, field):
                    raise serializers.ValidationError(
                        {field: "A level's centre and capability are fixed; delete it and add a new one."}
                    )
        return attrs


class CentreCapabilityFilter(filters.FilterSet):
    capability = filters.CharFilter(field_name="capability__code")
    centre = IdFilter(help_text="A centre's id.")

    class Meta:
        model = CentreCapability
        fields = ["centre", "capability", "level"]


class CentreCapabilityViewSet(VersionedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = CentreCapabilitySerializer
    filterset_class = CentreCapabilityFilter
    permission_classes = [RolePermission]
    write_check = staticmethod(access.can_edit_any_centre_capabilities)
    object_write_check = staticmethod(lambda user, obj: access.can_edit_centre_capabilities(user, obj.centre_id))

    def get_queryset(self):
        return access.visible_centre_capabilities(self.request.user).select_related("centre", "capability")

    def _set(self, serializer, centre, capability):
        if not access.can_edit_centre_capabilities(self.request.user, centre):
            raise PermissionDenied("You can change only your own centre's capabilities.")
        data = serializer.validated_data
        current = serializer.instance

        def value(field, default):
            return data[field] if field in data else (getattr(current, field) if current else default)

        serializer.instance = _service_call(
            services.centre_capability_set,
            actor=self.request.user,
            centre=centre,
            capability=capability,
            level=value("level", "available"),
            quantity=value("quantity", None),
            notes=value("notes", ""),
            evidence=value("evidence", ""),
            expires_on=value("expires_on", None),
        )

    def perform_create(self, serializer):
        self._set(serializer, serializer.validated_data["centre"], serializer.validated_data["capability"])

    def perform_update(self, serializer):
        self._set(serializer, serializer.instance.centre, serializer.instance.capability)

    def perform_destroy(self, instance):
        services.centre_capability_remove(actor=self.request.user, centre_capability=instance)


# (prefix, viewset, basename) for crm/api_urls.py's router.
ROUTES: list[tuple] = [
    ("centres", CentreViewSet, "centre"),
    ("capabilities", CapabilityViewSet, "capability"),
    ("centre-capabilities", CentreCapabilityViewSet, "centre-capability"),
]
