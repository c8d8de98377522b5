"""Periodic work of the feasibility app (run by the scheduler listed in schedule.py)."""

from django.tasks import task

from crm.tasks import office_settings
from feasibility import services


@task()
def send_deadline_reminders() -> int:
    """Remind centres the office's lead time (2 working days unless changed) before the deadline of an unanswered
    invitation, once each."""
    return services.invitations_remind(lead_days=office_settings().reminder_working_days)
