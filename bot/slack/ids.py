"""Every action, form (view callback) and shortcut id the app sends to Slack and listens for,
in one place: a listener and the button or form it answers name the same member."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """`action_id`s of buttons, menus and date pickers."""

    INVITATION_ACCEPT = "invitation_accept"
    INVITATION_SUGGEST = "invitation_suggest"
    PROPOSAL_ACCEPT = "proposal_accept"
    PROPOSAL_DECLINE = "proposal_decline"
    PAIRING_END = "pairing_end"
    PROMPT_ANSWER = "prompt_answer"
    PROMPT_SKIP = "prompt_skip"
    PROMPT_SNOOZE = "prompt_snooze"
    FOLLOWUP_NOTES = "followup_notes"
    FOLLOWUP_MISSED = "followup_missed"
    ACTION_DONE = "action_done"
    HOME_SETTINGS = "home_settings"
    HOME_QUESTIONS = "home_questions"
    HOME_SUMMARY = "home_summary"
    HOME_AGENDA = "home_agenda"
    HOME_AWAY = "home_away"
    HOME_BACK = "home_back"
    CALENDAR_FILE = "calendar_file"
    FORGET_ME = "forget_me"


class Form(StrEnum):
    """`callback_id`s of modals."""

    SCHEDULE = "schedule_form"
    SUGGEST = "suggest_form"
    ANSWER = "answer_form"
    NOTES = "notes_form"
    TOPIC = "topic_form"
    SETTINGS = "settings_form"
    QUESTIONS = "questions_form"


class Shortcut(StrEnum):
    """`callback_id`s of shortcuts (as in manifest.yml)."""

    ADD_TO_NEXT = "add_to_next_1_1"
