"""What each role sees first: the home dashboard's context."""

from django.utils import timezone

from crm import permissions as access


def dashboard_context(user) -> dict:
    today = timezone.localdate()
    context: dict = {"today": today, "role": user.role}
    if access.is_programme_office(user):
        context["my_follow_ups"] = (
            access.visible_follow_ups(user).open().filter(owner=user).select_related("engagement", "organisation")
        )[:10]
        context["outstanding"] = (
            access.visible_invitations(user)
            .unanswered()
            .filter(request__status="circulating")
            .select_related("request", "centre")
            .order_by("deadline")[:10]
        )
    if access.is_centre_staff(user):
        context["own_centres"] = list(access.own_centres(user))
        context["to_answer"] = (
            access.visible_invitations(user)
            .unanswered()
            .exclude(request__status__in=["placed", "not_placed", "withdrawn"])
            .select_related("request", "centre")
            .order_by("deadline")[:20]
        )
    return context
