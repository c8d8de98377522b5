"""Jobs the scheduler runs for this app."""

JOBS = [("daily", "feasibility.tasks.send_deadline_reminders")]
