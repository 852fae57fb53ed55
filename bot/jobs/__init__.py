"""Scheduled work: the in-process trigger and the jobs it runs."""
