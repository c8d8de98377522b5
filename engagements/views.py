"""HTML pages of organisations, contacts, events, engagements and follow-ups. Thin: parse, call a service, render."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from crm import concurrency, exports
from crm import permissions as access
from crm.forms_util import add_service_errors, page_of, redirect_back
from engagements import importing, services
from engagements.filters import ContactFilter, EngagementFilter, EventFilter, FollowUpFilter, OrganisationFilter
from engagements.forms import (
    BulkEventForm,
    BulkOwnerForm,
    ContactForm,
    EngagementForm,
    EventForm,
    FollowUpForm,
    ImportForm,
    MergeForm,
    OrganisationForm,
)
from engagements.models import Contact, Engagement, Event, FollowUp, ImportJob, Organisation

PAGE_SIZE = 50
ORGANISATION_ENGAGEMENTS_SHOWN = 20
ORGANISATION_CONTACTS_SHOWN = 20
ORGANISATION_FOLLOW_UPS_SHOWN = 20
MY_FOLLOW_UPS_PER_PAGE = 25
NDA_WARNING_DAYS = 60
TYPEAHEAD_LIMIT = 15
EXPORT_CHUNK = 500


def _require_read(user) -> None:
    access.require(access.can_read_engagements(user), "Engagement records are for the Programme Office and viewers.")


def _require_write(user) -> None:
    access.require(access.can_write_engagements(user), services.WRITE_REFUSAL)


def _saved(request, form, save: Callable[[], object], record=None):
    """On a valid POST, call the service through `save`; what it refuses shows next to the fields.
    An edit of `record` is refused when someone else saved it since the form was opened (crm.concurrency).
    The saved record, or None (then the page shows the form again, input kept)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with concurrency.guard_edit(record, concurrency.take_version(form)):
            return save()
    except concurrency.StaleEdit as exc:
        concurrency.show_stale(form, exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None


# Lists: filter, sort, paginate, export -------------------------------------------------------------


def _export(rows, columns: list[tuple[str, Callable]], name: str, fmt: exports.Format) -> HttpResponse:
    """The filtered list as CSV or XLSX: one header row, then one row per object (read in chunks, not all at once)."""
    table = ([value(row) for _, value in columns] for row in rows.iterator(chunk_size=EXPORT_CHUNK))
    return exports.table_response(
        fmt, exports.dated(name), [header for header, _ in columns], table, sheet_title=name.capitalize()
    )


@dataclass(frozen=True)
class Sort:
    """A column a list sorts by; `kind` words the two directions ("A→Z", "newest first", "most first")."""

    field: str
    label: str
    kind: str = "text"  # text | date | number

    def options(self, key: str) -> list[tuple[str, str]]:
        if self.kind == "date":
            return [(f"-{key}", f"{self.label}, newest first"), (key, f"{self.label}, oldest first")]
        if self.kind == "number":
            return [(f"-{key}", f"{self.label}, most first"), (key, f"{self.label}, fewest first")]
        return [(key, f"{self.label}, A→Z"), (f"-{key}", f"{self.label}, Z→A")]


def _list(request, *, queryset, filterset_class, sorts: dict[str, Sort], default_sort: str, export, name: str):
    """Filter with the app's FilterSet, sort by a known key, then export or paginate. Returns a response or a
    context dict."""
    filterset = filterset_class(request.GET or None, queryset=queryset)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    sort = request.GET.get("sort", default_sort)
    if sort.lstrip("-") not in sorts:
        sort = default_sort
    order = sorts[sort.lstrip("-")].field
    rows = rows.order_by(f"-{order}" if sort.startswith("-") else order, "pk")
    fmt = request.GET.get("export")
    if request.method == "POST":  # the bulk bar: export the ticked rows only
        rows, fmt = rows.filter(pk__in=_selected_ids(request)), request.POST.get("export")
    if fmt in exports.FORMATS:
        return _export(rows, export, name, fmt)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "filter": filterset,
        "page": page,
        "rows": page.object_list,
        "sort": sort,
        "sort_options": [option for key, column in sorts.items() for option in column.options(key)],
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "can_write": access.can_write_engagements(request.user),
        "list_name": name,
        "bulk_owner_form": BulkOwnerForm(prefix="bulk"),
    }


# Bulk actions: tick rows of a list, then export them, change their owner or mark them done ------------


def _selected_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist("selected") if value.isdigit()]


def _bulk_page(request, name: str):
    """After a bulk action, back to the list page it came from (its filters kept)."""
    return redirect_back(request, f"engagements:{name}-list")


def _with_already(said: str, already: int, state: str) -> str:
    """What a bulk action did, then how many of the ticked rows needed nothing ("; 1 was already there.")."""
    return said + (f"; {already} {pluralize(already, 'was,were')} {state}." if already else ".")


BULK_OWNER = {
    "organisation": (access.visible_organisations, services.organisations_set_owner, "organisations", "organisation"),
    "followup": (access.visible_follow_ups, services.follow_ups_set_owner, "follow_ups", "follow-up"),
}


@login_required
@require_POST
def bulk_owner(request, name: str):
    """Give the ticked organisations or follow-ups a new owner, through the service, all or none."""
    if name not in BULK_OWNER:
        raise Http404
    visible, set_owner, keyword, noun = BULK_OWNER[name]
    _require_write(request.user)
    records = list(visible(request.user).filter(pk__in=_selected_ids(request)))
    form = BulkOwnerForm(request.POST, prefix="bulk")
    if not records:
        messages.error(request, f"Tick at least one {noun} first; nothing was changed.")
    elif not form.is_valid():
        messages.error(request, "Choose who should own them; nothing was changed.")
    else:
        owner = form.cleaned_data["owner"]
        try:
            changed = set_owner(actor=request.user, owner=owner, **{keyword: records})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{len(records)} {noun}{pluralize(len(records))} now owned by {owner or 'nobody'} ({changed} changed).",
            )
    return _bulk_page(request, name)


@login_required
@require_POST
def bulk_done(request):
    """Mark the ticked follow-ups done, through the service, all or none."""
    _require_write(request.user)
    follow_ups = list(access.visible_follow_ups(request.user).filter(pk__in=_selected_ids(request)))
    if not follow_ups:
        messages.error(request, "Tick at least one follow-up first; nothing was changed.")
    else:
        done = services.follow_ups_complete(actor=request.user, follow_ups=follow_ups)
        already = len(follow_ups) - done
        messages.success(
            request, _with_already(f"{done} follow-up{pluralize(done)} marked done", already, "done already")
        )
    return _bulk_page(request, "followup")


@login_required
@require_POST
def contact_bulk_event(request):
    """Add the ticked contacts to an event (the people the network met or invited there), through the service."""
    _require_write(request.user)
    contacts = list(access.visible_contacts(request.user).filter(erased=False, pk__in=_selected_ids(request)))
    form = BulkEventForm(request.POST, prefix="bulk", events=access.visible_events(request.user))
    if not contacts:
        messages.error(request, "Tick at least one contact first; nothing was changed.")
    elif not form.is_valid():
        messages.error(request, "Choose the event to add them to; nothing was changed.")
    else:
        event = form.cleaned_data["event"]
        try:
            added = services.event_contacts_add(actor=request.user, event=event, contacts=contacts)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            already = len(contacts) - added
            said = f"{added} contact{pluralize(added)} added to {event.name}"
            messages.success(request, _with_already(said, already, "already there"))
    return _bulk_page(request, "contact")


# Organisations ---------------------------------------------------------------------------------------


@login_required
def organisation_list(request):
    _require_read(request.user)
    queryset = (
        access.visible_organisations(request.user)
        .filter(merged_into__isnull=True)
        .select_related("owner")
        .with_list_columns()
    )
    result = _list(
        request,
        queryset=queryset,
        filterset_class=OrganisationFilter,
        sorts={
            "name": Sort("name", "Name"),
            "last_engaged": Sort("last_engaged", "Last engaged", "date"),
            "created": Sort("created_at", "Added", "date"),
            "country": Sort("country", "Country"),
        },
        default_sort="name",
        name="organisations",
        export=[
            ("Name", lambda o: o.name),
            ("Kind", lambda o: o.get_kind_display()),
            ("Size", lambda o: o.get_size_display()),
            ("Country", lambda o: o.country),
            ("Status", lambda o: o.get_status_display()),
            ("Website", lambda o: o.website),
            ("Owner", lambda o: str(o.owner) if o.owner else ""),
            ("NDA expires", lambda o: o.nda_expires_on),
            ("Contacts", lambda o: o.contact_count),
            ("Last engaged", lambda o: o.last_engaged),
        ],
    )
    if isinstance(result, HttpResponse):
        return result
    return render(request, "engagements/organisation_list.html", result)


def _organisation_for(user, pk) -> Organisation:
    return access.get_visible_or_404(access.visible_organisations(user).select_related("owner", "parent"), pk=pk)


@login_required
def organisation_detail(request, pk):
    # Not visible answers 404 (the queryset is empty for those who may not read). Every list here is bounded (the
    # latest engagements, a page of contacts and of open follow-ups), so the page costs the same after ten years.
    org = _organisation_for(request.user, pk)
    today = timezone.localdate()
    engagements = (
        org.engagements.select_related("event")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.only("first_name", "last_name", "erased")))
        .order_by("-occurred_on", "-id")
    )
    nda_expiring = bool(
        org.nda_expires_on and today <= org.nda_expires_on <= today + datetime.timedelta(days=NDA_WARNING_DAYS)
    )
    follow_ups = (
        access.visible_follow_ups(request.user)
        .filter(Q(organisation=org) | Q(engagement__organisations=org))
        .open()
        .select_related("owner")
        .distinct()
        .order_by("due_on", "id")
    )
    context = {
        "org": org,
        "contacts": page_of(
            request, org.contacts.filter(erased=False), per_page=ORGANISATION_CONTACTS_SHOWN, param="contacts"
        ),
        "engagements": engagements[:ORGANISATION_ENGAGEMENTS_SHOWN],
        "engagement_count": org.engagements.count(),
        "engagements_shown": ORGANISATION_ENGAGEMENTS_SHOWN,
        "follow_ups": page_of(request, follow_ups, per_page=ORGANISATION_FOLLOW_UPS_SHOWN, param="follow_ups"),
        # Through crm.permissions: engagements never imports feasibility.
        "requests": access.visible_requests(request.user).filter(sponsor=org).order_by("-received_on", "-pk")[:50],
        "children": org.children.all(),
        "nda_expiring": nda_expiring,
        "nda_expired": bool(org.nda_expires_on and org.nda_expires_on < today),
        "can_write": access.can_write_engagements(request.user),
        "can_invite_sponsors": access.can_manage_users(request.user),
        "today": today,
    }
    return render(request, "engagements/organisation_detail.html", context)


def _organisation_form_page(request, org: Organisation | None):
    form = concurrency.carry_version(OrganisationForm(request.POST or None, instance=org), org)
    duplicates = []

    def save():
        fields = form.service_fields()
        allow = form.cleaned_data["create_anyway"]
        try:
            if org is None:
                return services.organisation_create(actor=request.user, allow_duplicate=allow, **fields)
            return services.organisation_update(actor=request.user, organisation=org, allow_duplicate=allow, **fields)
        except services.PossibleDuplicate as exc:
            duplicates.extend(exc.existing)  # listed with links above the form
            raise

    if saved := _saved(request, form, save, org):
        messages.success(request, f"Saved {saved.name}.")
        return redirect("engagements:organisation-detail", saved.pk)
    return render(request, "engagements/organisation_form.html", {"form": form, "org": org, "duplicates": duplicates})


@login_required
def organisation_create(request):
    _require_write(request.user)
    return _organisation_form_page(request, None)


@login_required
def organisation_edit(request, pk):
    org = _organisation_for(request.user, pk)
    _require_write(request.user)
    return _organisation_form_page(request, org)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_merge(request, pk):
    """GET: the form choosing the duplicate (fetched by the organisation page only when its merge panel is opened:
    it lists every organisation). POST: merge the chosen one into this one."""
    survivor = _organisation_for(request.user, pk)
    _require_write(request.user)
    if request.method == "GET":
        template = "engagements/partials/merge_form.html" if request.htmx else "engagements/organisation_merge.html"
        return render(request, template, {"org": survivor, "merge_form": MergeForm(survivor=survivor)})
    form = MergeForm(request.POST, survivor=survivor)
    if form.is_valid():
        other = form.cleaned_data["other"]
        try:
            services.organisation_merge(actor=request.user, survivor=survivor, other=other)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{other.name} merged into {survivor.name}.")
    else:
        messages.error(request, "Choose the organisation to merge into this one.")
    return redirect("engagements:organisation-detail", survivor.pk)


# Contacts --------------------------------------------------------------------------------------------


@login_required
def contact_list(request):
    _require_read(request.user)
    queryset = (
        access.visible_contacts(request.user).filter(erased=False).select_related("organisation").with_last_engaged()
    )
    result = _list(
        request,
        queryset=queryset,
        filterset_class=ContactFilter,
        sorts={
            "last_name": Sort("last_name", "Last name"),
            "organisation": Sort("organisation__name", "Organisation"),
            "last_engaged": Sort("last_engaged", "Last engaged", "date"),
        },
        default_sort="last_name",
        name="contacts",
        export=[
            ("First name", lambda c: c.first_name),
            ("Last name", lambda c: c.last_name),
            ("Email", lambda c: c.email),
            ("Phone", lambda c: c.phone),
            ("Job title", lambda c: c.job_title),
            ("Organisation", lambda c: c.organisation.name if c.organisation else ""),
            ("Do not contact", lambda c: "yes" if c.do_not_contact else ""),
            ("Lawful basis", lambda c: c.get_lawful_basis_display()),
            ("Last engaged", lambda c: c.last_engaged),
        ],
    )
    if isinstance(result, HttpResponse):
        return result
    if result["can_write"]:
        result["bulk_event_form"] = BulkEventForm(prefix="bulk", events=access.visible_events(request.user))
        result["event_action"] = reverse("engagements:contact-bulk-event")
    return render(request, "engagements/contact_list.html", result)


def _contact_for(user, pk) -> Contact:
    return access.get_visible_or_404(access.visible_contacts(user).select_related("organisation"), pk=pk)


@login_required
def contact_detail(request, pk):
    # Not visible answers 404 (the queryset is empty for those who may not read).
    contact = _contact_for(request.user, pk)
    context = {
        "contact": contact,
        "engagements": contact.engagements.select_related("event").prefetch_related("organisations"),
        "events": access.visible_events(request.user).filter(contacts=contact),
        "can_write": access.can_write_engagements(request.user),
    }
    return render(request, "engagements/contact_detail.html", context)


def _contact_form_page(request, contact: Contact | None):
    initial = {}
    if contact is None and request.GET.get("organisation", "").isdigit():
        initial["organisation"] = int(request.GET["organisation"])
    form = concurrency.carry_version(ContactForm(request.POST or None, instance=contact, initial=initial), contact)

    def save():
        if contact is None:
            return services.contact_create(actor=request.user, **form.service_fields())
        return services.contact_update(actor=request.user, contact=contact, **form.service_fields())

    if saved := _saved(request, form, save, contact):
        messages.success(request, f"Saved {saved}.")
        return redirect("engagements:contact-detail", saved.pk)
    return render(request, "engagements/contact_form.html", {"form": form, "contact": contact})


@login_required
def contact_create(request):
    _require_write(request.user)
    return _contact_form_page(request, None)


@login_required
def contact_edit(request, pk):
    contact = _contact_for(request.user, pk)
    _require_write(request.user)
    if contact.erased:
        messages.error(request, "This contact was erased; it cannot be edited.")
        return redirect("engagements:contact-detail", contact.pk)
    return _contact_form_page(request, contact)


@login_required
def contact_export(request, pk):
    """Everything held about the person, as a JSON download (subject access request)."""
    contact = _contact_for(request.user, pk)
    _require_write(request.user)
    data = services.contact_export(actor=request.user, contact=contact)
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-{slugify(str(contact))}.json"'
    return response


@login_required
@require_POST
def contact_erase(request, pk):
    contact = _contact_for(request.user, pk)
    _require_write(request.user)
    services.contact_erase(actor=request.user, contact=contact)
    messages.success(request, "The contact's personal data is erased, including from its history.")
    return redirect_back(request, "engagements:contact-detail", contact.pk)


@login_required
@require_POST
def contact_keep(request, pk):
    contact = _contact_for(request.user, pk)
    _require_write(request.user)
    try:
        services.contact_keep(actor=request.user, contact=contact)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Kept {contact}; they come up for review again in {settings.CONTACT_REVIEW_AFTER_DAYS} days."
        )
    return redirect("engagements:contact-review")


@login_required
def contact_review(request):
    """Contacts nobody has engaged for longer than CONTACT_REVIEW_AFTER_DAYS: keep, update or erase them."""
    _require_write(request.user)
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.CONTACT_REVIEW_AFTER_DAYS)
    cutoff_time = timezone.now() - datetime.timedelta(days=settings.CONTACT_REVIEW_AFTER_DAYS)
    contacts = (
        access.visible_contacts(request.user)
        .filter(erased=False)
        .select_related("organisation")
        .annotate(last_engaged=Max("engagements__occurred_on"))
        .filter(Q(last_engaged__lt=cutoff) | Q(last_engaged__isnull=True, created_at__lt=cutoff_time))
        .exclude(reviewed_on__gte=cutoff)
        .order_by("last_engaged", "last_name")
    )
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": page.object_list, "days": settings.CONTACT_REVIEW_AFTER_DAYS, "cutoff": cutoff}
    return render(request, "engagements/contact_review.html", context)


# Events ----------------------------------------------------------------------------------------------


@login_required
def event_list(request):
    _require_read(request.user)
    queryset = access.visible_events(request.user).annotate(meetings=Count("engagements"))
    result = _list(
        request,
        queryset=queryset,
        filterset_class=EventFilter,
        sorts={
            "starts_on": Sort("starts_on", "Date", "date"),
            "name": Sort("name", "Name"),
            "meetings": Sort("meetings", "Meetings held", "number"),
        },
        default_sort="-starts_on",
        name="events",
        export=[
            ("Name", lambda e: e.name),
            ("Kind", lambda e: e.get_kind_display()),
            ("Starts", lambda e: e.starts_on),
            ("Ends", lambda e: e.ends_on),
            ("Place", lambda e: e.place),
            ("Virtual", lambda e: "yes" if e.virtual else ""),
            ("Meetings", lambda e: e.meetings),
        ],
    )
    if isinstance(result, HttpResponse):
        return result
    result["today"] = timezone.localdate()
    return render(request, "engagements/event_list.html", result)


def _event_for(user, pk) -> Event:
    return access.get_visible_or_404(access.visible_events(user), pk=pk)


@login_required
def event_detail(request, pk):
    # Not visible answers 404 (the queryset is empty for those who may not read).
    event = _event_for(request.user, pk)
    engagements = list(
        event.engagements.prefetch_related(
            "organisations", Prefetch("contacts", queryset=Contact.objects.filter(erased=False))
        ).order_by("-occurred_on", "-id")
    )
    companies = {}
    for engagement in engagements:
        for org in engagement.organisations.all():
            companies.setdefault(org.pk, [org, 0])[1] += 1
    context = {
        "event": event,
        "engagements": engagements,
        "companies": sorted(companies.values(), key=lambda pair: (-pair[1], pair[0].name)),
        "staff": event.staff_attending.all(),
        "people": event.contacts.filter(erased=False)
        .select_related("organisation")
        .order_by("last_name", "first_name"),
        "can_write": access.can_write_engagements(request.user),
    }
    return render(request, "engagements/event_detail.html", context)


def _event_form_page(request, event: Event | None):
    form = concurrency.carry_version(EventForm(request.POST or None, instance=event), event)

    def save():
        fields = form.service_fields()
        staff = fields.pop("staff_attending", None)
        if event is None:
            return services.event_create(actor=request.user, staff_attending=staff, **fields)
        return services.event_update(actor=request.user, event=event, staff_attending=staff, **fields)

    if saved := _saved(request, form, save, event):
        messages.success(request, f"Saved {saved.name}.")
        return redirect("engagements:event-detail", saved.pk)
    return render(request, "engagements/event_form.html", {"form": form, "event": event})


@login_required
def event_create(request):
    _require_write(request.user)
    return _event_form_page(request, None)


@login_required
def event_edit(request, pk):
    event = _event_for(request.user, pk)
    _require_write(request.user)
    return _event_form_page(request, event)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@login_required
def events_ics(request):
    """Upcoming events as an iCalendar file, to add to a calendar."""
    _require_read(request.user)
    today = timezone.localdate()
    events = (
        access.visible_events(request.user)
        .filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))
        .order_by("starts_on", "name")
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{settings.SITE_NAME}//Events//EN", "CALSCALE:GREGORIAN"]
    for event in events:
        url = settings.SITE_URL + reverse("engagements:event-detail", args=[event.pk])
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.pk}@{settings.SITE_NAME.lower()}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}",
            # The day after the last (exclusive end); a date kept from before dates were checked cannot overflow.
            f"DTEND;VALUE=DATE:{min(event.last_day, datetime.date.max - datetime.timedelta(days=1)) + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(event.name)}",
            f"LOCATION:{_ics_text('Online' if event.virtual and not event.place else event.place)}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="events.ics"'
    return response


# Engagements -----------------------------------------------------------------------------------------


@login_required
def engagement_list(request):
    _require_read(request.user)
    # Each row shows names only: the related rows load as plain lists of the columns the row prints.
    queryset = (
        access.visible_engagements(request.user)
        .select_related("event")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.only("name"), to_attr="organisation_list"),
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(erased=False).only(
                    "first_name", "last_name", "do_not_contact", "erased"
                ),
                to_attr="contact_list",
            ),
            Prefetch(
                "staff",
                queryset=get_user_model().objects.only("first_name", "last_name", "username"),
                to_attr="staff_list",
            ),
        )
    )
    result = _list(
        request,
        queryset=queryset,
        filterset_class=EngagementFilter,
        sorts={
            "occurred_on": Sort("occurred_on", "Date", "date"),
            "subject": Sort("subject", "Subject"),
            "kind": Sort("kind", "Kind"),
        },
        default_sort="-occurred_on",
        name="engagements",
        export=[
            ("Date", lambda e: e.occurred_on),
            ("Kind", lambda e: e.get_kind_display()),
            ("Subject", lambda e: e.subject),
            ("Organisations", lambda e: "; ".join(o.name for o in e.organisation_list)),
            ("Contacts", lambda e: "; ".join(str(c) for c in e.contact_list)),
            ("Staff", lambda e: "; ".join(str(s) for s in e.staff_list)),
            ("Event", lambda e: e.event.name if e.event else ""),
            ("Topics", lambda e: e.topics),
            ("Summary", lambda e: e.summary),
            ("Outcome", lambda e: e.outcome),
        ],
    )
    if isinstance(result, HttpResponse):
        return result
    return render(request, "engagements/engagement_list.html", result)


def _engagement_for(user, pk) -> Engagement:
    return access.get_visible_or_404(
        access.visible_engagements(user)
        .select_related("event", "created_by")
        .prefetch_related("organisations", "contacts", "staff"),
        pk=pk,
    )


@login_required
def engagement_detail(request, pk):
    # Not visible answers 404 (the queryset is empty for those who may not read).
    engagement = _engagement_for(request.user, pk)
    can_write = access.can_write_engagements(request.user)
    context = {
        "engagement": engagement,
        "follow_ups": engagement.follow_ups.select_related("owner"),
        "follow_up_form": FollowUpForm(initial={"due_on": timezone.localdate() + datetime.timedelta(days=7)})
        if can_write
        else None,
        "requests": access.visible_requests(request.user)
        .filter(source_engagement=engagement)
        .order_by("-received_on", "-pk"),
        "can_write": can_write,
        "can_log_request": access.can_write_requests(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "engagements/engagement_detail.html", context)


def _picked(form: EngagementForm, field: str, queryset):
    """The organisations or contacts already chosen, to show as ticked boxes above the type-ahead."""
    value = form[field].value() or []
    ids = [int(v) for v in (value if isinstance(value, list | tuple) else [value]) if str(v).isdigit()]
    return list(queryset.filter(pk__in=ids)) if ids else []


def _engagement_form_page(request, engagement: Engagement | None):
    if request.method == "POST":
        form = EngagementForm(request.POST, with_new_contact=engagement is None)
    else:
        if engagement is not None:
            initial = EngagementForm.initial_from(engagement)
        else:
            initial = {"occurred_on": timezone.localdate(), "staff": [request.user.pk]}
            event_id = request.GET.get("event", "")
            if event_id.isdigit():
                event = access.visible_events(request.user).filter(pk=event_id).first()
                if event:
                    initial.update(event=event.pk, kind="conference_meeting", occurred_on=event.starts_on)
                    if event.starts_on <= timezone.localdate() <= event.last_day:
                        initial["occurred_on"] = timezone.localdate()
            org_id = request.GET.get("organisation", "")
            if org_id.isdigit():
                initial["organisations"] = [int(org_id)]
        form = EngagementForm(initial=initial, with_new_contact=engagement is None)
    concurrency.carry_version(form, engagement)

    def save():
        if engagement is None:
            return services.engagement_log(actor=request.user, **form.service_kwargs())
        return services.engagement_update(actor=request.user, engagement=engagement, **form.service_kwargs())

    if saved := _saved(request, form, save, engagement):
        messages.success(request, f"Logged “{saved.subject}”.")
        return redirect("engagements:engagement-detail", saved.pk)
    context = {
        "form": form,
        "engagement": engagement,
        "picked_organisations": _picked(form, "organisations", access.visible_organisations(request.user)),
        "picked_contacts": _picked(
            form, "contacts", access.visible_contacts(request.user).select_related("organisation")
        ),
    }
    return render(request, "engagements/engagement_form.html", context)


@login_required
def engagement_log(request):
    _require_write(request.user)
    return _engagement_form_page(request, None)


@login_required
def engagement_edit(request, pk):
    engagement = _engagement_for(request.user, pk)
    _require_write(request.user)
    return _engagement_form_page(request, engagement)


@login_required
def typeahead(request):
    """htmx: ticked boxes for organisations or contacts matching what was typed (not those already picked)."""
    _require_read(request.user)
    what = request.GET.get("what", "organisations")
    text = request.GET.get(f"{what}_search", request.GET.get("q", "")).strip()
    picked = [int(v) for v in request.GET.getlist(what) if v.isdigit()]
    rows = []
    if text:
        if what == "contacts":
            queryset = ContactFilter({"q": text}, queryset=access.visible_contacts(request.user).filter(erased=False))
            rows = list(queryset.qs.exclude(pk__in=picked).select_related("organisation")[:TYPEAHEAD_LIMIT])
        else:
            what = "organisations"
            queryset = OrganisationFilter(
                {"q": text}, queryset=access.visible_organisations(request.user).filter(merged_into__isnull=True)
            )
            rows = list(queryset.qs.exclude(pk__in=picked)[:TYPEAHEAD_LIMIT])
    return render(request, "engagements/partials/typeahead.html", {"rows": rows, "what": what, "text": text})


# Follow-ups ------------------------------------------------------------------------------------------


FOLLOW_UP_EXPORT = [
    ("Due", lambda f: f.due_on),
    ("Follow-up", lambda f: f.text),
    ("Owner", lambda f: str(f.owner)),
    ("Organisation", lambda f: f.organisation.name if f.organisation else ""),
    ("Engagement", lambda f: f.engagement.subject if f.engagement else ""),
    ("Done", lambda f: f.done_on),
]


@login_required
def followup_list(request):
    """My open follow-ups, overdue first; then everyone's, filtered."""
    _require_write(request.user)
    today = timezone.localdate()
    mine = page_of(
        request,
        access.visible_follow_ups(request.user)
        .open()
        .filter(owner=request.user)
        .select_related("engagement", "organisation")
        .order_by("due_on", "id"),
        per_page=MY_FOLLOW_UPS_PER_PAGE,
        param="mine",
    )
    everyone = FollowUpFilter(
        request.GET or {"open": "true"},
        queryset=access.visible_follow_ups(request.user).select_related("engagement", "organisation", "owner"),
    )
    rows = everyone.qs.order_by("done_on", "due_on", "id") if everyone.is_valid() else FollowUp.objects.none()
    if request.method == "POST" and request.POST.get("export") in exports.FORMATS:
        ticked = access.visible_follow_ups(request.user).filter(pk__in=_selected_ids(request))
        ticked = ticked.select_related("engagement", "organisation", "owner").order_by("due_on", "id")
        return _export(ticked, FOLLOW_UP_EXPORT, "follow-ups", request.POST["export"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "mine": mine,
        "filter": everyone,
        "page": page,
        "rows": page.object_list,
        "today": today,
        "bulk_owner_form": BulkOwnerForm(prefix="bulk"),
    }
    return render(request, "engagements/followup_list.html", context)


@login_required
@require_POST
def followup_create(request, pk):
    engagement = _engagement_for(request.user, pk)
    _require_write(request.user)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        fields = form.service_fields()
        try:
            services.follow_up_create(actor=request.user, engagement=engagement, **fields)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Follow-up added.")
    else:
        messages.error(request, "Give the follow-up a text and a due date.")
    return redirect("engagements:engagement-detail", engagement.pk)


@login_required
@require_POST
def followup_complete(request, pk):
    follow_up = access.get_visible_or_404(access.visible_follow_ups(request.user), pk=pk)
    _require_write(request.user)
    services.follow_up_complete(actor=request.user, follow_up=follow_up)
    messages.success(request, f"Done: {follow_up.text}")
    return redirect_back(request, "engagements:followup-list")


# Import ----------------------------------------------------------------------------------------------


SESSION_IMPORT = "engagements_import"


@login_required
def import_upload(request):
    """Step 1: upload a CSV file and see, row by row, what importing it would do. Nothing is written yet."""
    _require_write(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        what = form.cleaned_data["what"]
        request.session.pop(SESSION_IMPORT, None)
        if upload.size > importing.MAX_BYTES:
            form.add_error(
                "file",
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 5 MB. Split it and import each part.",
            )
        else:
            data = upload.read()
            try:
                preview = services.import_preview(actor=request.user, what=what, data=data)
            except importing.FileProblem as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if preview.ok:
                    # The checked file waits in the session until the person confirms or cancels.
                    request.session[SESSION_IMPORT] = {
                        "what": what,
                        "text": data.decode("utf-8-sig"),
                        "name": upload.name,
                        "rows": len(preview.rows),
                    }
    context = {
        "form": form,
        "preview": preview,
        "shown_rows": _preview_rows_shown(preview) if preview else [],
        "columns": importing.COLUMNS,
        "in_background": preview is not None and len(preview.rows) > services.IMPORT_IN_BACKGROUND_ABOVE,
    }
    return render(request, "engagements/import.html", context)


PREVIEW_ROWS_SHOWN = 200


def _preview_rows_shown(preview: importing.Preview) -> list[importing.Row]:
    """Rejected rows first (what must be fixed), then the others, up to 200: a page of 20,000 rows helps no one."""
    rejected = [row for row in preview.rows if row.action == "reject"]
    others = [row for row in preview.rows if row.action != "reject"]
    return (rejected + others)[:PREVIEW_ROWS_SHOWN]


@login_required
@require_POST
def import_confirm(request):
    """Step 2: write every row of the checked file in one transaction, or nothing on cancel."""
    _require_write(request.user)
    pending = request.session.pop(SESSION_IMPORT, None)
    if "cancel" in request.POST or not pending:
        messages.info(
            request,
            "Import cancelled; nothing was written."
            if pending or "cancel" in request.POST
            else "Nothing to import: upload the file again.",
        )
        return redirect("engagements:import")
    if pending.get("rows", 0) > services.IMPORT_IN_BACKGROUND_ABOVE:
        job = services.import_enqueue(
            actor=request.user,
            what=pending["what"],
            text=pending["text"],
            file_name=pending["name"],
            rows=pending["rows"],
        )
        return redirect("engagements:import-job", pk=job.pk)
    try:
        counts = services.import_apply(
            actor=request.user, what=pending["what"], data=pending["text"].encode(), name=pending["name"]
        )
    except (ValidationError, importing.FileProblem) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"{text} Nothing was imported.")
        return redirect("engagements:import")
    messages.success(request, f"Imported {pending['name']}: {counts['created']} created, {counts['updated']} updated.")
    return redirect(
        "engagements:organisation-list" if pending["what"] == "organisations" else "engagements:contact-list"
    )


@login_required
def import_job(request, pk):
    """A background import's progress; while it runs, htmx asks for the progress part again every second."""
    _require_write(request.user)
    job = access.get_visible_or_404(ImportJob.objects.all(), pk=pk)
    template = "engagements/partials/import_progress.html" if request.htmx else "engagements/import_job.html"
    return render(request, template, {"job": job})
