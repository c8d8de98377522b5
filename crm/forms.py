from django import forms

from capabilities.models import Centre
from crm.models import OfficeSettings, Role
from engagements.models import Organisation


class InviteForm(forms.Form):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    centres = forms.ModelMultipleChoiceField(
        queryset=Centre.objects.active(),
        required=False,
        help_text="For centre staff: the centres they answer for.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(merged_into__isnull=True),
        required=False,
        help_text="For sponsor accounts: the company they act for.",
    )


class SponsorInviteForm(forms.Form):
    """Inviting someone from a company's page: the role and organisation are the page's."""

    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is the token for?")


class ReportNarrativeForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="The year in a few paragraphs; it opens the report.",
    )
    highlights = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One highlight per line.",
    )
    plans = forms.CharField(
        label="Plans for next year",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class AuditFilterForm(forms.Form):
    """The audit log's filters; every one optional."""

    user = forms.ModelChoiceField(queryset=None, required=False, empty_label="Anyone", label="Who")
    record_type = forms.ChoiceField(required=False, label="Record type")
    action = forms.ChoiceField(required=False, label="Action")
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from crm import audit
        from crm.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.order_by("first_name", "last_name", "username")
        self.fields["record_type"].choices = [("", "Every type"), *audit.record_type_choices()]
        self.fields["action"].choices = [("", "Any action"), *audit.ACTION_CHOICES]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date.")
        return data

    def filters(self):
        from crm.audit import Filters

        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            user_id=data["user"].pk if data.get("user") else None,
            record_type=data.get("record_type") or "",
            start=data.get("start"),
            end=data.get("end"),
            action=data.get("action") or "",
        )


class OfficeSettingsForm(forms.ModelForm):
    class Meta:
        model = OfficeSettings
        fields = ["digest_days", "reminder_working_days"]
        widgets = {"reminder_working_days": forms.NumberInput(attrs={"min": 1, "max": 10})}
