"""Periodic work of the feasibility app (run by the scheduler listed in schedule.py)."""

from django.tasks import task

from feasibility import services


@task()
def send_deadline_reminders() -> int:
    """Remind centres 2 working days before the deadline of an unanswered invitation, once each."""
    return services.invitations_remind()
