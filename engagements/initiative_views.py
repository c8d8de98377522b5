"""Initiatives: the network's capability-building work (list, detail, add and edit).

Thin, like engagements/views.py: access through crm.permissions, writes through engagements.services.
Kept apart from views.py, which is already past the size DESIGN.md section 2 asks to split at.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render

from crm import permissions as access
from engagements import services
from engagements.filters import InitiativeFilter
from engagements.forms import InitiativeForm
from engagements.models import Initiative
from engagements.views import Sort, _list, _require_read, _require_write, _saved


@login_required
def initiative_list(request):
    _require_read(request.user)
    queryset = access.visible_initiatives(request.user).annotate(partners=Count("organisations", distinct=True))
    result = _list(
        request,
        queryset=queryset,
        filterset_class=InitiativeFilter,
        sorts={
            "started_on": Sort("started_on", "Started", "date"),
            "title": Sort("title", "Title"),
        },
        default_sort="-started_on",
        name="initiatives",
        export=[
            ("Title", lambda i: i.title),
            ("Kind", lambda i: i.get_kind_display()),
            ("Status", lambda i: i.get_status_display()),
            ("Started", lambda i: i.started_on),
            ("Ended", lambda i: i.ended_on),
            ("Partners", lambda i: i.partners),
            ("Outputs", lambda i: i.outputs),
        ],
    )
    if isinstance(result, HttpResponse):
        return result
    return render(request, "engagements/initiative_list.html", result)


def _initiative_for(user, pk) -> Initiative:
    return access.get_visible_or_404(access.visible_initiatives(user), pk=pk)


@login_required
def initiative_detail(request, pk):
    initiative = _initiative_for(request.user, pk)
    context = {
        "initiative": initiative,
        "organisations": initiative.organisations.order_by("name"),
        "events": initiative.events.order_by("-starts_on"),
        "can_write": access.can_write_engagements(request.user),
    }
    return render(request, "engagements/initiative_detail.html", context)


def _initiative_form_page(request, initiative: Initiative | None):
    form = InitiativeForm(request.POST or None, instance=initiative)

    def save():
        fields = form.service_fields()
        related = {"organisations": fields.pop("organisations", None), "events": fields.pop("events", None)}
        if initiative is None:
            return services.initiative_create(actor=request.user, **related, **fields)
        return services.initiative_update(actor=request.user, initiative=initiative, **related, **fields)

    if saved := _saved(request, form, save):
        messages.success(request, f"Saved {saved.title}.")
        return redirect("engagements:initiative-detail", saved.pk)
    return render(request, "engagements/initiative_form.html", {"form": form, "initiative": initiative})


@login_required
def initiative_create(request):
    _require_write(request.user)
    return _initiative_form_page(request, None)


@login_required
def initiative_edit(request, pk):
    initiative = _initiative_for(request.user, pk)
    _require_write(request.user)
    return _initiative_form_page(request, initiative)
