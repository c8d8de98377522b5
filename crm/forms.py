from django import forms

from capabilities.models import Centre
from crm.models import Role
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
