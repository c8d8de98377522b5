"""The operations that change organisations, contacts, events, engagements and follow-ups.

Views, the API, admin actions, the importer and commands all call these. Each takes the `actor`,
checks permission through crm/permissions.py, runs in one transaction and raises ValidationError
(a field dict where it fits) before changing anything on bad input.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from crm import permissions as access
from crm.forms_util import check_date_range
from crm.models import Role
from engagements import importing
from engagements.models import Contact, Engagement, Event, FollowUp, ImportJob, Initiative, Organisation, normalise_name

DUPLICATE_RATIO = 0.85
WRITE_REFUSAL = "Only the Programme Office changes organisations, contacts, events and engagements."

# The fields a person edits, in the order forms and the API show them (they list these, not their own copies).
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "size",
    "country",
    "website",
    "parent",
    "status",
    "owner",
    "nda_signed_on",
    "nda_expires_on",
    "therapy_areas",
    "modality_interests",
    "notes",
)
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "organisation",
    "lawful_basis",
    "consent_on",
    "do_not_contact",
    "notes",
)
CONTACT_PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "notes")
EVENT_FIELDS = {
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
    "notes",
}
INITIATIVE_FIELDS = ("title", "kind", "summary", "started_on", "ended_on", "status", "outputs")
ENGAGEMENT_FIELDS = {"occurred_on", "kind", "subject", "summary", "event", "topics", "outcome"}
FOLLOW_UP_FIELDS = {"engagement", "organisation", "owner", "due_on", "done_on", "text"}


class PossibleDuplicate(ValidationError):
    """The organisation's name is close to existing ones; the caller may create it anyway."""

    def __init__(self, existing: list[Organisation]):
        self.existing = existing
        names = ", ".join(f"“{org.name}”" for org in existing)
        super().__init__(
            {"name": f"This looks like an organisation already held: {names}. Check it, or create anyway."}
        )


def _require_writer(actor) -> None:
    access.require(access.can_write_engagements(actor), WRITE_REFUSAL)


def _full_clean(obj, exclude: Iterable[str] = ()) -> None:
    """Model validation (field choices, constraints) as a ValidationError with field names."""
    obj.full_clean(exclude=list(exclude), validate_unique=True, validate_constraints=True)


def _save(obj, actor, **kwargs) -> None:
    """Save a row naming the actor in its history, also outside a web request (API tokens, commands, tasks)."""
    obj._history_user = actor
    obj.save(**kwargs)


def _delete(obj, actor) -> None:
    obj._history_user = actor
    obj.delete()


def _assign(obj, data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown field{pluralize(len(unknown))}: {', '.join(sorted(unknown))}.")
    for field, value in data.items():
        setattr(obj, field, value.strip() if isinstance(value, str) and field != "notes" else value)


# Organisations ---------------------------------------------------------------------------------------


def similar_organisations(name: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[Organisation]:
    """Organisations whose normalised name equals this one's or is close to it (difflib ratio ≥ 0.85)."""
    wanted = normalise_name(name)
    if not wanted:
        return []
    candidates = Organisation.objects.filter(merged_into__isnull=True)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    matcher = difflib.SequenceMatcher(b=wanted, autojunk=False)
    for pk, normalised in candidates.values_list("pk", "normalised_name"):
        if normalised == wanted:
            scored.append((1.0, pk))
            continue
        matcher.set_seq1(normalised)
        if matcher.real_quick_ratio() >= DUPLICATE_RATIO and matcher.ratio() >= DUPLICATE_RATIO:
            scored.append((matcher.ratio(), pk))
    scored.sort(reverse=True)
    ids = [pk for _, pk in scored[:limit]]
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _check_organisation(org: Organisation) -> None:
    if org.parent_id and org.pk and org.parent_id == org.pk:
        raise ValidationError({"parent": "An organisation cannot be its own parent."})
    if org.nda_signed_on and org.nda_expires_on and org.nda_expires_on < org.nda_signed_on:
        raise ValidationError({"nda_expires_on": "The NDA cannot expire before it was signed."})
    _full_clean(org, exclude=["normalised_name"])


def organisation_create(*, actor, name: str, kind: str, allow_duplicate: bool = False, **fields) -> Organisation:
    """Add an organisation. A name close to an existing one raises PossibleDuplicate unless allowed."""
    _require_writer(actor)
    org = Organisation(created_at=timezone.now())
    _assign(org, {"name": name, "kind": kind, **fields}, ORGANISATION_FIELDS)
    org.normalised_name = normalise_name(org.name)
    _check_organisation(org)
    if not allow_duplicate:
        existing = similar_organisations(org.name)
        if existing:
            raise PossibleDuplicate(existing)
    with transaction.atomic():
        _save(org, actor)
    return org


def organisation_update(*, actor, organisation: Organisation, allow_duplicate: bool = False, **fields) -> Organisation:
    _require_writer(actor)
    old_name = Organisation.objects.filter(pk=organisation.pk).values_list("name", flat=True).first()
    _assign(organisation, fields, ORGANISATION_FIELDS)
    organisation.normalised_name = normalise_name(organisation.name)
    _check_organisation(organisation)
    if not allow_duplicate and "name" in fields and organisation.name != old_name:
        existing = similar_organisations(organisation.name, exclude_pk=organisation.pk)
        if existing:
            raise PossibleDuplicate(existing)
    with transaction.atomic():
        _save(organisation, actor)
    return organisation


def organisation_delete(*, actor, organisation: Organisation) -> None:
    """Delete an organisation nothing depends on; otherwise say what holds it."""
    _require_writer(actor)
    if organisation.feasibility_requests.exists():
        raise ValidationError("This organisation sponsors trial opportunities; merge it or mark it dormant instead.")
    if organisation.engagements.exists():
        raise ValidationError("This organisation has engagements logged; merge it or mark it dormant instead.")
    with transaction.atomic():
        _delete(organisation, actor)


@transaction.atomic
def organisation_merge(*, actor, survivor: Organisation, other: Organisation) -> Organisation:
    """Fold `other` into `survivor`: its contacts, engagements, follow-ups, trial opportunities and child
    organisations move to the survivor; `other` stays (history intact) marked merged and dormant."""
    _require_writer(actor)
    if survivor.pk == other.pk:
        raise ValidationError("Choose two different organisations to merge.")
    if other.merged_into_id:
        raise ValidationError(f"“{other.name}” was already merged into another organisation.")
    if survivor.merged_into_id:
        raise ValidationError(f"“{survivor.name}” was merged into another organisation; merge into that one.")
    for contact in other.contacts.all():
        contact.organisation = survivor
        _save(contact, actor, update_fields=["organisation"])
    for engagement in other.engagements.all():
        engagement.organisations.remove(other)
        engagement.organisations.add(survivor)
    for follow_up in other.follow_ups.all():
        follow_up.organisation = survivor
        _save(follow_up, actor, update_fields=["organisation"])
    # Reached through the reverse relation: engagements never imports feasibility.
    for request in other.feasibility_requests.all():
        request.sponsor = survivor
        _save(request, actor, update_fields=["sponsor"])
    for child in other.children.exclude(pk=survivor.pk):
        child.parent = survivor
        _save(child, actor, update_fields=["parent"])
    if survivor.parent_id == other.pk:
        survivor.parent = other.parent if other.parent_id != survivor.pk else None
    # Keep what the survivor lacks.
    for field in (
        "size",
        "country",
        "website",
        "therapy_areas",
        "modality_interests",
        "nda_signed_on",
        "nda_expires_on",
    ):
        if not getattr(survivor, field) and getattr(other, field):
            setattr(survivor, field, getattr(other, field))
    if not survivor.owner_id and other.owner_id:
        survivor.owner_id = other.owner_id
    _save(survivor, actor)
    other.merged_into = survivor
    other.status = "dormant"
    if other.parent_id == survivor.pk:
        other.parent = None
    _save(other, actor)
    return survivor


# Contacts --------------------------------------------------------------------------------------------


def _check_contact(contact: Contact) -> None:
    errors = {}
    if not contact.first_name:
        errors["first_name"] = "Give the contact's first name."
    if not contact.last_name:
        errors["last_name"] = "Give the contact's last name."
    if contact.email:
        try:
            validate_email(contact.email)
        except ValidationError:
            errors["email"] = f"“{contact.email}” is not an email address."
        else:
            clash = Contact.objects.filter(email__iexact=contact.email).exclude(pk=contact.pk).first()
            if clash:
                errors["email"] = f"{clash} already has the email address {contact.email}."
    if contact.organisation_id and contact.organisation.merged_into_id:
        errors["organisation"] = f"“{contact.organisation}” was merged; choose {contact.organisation.merged_into}."
    if errors:
        raise ValidationError(errors)
    _full_clean(contact, exclude=["email"])


def contact_create(*, actor, first_name: str, last_name: str, email: str = "", **fields) -> Contact:
    """Add a contact. The email address, when given, is unique whatever its case."""
    _require_writer(actor)
    contact = Contact(created_at=timezone.now())
    _assign(contact, {"first_name": first_name, "last_name": last_name, "email": email, **fields}, CONTACT_FIELDS)
    _check_contact(contact)
    with transaction.atomic():
        _save(contact, actor)
    return contact


def contact_update(*, actor, contact: Contact, **fields) -> Contact:
    _require_writer(actor)
    if contact.erased:
        raise ValidationError("This contact was erased; it cannot be edited.")
    _assign(contact, fields, CONTACT_FIELDS)
    _check_contact(contact)
    with transaction.atomic():
        _save(contact, actor)
    return contact


def contact_delete(*, actor, contact: Contact) -> None:
    _require_writer(actor)
    with transaction.atomic():
        _delete(contact, actor)


@transaction.atomic
def contact_erase(*, actor, contact: Contact) -> Contact:
    """Erase a person (UK GDPR right to erasure): personal fields go, from the contact and its history;
    engagements and events stay, without the person."""
    _require_writer(actor)
    if contact.erased:
        return contact
    mentions = _mentions_of(contact)
    for engagement in contact.engagements.prefetch_related("follow_ups"):
        _scrub_mentions(engagement, ["summary", "outcome"], mentions, actor)
        for follow_up in engagement.follow_ups.all():
            _scrub_mentions(follow_up, ["text"], mentions, actor)
        engagement.contacts.remove(contact)
    for event in contact.events.all():  # from the event's side, so the event's history records it
        event._history_user = actor
        event.contacts.remove(contact)
    blank = {field: "" for field in CONTACT_PERSONAL_FIELDS}
    blank.update(first_name="Erased", last_name="Erased")
    for field, value in blank.items():
        setattr(contact, field, value)
    contact.consent_on = None
    contact.erased = True
    contact.erased_at = timezone.now()
    contact.erased_by = actor
    _save(contact, actor)
    # History rows are copies of the person: scrub them too (they are the record's history, not model rows).
    contact.history.all().update(**blank, consent_on=None)
    return contact


ERASED_MENTION = "[erased contact]"


def _mentions_of(contact: Contact) -> re.Pattern | None:
    """The person's full name and email as typed into free text (notes of meetings they attended)."""
    names = [f"{contact.first_name} {contact.last_name}".strip(), contact.email.strip()]
    names = [n for n in names if len(n) > 3]
    return re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None


def _scrub_mentions(obj, fields: list[str], mentions: re.Pattern | None, actor) -> None:
    """Replace the person's name and email in the record's free text, and in its history's copies."""
    if mentions is None:
        return
    changed = {f: mentions.sub(ERASED_MENTION, getattr(obj, f)) for f in fields}
    if any(changed[f] != getattr(obj, f) for f in fields):
        for field, text in changed.items():
            setattr(obj, field, text)
        _save(obj, actor, update_fields=fields)
    for record in obj.history.all():
        scrubbed = {f: mentions.sub(ERASED_MENTION, getattr(record, f)) for f in fields}
        if any(scrubbed[f] != getattr(record, f) for f in fields):
            type(record).objects.filter(pk=record.pk).update(**scrubbed)


@transaction.atomic
def contact_keep(*, actor, contact: Contact, today: datetime.date | None = None) -> Contact:
    """After a review, keep a person not engaged for long: they leave the review list for another period."""
    _require_writer(actor)
    if contact.erased:
        raise ValidationError("This contact was erased; there is nothing to keep.")
    contact.reviewed_on = today or timezone.localdate()
    _save(contact, actor, update_fields=["reviewed_on"])
    return contact


def contact_export(*, actor, contact: Contact) -> dict[str, Any]:
    """Everything held about a person (subject access request), as plain data."""
    access.require(access.can_read_engagements(actor))
    org = contact.organisation
    engagements = contact.engagements.prefetch_related("organisations").select_related("event")
    follow_ups = FollowUp.objects.filter(engagement__contacts=contact).select_related("owner")
    return {
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": contact.pk,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "email": contact.email,
            "phone": contact.phone,
            "job_title": contact.job_title,
            "lawful_basis": contact.lawful_basis,
            "consent_on": contact.consent_on.isoformat() if contact.consent_on else None,
            "do_not_contact": contact.do_not_contact,
            "notes": contact.notes,
            "erased": contact.erased,
            "created_at": contact.created_at.isoformat(),
        },
        "organisation": {"id": org.pk, "name": org.name, "country": org.country} if org else None,
        "engagements": [
            {
                "id": e.pk,
                "occurred_on": e.occurred_on.isoformat(),
                "kind": e.kind,
                "subject": e.subject,
                "summary": e.summary,
                "outcome": e.outcome,
                "event": e.event.name if e.event else None,
                "organisations": [o.name for o in e.organisations.all()],
            }
            for e in engagements
        ],
        "follow_ups": [
            {
                "id": f.pk,
                "text": f.text,
                "due_on": f.due_on.isoformat(),
                "done_on": f.done_on.isoformat() if f.done_on else None,
                "owner": str(f.owner),
            }
            for f in follow_ups
        ],
        "events": [
            {"id": ev.pk, "name": ev.name, "starts_on": ev.starts_on.isoformat(), "place": ev.place}
            for ev in contact.events.all()
        ],
        # Reached through the reverse relation: engagements never imports feasibility.
        "feasibility_requests": [
            {"id": r.pk, "reference": r.reference, "title": r.title, "received_on": r.received_on.isoformat()}
            for r in contact.feasibility_requests.all()
        ],
    }


# Events ----------------------------------------------------------------------------------------------


def _check_event(event: Event) -> None:
    # An absurd date (9999-12-31) is a typing slip, and would break the calendar feed for everyone.
    errors = {
        field: message for field in ("starts_on", "ends_on") if (message := check_date_range(getattr(event, field)))
    }
    if errors:
        raise ValidationError(errors)
    if event.ends_on and event.starts_on and event.ends_on < event.starts_on:
        raise ValidationError({"ends_on": "An event cannot end before it starts."})
    if event.attendees is not None and event.attendees < 0:
        raise ValidationError({"attendees": "Attendees cannot be negative."})
    _full_clean(event)


def event_create(*, actor, name: str, starts_on: datetime.date, staff_attending=None, **fields) -> Event:
    _require_writer(actor)
    event = Event()
    _assign(event, {"name": name, "starts_on": starts_on, **fields}, EVENT_FIELDS)
    _check_event(event)
    with transaction.atomic():
        _save(event, actor)
        if staff_attending is not None:
            event.staff_attending.set(staff_attending)
    return event


def event_update(*, actor, event: Event, staff_attending=None, **fields) -> Event:
    _require_writer(actor)
    _assign(event, fields, EVENT_FIELDS)
    _check_event(event)
    with transaction.atomic():
        _save(event, actor)
        if staff_attending is not None:
            event.staff_attending.set(staff_attending)
    return event


def event_contacts_add(*, actor, event: Event, contacts: Iterable[Contact]) -> int:
    """Record that the network met or invited these people at the event (a bulk action on the contacts list):
    all in one transaction, in the event's history. Returns how many were not linked to it already."""
    _require_writer(actor)
    wanted = {contact.pk: contact for contact in contacts}
    if any(contact.erased for contact in wanted.values()):
        raise ValidationError({"contacts": "An erased contact cannot be added to an event."})
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)  # two adds at once count honestly
        already = set(event.contacts.filter(pk__in=wanted).values_list("pk", flat=True))
        new = [contact for pk, contact in wanted.items() if pk not in already]
        if new:
            event._history_user = actor
            event.contacts.add(*new)
    return len(new)


def event_delete(*, actor, event: Event) -> None:
    _require_writer(actor)
    with transaction.atomic():
        _delete(event, actor)


# Engagements -----------------------------------------------------------------------------------------


def _check_engagement(engagement: Engagement, organisations: list[Organisation] | None) -> None:
    errors = {}
    if organisations is not None and not organisations:
        errors["organisations"] = "Name at least one organisation met."
    if not engagement.subject:
        errors["subject"] = "Say what the engagement was about."
    if errors:
        raise ValidationError(errors)
    _full_clean(engagement)


@transaction.atomic
def engagement_log(
    *,
    actor,
    subject: str,
    organisations: list[Organisation],
    contacts: list[Contact] | None = None,
    staff: list | None = None,
    occurred_on: datetime.date | None = None,
    new_contact: dict[str, Any] | None = None,
    follow_up: dict[str, Any] | None = None,
    **fields,
) -> Engagement:
    """Log an engagement quickly: at least one organisation; staff defaults to the actor, the date to
    today; optionally add a new contact (at the first organisation) and a follow-up owned by the actor."""
    _require_writer(actor)
    organisations = list(organisations or [])
    engagement = Engagement(created_by=actor, created_at=timezone.now())
    _assign(
        engagement,
        {"subject": subject, "occurred_on": occurred_on or timezone.localdate(), **fields},
        ENGAGEMENT_FIELDS,
    )
    _check_engagement(engagement, organisations)
    contacts = list(contacts or [])
    if new_contact and any(str(v).strip() for v in new_contact.values() if v is not None):
        new_contact = {k: v for k, v in new_contact.items() if v not in (None, "")}
        new_contact.setdefault("organisation", organisations[0])
        try:
            contacts.append(contact_create(actor=actor, **new_contact))
        except ValidationError as exc:
            raise ValidationError({f"new_contact_{field}": msgs for field, msgs in exc.message_dict.items()}) from exc
    _save(engagement, actor)
    engagement.organisations.set(organisations)
    engagement.contacts.set(contacts)
    engagement.staff.set(staff if staff else [actor])
    if follow_up and follow_up.get("text"):
        follow_up_create(
            actor=actor,
            engagement=engagement,
            owner=follow_up.get("owner") or actor,
            due_on=follow_up.get("due_on") or timezone.localdate() + datetime.timedelta(days=7),
            text=follow_up["text"],
        )
    return engagement


@transaction.atomic
def engagement_update(
    *, actor, engagement: Engagement, organisations=None, contacts=None, staff=None, **fields
) -> Engagement:
    _require_writer(actor)
    _assign(engagement, fields, ENGAGEMENT_FIELDS)
    _check_engagement(engagement, list(organisations) if organisations is not None else None)
    _save(engagement, actor)
    if organisations is not None:
        engagement.organisations.set(organisations)
    if contacts is not None:
        engagement.contacts.set(contacts)
    if staff is not None:
        engagement.staff.set(staff)
    return engagement


def engagement_delete(*, actor, engagement: Engagement) -> None:
    _require_writer(actor)
    with transaction.atomic():
        _delete(engagement, actor)


# Follow-ups ------------------------------------------------------------------------------------------


def _check_follow_up(follow_up: FollowUp) -> None:
    errors = {}
    if not follow_up.text:
        errors["text"] = "Say what is to be done."
    if not follow_up.due_on:
        errors["due_on"] = "Give a due date."
    if errors:
        raise ValidationError(errors)
    _full_clean(follow_up)


def follow_up_create(
    *, actor, text: str, due_on: datetime.date, owner=None, engagement=None, organisation=None, **fields
) -> FollowUp:
    """A thing to do by a date, for one owner (the actor unless named), about an engagement or organisation."""
    _require_writer(actor)
    if engagement is not None and organisation is None:
        organisation = engagement.organisations.first()
    follow_up = FollowUp(engagement=engagement, organisation=organisation, owner=owner or actor)
    _assign(follow_up, {"text": text, "due_on": due_on, **fields}, FOLLOW_UP_FIELDS)
    _check_follow_up(follow_up)
    with transaction.atomic():
        _save(follow_up, actor)
    return follow_up


def follow_up_update(*, actor, follow_up: FollowUp, **fields) -> FollowUp:
    _require_writer(actor)
    _assign(follow_up, fields, FOLLOW_UP_FIELDS)
    _check_follow_up(follow_up)
    with transaction.atomic():
        _save(follow_up, actor)
    return follow_up


def follow_up_complete(*, actor, follow_up: FollowUp, done_on: datetime.date | None = None) -> FollowUp:
    _require_writer(actor)
    if follow_up.done_on:
        return follow_up
    follow_up.done_on = done_on or timezone.localdate()
    with transaction.atomic():
        _save(follow_up, actor, update_fields=["done_on"])
    return follow_up


def follow_ups_complete(*, actor, follow_ups: Iterable[FollowUp], done_on: datetime.date | None = None) -> int:
    """Mark several follow-ups done at once (a bulk action on the list): all or none, each in its history.
    Returns how many were open and are now done."""
    _require_writer(actor)
    done = 0
    with transaction.atomic():
        for follow_up in follow_ups:
            if not follow_up.done_on:
                follow_up_complete(actor=actor, follow_up=follow_up, done_on=done_on)
                done += 1
    return done


def _set_owner(actor, records: Iterable[Organisation | FollowUp], owner) -> int:
    """Give each record this owner, in one transaction, each change in its history; how many changed."""
    _require_writer(actor)
    if owner is not None and (not owner.is_active or owner.role != Role.PROGRAMME_OFFICE):
        raise ValidationError({"owner": "Only active Programme Office staff can own records."})
    changed = 0
    with transaction.atomic():
        for record in records:
            if record.owner_id != (owner.pk if owner else None):
                record.owner = owner
                _save(record, actor, update_fields=["owner"])
                changed += 1
    return changed


def organisations_set_owner(*, actor, organisations: Iterable[Organisation], owner) -> int:
    """Change the owner of several organisations (None: nobody yet)."""
    return _set_owner(actor, organisations, owner)


def follow_ups_set_owner(*, actor, follow_ups: Iterable[FollowUp], owner) -> int:
    """Hand several follow-ups to another member of the Programme Office (a follow-up always has an owner)."""
    if owner is None:
        raise ValidationError({"owner": "A follow-up always has an owner: choose who takes them."})
    return _set_owner(actor, follow_ups, owner)


def follow_up_delete(*, actor, follow_up: FollowUp) -> None:
    _require_writer(actor)
    with transaction.atomic():
        _delete(follow_up, actor)


# Import ----------------------------------------------------------------------------------------------


def import_preview(*, actor, what: str, data: bytes) -> importing.Preview:
    """Read a CSV file of organisations or contacts and say, row by row, what importing it would do.
    Raises importing.FileProblem when the file as a whole cannot be read."""
    _require_writer(actor)
    if what not in importing.COLUMNS:
        raise ValidationError({"what": "Choose organisations or contacts."})
    rows = importing.read_rows(importing.decode(data), what)
    organisations = dict(
        Organisation.objects.filter(merged_into__isnull=True).values_list("normalised_name", "pk").order_by("-pk")
    )
    if what == "organisations":

        def similar(name: str) -> list[str]:
            return [o.name for o in similar_organisations(name, limit=3)]

        return importing.check_organisations(rows, organisations, similar=similar if len(rows) <= 500 else None)
    emails = {email.lower(): pk for email, pk in Contact.objects.exclude(email="").values_list("email", "pk")}
    return importing.check_contacts(rows, emails, organisations)


IMPORT_BATCH = 500
# Above this many rows an import runs as a background task with progress on the page (a web request
# would be cut off by the server's timeout); smaller files are written while the person waits.
IMPORT_IN_BACKGROUND_ABOVE = 1000


def _import_object(what: str, row: importing.Row, target):
    """The organisation or contact a checked row makes or changes, validated but not yet saved."""
    values = dict(row.values)
    if what == "organisations":
        if target is not None:
            values.pop("name")
            values = {k: v for k, v in values.items() if v}
        obj = target or Organisation(created_at=timezone.now())
        _assign(obj, values, ORGANISATION_FIELDS)
        obj.normalised_name = normalise_name(obj.name)
        exclude, fields = ["normalised_name"], set(values)
    else:
        organisation_id = values.pop("organisation_id", None)
        if target is not None:
            values.pop("email")
            values = {k: v for k, v in values.items() if v not in ("", None)}
        obj = target or Contact(created_at=timezone.now())
        _assign(obj, values, CONTACT_FIELDS)
        if organisation_id:
            obj.organisation_id = organisation_id
        exclude, fields = ["organisation"], set(values) | ({"organisation"} if organisation_id else set())
    # Uniqueness was checked by the preview against what is held and within the file.
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    return obj, fields


@transaction.atomic
def import_apply(*, actor, what: str, data: bytes, name: str = "", progress=None) -> dict[str, int]:
    """Import the file: all rows in one transaction, or nothing when any row is rejected.

    Rows are written in batches with the history library's bulk helpers (a history row for each record,
    by the actor, "Imported from <file>"), so 20,000 rows take seconds. `progress(done, total)` is called
    after each batch."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    preview = import_preview(actor=actor, what=what, data=data)
    if not preview.ok:
        raise ValidationError(
            f"{preview.rejects} row{pluralize(preview.rejects)} cannot be imported; fix them and upload the file again. Nothing was imported."
        )
    model = Organisation if what == "organisations" else Contact
    targets = model.objects.in_bulk([row.target_id for row in preview.rows if row.action == "update"])
    creates, updates, changed_fields = [], [], set()
    try:
        for row in preview.rows:
            obj, fields = _import_object(what, row, targets.get(row.target_id) if row.action == "update" else None)
            if row.action == "update":
                updates.append(obj)
                changed_fields |= fields
            else:
                creates.append(obj)
    except ValidationError as exc:
        raise ValidationError(f"Line {row.number}: {' '.join(exc.messages)} Nothing was imported.") from exc
    reason = f"Imported from {name}"[:100] if name else "Imported"
    total, done = len(preview.rows), 0
    for start in range(0, len(creates), IMPORT_BATCH):
        batch = creates[start : start + IMPORT_BATCH]
        bulk_create_with_history(batch, model, default_user=actor, default_change_reason=reason)
        done += len(batch)
        if progress:
            progress(done, total)
    if what == "organisations" and "name" in changed_fields:
        changed_fields.add("normalised_name")
    for start in range(0, len(updates), IMPORT_BATCH):
        batch = updates[start : start + IMPORT_BATCH]
        if changed_fields:
            bulk_update_with_history(
                batch, model, sorted(changed_fields), default_user=actor, default_change_reason=reason
            )
        done += len(batch)
        if progress:
            progress(done, total)
    return {"created": preview.creates, "updated": preview.updates}


# Initiatives (capability building) ---------------------------------------------------------------------


def _save_initiative(initiative: Initiative, actor, organisations, events) -> Initiative:
    if initiative.title is not None:
        initiative.title = (initiative.title or "").strip()
    if not initiative.title:
        raise ValidationError({"title": "Give the initiative a title."})
    _full_clean(initiative)
    with transaction.atomic():
        _save(initiative, actor)
        if organisations is not None:
            initiative.organisations.set(organisations)
        if events is not None:
            initiative.events.set(events)
    return initiative


def initiative_create(*, actor, title: str, organisations=None, events=None, **fields) -> Initiative:
    """Record a capability-building initiative (education, early-career group, patient information...)."""
    _require_writer(actor)
    initiative = Initiative(created_at=timezone.now())
    _assign(initiative, {"title": title, **fields}, INITIATIVE_FIELDS)
    return _save_initiative(initiative, actor, organisations, events)


def initiative_update(*, actor, initiative: Initiative, organisations=None, events=None, **fields) -> Initiative:
    _require_writer(actor)
    _assign(initiative, fields, INITIATIVE_FIELDS)
    return _save_initiative(initiative, actor, organisations, events)


def initiative_delete(*, actor, initiative: Initiative) -> None:
    _require_writer(actor)
    with transaction.atomic():
        _delete(initiative, actor)


def import_enqueue(*, actor, what: str, text: str, file_name: str, rows: int) -> ImportJob:
    """Hand a checked file to the background worker; the page follows its progress."""
    from engagements.tasks import import_run

    _require_writer(actor)
    if what not in importing.COLUMNS:
        raise ValidationError({"what": "Choose organisations or contacts."})
    with transaction.atomic():
        job = ImportJob.objects.create(what=what, text=text, file_name=file_name[:255], rows=rows, created_by=actor)
        transaction.on_commit(lambda: import_run.enqueue(job.pk))
    return job


def import_job_progress(job_id: int, done: int) -> None:
    """Record how far a running import has got, where other connections can see it at once.

    The import writes in one transaction (all or nothing), so a progress row saved on the same connection
    would stay invisible until the end. On PostgreSQL a second, autocommitting connection writes it; SQLite
    lets one writer at a time, so there the page shows the progress of the checks and then the result."""
    from django.db import connection, connections

    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        ImportJob.objects.filter(pk=job_id).update(done=done)  # no history: progress of an operational row
        return
    side = connections.create_connection("default")
    try:
        with side.cursor() as cursor:
            table = side.ops.quote_name(ImportJob._meta.db_table)
            cursor.execute(f"UPDATE {table} SET done = %s WHERE id = %s", [done, job_id])  # noqa: S608
    finally:
        side.close()
