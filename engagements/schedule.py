"""Periodic jobs of this app, run by the project's scheduler."""

JOBS = [("daily", "engagements.tasks.email_follow_up_digests")]
