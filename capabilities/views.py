"""The network capability directory: centres, their profiles, the matrix, the taxonomy, the PDF."""

from __future__ import annotations

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from capabilities import selectors, services
from capabilities.forms import AreaForm, CapabilityForm, CentreForm, LevelForm, ModalityRuleForm
from capabilities.models import (
    EXPIRY_WARNING_DAYS,
    STALE_AFTER_DAYS,
    Capability,
    CapabilityArea,
    Centre,
    CentreCapability,
    Level,
    Modality,
)
from crm import concurrency, exports
from crm import permissions as access
from crm.forms_util import add_service_errors


def _get_centre(user, pk: int) -> Centre:
    return access.get_visible_or_404(access.visible_centres(user), pk=pk)


def _require_reader(user) -> None:
    access.require(access.can_read_directory(user))


# The directory ----------------------------------------------------------------------------------------


@login_required
def centre_list(request):
    _require_reader(request.user)
    centres = access.visible_centres(request.user)
    show_inactive = request.GET.get("inactive") == "1"
    if not show_inactive:
        centres = centres.filter(active=True)
    context = {
        "summaries": selectors.directory(centres),
        "show_inactive": show_inactive,
        "can_edit_centres": access.can_edit_taxonomy(request.user),
        "own_centre_ids": access.own_centre_ids(request.user),
    }
    return render(request, "capabilities/centre_list.html", context)


def _history(centre: Centre, limit: int = 40) -> list[dict]:
    """The latest changes to a centre's levels, each with what changed since the row's previous version."""
    records = list(
        CentreCapability.history.filter(centre_id=centre.pk)
        .select_related("history_user", "capability")
        .order_by("history_date", "history_id")
    )
    tracked = ["level", "quantity", "notes", "evidence", "expires_on", "confirmed_on"]
    previous: dict[int, object] = {}
    changes = []
    for record in records:
        before = previous.get(record.id)
        if record.history_type == "+":
            what = [f"added as {record.get_level_display().lower()}"]
        elif record.history_type == "-":
            what = ["removed"]
        else:
            what = [
                f"{field.replace('_', ' ')}: {getattr(before, field) or '—'} → {getattr(record, field) or '—'}"
                for field in tracked
                if before is not None and getattr(before, field) != getattr(record, field)
            ]
        previous[record.id] = record
        changes.append({"record": record, "what": what})
    return list(reversed(changes))[:limit]


def _profile_context(request, centre: Centre) -> dict:
    editable = access.can_edit_centre_capabilities(request.user, centre)
    today = timezone.localdate()
    groups = selectors.profile(centre, include_unrecorded=editable and request.GET.get("all") != "0")
    for group in groups:
        group.display = [_row_context(capability, level, today) for capability, level in group.rows]
    return {
        "centre": centre,
        "partners": list(centre.partners.order_by("name")),
        "groups": groups,
        "editable": editable,
        "can_edit_centre": access.can_edit_taxonomy(request.user),
        "history": _history(centre),
        # Links to the centre's scorecard and the full history of its record, for those who may read them.
        "can_see_scorecard": access.visible_scorecard_centres(request.user).filter(pk=centre.pk).exists(),
        "can_read_history": access.visible_for_history(request.user, "capabilities.centre")
        .filter(pk=centre.pk)
        .exists(),
        "today": today,
        "stale_after_days": STALE_AFTER_DAYS,
        "expiry_warning_days": EXPIRY_WARNING_DAYS,
        "recorded": sum(1 for g in groups for _, level in g.rows if level is not None),
    }


def _row_context(capability: Capability, level: CentreCapability | None, today: datetime.date) -> dict:
    return {
        "capability": capability,
        "level": level,
        "stale": level is not None and level.is_stale(today),
        "expiring": level is not None and level.is_expiring(today) and not level.is_expired(today),
        "expired": level is not None and level.is_expired(today),
    }


@login_required
def centre_detail(request, pk: int):
    _require_reader(request.user)
    centre = _get_centre(request.user, pk)
    return render(request, "capabilities/centre_detail.html", _profile_context(request, centre))


@login_required
def my_centre(request):
    """Centre staff land on their centre (or choose, if they have several); others on the directory."""
    if not access.is_centre_staff(request.user):
        return redirect("capabilities:centre-list")
    centres = list(access.own_centres(request.user).order_by("name"))
    if len(centres) == 1:
        return redirect("capabilities:centre-detail", pk=centres[0].pk)
    return render(request, "capabilities/my_centre.html", {"centres": centres})


# Editing one level inline (htmx swaps the table row; without htmx it is a page of its own) -------------


@login_required
def level_edit(request, pk: int, capability_pk: int):
    centre = _get_centre(request.user, pk)
    capability = access.get_visible_or_404(access.visible_capabilities(request.user), pk=capability_pk)
    access.require(
        access.can_edit_centre_capabilities(request.user, centre), "You can change only your own centre's capabilities."
    )
    level = CentreCapability.objects.filter(centre=centre, capability=capability).first()
    today = timezone.localdate()
    if request.method == "POST":
        form = concurrency.carry_version(LevelForm(request.POST, capability=capability), level)
        if form.is_valid():
            try:
                with concurrency.guard_edit(level, concurrency.take_version(form)):
                    level = services.centre_capability_set(
                        actor=request.user, centre=centre, capability=capability, **form.service_kwargs()
                    )
            except concurrency.StaleEdit as exc:
                concurrency.show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if request.htmx:
                    context = {"centre": centre, "editable": True, "row": _row_context(capability, level, today)}
                    return render(request, "capabilities/partials/level_row.html", context)
                messages.success(request, f"{capability.name}: saved and confirmed as current.")
                return redirect("capabilities:centre-detail", pk=centre.pk)
    else:
        initial = {"level": Level.AVAILABLE}
        if level is not None:
            initial = {
                field: getattr(level, field) for field in ("level", "quantity", "expires_on", "evidence", "notes")
            }
        form = concurrency.carry_version(LevelForm(initial=initial, capability=capability), level)
    context = {"centre": centre, "capability": capability, "level": level, "form": form}
    if request.htmx:
        if request.method == "GET" and request.GET.get("cancel"):
            context = {"centre": centre, "editable": True, "row": _row_context(capability, level, today)}
            return render(request, "capabilities/partials/level_row.html", context)
        return render(request, "capabilities/partials/level_form_row.html", context)
    return render(request, "capabilities/level_edit.html", context)


@login_required
@require_POST
def level_remove(request, pk: int, capability_pk: int):
    centre = _get_centre(request.user, pk)
    level = access.get_visible_or_404(
        access.visible_centre_capabilities(request.user), centre=centre, capability_id=capability_pk
    )
    services.centre_capability_remove(actor=request.user, centre_capability=level)
    messages.success(request, f"{level.capability.name} removed from {centre.name}'s profile.")
    return redirect("capabilities:centre-detail", pk=centre.pk)


@login_required
@require_POST
def confirm_all(request, pk: int):
    centre = _get_centre(request.user, pk)
    count = services.centre_confirm_all(actor=request.user, centre=centre)
    messages.success(
        request, f"All {count} capabilit{pluralize(count, 'y,ies')} of {centre.name} confirmed as current today."
    )
    return redirect("capabilities:centre-detail", pk=centre.pk)


# Centres (Programme Office) ---------------------------------------------------------------------------


@login_required
def centre_create(request):
    access.require(access.can_edit_taxonomy(request.user), "Only the Programme Office adds centres.")
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            centre = services.centre_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{centre.name} added. Its staff can now record its capabilities.")
            return redirect("capabilities:centre-detail", pk=centre.pk)
    return render(request, "capabilities/centre_form.html", {"form": form, "centre": None})


@login_required
def centre_edit(request, pk: int):
    centre = _get_centre(request.user, pk)
    access.require(access.can_edit_taxonomy(request.user), "Only the Programme Office changes centres.")
    form = concurrency.carry_version(
        CentreForm(request.POST or None, instance=Centre.objects.get(pk=centre.pk)), centre
    )
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.guard_edit(centre, concurrency.take_version(form)):
                services.centre_update(actor=request.user, centre=centre, **form.cleaned_data)
        except concurrency.StaleEdit as exc:
            concurrency.show_stale(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{centre.name} saved.")
            return redirect("capabilities:centre-detail", pk=centre.pk)
    return render(request, "capabilities/centre_form.html", {"form": form, "centre": centre})


# The matrix -------------------------------------------------------------------------------------------


def _matrix_level_text(level: CentreCapability | None) -> str:
    if level is None:
        return ""
    text = level.level
    if level.quantity is not None:
        text += f" ({level.quantity})"
    return text


@login_required
def matrix(request):
    _require_reader(request.user)
    areas = list(access.visible_capability_areas(request.user))
    area = next((a for a in areas if str(a.pk) == request.GET.get("area")), None)
    network = request.GET.get("network") if request.GET.get("network") in selectors.NETWORKS else None
    grid = selectors.matrix(access.visible_centres(request.user).active(), area=area, network=network)
    export = request.GET.get("export")
    if export in exports.FORMATS:
        return _matrix_export(grid, export)
    rows = []
    for group in grid.areas:
        rows.append({"area": group.area})
        for capability, _ in group.rows:
            rows.append({"capability": capability, "cells": [grid.level(c, capability) for c in grid.centres]})
    context = {
        "grid": grid,
        "rows": rows,
        "areas": areas,
        "area": area,
        "network": network,
        "networks": selectors.NETWORKS,
        "levels": Level.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "capabilities/matrix.html", context)


# Excel fills of the matrix cells, the colours of the page's badges.
LEVEL_FILLS = {"available": "198754", "limited": "FFC107", "planned": "CFE2FF"}


def _level_fill(column: int, value) -> str | None:
    """The fill of a centre's cell ("limited (4)" → the limited colour); the first three columns are labels."""
    return LEVEL_FILLS.get(str(value or "").split(" ")[0]) if column >= 3 else None


def _matrix_export(grid: selectors.Matrix, kind: exports.Format) -> HttpResponse:
    header = ["Area", "Code", "Capability", *[c.name for c in grid.centres]]
    table = (
        [area.name, capability.code, capability.name, *[_matrix_level_text(level) for level in levels]]
        for area, capability, levels in grid.rows()
    )
    return exports.table_response(
        kind,
        exports.dated("capability-matrix"),
        header,
        table,
        sheet_title="Capability matrix",
        frozen_columns=3,
        fill=_level_fill,
    )


# Taxonomy and modality rules --------------------------------------------------------------------------


@login_required
def taxonomy(request):
    """The Programme Office adds areas and capabilities; editing one happens on its own small page."""
    access.require(access.can_edit_taxonomy(request.user), services.TAXONOMY_REFUSAL)
    area_form = AreaForm(prefix="area")
    capability_form = CapabilityForm(prefix="capability")
    if request.method == "POST":
        if "area-name" in request.POST:
            area_form = AreaForm(request.POST, prefix="area")
            form, service = area_form, services.capability_area_create
        else:
            capability_form = CapabilityForm(request.POST, prefix="capability")
            form, service = capability_form, services.capability_create
        if form.is_valid():
            try:
                created = service(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"“{created}” added.")
                return redirect("capabilities:taxonomy")
    areas = access.visible_capability_areas(request.user).prefetch_related("capabilities")
    context = {"areas": areas, "area_form": area_form, "capability_form": capability_form}
    return render(request, "capabilities/taxonomy.html", context)


def _taxonomy_edit_page(request, thing: Capability | CapabilityArea, form_class, update):
    """One area or capability on a small page of its own; back to the taxonomy once saved."""
    # The form edits a copy: the service applies the changes to `thing` and says what is wrong.
    form = form_class(request.POST or None, instance=type(thing).objects.get(pk=thing.pk))
    if request.method == "POST" and form.is_valid():
        try:
            update(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{thing.name}” saved.")
            return redirect("capabilities:taxonomy")
    return render(request, "capabilities/taxonomy_edit.html", {"form": form, "thing": thing})


@login_required
def capability_edit(request, pk: int):
    access.require(access.can_edit_taxonomy(request.user), services.TAXONOMY_REFUSAL)
    capability = access.get_visible_or_404(access.visible_capabilities(request.user), pk=pk)
    update = partial(services.capability_update, actor=request.user, capability=capability)
    return _taxonomy_edit_page(request, capability, CapabilityForm, update)


@login_required
def area_edit(request, pk: int):
    access.require(access.can_edit_taxonomy(request.user), services.TAXONOMY_REFUSAL)
    area = access.get_visible_or_404(access.visible_capability_areas(request.user), pk=pk)
    update = partial(services.capability_area_update, actor=request.user, area=area)
    return _taxonomy_edit_page(request, area, AreaForm, update)


@login_required
def modality_rules(request):
    _require_reader(request.user)
    can_edit = access.can_edit_taxonomy(request.user)
    form = ModalityRuleForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        access.require(can_edit, "Only the Programme Office edits modality rules.")
        if form.is_valid():
            try:
                rule = services.modality_rule_add(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Added: {rule}.")
                return redirect("capabilities:modality-rules")
    rules = access.visible_modality_rules(request.user).select_related("capability")
    by_modality = {label: [] for _, label in Modality.choices}
    for rule in rules:
        by_modality[rule.get_modality_display()].append(rule)
    context = {"by_modality": by_modality, "form": form, "can_edit": can_edit, "has_rules": bool(rules)}
    return render(request, "capabilities/modality_rules.html", context)


@login_required
@require_POST
def modality_rule_remove(request, pk: int):
    rule = access.get_visible_or_404(access.visible_modality_rules(request.user), pk=pk)
    services.modality_rule_remove(actor=request.user, rule=rule)
    messages.success(request, f"Removed: {rule}.")
    return redirect("capabilities:modality-rules")


# The sponsor-facing directory PDF ---------------------------------------------------------------------


@login_required
def directory_pdf(request):
    """The PDF from the cache; when this version is not drawn yet, drawn by the worker while a page shows
    how far it has got and downloads it when ready (a sponsor never stares at a silent tab for 20 seconds)."""
    _require_reader(request.user)
    from capabilities import pdf as directory
    from capabilities.tasks import build_directory_pdf

    centres = access.visible_centres(request.user).active()
    fingerprint = directory.directory_fingerprint(centres)
    content = directory.stored_directory_pdf(fingerprint)
    if content is None and directory.claim_build(fingerprint):
        ids = list(centres.values_list("pk", flat=True))
        build_directory_pdf.enqueue(ids, request.build_absolute_uri("/"))
        content = directory.stored_directory_pdf(fingerprint)  # drawn already by an immediate backend
    if content is None:
        return _directory_wait(request, directory.build_progress(fingerprint))
    if request.htmx:  # the wait page's poll: now ready, so the browser downloads it
        from django_htmx.http import HttpResponseClientRedirect

        return HttpResponseClientRedirect(request.path)
    response = HttpResponse(content, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'inline; filename="network-capability-directory-{stamp}.pdf"'
    return response


def _directory_wait(request, progress: dict | None):
    import time

    progress = progress or {"stage": "Waiting for the worker", "started": time.time()}
    context = {"stage": progress["stage"], "seconds": max(0, round(time.time() - progress["started"]))}
    template = "capabilities/partials/directory_progress.html" if request.htmx else "capabilities/directory_wait.html"
    return render(request, template, context, status=202)
