"""Background work on Django's tasks framework (run by `manage.py db_worker`)."""

from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from crm.emails import send_email


@task()
def send_email_task(name: str, to: list[str], context: dict, reply_to: list[str] | None = None) -> None:
    """Send an email from the worker, so a slow mail server never holds up a page. Context is JSON."""
    send_email(name, to, context, reply_to=reply_to)


@task()
def run_job(task_path: str) -> str:
    """Run one periodic job (the scheduler enqueues this) and record the run for "What the system sends"."""
    from crm.models import JobRun

    run = JobRun.objects.create(task_path=task_path, started_at=timezone.now())
    try:
        value = import_string(task_path).call()
    except Exception as exc:
        run.result = f"Failed: {type(exc).__name__}: {exc}"[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "finished_at"])
        raise
    run.ok, run.result, run.finished_at = True, str(value)[:300], timezone.now()
    run.save(update_fields=["ok", "result", "finished_at"])
    return run.result


def office_settings():
    """The settings the Programme Office edits on "What the system sends" (digest days, reminder lead time).
    The apps' jobs read them through here, as they reach crm's other shared plumbing."""
    from crm.models import OfficeSettings

    return OfficeSettings.load()
