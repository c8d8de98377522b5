"""No lost updates: every edit carries the version of the record it started from, and a stale save is refused.

The version is a hash of the row's stored values (every concrete field), so it needs no extra column, changes
with every save whoever makes it (a form, the API, the admin, a task), and is the same for the same values.
The check runs on the row locked with `select_for_update` inside the transaction that saves it, so no save can
slip in between the check and the write.

- HTML forms: `carry_version(form, record)` adds a hidden `version` field; the view saves inside
  `guard_edit(record, take_version(form))` and, on `StaleEdit`, calls `show_stale(form, exc)`: the
  form comes back with what the person typed, a message, and the other person's values where they differ.
- API: `VersionedViewSetMixin` sends `ETag` on every object GET/PUT/PATCH and honours `If-Match`
  (412 Precondition Failed when stale; a request without `If-Match` is still allowed).
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response


def version_of(record: models.Model) -> str:
    """A short fingerprint of the row's stored values."""
    values = [(field.attname, field.value_to_string(record)) for field in record._meta.concrete_fields]
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:24]


class StaleEdit(Exception):
    """The record changed since the person opened it; `current` holds what is saved now."""

    def __init__(self, current: models.Model):
        self.current = current
        super().__init__("Someone else saved this record after you opened it.")


def lock(record: models.Model) -> models.Model:
    """The row as stored now, locked until the surrounding transaction ends."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


@contextmanager
def guard_edit(record: models.Model | None, version: str | None) -> Iterator[None]:
    """Run the save inside a transaction that holds the row locked; refuse it (StaleEdit) when the version
    the person started from is not the row's version now. No version given (a new record, an old client):
    the save goes ahead."""
    with transaction.atomic():
        if record is not None and record.pk is not None and version:
            current = lock(record)
            if version_of(current) != version:
                raise StaleEdit(current)
        yield


# HTML forms ------------------------------------------------------------------------------------------------

STALE_MESSAGE = (
    "Someone else saved this record after you opened it, so your changes were not saved. "
    "Check their values below; save again to put yours over theirs."
)


def carry_version(form: forms.BaseForm, record: models.Model | None) -> forms.BaseForm:
    """Give the form a hidden `version` field holding the version of the record being edited."""
    if record is not None and record.pk is not None:
        form.fields["version"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=version_of(lock_free(record))
        )
    return form


def lock_free(record: models.Model) -> models.Model:
    # A ModelForm writes its cleaned values onto its instance: the version is of what is stored.
    return type(record)._default_manager.get(pk=record.pk)


def take_version(form: forms.BaseForm) -> str | None:
    """The version the form was opened at, taken out of its cleaned data (services never see it)."""
    return getattr(form, "cleaned_data", {}).pop("version", None) or None


def _shown(record: models.Model, name: str) -> str | None:
    """The record's value of a form field, in words; None when the record has no such field."""
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(record, name).all())) or "—"
    value = getattr(record, f"get_{name}_display")() if field.choices else getattr(record, name)
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return "—" if value in (None, "") else str(value)


def _same(mine, record: models.Model, name: str) -> bool:
    theirs = getattr(record, name)
    if hasattr(theirs, "all"):
        return {getattr(x, "pk", x) for x in theirs.all()} == {getattr(x, "pk", x) for x in (mine or [])}
    return (mine in (None, "") and theirs in (None, "")) or mine == theirs


def show_stale(form: forms.BaseForm, exc: StaleEdit) -> None:
    """Keep what the person typed, say the save was refused, and show the other person's values of every field
    where they differ; the hidden version moves to the current one, so saving again is a deliberate choice."""
    current = exc.current
    differences = []
    for name, field in form.fields.items():
        theirs = _shown(current, name) if name != "version" else None
        if theirs is not None and not _same(form.cleaned_data.get(name), current, name):
            differences.append(f"{field.label or name.replace('_', ' ').capitalize()}: {theirs}")
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = version_of(current)
    message = STALE_MESSAGE
    if differences:
        message += " Their values: " + "; ".join(differences) + "."
    form.add_error(None, message)


# API -------------------------------------------------------------------------------------------------------


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This record changed since you read it (its ETag no longer matches If-Match). "
        "GET it again and apply your change to the current version."
    )
    default_code = "precondition_failed"


def etag_for(record: models.Model) -> str:
    return f'"{version_of(record)}"'


def check_if_match(request, record: models.Model | None) -> None:
    """Refuse (412) a write whose `If-Match` names a version other than the record's now; call it inside the
    transaction that saves. No `If-Match`: allowed. No record yet (nothing to match): only `If-Match` absent
    goes ahead, as RFC 9110 says of a resource with no current representation."""
    wanted = request.headers.get("If-Match")
    if not wanted:
        return
    if record is None or record.pk is None:
        raise PreconditionFailed()
    current = lock(record)
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if "*" not in tags and etag_for(current) not in tags:
        raise PreconditionFailed()


class ETagMixin:
    """For read-only viewsets: `ETag` on every object GET."""

    def _with_etag(self, response: Response) -> Response:
        if response.status_code < 300:
            model = self.get_queryset().model
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            record = model._default_manager.filter(pk=lookup).first()
            if record is not None:
                response["ETag"] = etag_for(record)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._with_etag(super().retrieve(request, *args, **kwargs))


class VersionedViewSetMixin(ETagMixin):
    """For model viewsets: `ETag` on every object GET/PUT/PATCH, `If-Match` honoured on PUT/PATCH/DELETE."""

    def _versioned_object(self) -> models.Model:
        return self.get_object()

    def _check_if_match(self, request) -> None:
        if request.headers.get("If-Match"):
            check_if_match(request, self._versioned_object())

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            self._check_if_match(request)
            response = super().update(request, *args, **kwargs)
        return self._with_etag(response)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self._check_if_match(request)
            return super().destroy(request, *args, **kwargs)
