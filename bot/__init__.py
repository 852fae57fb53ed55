"""oneonone: asynchronous, private 1:1s between leaders and the people they lead, in Slack."""

__version__ = "0.1.0"
