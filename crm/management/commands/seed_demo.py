"""Load the demo network: centres, users of every role, and each app's demo records. Rerunnable."""

from django.core.management.base import BaseCommand
from django.db import transaction

from capabilities.demo import seed_centres
from crm.demo import DEMO_PASSWORD, seed_users


class Command(BaseCommand):
    help = "Load a realistic demo network (rerunnable: it never duplicates what is there)."

    def handle(self, *args, **options):
        with transaction.atomic():
            centres = seed_centres()
            self.stdout.write(f"Centres: {len(centres)}")
            users = seed_users(centres)
            self.stdout.write(f"Users: {', '.join(users)} (password {DEMO_PASSWORD!r}, demo only)")
            for label, seed in self._app_seeders():
                counts = seed(users=users, centres=centres)
                self.stdout.write(f"{label}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        self.stdout.write(self.style.SUCCESS("Demo network ready."))

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
