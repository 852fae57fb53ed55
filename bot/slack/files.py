"""Files sent to a person's DM with the app, with Slack's current upload (`files_upload_v2`:
files.getUploadURLExternal, the bytes, files.completeUploadExternal; the old files.upload is
gone)."""

from __future__ import annotations

from slack_sdk import WebClient


def send(
    client: WebClient, user_id: str, *, content: bytes, filename: str, title: str, comment: str
) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=channel, content=content, filename=filename, title=title, initial_comment=comment
    )
