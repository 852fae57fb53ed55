"""Each person's data in their own hands: export what they may read, forget what they wrote.

Imports `models`, `scheduling`, `checkins`, `notes`, `people` and `delivery.outbox` (a word to
the other person); nothing of Slack."""
