"""Reminder scheduling: the only package that talks to APScheduler."""
