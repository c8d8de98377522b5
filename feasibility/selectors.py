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
    """Each centre's scorecard (kpis.invitation_scorecard's keys) for invitations routed in the period: 2 queries.

    "Overdue now" counts every unanswered invitation past its deadline on a request still circulating,
    whenever it was routed: a late answer does not stop being late because the period moved on.
    """
    today = today or timezone.localdate()
    bounds = _bounds(start, end)
    period = Q(**{f"invitations__{lookup}": moment for lookup, moment in bounds.items()})
    answered = Q(invitations__response__isnull=False)
    counts = centres.order_by().annotate(
        n_invitations=Count("invitations", filter=period),
        n_answered=Count("invitations", filter=period & answered),
        n_due=Count("invitations", filter=period & (answered | Q(invitations__deadline__lt=today))),
        n_on_time=Count(
            "invitations",
            filter=period
            & answered
            & Q(invitations__response__first_responded_at__date__lte=F("invitations__deadline")),
        ),
        n_interested=Count("invitations", filter=period & Q(invitations__response__decision=Decision.INTERESTED)),
        n_overdue=Count(
            "invitations",
            filter=Q(
                invitations__response__isnull=True,
                invitations__request__status=RequestStatus.CIRCULATING,
                invitations__deadline__lt=today,
            ),
        ),
    )
    days: dict[int, list[int]] = defaultdict(list)
    # No order: the model's (deadline, centre name) would join the centres and sort rows only counted here.
    answers = Invitation.objects.filter(centre__in=centres.values("pk"), response__isnull=False, **bounds).order_by()
    for centre_id, routed_at, answered_at in answers.values_list(
        "centre_id", "routed_at", "response__first_responded_at"
    ):
        days[centre_id].append((timezone.localdate(answered_at) - timezone.localdate(routed_at)).days)
    return {
        row["pk"]: kpis.card_from_counts(
            invitations=row["n_invitations"],
            answered=row["n_answered"],
            due=row["n_due"],
            on_time=row["n_on_time"],
            interested=row["n_interested"],
            overdue=row["n_overdue"],
            days_to_answer=days[row["pk"]],
        )
        for row in counts.values("pk", "n_invitations", "n_answered", "n_due", "n_on_time", "n_interested", "n_overdue")
    }
