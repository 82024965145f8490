"""The outcome table: every Telegram answer the dispatcher and its tests meet, and its kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from postbot.delivery.outcomes import Kind, Outcome, classify, network_backoff, shorter_helps


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        pytest.param(None, Kind.SENT, id="accepted"),
        pytest.param(RetryAfter(timedelta(seconds=3)), Kind.RETRY_AFTER, id="429"),
        pytest.param(ChatMigrated(-1000031), Kind.MIGRATED, id="migrated"),
        pytest.param(
            Forbidden("Forbidden: bot was blocked by the user"), Kind.CHAT_GONE, id="403-blocked"
        ),
        pytest.param(
            Forbidden("Forbidden: bot was kicked from the supergroup chat"),
            Kind.CHAT_GONE,
            id="403-kicked",
        ),
        pytest.param(
            Forbidden("Forbidden: user is deactivated"), Kind.CHAT_GONE, id="403-deactivated"
        ),
        pytest.param(
            BadRequest("Bad Request: chat not found"), Kind.CHAT_GONE, id="chat-not-found"
        ),
        pytest.param(
            BadRequest("Bad Request: user is deactivated"), Kind.CHAT_GONE, id="400-deactivated"
        ),
        pytest.param(
            BadRequest("Bad Request: can't parse entities: Unsupported start tag at byte offset 3"),
            Kind.PLAIN,
            id="cant-parse",
        ),
        pytest.param(BadRequest("Bad Request: message is too long"), Kind.SHORTER, id="too-long"),
        pytest.param(
            BadRequest("Bad Request: MESSAGE_TOO_LONG"), Kind.SHORTER, id="too-long-const"
        ),
        pytest.param(
            BadRequest("Bad Request: entities too long"), Kind.SHORTER, id="entities-long"
        ),
        pytest.param(
            BadRequest("Bad Request: too many entities"), Kind.SHORTER, id="many-entities"
        ),
        pytest.param(BadRequest("Bad Request: text is too long"), Kind.SHORTER, id="text-too-long"),
        pytest.param(BadRequest("Bad Request: text must be non-empty"), Kind.SHORTER, id="empty"),
        pytest.param(
            BadRequest(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same"
            ),
            Kind.UNCHANGED,
            id="not-modified",
        ),
        pytest.param(
            BadRequest("Bad Request: message to edit not found"), Kind.REFUSED, id="edit-gone"
        ),
        pytest.param(
            BadRequest("Bad Request: message can't be edited"), Kind.REFUSED, id="edit-too-old"
        ),
        pytest.param(
            BadRequest("Bad Request: message to be replied not found"), Kind.REFUSED, id="reply"
        ),
        pytest.param(
            BadRequest("Bad Request: have no rights to send a message"), Kind.REFUSED, id="rights"
        ),
        pytest.param(TimedOut(), Kind.NETWORK, id="timed-out"),
        pytest.param(NetworkError("Bad Gateway"), Kind.NETWORK, id="502"),
        pytest.param(
            NetworkError("httpx.ConnectError: connection refused"), Kind.NETWORK, id="drop"
        ),
        pytest.param(ValueError("a bug"), Kind.INTERNAL, id="bug"),
    ],
)
def test_every_answer_has_its_kind(exc: BaseException | None, kind: Kind) -> None:
    assert classify(exc).kind is kind


def test_429_carries_its_wait_and_a_migration_its_new_id() -> None:
    assert classify(RetryAfter(timedelta(seconds=7))).retry_after == 7.0
    assert classify(ChatMigrated(-1000031)).new_chat_id == -1000031


@pytest.mark.parametrize(
    ("outcome", "error"),
    [
        pytest.param(classify(RetryAfter(timedelta(seconds=1))), "429: ", id="429"),
        pytest.param(classify(Forbidden("Forbidden: bot was blocked")), "403: Forbidden", id="403"),
        pytest.param(
            classify(BadRequest("Bad Request: chat not found")), "403: Chat not", id="gone"
        ),
        pytest.param(classify(BadRequest("Bad Request: odd")), "400: Odd", id="400"),
        pytest.param(classify(TimedOut()), "network: ", id="network"),
        pytest.param(Outcome(Kind.INTERNAL, "story no longer stored"), "story no", id="story-gone"),
        pytest.param(classify(KeyError(3)), "internal error (see log)", id="internal"),
    ],
)
def test_the_stored_error_starts_with_what_happened(outcome: Outcome, error: str) -> None:
    assert outcome.error.startswith(error)


def test_classify_reads_class_names_not_telegram_types() -> None:
    """The table is pure: a stand-in with the same class name and attributes classifies alike."""

    class RetryAfter(Exception):  # named as Telegram's, on purpose
        retry_after = 2

    class Local(BadRequest):
        pass

    assert classify(RetryAfter()).retry_after == 2.0
    assert classify(Local("Bad Request: message is too long")).kind is Kind.SHORTER


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 5), (1, 5), (2, 10), (3, 20), (9, 1280), (10, 1800), (50, 1800)],
)
def test_network_backoff_doubles_up_to_half_an_hour(attempts: int, seconds: int) -> None:
    assert network_backoff(attempts) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("message", "helps"),
    [("Bad Request: message is too long", True), ("Bad Request: chat not found", False)],
)
def test_shorter_helps_only_for_the_text_itself(message: str, helps: bool) -> None:
    assert shorter_helps(message) is helps
