"""Daily jobs of the engagements app (listed in engagements/schedule.py)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from crm.tasks import office_settings, send_email_task
from engagements.models import FollowUp, FollowUpDigest


@task()
def email_follow_up_digests() -> int:
    """Email each owner their follow-ups due today or overdue, once a day (a FollowUpDigest row records it,
    so running twice sends nothing more), on the days the office chose. Returns how many people were emailed."""
    today = timezone.localdate()
    if not office_settings().sends_digest_on(today):
        return 0
    due = FollowUp.objects.due_by(today).select_related("owner", "organisation", "engagement").order_by("due_on", "id")
    by_owner: dict = {}
    for follow_up in due:
        if follow_up.owner.is_active and follow_up.owner.email:
            by_owner.setdefault(follow_up.owner, []).append(follow_up)
    already = set(FollowUpDigest.objects.filter(sent_on=today).values_list("owner_id", flat=True))
    sent = 0
    for owner, items in by_owner.items():
        if owner.pk in already:
            continue
        context = {
            "name": owner.first_name or owner.username,
            "today": today.isoformat(),
            "link": settings.SITE_URL + reverse("engagements:followup-list"),
            "items": [
                {
                    "text": f.text,
                    "due_on": f"{f.due_on:%d %b %Y}",
                    "overdue": f.due_on < today,
                    "about": str(f.organisation or (f.engagement.subject if f.engagement else "")),
                }
                for f in items
            ],
        }
        try:
            with transaction.atomic():
                FollowUpDigest.objects.create(owner=owner, sent_on=today, items=len(items))
                transaction.on_commit(
                    lambda to=owner.email, ctx=context: send_email_task.enqueue("follow-up-digest", [to], ctx)
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent += 1
    return sent


@task()
def import_run(job_id: int) -> str:
    """Write a large checked CSV file in one transaction (all or nothing), reporting progress on the job."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from engagements import importing, services
    from engagements.models import ImportJob, ImportJobStatus

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJobStatus.QUEUED:
        return job.status  # a repeated delivery of the same task does nothing
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    try:
        counts = services.import_apply(
            actor=job.created_by,
            what=job.what,
            data=job.text.encode(),
            name=job.file_name,
            progress=lambda done, total: services.import_job_progress(job.pk, done),
        )
    except (ValidationError, importing.FileProblem, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        fields = {"status": ImportJobStatus.FAILED, "error": text, "done": 0}
    except Exception as exc:  # the job must say it failed, whatever went wrong; the worker logs the trace
        fields = {
            "status": ImportJobStatus.FAILED,
            "error": f"Unexpected error: {exc}. Nothing was imported.",
            "done": 0,
        }
        ImportJob.objects.filter(pk=job.pk).update(**fields, finished_at=timezone.now(), text="")
        raise
    else:
        fields = {
            "status": ImportJobStatus.DONE,
            "created": counts["created"],
            "updated": counts["updated"],
            "done": job.rows,
        }
    # The file's personal data is not kept once the job is over.
    ImportJob.objects.filter(pk=job.pk).update(**fields, finished_at=timezone.now(), text="")
    return fields["status"]
