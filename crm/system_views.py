"""What the system sends: the periodic jobs (schedule, last run, next run, result), the log of emails sent and
the settings the jobs read. For the Programme Office only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.module_loading import import_string

from crm import permissions as access
from crm import services
from crm.forms import OfficeSettingsForm
from crm.forms_util import add_service_errors
from crm.models import JobRun, OfficeSettings, SentEmail
from crm.scheduling import RUN_FROM_HOUR, all_jobs, next_run, ran_this_period

EMAILS_PER_PAGE = 50
# What each job is called on the page and what its result (the number the task returns) counts.
JOB_WORDS = {
    "engagements.tasks.email_follow_up_digests": ("Follow-up digest", "person emailed", "people emailed"),
    "feasibility.tasks.send_deadline_reminders": ("Answer reminders", "reminder sent", "reminders sent"),
    "capabilities.tasks.remind_centres_to_reconfirm_profiles": (
        "Yearly re-confirmation of centre profiles",
        "centre reminded",
        "centres reminded",
    ),
}
EVERY = {"hourly": "Every hour", "daily": "Every day", "weekly": "Every Monday", "yearly": "Every 1 January"}


def _result(run: JobRun | None, singular: str, plural: str) -> str:
    if run is None:
        return "Not run yet"
    if not run.ok:
        return run.result or "Did not finish"
    if run.result.isdigit():
        n = int(run.result)
        return f"{n} {singular if n == 1 else plural}"
    return run.result or "Done"


def _jobs(office: OfficeSettings) -> list[dict]:
    """Each job with its latest run: one query for all the runs' latest rows."""
    now = timezone.localtime()
    jobs = all_jobs()
    latest = {}
    for run in JobRun.objects.filter(task_path__in=[j.task_path for j in jobs]).order_by("task_path", "-started_at"):
        latest.setdefault(run.task_path, run)  # few jobs, a handful of runs each day: the first per path is latest
    rows = []
    for job in jobs:
        title, singular, plural = JOB_WORDS.get(job.task_path, (job.task_path, "done", "done"))
        doc = (import_string(job.task_path).func.__doc__ or "").strip().split("\n\n")[0]
        schedule = EVERY[job.every] + ("" if job.every == "hourly" else f", from {RUN_FROM_HOUR:02d}:00")
        if job.task_path == "engagements.tasks.email_follow_up_digests":
            schedule += f"; sent on: {office.get_digest_days_display().lower()}"
        run = latest.get(job.task_path)
        rows.append(
            {
                "title": title,
                "what": " ".join(doc.split()),
                "schedule": schedule,
                "last_run": run,
                "result": _result(run, singular, plural),
                "next_run": next_run(job.every, now, ran_this_period=ran_this_period(job, now)),
            }
        )
    return rows


@login_required
def system_page(request):
    access.require(access.is_programme_office(request.user), "What the system sends is for the Programme Office.")
    office = OfficeSettings.load()
    form = OfficeSettingsForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.office_settings_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Settings saved; the jobs use them from their next run.")
            return redirect("crm:system")
    if request.method == "POST":
        office = OfficeSettings.load()  # the page shows what is in force, the form what was typed
    emails = Paginator(SentEmail.objects.all(), EMAILS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "jobs": _jobs(office),
        "form": form,
        "emails": emails,
        "email_count": f"{emails.paginator.count} email{pluralize(emails.paginator.count)}",
    }
    return render(request, "crm/system.html", context, status=400 if form.errors else 200)
