"""Django admin for superusers. Saves go through capabilities.services, so the rules and the history hold."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from capabilities import services
from capabilities.models import Capability, CapabilityArea, Centre, CentreCapability, ModalityRule, ProfileReminder


class ServiceAdmin(SimpleHistoryAdmin):
    """Create and update through a service: `create(actor, **fields)` and `update(actor, obj, **changes)`."""

    fields_for_service: tuple[str, ...] = ()

    def create(self, actor, **fields):
        raise NotImplementedError

    def update(self, actor, obj, **changes):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in self.fields_for_service if f in form.cleaned_data}
        try:
            if change:
                self.update(request.user, obj, **data)
            else:
                created = self.create(request.user, **data)
                obj.pk = created.pk
        except ValidationError as exc:
            # The form already validated the model, so this is a rule of the service: show it, keep the row.
            self.message_user(request, " ".join(exc.messages), level="error")


@admin.register(Centre)
class CentreAdmin(ServiceAdmin):
    list_display = ["name", "code", "nation", "city", "active"]
    list_filter = ["nation", "active"]
    search_fields = ["name", "code", "city", "institution"]
    filter_horizontal = ["members"]
    fields_for_service = services.CENTRE_FIELDS

    def create(self, actor, **fields):
        return services.centre_create(actor=actor, **fields)

    def update(self, actor, obj, **changes):
        return services.centre_update(actor=actor, centre=obj, **changes)


@admin.register(CapabilityArea)
class CapabilityAreaAdmin(ServiceAdmin):
    list_display = ["name", "order"]
    fields_for_service = services.AREA_FIELDS

    def create(self, actor, **fields):
        return services.capability_area_create(actor=actor, **fields)

    def update(self, actor, obj, **changes):
        return services.capability_area_update(actor=actor, area=obj, **changes)


@admin.register(Capability)
class CapabilityAdmin(ServiceAdmin):
    list_display = ["code", "name", "area", "has_quantity", "expires", "is_tumour_type"]
    list_filter = ["area", "has_quantity", "expires", "is_tumour_type"]
    search_fields = ["code", "name"]
    fields_for_service = services.CAPABILITY_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def create(self, actor, **fields):
        return services.capability_create(actor=actor, **fields)

    def update(self, actor, obj, **changes):
        changes.pop("code", None)
        return services.capability_update(actor=actor, capability=obj, **changes)


@admin.register(CentreCapability)
class CentreCapabilityAdmin(SimpleHistoryAdmin):
    """Read here; centres change their levels on their own page (which applies the level rules)."""

    list_display = ["centre", "capability", "level", "quantity", "expires_on", "confirmed_on", "confirmed_by"]
    list_filter = ["level", "capability__area", "centre"]
    search_fields = ["centre__name", "capability__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModalityRule)
class ModalityRuleAdmin(SimpleHistoryAdmin):
    list_display = ["modality", "capability", "note"]
    list_filter = ["modality"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        rule = services.modality_rule_add(
            actor=request.user, modality=obj.modality, capability=obj.capability, note=obj.note
        )
        obj.pk = rule.pk

    def delete_model(self, request, obj):
        services.modality_rule_remove(actor=request.user, rule=obj)


@admin.register(ProfileReminder)
class ProfileReminderAdmin(admin.ModelAdmin):
    list_display = ["centre", "year", "sent_at"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
