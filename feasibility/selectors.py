"""Reading feasibility figures in the database: each centre's answering record as counts per centre.

A page over centres costs the same whatever the history holds: counts are aggregates (one grouped query),
and the only rows fetched are the two timestamps of each answer in the period, for the median.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from capabilities.models import Centre
from feasibility import kpis
from feasibility.models import Decision, Invitation, RequestStatus


def _bounds(start: datetime.date | None, end: datetime.date) -> dict:
    """Routed from `start` to `end` inclusive (local days; no start means all time), as moments, so the
    database compares the column itself and its index (centre, routed_at) serves the range."""

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    bounds = {"routed_at__lt": midnight(end + datetime.timedelta(days=1))}
    if start is not None:
        bounds["routed_at__gte"] = midnight(start)
    return bounds


def invitation_cards(
    centres: QuerySet[Centre], *, start: datetime.date | None, end: datetime.date, today: datetime.date | None = None
) -> dict[int, dict]:
    """Each centre's scorecard (kpis.invitation_scorecard's keys) for invitations routed in the period: 4 queries.

    "Overdue now" counts every unanswered invitation past its deadline on a request still circulating,
    whenever it was routed: a late answer does not stop being late because the period moved on.
    """
    today = today or timezone.localdate()
    bounds = _bounds(start, end)
    # Grouped over the period's invitations only (the (centre, routed_at) index), not every invitation the
    # centres ever had joined to them: the cost follows the period, not the years of history.
    ids = centres.values("pk")
    answered = Q(response__isnull=False)
    in_period = (
        Invitation.objects.filter(centre__in=ids, **bounds)
        .order_by()
        .values("centre_id")
        .annotate(
            n_invitations=Count("id"),
            n_answered=Count("id", filter=answered),
            n_due=Count("id", filter=answered | Q(deadline__lt=today)),
            n_on_time=Count("id", filter=answered & Q(response__first_responded_at__date__lte=F("deadline"))),
            n_interested=Count("id", filter=Q(response__decision=Decision.INTERESTED)),
        )
    )
    counts = {row.pop("centre_id"): row for row in in_period}
    overdue = dict(
        Invitation.objects.filter(
            centre__in=ids,
            response__isnull=True,
            request__status=RequestStatus.CIRCULATING,
            deadline__lt=today,
        )
        .order_by()
        .values("centre_id")
        .annotate(n=Count("id"))
        .values_list("centre_id", "n")
    )
    days: dict[int, list[int]] = defaultdict(list)
    # No order: the model's (deadline, centre name) would join the centres and sort rows only counted here.
    answers = Invitation.objects.filter(centre__in=ids, response__isnull=False, **bounds).order_by()
    for centre_id, routed_at, answered_at in answers.values_list(
        "centre_id", "routed_at", "response__first_responded_at"
    ):
        days[centre_id].append((timezone.localdate(answered_at) - timezone.localdate(routed_at)).days)
    none = dict.fromkeys(("n_invitations", "n_answered", "n_due", "n_on_time", "n_interested"), 0)
    return {
        pk: kpis.card_from_counts(
            invitations=(row := counts.get(pk, none))["n_invitations"],
            answered=row["n_answered"],
            due=row["n_due"],
            on_time=row["n_on_time"],
            interested=row["n_interested"],
            overdue=overdue.get(pk, 0),
            days_to_answer=days[pk],
        )
        for pk in centres.values_list("pk", flat=True)
    }
