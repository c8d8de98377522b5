"""The scheduler enqueues each periodic job once per period, and daily jobs only from the morning."""

import datetime

import pytest
from django.core.cache import cache
from django.tasks import task

from crm.scheduling import Job, period_key, run_due_jobs

RUNS = []


@task()
def record_run():
    RUNS.append(1)


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 15)


def test_it_keys_periods_so_a_job_runs_once_in_each():
    assert period_key("hourly", at(2, 9)) == "2026-03-02T09"
    assert period_key("daily", at(2, 9)) == period_key("daily", at(2, 23)) == "2026-03-02"
    assert period_key("weekly", at(2, 9)) == period_key("weekly", at(8, 9)) == "2026-W10"
    assert period_key("yearly", at(2, 9)) == "2026"


def test_it_holds_daily_jobs_until_the_morning():
    assert period_key("daily", at(2, 3)) is None
    assert period_key("hourly", at(2, 3)) == "2026-03-02T03"


def test_it_refuses_an_unknown_period():
    with pytest.raises(ValueError, match="Unknown period"):
        period_key("fortnightly", at(2, 9))


@pytest.mark.django_db
def test_it_enqueues_a_due_job_once_per_period():
    cache.clear()
    RUNS.clear()
    job = Job("daily", f"{__name__}.record_run")
    assert run_due_jobs(at(2, 8), [job]) == [job.task_path]
    assert run_due_jobs(at(2, 18), [job]) == []
    assert run_due_jobs(at(3, 8), [job]) == [job.task_path]
    assert len(RUNS) == 2
