"""What a send's outcome does: the deliveries it settles and how, whether the chat's other
messages go on, and what is counted and logged. One place for alerts, edits and digest parts.

    sent, unchanged      the message's deliveries sent                   go on
    retry after (429)    it and the rest of its digest due again later,  stop: the chat must
                         no try used up                                  wait
    network              the same with backoff, until `max_attempts`;    stop
                         then given up
    chat gone            given up, the chat deactivated                  stop
    refused, internal    the message's deliveries given up               go on: the next may pass
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from postbot.delivery.outcomes import Kind, Outcome, network_backoff
from postbot.delivery.work import Message
from postbot.ops.metrics import Metrics
from postbot.store import repo
from postbot.store.models import DeliveryStatus
from postbot.store.repo import Settlement

log = logging.getLogger("postbot.delivery.dispatch")  # the sender's log lines, as before

_FAIL_REASON = {Kind.CHAT_GONE: "blocked", Kind.NETWORK: "network", Kind.INTERNAL: "internal"}
_RETRY_REASON = {Kind.RETRY_AFTER: "429", Kind.NETWORK: "network"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """How to record a send: the settlement, the deliveries it applies to, and whether the
    chat's next message may be sent now."""

    settlement: Settlement
    ids: tuple[int, ...]
    go_on: bool


def verdict(
    msg: Message, outcome: Outcome, message_id: int | None, *, now: datetime, max_attempts: int
) -> Verdict:
    """What `outcome` means for `msg` (see the table above)."""
    kind = outcome.kind
    error = ("edit " if msg.edit_of is not None else "") + outcome.error
    if kind in (Kind.SENT, Kind.UNCHANGED):
        return Verdict(Settlement("sent", message_id=message_id), msg.ids, True)
    if kind is Kind.RETRY_AFTER:  # not the message's fault: it uses up no try
        retry_at = now + timedelta(seconds=outcome.retry_after)
        return Verdict(Settlement("retry", error, retry_at=retry_at, count=False), msg.rest, False)
    if kind is Kind.NETWORK and msg.attempts + 1 < max_attempts:
        retry_at = now + network_backoff(msg.attempts + 1)
        return Verdict(Settlement("retry", error, retry_at=retry_at), msg.rest, False)
    if kind is Kind.CHAT_GONE:
        return Verdict(Settlement("chat_gone", error), msg.rest, False)
    if kind is Kind.NETWORK:  # out of tries: given up; the chat waits for the next claim
        return Verdict(Settlement("failed", error), msg.rest, False)
    return Verdict(Settlement("failed", error), msg.ids, True)


def record(session: Session, msg: Message, chat_id: int, v: Verdict, now: datetime) -> None:
    """Write the verdict to the message's deliveries (the caller commits)."""
    # after a send or an edit: an outlet that came in meanwhile asks for one more edit
    shown = None
    if msg.story is not None and msg.status is not DeliveryStatus.HELD:
        shown = (msg.story.id, len(msg.story.also_in))
    repo.settle(
        session=session,
        chat_id=chat_id,
        delivery_ids=v.ids,
        status=msg.status,
        settlement=v.settlement,
        now=now,
        shown=shown,
    )


def tally(
    metrics: Metrics, msg: Message, outcome: Outcome, v: Verdict, chat_id: int, now: datetime
) -> tuple[int, int]:
    """Count and log a settled send; returns (alerts sent, alerts given up)."""
    # an edit's alert was counted when it was sent: an edit counts only as an edit
    alerts = 0 if msg.status is DeliveryStatus.EDIT else len(v.ids)
    state, where = v.settlement.state, msg.log_ctx(chat_id)
    if state == "retry":
        metrics.alerts_retried.labels(reason=_RETRY_REASON[outcome.kind]).inc(alerts)
        at = v.settlement.retry_at
        log.info("delivery %s: retry at %s: %s", v.ids[0], at, outcome.error, extra=where)
        return 0, 0
    if state != "sent":
        metrics.alerts_failed.labels(reason=_FAIL_REASON.get(outcome.kind, "bad_request")).inc(
            alerts
        )
        if state == "chat_gone":
            log.info("chat %s refused the bot (%s): deactivated", chat_id, outcome.detail)
        else:
            log.warning("delivery %s to chat %s: %s", v.ids[0], chat_id, outcome.error, extra=where)
        return 0, alerts
    metrics.alerts_sent.inc(alerts)
    for seen in msg.first_seen:
        metrics.alert_delay.observe(max((now - seen).total_seconds(), 0.0))
    for feed, published in msg.published:
        metrics.record_publish_delay(feed, (now - published).total_seconds())
    if msg.status is DeliveryStatus.HELD:
        metrics.digests_sent.inc()
        log.info("sent a digest of %d alerts to chat %s", alerts, chat_id, extra=where)
    elif msg.status is DeliveryStatus.EDIT:
        if outcome.kind is Kind.SENT:  # "not modified" changed nothing
            metrics.alerts_edited.inc()
        log.info("edited alert of story %s in chat %s", msg.story_id, chat_id, extra=where)
    else:
        story, delivery = msg.story_id, msg.ids[0]
        log.info("sent story %s to chat %s (delivery %s)", story, chat_id, delivery, extra=where)
    return alerts, 0
