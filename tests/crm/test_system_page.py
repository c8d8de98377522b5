"""What the system sends: the jobs with their last and next runs, the log of emails sent, and the office's
settings the jobs read (digest days, reminder lead time). Office only."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from crm.models import JobRun, OfficeSettings, SentEmail
from crm.scheduling import Job, next_run, run_due_jobs
from crm.tasks import run_job
from feasibility import services as feasibility
from feasibility.workdays import add_working_days
from tests.factories import FeasibilityRequestFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

URL = "/system/"


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 15)  # 2 March 2026 is a Monday


@pytest.mark.parametrize(
    ("every", "now", "ran", "expected"),
    [
        ("daily", at(2, 9), False, at(2, 9)),  # due now
        ("daily", at(2, 5), False, datetime.datetime(2026, 3, 2, 7, 0)),  # waits for the morning
        ("daily", at(2, 9), True, datetime.datetime(2026, 3, 3, 7, 0)),
        ("hourly", at(2, 9), True, datetime.datetime(2026, 3, 2, 10, 0)),
        ("weekly", at(4, 9), True, datetime.datetime(2026, 3, 9, 7, 0)),  # the next Monday
        ("yearly", at(4, 9), True, datetime.datetime(2027, 1, 1, 7, 0)),
    ],
)
def test_it_works_out_the_next_run(every, now, ran, expected):
    assert next_run(every, now, ran_this_period=ran) == expected


def test_it_lists_each_job_with_its_schedule_and_runs(client, alice):
    cache.clear()
    client.force_login(alice)
    page = client.get(URL).content.decode()
    for title in ["Follow-up digest", "Answer reminders", "Yearly re-confirmation of centre profiles"]:
        assert title in page
    assert "Not run yet" in page and "Every day, from 07:00" in page


def test_it_records_a_run_and_shows_its_result(client, alice, django_capture_on_commit_callbacks):
    cache.clear()
    FollowUpFactory(owner=alice, due_on=timezone.localdate())
    job = Job("daily", "engagements.tasks.email_follow_up_digests")
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_jobs(timezone.localtime().replace(hour=9), [job]) == [job.task_path]
    run = JobRun.objects.get()
    assert run.ok and run.result == "1" and run.finished_at
    client.force_login(alice)
    assert "1 person emailed" in client.get(URL).content.decode()


@task()
def broken_job():
    raise RuntimeError("mail server down")


def test_it_records_a_failed_run():
    with pytest.raises(RuntimeError):
        run_job.call(f"{__name__}.broken_job")
    run = JobRun.objects.get()
    assert not run.ok and "mail server down" in run.result and run.finished_at


def test_it_logs_each_email_sent_with_its_record_but_not_its_content(
    client, alice, leeds, bob, django_capture_on_commit_callbacks
):
    request = FeasibilityRequestFactory(status="triage", title="Confidential asset XK-1")
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = feasibility.route_request(
            actor=alice, request=request, centres=[leeds], override_reason="Known"
        )
    sent = SentEmail.objects.get()
    assert sent.template == "feasibility-invitation" and bob.email in sent.recipients
    assert sent.link.endswith(reverse("feasibility:answer", args=[invitation.pk]))
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert "feasibility-invitation" in page and sent.link in page and "1 email" in page
    assert "Confidential asset XK-1" not in page and mail.outbox[0].subject not in page


def test_it_saves_the_settings_with_history(client, alice):
    client.force_login(alice)
    response = client.post(URL, {"digest_days": "working_days", "reminder_working_days": 4})
    assert response.status_code == 302
    office = OfficeSettings.load()
    assert (office.digest_days, office.reminder_working_days) == ("working_days", 4)
    assert office.history.first().history_user == alice


def test_it_writes_nothing_when_the_page_is_only_read(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 200
    assert not OfficeSettings.objects.exists() and not OfficeSettings.history.exists()
    assert OfficeSettings.load().reminder_working_days == 2


@pytest.mark.parametrize("days", ["0", "11", "soon"])
def test_it_refuses_a_lead_time_out_of_range_and_keeps_the_old_one(client, alice, days):
    client.force_login(alice)
    response = client.post(URL, {"digest_days": "every_day", "reminder_working_days": days})
    assert response.status_code == 400
    assert "reminder_working_days_error" in response.content.decode()
    assert OfficeSettings.load().reminder_working_days == 2


def test_it_is_for_the_programme_office_only(client, victor, bob):
    for user in (victor, bob):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"digest_days": "0", "reminder_working_days": 9}).status_code == 403
    assert OfficeSettings.load().reminder_working_days == 2
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_digest_goes_out_only_on_the_days_the_office_chose(alice):
    from engagements.tasks import email_follow_up_digests

    today = timezone.localdate()
    FollowUpFactory(owner=alice, due_on=today)
    office = OfficeSettings.load()
    office.digest_days = str((today.weekday() + 1) % 5) if today.weekday() < 5 else "working_days"
    office.save()
    assert email_follow_up_digests.call() == 0
    office.digest_days = "every_day"
    office.save()
    assert email_follow_up_digests.call() == 1


def test_the_reminders_follow_the_lead_time_the_office_set(alice, leeds):
    from feasibility.tasks import send_deadline_reminders

    today = timezone.localdate()
    request = FeasibilityRequestFactory(status="triage")
    feasibility.route_request(
        actor=alice,
        request=request,
        centres=[leeds],
        override_reason="Known",
        deadline=add_working_days(today, 4, "england"),
    )
    assert send_deadline_reminders.call() == 0  # 2 working days by default
    office = OfficeSettings.load()
    office.reminder_working_days = 5
    office.save()
    assert send_deadline_reminders.call() == 1
