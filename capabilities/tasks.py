"""Background work of the directory: the periodic jobs (listed in capabilities/schedule.py) and the PDF."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Centre, CentreCapability, ProfileReminder
from crm.tasks import send_email_task


@task()
def remind_centres_to_reconfirm_profiles() -> int:
    """Once a year, ask every active centre's staff to re-confirm its capability profile.

    Idempotent: a ProfileReminder per centre and year records the sending, so running twice (or on
    every day of the year) sends each centre one reminder. Returns how many centres were reminded.
    """
    today = timezone.localdate()
    already = set(ProfileReminder.objects.filter(year=today.year).values_list("centre_id", flat=True))
    centres = Centre.objects.active().exclude(pk__in=already).prefetch_related("members")
    reminded = 0
    for centre in centres:
        members = [m for m in centre.members.all() if m.is_active and m.email]
        if not members:
            continue
        levels = CentreCapability.objects.filter(centre=centre).select_related("capability")
        stale = sum(1 for level in levels if level.is_stale(today))
        expiring = [
            f"{level.capability.name}: {level.expires_on:%d %B %Y}" for level in levels if level.is_expiring(today)
        ]
        link = settings.SITE_URL + reverse("capabilities:centre-detail", args=[centre.pk])
        try:
            with transaction.atomic():
                ProfileReminder.objects.create(centre=centre, year=today.year, recipients=[m.email for m in members])
                for member in members:
                    context = {
                        "first_name": member.first_name,
                        "centre": centre.name,
                        "link": link,
                        "year": today.year,
                        "total": len(levels),
                        "stale": stale,
                        "expiring": expiring,
                    }
                    transaction.on_commit(
                        lambda email=member.email, context=context: send_email_task.enqueue(
                            "capabilities-reconfirm", [email], context
                        )
                    )
        except IntegrityError:
            continue  # another run reminded this centre meanwhile
        reminded += 1
    return reminded


@task()
def build_directory_pdf(centre_ids: list[int], base_url: str | None = None) -> int:
    """Draw the network directory PDF for these centres into the cache, where the download page finds it."""
    from capabilities.pdf import cached_directory_pdf

    return len(cached_directory_pdf(Centre.objects.filter(pk__in=centre_ids), base_url=base_url))
