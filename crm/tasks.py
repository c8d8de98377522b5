"""Background work on Django's tasks framework (run by `manage.py db_worker`)."""

from django.tasks import task

from crm.emails import send_email


@task()
def send_email_task(name: str, to: list[str], context: dict, reply_to: list[str] | None = None) -> None:
    """Send an email from the worker, so a slow mail server never holds up a page. Context is JSON."""
    send_email(name, to, context, reply_to=reply_to)
