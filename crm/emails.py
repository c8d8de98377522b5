"""Emails as subject/text/html triples from templates (`templates/emails/<name>-subject.txt` etc.)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from crm.models import SentEmail


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    return subject, text, html


def send_email(name: str, to: list[str], context: dict, reply_to: list[str] | None = None) -> None:
    """Send one email now. Call it from a task (`crm.tasks.send_email_task`) outside a request."""
    subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to, reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    message.send()
    # The log the office reads on "What the system sends": who, when, which template and record; never the content.
    SentEmail.objects.create(
        sent_at=timezone.now(), template=name, recipients=", ".join(to), link=str(context.get("link", ""))[:500]
    )
