"""Periodic jobs of this app, run by the lead engineer's scheduler."""

JOBS = [("yearly", "capabilities.tasks.remind_centres_to_reconfirm_profiles")]
