"""What people write never reaches a log line at INFO or above (channels/logs.py)."""
import io
import logging

from channels import logs


def _logger(name):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logs.install_filter()
    return logger, stream


def test_remembered_text_is_removed_from_messages_and_tracebacks():
    logger, stream = _logger("test.logs.one")
    secret = "my left eyelid has twitched since my divorce in march"
    logs.remember(secret)
    logger.error("could not handle message %r", secret)
    try:
        raise ValueError(f"cannot parse {secret}")
    except ValueError:
        logger.exception("failed")
    logger.warning("cut short: %s", secret[:45])
    output = stream.getvalue()
    assert "divorce" not in output and logs.REDACTED in output
    assert "ValueError" in output, "the traceback itself is kept"


def test_debug_records_are_left_alone_and_long_records_are_cut():
    logger, stream = _logger("test.logs.two")
    logger.info("body: %s", "x" * 100_000)
    assert len(stream.getvalue()) < logs.MAX_RECORD_CHARS + 100


def test_short_messages_are_removed_as_whole_words_only():
    logger, stream = _logger("test.logs.three")
    logs.remember("twitch")
    logger.error("could not run 'validate_twitch_form' for: twitch")
    assert stream.getvalue().strip() == f"could not run 'validate_twitch_form' for: {logs.REDACTED}"
