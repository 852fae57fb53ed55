"""Delivery, as infrastructure: the outbox (every scheduled message, exactly once), the
in-process scheduler that triggers its passes, and housekeeping. It imports no feature: the
composition root (`bot.app.make_outbox`) hands it the planners and renderers."""
