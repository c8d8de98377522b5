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

logger = logging.getLogger(__name__)

PERIODS = ("hourly", "daily", "weekly", "yearly")
SCHEDULE_MODULES = ("crm.schedule", "engagements.schedule", "capabilities.schedule", "feasibility.schedule")
# Daily and longer jobs wait until this local hour, so emails arrive at the start of the working day.
RUN_FROM_HOUR = 7


@dataclass(frozen=True)
class Job:
    every: str
    task_path: str


def period_key(every: str, now: datetime.datetime) -> str | None:
    """The period `now` falls in for a job run `every` period; None while a daily job waits for morning."""
    if every not in PERIODS:
        raise ValueError(f"Unknown period {every!r}; use one of {', '.join(PERIODS)}.")
    if every == "hourly":
        return now.strftime("%Y-%m-%dT%H")
    if now.hour < RUN_FROM_HOUR:
        return None
    if every == "daily":
        return now.strftime("%Y-%m-%d")
    if every == "weekly":
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{now.year}"


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
        if not cache.add(f"epoch:schedule:{job.task_path}:{key}", now.isoformat(), timeout=60 * 60 * 24 * 400):
            continue
        import_string(job.task_path).enqueue()
        logger.info("scheduled job enqueued", extra={"task": job.task_path, "period": key})
        enqueued.append(job.task_path)
    return enqueued
