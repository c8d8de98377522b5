"""Load the demo network: centres, users of every role, and each app's demo records. Rerunnable.

`--scale N` adds N - 1 earlier network-years in bulk (crm/demo_scale.py), for measuring speed as history grows.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from capabilities.demo import seed_centres
from crm.demo import DEMO_PASSWORD, seed_users


class Command(BaseCommand):
    help = "Load a realistic demo network (rerunnable: it never duplicates what is there)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="network-years of records: 1 is the demo; 10 adds nine earlier years in bulk (under two minutes)",
        )

    def handle(self, *args, scale: int = 1, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        with transaction.atomic():
            centres = seed_centres()
            self.stdout.write(f"Centres: {len(centres)}")
            users = seed_users(centres)
            self.stdout.write(f"Users: {', '.join(users)} (password {DEMO_PASSWORD!r}, demo only)")
            for label, seed in self._app_seeders():
                counts = seed(users=users, centres=centres)
                self.stdout.write(f"{label}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        if scale > 1:
            from crm.demo_scale import seed_scale

            counts = seed_scale(scale, progress=self._progress)
            made = ", ".join(f"{n} {what}" for what, n in counts.items()) or "nothing new (already there)"
            self.stdout.write(f"Scale {scale}: {made}")
        self.stdout.write(self.style.SUCCESS("Demo network ready."))

    def _progress(self, label: str, done: int, total: int) -> None:
        """A one-line progress bar on a terminal; a line per step elsewhere (logs, tests)."""
        width = 30
        bar = "#" * (width * done // total) + "-" * (width - width * done // total)
        line = f"[{bar}] {done}/{total} network-years ({label})"
        if getattr(self.stdout, "isatty", lambda: False)() and self.stdout._out is sys.stdout:
            self.stdout.write(f"\r{line}", ending="\n" if done == total else "")
            self.stdout.flush()
        else:
            self.stdout.write(line)

    def _app_seeders(self):
        """Each app's demo module adds its records; they run in dependency order."""
        seeders = []
        for label, module_name in [
            ("Capabilities", "capabilities.demo"),
            ("Engagements", "engagements.demo"),
            ("Feasibility", "feasibility.demo"),
            ("Sponsor accounts", "feasibility.sponsor_demo"),
            ("Reports", "crm.report_demo"),
        ]:
            try:
                module = __import__(module_name, fromlist=["seed"])
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            if hasattr(module, "seed"):
                seeders.append((label, module.seed))
        return seeders
