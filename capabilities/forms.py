"""Forms of the directory screens. They check shape only; the services apply the rules."""

from django import forms

from capabilities.models import Capability, CapabilityArea, Centre, Level, Modality


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LevelForm(forms.Form):
    """One capability of one centre. Quantity and expiry appear only where the capability takes them."""

    level = forms.ChoiceField(choices=Level.choices)
    quantity = forms.IntegerField(required=False, min_value=0)
    expires_on = forms.DateField(required=False, label="Expires on", widget=DateInput())
    evidence = forms.CharField(required=False, max_length=300, help_text="Licence number or accreditation reference.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, capability: Capability, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.capability = capability
        if capability.has_quantity:
            self.fields["quantity"].label = capability.quantity_unit.capitalize() or "Quantity"
        else:
            del self.fields["quantity"]
        if not capability.expires:
            del self.fields["expires_on"]
            del self.fields["evidence"]
        # Ids unique per row, since many rows' forms share a page.
        self.auto_id = f"id_{prefix_id or capability.pk}_%s"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "quantity": data.get("quantity"),
            "expires_on": data.get("expires_on"),
            "evidence": data.get("evidence", ""),
            "notes": data.get("notes", ""),
        }


class CentreForm(forms.ModelForm):
    class Meta:
        model = Centre
        fields = ["name", "code", "institution", "nation", "city", "email", "active"]


class AreaForm(forms.ModelForm):
    class Meta:
        model = CapabilityArea
        fields = ["name", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class SynonymsField(forms.CharField):
    """A list of words, edited one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        lines = (line.strip() for line in (super().to_python(value) or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))


class CapabilityForm(forms.ModelForm):
    synonyms = SynonymsField(
        required=False,
        help_text="Other names and abbreviations sponsors use, one per line (e.g. NSCLC, 177Lu). A synopsis that "
        "names one fills this capability in; words with capitals inside match in that case only.",
    )

    class Meta:
        model = Capability
        fields = [
            "code",
            "name",
            "area",
            "description",
            "synonyms",
            "has_quantity",
            "quantity_unit",
            "expires",
            "is_tumour_type",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"code": "Lower-case words separated by dots, e.g. 'unit.beds'. Fixed once created."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].empty_label = "Choose an area"
        if self.instance.pk:
            self.fields["code"].disabled = True


class ModalityRuleForm(forms.Form):
    modality = forms.ChoiceField(choices=Modality.choices)
    capability = forms.ModelChoiceField(
        queryset=Capability.objects.select_related("area").order_by("code"),
        to_field_name="code",
        help_text="Every request of this modality will require it.",
    )
    note = forms.CharField(required=False, max_length=200, help_text="Why, in a few words.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].label_from_instance = lambda c: f"{c.code} — {c.name}"
        self.fields["capability"].empty_label = "Choose a capability"
