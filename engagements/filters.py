"""FilterSets shared by the API and the HTML lists, so both filter the same way."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from crm.models import Role, User
from engagements.models import (
    Contact,
    Engagement,
    EngagementKind,
    Event,
    EventKind,
    EventScope,
    FollowUp,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
    Sector,
)


def _either(anything: str, *, yes: str, no: str) -> forms.Select:
    """A yes/no filter's choices in words ("true"/"false" as the API takes them; blank for either)."""
    return forms.Select(choices=[("", anything), ("true", yes), ("false", no)])


OFFERED_DAYS = 365  # drop-downs offer what the last year touched; a link may name any other
OFFERED_LIMIT = 100


class OfferedSelect(forms.Select):
    """A drop-down offering only the likely choices, read when it is drawn (an API call never reads them).

    The field still accepts any row of its queryset, so a link from an organisation's page filters by it,
    and the chosen one is always offered; but a page does not list every organisation and event of ten years.
    """

    def __init__(self, offered, empty_label: str, attrs=None):
        super().__init__(attrs)
        self.offered, self.empty_label = offered, empty_label

    def render(self, name, value, attrs=None, renderer=None):
        # Written out here rather than through the form templates: Django draws each <option> with a template
        # include, and two drop-downs of a hundred choices were a third of the engagements list's time.
        chosen = str(value[0] if isinstance(value, list | tuple) and value else value or "")
        options = [("", self.empty_label), *self.offered(chosen if chosen.isdigit() else None)]
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        # As templates/django/forms/widgets/attrs.html styles every select.
        final["class"] = " ".join(filter(None, ["form-select", final.get("class")]))
        return format_html(
            "<select{}>{}</select>",
            flatatt(final),
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((key, mark_safe(" selected") if str(key) == chosen else "", label) for key, label in options),
            ),
        )


def _recent_organisations(chosen: str | None) -> list[tuple[int, str]]:
    """The organisations met or added in the last year (the most recently met first, up to the limit), by name.
    Those met are found through the index on engagement dates, not by grouping every engagement ever logged."""
    since = timezone.localdate() - datetime.timedelta(days=OFFERED_DAYS)
    met = Engagement.objects.filter(occurred_on__gte=since).values("organisations")
    last_met = Engagement.objects.filter(organisations=OuterRef("pk")).order_by("-occurred_on").values("occurred_on")
    recent = (
        Organisation.objects.filter(merged_into__isnull=True)
        .filter(Q(pk__in=met) | Q(created_at__date__gte=since) | Q(pk=chosen))
        .annotate(last_met=Subquery(last_met[:1]))
        .order_by("-last_met", "name")
        .values_list("pk", "name")[:OFFERED_LIMIT]
    )
    return sorted(recent, key=lambda row: row[1].lower())


def _recent_events(chosen: str | None) -> list[tuple[int, str]]:
    since = timezone.localdate() - datetime.timedelta(days=OFFERED_DAYS)
    events = Event.objects.filter(Q(starts_on__gte=since) | Q(pk=chosen)).order_by("-starts_on")
    return list(events.values_list("pk", "name")[:OFFERED_LIMIT])


def _words(queryset, fields: list[str], value: str):
    """Every word of `value` must match one of the fields."""
    for word in value.split()[:8]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


def _text_filter(label: str, fields: list[str], **kwargs) -> django_filters.CharFilter:
    """The `q` of a list: every word typed must be in one of these fields."""
    return django_filters.CharFilter(
        label=label, method=lambda queryset, name, value: _words(queryset, fields, value), **kwargs
    )


class OrganisationFilter(django_filters.FilterSet):
    q = _text_filter("Name or country contains", ["name", "country"])
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, empty_label="Any kind")
    sector = django_filters.ChoiceFilter(
        choices=Sector.choices, empty_label="Industry and partners", method="in_sector"
    )
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices, empty_label="Any status")
    country = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "status", "country"]

    def in_sector(self, queryset, name, value):
        return queryset.in_sector(value) if value else queryset


class ContactFilter(django_filters.FilterSet):
    q = _text_filter("Name or email contains", ["first_name", "last_name", "email", "job_title"])
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        label="Organisation (met in the last 12 months)",
        widget=OfferedSelect(_recent_organisations, "Any organisation"),
    )
    do_not_contact = django_filters.BooleanFilter(
        label="Do not contact",
        widget=_either("Everyone", yes="Only those not to contact", no="Only those we may contact"),
    )

    class Meta:
        model = Contact
        fields = ["q", "organisation", "do_not_contact"]


class EventFilter(django_filters.FilterSet):
    q = _text_filter("Name or place contains", ["name", "place"])
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, empty_label="Any kind")
    scope = django_filters.ChoiceFilter(choices=EventScope.choices, empty_label="National and international")
    participation = django_filters.ChoiceFilter(choices=Participation.choices, empty_label="Any part")
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label="Starts on or after")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label="Starts on or before")

    class Meta:
        model = Event
        fields = ["q", "kind", "scope", "participation", "starts_after", "starts_before"]


class EngagementFilter(django_filters.FilterSet):
    q = _text_filter(
        "Words",
        ["subject", "summary", "topics"],
        widget=forms.TextInput(attrs={"placeholder": "In subject, summary or topics"}),
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations",
        queryset=Organisation.objects.filter(merged_into__isnull=True),
        label="Organisation (met in the last 12 months)",
        widget=OfferedSelect(_recent_organisations, "Any organisation"),
    )
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.order_by("-starts_on"),
        label="Event (the last 12 months and ahead)",
        widget=OfferedSelect(_recent_events, "Any event"),
    )
    kind = django_filters.ChoiceFilter(choices=EngagementKind.choices, empty_label="Any kind")
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label="On or after")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label="On or before")

    class Meta:
        model = Engagement
        fields = ["q", "organisation", "event", "kind", "occurred_after", "occurred_before"]


class FollowUpFilter(django_filters.FilterSet):
    owner = django_filters.ModelChoiceFilter(
        # Anyone who owns a follow-up (the Programme Office, and anyone who has since changed role): an EXISTS on the
        # owner index, not a join through every follow-up ever made, then de-duplicated.
        queryset=User.objects.filter(
            Q(role=Role.PROGRAMME_OFFICE) | Exists(FollowUp.objects.filter(owner=OuterRef("pk")))
        ).order_by("first_name", "last_name"),
        empty_label="Anyone",
    )
    open = django_filters.BooleanFilter(
        field_name="done_on",
        lookup_expr="isnull",
        label="Open or done",
        widget=_either("Open and done", yes="Open", no="Done"),
    )
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")

    class Meta:
        model = FollowUp
        fields = ["owner", "engagement", "organisation", "open", "due_before"]


class InitiativeFilter(django_filters.FilterSet):
    q = _text_filter("Title or summary contains", ["title", "summary", "outputs"])
    kind = django_filters.ChoiceFilter(choices=InitiativeKind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=InitiativeStatus.choices, empty_label="Any status")
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations", queryset=Organisation.objects.all(), empty_label="Any organisation"
    )

    class Meta:
        model = Initiative
        fields = ["q", "kind", "status", "organisation"]
