"""Calendars: each person's 1:1s as one private iCalendar subscription feed.

Owns `calendar_feeds`. Imports `models`, `scheduling` (the cadence's iCalendar rule) and
`icalendar`; nothing of Slack. `web.py` serves the feed, `slack/commands.py` gives the link."""
