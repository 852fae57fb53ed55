"""Block Kit's documented limits, checked the way Slack checks them.

Slack answers `invalid_blocks` (messages) or `invalid_arguments` (views) with one message per
problem; this module produces those messages so tests fail where Slack would.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000

_TEXT_TYPES = {"plain_text", "mrkdwn"}
_BLOCK_TYPES = {
    "actions", "context", "divider", "file", "header", "image", "input", "rich_text",
    "section", "video", "markdown",
}  # fmt: skip
_ELEMENT_TYPES = {
    "button", "checkboxes", "datepicker", "datetimepicker", "email_text_input", "image",
    "multi_static_select", "multi_users_select", "multi_conversations_select", "number_input",
    "overflow", "plain_text_input", "radio_buttons", "static_select", "timepicker",
    "url_text_input", "users_select", "conversations_select", "channels_select",
    "external_select", "rich_text_input",
}  # fmt: skip


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.action_ids: set[str] = set()

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{message} [json-pointer:{where}]")

    def text(self, obj: Any, where: str, limit: int, *, plain: bool = False) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in _TEXT_TYPES:
            self.fail(where, "must be a text object (plain_text or mrkdwn)")
            return
        if plain and obj["type"] != "plain_text":
            self.fail(where + "/type", "must be plain_text")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail(where + "/text", "must be a non-empty string")
        elif len(text) > limit:
            self.fail(where + "/text", f"must be less than {limit + 1} characters")

    def string(self, value: Any, where: str, limit: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.fail(where, "is required")
            return
        if not isinstance(value, str) or len(value) > limit:
            self.fail(where, f"must be a string of at most {limit} characters")

    def options(self, options: Any, where: str, limit: int) -> None:
        if not isinstance(options, list) or not 1 <= len(options) <= limit:
            self.fail(where, f"must hold 1 to {limit} options")
            return
        for i, option in enumerate(options):
            self.text(option.get("text"), f"{where}/{i}/text", 75)
            self.string(option.get("value"), f"{where}/{i}/value", 150, required=True)

    def element(self, element: Any, where: str) -> None:
        if not isinstance(element, dict) or element.get("type") not in _ELEMENT_TYPES:
            self.fail(where + "/type", "must be a known element type")
            return
        action_id = element.get("action_id")
        self.string(action_id, where + "/action_id", 255)
        if action_id is not None:
            if action_id in self.action_ids:
                self.fail(where + "/action_id", "must be unique within its block")
            self.action_ids.add(action_id)
        kind = element["type"]
        if kind == "button":
            self.text(element.get("text"), where + "/text", 75, plain=True)
            self.string(element.get("value"), where + "/value", 2000)
            self.string(element.get("url"), where + "/url", 3000)
            if element.get("style") not in (None, "primary", "danger"):
                self.fail(where + "/style", "must be primary or danger")
        elif kind in ("static_select", "multi_static_select"):
            self.options(element.get("options"), where + "/options", 100)
        elif kind in ("radio_buttons", "checkboxes"):
            self.options(element.get("options"), where + "/options", 10)
        elif kind == "overflow":
            options = element.get("options")
            if not isinstance(options, list) or not 2 <= len(options) <= 5:
                self.fail(where + "/options", "must hold 2 to 5 options")
            else:
                self.options(options, where + "/options", 5)
        elif kind == "plain_text_input":
            max_length = element.get("max_length", 3000)
            if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
                self.fail(where + "/max_length", "must be from 1 to 3000")
        if "placeholder" in element:
            self.text(element["placeholder"], where + "/placeholder", 150, plain=True)

    def block(self, block: Any, where: str, block_ids: set[str]) -> None:
        if not isinstance(block, dict) or block.get("type") not in _BLOCK_TYPES:
            self.fail(where + "/type", "must be a known block type")
            return
        self.action_ids = set()  # an action_id is unique among those of its block
        block_id = block.get("block_id")
        if block_id is not None:
            self.string(block_id, where + "/block_id", 255)
            if block_id in block_ids:
                self.fail(where + "/block_id", "must be unique")
            block_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail(where, "must have text or fields")
            if "text" in block:
                self.text(block["text"], where + "/text", 3000)
            fields = block.get("fields", [])
            if not isinstance(fields, list) or len(fields) > 10:
                self.fail(where + "/fields", "must hold at most 10 fields")
            else:
                for i, field in enumerate(fields):
                    self.text(field, f"{where}/fields/{i}", 2000)
            if "accessory" in block:
                self.element(block["accessory"], where + "/accessory")
        elif kind == "header":
            self.text(block.get("text"), where + "/text", 150, plain=True)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                self.fail(where + "/elements", "must hold 1 to 10 elements")
            else:
                for i, element in enumerate(elements):
                    if element.get("type") == "image":
                        self.string(element.get("alt_text"), f"{where}/elements/{i}", 2000)
                    else:
                        self.text(element, f"{where}/elements/{i}", 3000)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                self.fail(where + "/elements", "must hold 1 to 25 elements")
            else:
                for i, element in enumerate(elements):
                    self.element(element, f"{where}/elements/{i}")
        elif kind == "input":
            self.text(block.get("label"), where + "/label", 2000, plain=True)
            if "hint" in block:
                self.text(block["hint"], where + "/hint", 2000, plain=True)
            self.element(block.get("element"), where + "/element")
        elif kind == "image":
            self.string(block.get("image_url"), where + "/image_url", 3000)
            self.string(block.get("alt_text"), where + "/alt_text", 2000, required=True)


def block_errors(blocks: Any, *, limit: int = MESSAGE_BLOCKS) -> list[str]:
    checker = _Checker()
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    if len(blocks) > limit:
        checker.fail("/blocks", f"must hold at most {limit} blocks")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(block, f"/blocks/{i}", block_ids)
    return checker.errors


def view_errors(view: Any) -> list[str]:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return ["must be a modal or home view [json-pointer:/view/type]"]
    checker = _Checker()
    if view["type"] == "modal":
        checker.text(view.get("title"), "/view/title", 24, plain=True)
        for key in ("submit", "close"):
            if key in view:
                checker.text(view[key], f"/view/{key}", 24, plain=True)
        blocks = [b for b in view.get("blocks", []) if isinstance(b, dict)]
        if "submit" not in view and any(b.get("type") == "input" for b in blocks):
            checker.fail("/view/submit", "is required when the view has input blocks")
    checker.string(view.get("callback_id"), "/view/callback_id", 255)
    checker.string(view.get("private_metadata"), "/view/private_metadata", 3000)
    checker.string(view.get("external_id"), "/view/external_id", 255)
    errors = checker.errors
    errors += block_errors(view.get("blocks", []), limit=VIEW_BLOCKS)
    return errors


def message_errors(text: Any, blocks: Any) -> tuple[str, list[str]] | None:
    """(error code, messages) for a message Slack would refuse, or None."""
    if blocks is not None:
        errors = block_errors(blocks)
        if errors:
            return "invalid_blocks", errors
    if not text and not blocks:
        return "no_text", []
    if text is not None and len(str(text)) > MESSAGE_TEXT:
        return "msg_too_long", []
    return None
