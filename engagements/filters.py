"""FilterSets shared by the API and the HTML lists, so both filter the same way."""

import django_filters
from django.db.models import Q

from engagements.models import (
    Contact,
    Engagement,
    EngagementKind,
    Event,
    EventKind,
    FollowUp,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)


def _words(queryset, fields: list[str], value: str):
    """Every word of `value` must match one of the fields."""
    for word in value.split()[:8]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name contains", method="filter_q")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices)
    country = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "status", "country"]

    def filter_q(self, queryset, name, value):
        return _words(queryset, ["name", "country"], value)


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or email contains", method="filter_q")
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    do_not_contact = django_filters.BooleanFilter()

    class Meta:
        model = Contact
        fields = ["q", "organisation", "do_not_contact"]

    def filter_q(self, queryset, name, value):
        return _words(queryset, ["first_name", "last_name", "email", "job_title"], value)


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or place contains", method="filter_q")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label="Starts on or after")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label="Starts on or before")

    class Meta:
        model = Event
        fields = ["q", "kind", "starts_after", "starts_before"]

    def filter_q(self, queryset, name, value):
        return _words(queryset, ["name", "place"], value)


class EngagementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Subject, summary or topics contain", method="filter_q")
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations", queryset=Organisation.objects.filter(merged_into__isnull=True)
    )
    event = django_filters.ModelChoiceFilter(queryset=Event.objects.all())
    kind = django_filters.ChoiceFilter(choices=EngagementKind.choices)
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label="On or after")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label="On or before")

    class Meta:
        model = Engagement
        fields = ["q", "organisation", "event", "kind", "occurred_after", "occurred_before"]

    def filter_q(self, queryset, name, value):
        return _words(queryset, ["subject", "summary", "topics"], value)


class FollowUpFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", label="Open")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")

    class Meta:
        model = FollowUp
        fields = ["owner", "engagement", "organisation", "open", "due_before"]
