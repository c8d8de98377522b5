"""Enqueue the periodic jobs of every app when they fall due (see crm/scheduling.py)."""

import time

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize
from django.utils import timezone

from crm.scheduling import all_jobs, run_due_jobs


class Command(BaseCommand):
    help = "Enqueue periodic jobs (daily digests, reminders) for db_worker to run. Runs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron).")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")

    def handle(self, *args, once=False, interval=60, **options):
        jobs = all_jobs()
        self.stdout.write(
            f"Scheduler: {len(jobs)} job{pluralize(len(jobs))}: "
            + ", ".join(f"{j.task_path} ({j.every})" for j in jobs)
        )
        while True:
            for path in run_due_jobs(timezone.localtime(), jobs):
                self.stdout.write(f"Enqueued {path}")
            if once:
                return
            time.sleep(interval)
