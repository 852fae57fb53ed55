"""Pure logic, no Slack and no I/O: recurrence, questions, check-ins, summaries."""
