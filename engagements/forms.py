"""Forms of the engagements pages. They check shape; the services decide (and say what is wrong)."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from crm.models import Role, User
from engagements.filters import OFFERED_DAYS, OFFERED_LIMIT, OfferedSelect
from engagements.models import (
    Contact,
    Engagement,
    EngagementKind,
    Event,
    FollowUp,
    Initiative,
    Organisation,
)
from engagements.services import CONTACT_FIELDS, INITIATIVE_FIELDS, ORGANISATION_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class _ServiceModelForm(forms.ModelForm):
    """Uniqueness and constraints are the service's to check, with messages in words."""

    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


def _staff_queryset():
    return User.objects.filter(is_active=True, role=Role.PROGRAMME_OFFICE).order_by("first_name", "last_name")


class BulkEventForm(forms.Form):
    """The event to add the contacts ticked on the contacts list to (the newest first).

    The drop-down offers the events of the last 12 months and those ahead (as the list filters do), not every
    event of ten years; the field still accepts any event the person may see."""

    event = forms.ModelChoiceField(queryset=Event.objects.none(), label="Event")

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        events = events.order_by("-starts_on", "name")
        self.fields["event"].queryset = events

        def offered(chosen: str | None) -> list[tuple[int, str]]:
            since = timezone.localdate() - datetime.timedelta(days=OFFERED_DAYS)
            rows = events.filter(Q(starts_on__gte=since) | Q(pk=chosen)).only("pk", "name", "starts_on")
            return [(event.pk, str(event)) for event in rows[:OFFERED_LIMIT]]

        self.fields["event"].widget = OfferedSelect(
            offered, "Choose an event", attrs={"class": "form-select form-select-sm w-auto mw-100"}
        )


class BulkOwnerForm(forms.Form):
    """The owner to give the rows ticked on a list (organisations: may be nobody; follow-ups: someone)."""

    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="New owner",
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff_queryset()
        self.fields["owner"].empty_label = "Nobody"


class OrganisationForm(_ServiceModelForm):
    create_anyway = forms.BooleanField(
        required=False, label="Create anyway: this is a different organisation from those above"
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "nda_signed_on": DateInput(),
            "nda_expires_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.filter(merged_into__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "None: not part of a group"
        self.fields["owner"].queryset = _staff_queryset()
        self.fields["owner"].empty_label = "Nobody yet"


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation to fold into this one",
        help_text="Its contacts, engagements, follow-ups and trial opportunities move here; it is kept, marked merged.",
    )

    def __init__(self, *args, survivor: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Organisation.objects.filter(merged_into__isnull=True).exclude(pk=survivor.pk)
        self.fields["other"].empty_label = "Choose the duplicate…"


class ContactForm(_ServiceModelForm):
    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)
        widgets = {"consent_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["organisation"].queryset = Organisation.objects.filter(merged_into__isnull=True)
        self.fields["organisation"].empty_label = "No organisation"


class EventForm(_ServiceModelForm):
    class Meta:
        model = Event
        fields = [
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
            "staff_attending",
            "notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "staff_attending": forms.CheckboxSelectMultiple(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_attending"].queryset = _staff_queryset()


class EngagementForm(forms.Form):
    """The quick log: what, when, who. Organisations and contacts are picked through the type-ahead."""

    subject = forms.CharField(max_length=200)
    occurred_on = forms.DateField(label="Date", widget=DateInput(), initial=timezone.localdate)
    kind = forms.ChoiceField(choices=EngagementKind.choices, initial=EngagementKind.MEETING)
    event = forms.ModelChoiceField(queryset=Event.objects.all(), required=False, empty_label="Not at an event")
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(merged_into__isnull=True),
        error_messages={"required": "Name at least one organisation met."},
    )
    contacts = forms.ModelMultipleChoiceField(queryset=Contact.objects.filter(erased=False), required=False)
    staff = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
        help_text="You, unless you name others.",
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    topics = forms.CharField(max_length=300, required=False, help_text="Comma separated, e.g. 'ADC, paediatric'.")
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    new_contact_first_name = forms.CharField(label="First name", max_length=100, required=False)
    new_contact_last_name = forms.CharField(label="Last name", max_length=100, required=False)
    new_contact_email = forms.EmailField(label="Email", required=False)
    new_contact_job_title = forms.CharField(label="Job title", max_length=200, required=False)
    follow_up_text = forms.CharField(label="Follow-up", max_length=500, required=False)
    follow_up_due_on = forms.DateField(label="Due", required=False, widget=DateInput())

    NEW_CONTACT_FIELDS = [
        "new_contact_first_name",
        "new_contact_last_name",
        "new_contact_email",
        "new_contact_job_title",
    ]
    FOLLOW_UP_FIELDS = ["follow_up_text", "follow_up_due_on"]
    MAIN_FIELDS = ["subject", "occurred_on", "kind", "event"]
    DETAIL_FIELDS = ["summary", "topics", "outcome", "staff"]

    def __init__(self, *args, with_new_contact: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _staff_queryset()
        self.fields["event"].queryset = Event.objects.order_by("-starts_on")
        if not with_new_contact:
            for name in self.NEW_CONTACT_FIELDS + self.FOLLOW_UP_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        new = [data.get(name) for name in self.NEW_CONTACT_FIELDS if name in self.fields]
        if any(new) and not (data.get("new_contact_first_name") and data.get("new_contact_last_name")):
            self.add_error("new_contact_last_name", "Give the new contact's first and last name.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "subject": data["subject"],
            "occurred_on": data["occurred_on"],
            "kind": data["kind"],
            "event": data.get("event"),
            "organisations": list(data["organisations"]),
            "contacts": list(data.get("contacts") or []),
            "staff": list(data.get("staff") or []),
            "summary": data.get("summary", ""),
            "topics": data.get("topics", ""),
            "outcome": data.get("outcome", ""),
        }
        if "new_contact_first_name" in self.fields:
            kwargs["new_contact"] = {
                "first_name": data.get("new_contact_first_name", ""),
                "last_name": data.get("new_contact_last_name", ""),
                "email": data.get("new_contact_email", ""),
                "job_title": data.get("new_contact_job_title", ""),
            }
            kwargs["follow_up"] = {"text": data.get("follow_up_text"), "due_on": data.get("follow_up_due_on")}
        return kwargs

    @classmethod
    def initial_from(cls, engagement: Engagement) -> dict:
        return {
            "subject": engagement.subject,
            "occurred_on": engagement.occurred_on,
            "kind": engagement.kind,
            "event": engagement.event_id,
            "organisations": [o.pk for o in engagement.organisations.all()],
            "contacts": [c.pk for c in engagement.contacts.all()],
            "staff": [s.pk for s in engagement.staff.all()],
            "summary": engagement.summary,
            "topics": engagement.topics,
            "outcome": engagement.outcome,
        }


class FollowUpForm(_ServiceModelForm):
    class Meta:
        model = FollowUp
        fields = ["text", "due_on", "owner"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff_queryset()
        self.fields["owner"].required = False
        self.fields["owner"].empty_label = "Me"


class ImportForm(forms.Form):
    what = forms.ChoiceField(
        choices=[("organisations", "Organisations"), ("contacts", "Contacts")],
        label="What the file holds",
        widget=forms.RadioSelect,
        initial="contacts",
    )
    file = forms.FileField(
        allow_empty_file=True,  # the importer says what an empty file means, in its own words
        label="CSV file (UTF-8, at most 5 MB)",
        help_text="The first row names the columns; “Columns” says what each kind needs.",
    )


class InitiativeForm(_ServiceModelForm):
    class Meta:
        model = Initiative
        fields = [*INITIATIVE_FIELDS, "organisations", "events"]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outputs": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(merged_into__isnull=True)
        self.fields["organisations"].help_text = "Partners and companies it is run with (hold Ctrl to choose several)."
        self.fields["events"].help_text = "Webinars, courses or meetings it ran."
