"""Periodic jobs: each app lists them in `<app>/schedule.py` as `JOBS = [("daily", "app.tasks.fn")]`.

`manage.py run_scheduler` (started beside the worker by `make run`) enqueues each job once per period.
The mark of a period lives in the shared cache (`cache.add` is atomic), so two schedulers do not
enqueue a job twice; jobs are written to be idempotent, so a cleared cache costs at most a repeat.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.module_loading import import_string

from crm.tasks import run_job

logger = logging.getLogger(__name__)

PERIODS = ("hourly", "daily", "weekly", "yearly")
SCHEDULE_MODULES = ("crm.schedule", "engagements.schedule", "capabilities.schedule", "feasibility.schedule")
# Daily and longer jobs wait until this local hour, so emails arrive at the start of the working day.
RUN_FROM_HOUR = 7


@dataclass(frozen=True)
class Job:
    every: str
    task_path: str


def _period(every: str, now: datetime.datetime) -> str:
    """The period `now` falls in, whatever the hour."""
    if every not in PERIODS:
        raise ValueError(f"Unknown period {every!r}; use one of {', '.join(PERIODS)}.")
    if every == "hourly":
        return now.strftime("%Y-%m-%dT%H")
    if every == "daily":
        return now.strftime("%Y-%m-%d")
    if every == "weekly":
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{now.year}"


def period_key(every: str, now: datetime.datetime) -> str | None:
    """The period `now` falls in for a job run `every` period; None while a daily job waits for morning."""
    key = _period(every, now)
    if every != "hourly" and now.hour < RUN_FROM_HOUR:
        return None
    return key


def _mark(job: Job, key: str) -> str:
    return f"epoch:schedule:{job.task_path}:{key}"


def ran_this_period(job: Job, now: datetime.datetime) -> bool:
    """Whether the scheduler has enqueued the job in the period `now` falls in."""
    return cache.get(_mark(job, _period(job.every, now))) is not None


def next_run(every: str, now: datetime.datetime, *, ran_this_period: bool) -> datetime.datetime:
    """When the scheduler next enqueues a job: now when its period is due and it has not run, else the first
    moment it may (daily and longer jobs from RUN_FROM_HOUR)."""
    morning = now.replace(hour=RUN_FROM_HOUR, minute=0, second=0, microsecond=0)
    if not ran_this_period:
        return now if every == "hourly" or now.hour >= RUN_FROM_HOUR else morning
    if every == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    if every == "daily":
        return morning + datetime.timedelta(days=1)
    if every == "weekly":
        return morning + datetime.timedelta(days=7 - now.weekday())
    return morning.replace(year=now.year + 1, month=1, day=1)


def all_jobs() -> list[Job]:
    jobs = []
    for module_name in SCHEDULE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        jobs.extend(Job(every, path) for every, path in getattr(module, "JOBS", []))
    return jobs


def run_due_jobs(now: datetime.datetime, jobs: list[Job] | None = None) -> list[str]:
    """Enqueue every job whose period has not been enqueued yet; returns the task paths enqueued."""
    enqueued = []
    for job in all_jobs() if jobs is None else jobs:
        key = period_key(job.every, now)
        if key is None:
            continue
        if not cache.add(_mark(job, key), now.isoformat(), timeout=60 * 60 * 24 * 400):
            continue
        import_string(job.task_path)  # a job that no longer exists fails here, in the scheduler's log
        run_job.enqueue(job.task_path)
        logger.info("scheduled job enqueued", extra={"task": job.task_path, "period": key})
        enqueued.append(job.task_path)
    return enqueued
