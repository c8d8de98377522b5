"""Forms of the feasibility pages: they check shape; the services check meaning."""

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from capabilities.models import POPULATION_CODES, Capability, Centre, Modality
from engagements.models import Contact, Organisation
from feasibility.models import Decision, DeclineReason, FeasibilityRequest, Phase, RequestStatus
from feasibility.services import ATTACHMENT_EXTENSIONS

POPULATION_CHOICES = [(code, code.title()) for code in POPULATION_CODES]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _requirement_choices():
    return Capability.objects.filter(is_tumour_type=False).exclude(code__in=POPULATION_CODES).select_related("area")


class SponsorContactField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.organisation.name} · {obj}"


class RequestForm(forms.Form):
    title = forms.CharField(max_length=300)
    sponsor = forms.ModelChoiceField(queryset=Organisation.objects.filter(merged_into__isnull=True))
    sponsor_contacts = SponsorContactField(
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (or Cmd) to choose several.",
    )
    received_on = forms.DateField(initial=timezone.localdate, widget=DATE)
    asset = forms.CharField(max_length=200, required=False, help_text="The investigational product, e.g. XB-204.")
    modality = forms.ChoiceField(choices=Modality.choices)
    phase = forms.ChoiceField(choices=Phase.choices, initial=Phase.PHASE_1)
    populations = forms.MultipleChoiceField(
        choices=POPULATION_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["adult"]
    )
    tumour_types = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.filter(is_tumour_type=True),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    required = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label="Required capabilities",
        help_text="A centre must hold each of these (available or limited) to be eligible.",
    )
    preferred = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        to_field_name="code",
        label="Preferred capabilities",
        widget=forms.CheckboxSelectMultiple,
        help_text="These raise a centre's score but do not exclude it.",
    )
    sites_sought = forms.IntegerField(min_value=1, required=False)
    patients_total = forms.IntegerField(min_value=1, required=False)
    planned_start = forms.DateField(required=False, widget=DATE)
    response_deadline = forms.DateField(
        required=False, widget=DATE, help_text="Left empty, each centre gets 10 UK working days from routing."
    )
    under_nda = forms.BooleanField(required=False, initial=True, label="Under the network confidentiality agreement")
    synopsis = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required"].queryset = _requirement_choices()
        self.fields["preferred"].queryset = _requirement_choices()
        self.fields["sponsor_contacts"].queryset = (
            Contact.objects.filter(organisation__isnull=False)
            .select_related("organisation")
            .order_by("organisation__name", "last_name", "first_name")
        )

    def clean(self):
        data = super().clean()
        both = set(data.get("required") or []) & set(data.get("preferred") or [])
        if both:
            self.add_error("preferred", "A capability is either required or preferred, not both.")
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        required, preferred = data.pop("required", []), data.pop("preferred", [])
        data["requirements"] = [(c, "required") for c in required] + [(c, "preferred") for c in preferred]
        data["tumour_types"] = list(data["tumour_types"])
        data["sponsor_contacts"] = list(data["sponsor_contacts"])
        return data

    @classmethod
    def initial_for(cls, request: FeasibilityRequest) -> dict:
        initial = {name: getattr(request, name) for name in cls.base_fields if hasattr(request, name)}
        reqs = list(request.requirements.select_related("capability"))
        initial["required"] = [r.capability.code for r in reqs if r.necessity == "required"]
        initial["preferred"] = [r.capability.code for r in reqs if r.necessity == "preferred"]
        initial["tumour_types"] = [t.code for t in request.tumour_types.all()]
        initial["sponsor_contacts"] = list(request.sponsor_contacts.all())
        return initial


class RouteForm(forms.Form):
    centres = forms.ModelMultipleChoiceField(
        queryset=Centre.objects.all(), widget=forms.CheckboxSelectMultiple, label="Centres to invite"
    )
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only to invite a centre that is not eligible; it is kept with the invitation.",
    )
    deadline = forms.DateField(
        required=False, widget=DATE, help_text="Empty: the request's deadline, else 10 UK working days."
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    decline_reason = forms.ChoiceField(
        choices=[("", "—")] + list(DeclineReason.choices), required=False, help_text="Needed when declining."
    )
    principal_investigator = forms.CharField(max_length=200, required=False)
    estimated_patients = forms.IntegerField(min_value=0, required=False, label="Patients you expect to recruit")
    earliest_start = forms.DateField(required=False, widget=DATE, help_text="When your centre could open the study.")
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ATTACHMENT_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PublicOpportunityForm(forms.Form):
    company = forms.CharField(max_length=200, label="Company")
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(label="Your email")
    title = forms.CharField(max_length=300, label="Study title")
    asset = forms.CharField(max_length=200, required=False, label="Investigational product")
    modality = forms.ChoiceField(choices=Modality.choices)
    phase = forms.ChoiceField(choices=Phase.choices, initial=Phase.PHASE_1)
    populations = forms.MultipleChoiceField(
        choices=POPULATION_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["adult"]
    )
    sites_sought = forms.IntegerField(min_value=1, required=False, label="UK sites sought")
    patients_total = forms.IntegerField(min_value=1, required=False, label="Patients in total")
    planned_start = forms.DateField(required=False, widget=DATE, help_text="Roughly, if known.")
    synopsis = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), help_text="No patient-identifiable data.")
    attachments = MultipleFileField(
        required=False, help_text="Optional: PDF, DOCX or XLSX, up to 10 MB each (protocol synopsis, site criteria)."
    )
    nda_confirmed = forms.BooleanField(
        label="I confirm this opportunity may be shared with the network's centres under its confidentiality agreement."
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class SummaryForm(forms.Form):
    sent_on = forms.DateField(initial=timezone.localdate, widget=DATE)
    sent_to = forms.CharField(max_length=300, help_text="Who received it, e.g. the sponsor's study lead and email.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InvitedCentreField(forms.ModelMultipleChoiceField):
    """Each invited centre with its answer, when the queryset carries it (annotated `decision`)."""

    def label_from_instance(self, obj):
        decision = getattr(obj, "decision", None)
        answer = Decision(decision).label.lower() if decision else "no answer"
        return f"{obj.name} · {answer}"


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(s, RequestStatus(s).label) for s in ("placed", "not_placed", "withdrawn")], widget=forms.RadioSelect
    )
    centres = InvitedCentreField(
        queryset=Centre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Centres the sponsor selected",
        help_text="Only for a placed request; each selected centre gets a set-up to follow.",
    )
    closed_on = forms.DateField(initial=timezone.localdate, widget=DATE, label="Decided on")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, invited=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = invited if invited is not None else Centre.objects.none()


class SetupForm(forms.Form):
    regulatory_submitted_on = forms.DateField(required=False, widget=DATE, label="Regulatory submission")
    regulatory_approved_on = forms.DateField(required=False, widget=DATE, label="Regulatory approval")
    selected_on = forms.DateField(required=False, widget=DATE, label="Site selected")
    opened_on = forms.DateField(required=False, widget=DATE, label="Site open")
    first_participant_on = forms.DateField(required=False, widget=DATE, label="First participant")
    advanced_therapy = forms.BooleanField(required=False, help_text="Advanced therapies have 90 days for approval.")


class DeadlineForm(forms.Form):
    deadline = forms.DateField(widget=DATE)


class RequestFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(choices=[("", "Any status")] + list(RequestStatus.choices), required=False)
    modality = forms.ChoiceField(choices=[("", "Any modality")] + list(Modality.choices), required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    received_after = forms.DateField(
        required=False, label="Received from", widget=forms.DateInput(attrs={"type": "date"})
    )
    received_before = forms.DateField(
        required=False, label="Received to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("received_after"), data.get("received_before")
        if start and end and end < start:
            self.add_error("received_before", "The end of the range comes before its start.")
        return data


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(label="Add documents", help_text="PDF, DOCX or XLSX, up to 10 MB each.")


class SponsorOpportunityForm(PublicOpportunityForm):
    """The public form's study fields for a signed-in sponsor: the company is the account's, no robot check, the
    NDA accepted once; tumour types and capabilities too, as a synopsis can fill them in."""

    tumour_types = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.filter(is_tumour_type=True),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    required = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label="Capabilities sites must have",
    )
    preferred = forms.ModelMultipleChoiceField(
        queryset=Capability.objects.none(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label="Capabilities you would prefer",
    )
    nda_accepted = forms.BooleanField(
        required=False,
        label="I accept the network's confidentiality agreement: the Programme Office and the centres it consults "
        "keep our opportunities confidential, and we share no patient-identifiable data.",
    )

    field_order = [
        "title",
        "asset",
        "modality",
        "phase",
        "populations",
        "tumour_types",
        "required",
        "preferred",
        "sites_sought",
        "patients_total",
        "planned_start",
        "synopsis",
        "attachments",
        "nda_accepted",
    ]

    def __init__(self, *args, nda_needed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("company", "name", "email", "website", "nda_confirmed"):
            del self.fields[name]
        if not nda_needed:
            del self.fields["nda_accepted"]
        self.fields["required"].queryset = _requirement_choices()
        self.fields["preferred"].queryset = _requirement_choices()

    def clean(self):
        data = super().clean()
        if set(data.get("required") or []) & set(data.get("preferred") or []):
            self.add_error("preferred", "A capability is either required or preferred, not both.")
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        required, preferred = data.pop("required", []), data.pop("preferred", [])
        data["requirements"] = [(c, "required") for c in required] + [(c, "preferred") for c in preferred]
        data["tumour_types"] = list(data["tumour_types"])
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why are you withdrawing it?",
        help_text="For example: the programme was deprioritised, or sites were found elsewhere.",
    )


class SynopsisForm(forms.Form):
    """Upload or paste a synopsis to fill the request form; nothing is saved until the form itself is sent."""

    synopsis_file = forms.FileField(
        required=False,
        label="Synopsis file",
        help_text="PDF, Word (.docx) or text, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.txt"}),
    )
    synopsis_text = forms.CharField(
        required=False,
        label="Or paste the synopsis",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("synopsis_file") and not (data.get("synopsis_text") or "").strip():
            raise forms.ValidationError("Upload the synopsis or paste its text.")
        return data


# The extraction's field names, as the request forms name them.
EXTRACTED_AS = {"requirements": ("required", "preferred")}


def extraction_initial(fields: dict, text: str) -> dict:
    """The request form's initial values from what a synopsis gave (nothing saved)."""
    initial = {name: value for name, value in fields.items() if name not in ("requirements", "tumour_types")}
    initial["tumour_types"] = list(fields.get("tumour_types") or [])
    requirements = fields.get("requirements") or []
    initial["required"] = [r["capability"] for r in requirements if r["necessity"] == "required"]
    initial["preferred"] = [r["capability"] for r in requirements if r["necessity"] == "preferred"]
    initial["synopsis"] = text
    return initial


def show_evidence(form: forms.Form, evidence: dict) -> list[dict]:
    """Under each prefilled field, the sentence it came from; returns the list shown above the form."""
    shown = []
    for name, sentence in evidence.items():
        names = [n for n in EXTRACTED_AS.get(name, (name,)) if n in form.fields]
        for field_name in names:
            form.fields[field_name].help_text = format_html("From the synopsis: “{}”", sentence)
        label = (form.fields[names[0]].label if names else None) or name.replace("_", " ").capitalize()
        shown.append({"field": name, "label": label, "sentence": sentence})
    return shown
