"""The buttons under a claimed alert: its stored watch ids while they exist, else by query."""

from __future__ import annotations

import pytest

from postbot.config.catalog import CatalogRef
from postbot.delivery.jobs import ChatButtons
from postbot.store.reasons import Reasons, WatchReason
from support.catalogs import catalog

CATALOG = CatalogRef(catalog())
WHY = Reasons(topics=("isis",), watches=(WatchReason(5, "الرطبة"), WatchReason(None, "هيت")))


def data(buttons: ChatButtons, chat_id: int = 1) -> list[str]:
    markup = buttons.markup(chat_id, WHY, "ar")
    return (
        [] if markup is None else [b.callback_data for row in markup.inline_keyboard for b in row]
    )


@pytest.mark.parametrize(
    ("watches", "topics", "expected"),
    [
        pytest.param({(1, "الرطبة"): 5}, {(1, "isis")}, ["st:isis", "mw:5"], id="stored-id"),
        pytest.param({(1, "الرطبة"): 9}, set(), ["mw:9"], id="re-added-under-a-new-id"),
        pytest.param({(1, "هيت"): 3}, set(), ["mw:3"], id="queued-before-ids"),
        pytest.param({(2, "الرطبة"): 5}, {(2, "isis")}, [], id="another-chats"),
        pytest.param({}, set(), [], id="all-gone"),
    ],
)
def test_alert_buttons_name_the_chats_watches_and_topics_now(
    watches: dict[tuple[int, str], int], topics: set[tuple[int, str]], expected: list[str]
) -> None:
    assert data(ChatButtons(CATALOG, watches, topics)) == expected
