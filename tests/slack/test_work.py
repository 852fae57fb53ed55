"""The Slack kit's unit of work: what a refusal looks like under a form's field."""

from bot.slack.work import form_error


def test_a_refusal_under_a_field_is_plain_text_within_slacks_150_characters() -> None:
    said = form_error("`Tuesdays at 25:00` is not a time: try `10:00` &lt;or&gt; &amp;c.")
    assert said == "Tuesdays at 25:00 is not a time: try 10:00 <or> &c."
    assert len(form_error("x" * 400)) == 150
