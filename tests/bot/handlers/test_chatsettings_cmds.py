"""Chat settings handlers in-process: /whoami (anonymous admin too), /connect refused to an
anonymous admin and to members, /sources buttons (members, unknown outlets, leaving every
outlet out), and the bot removed from a connected channel."""

from __future__ import annotations

from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.service import chatsettings

from .conftest import Chatter

USER, ADMIN, MEMBER = 4501, 4510, 4511
GROUP, CHANNEL = -4500, -1004500


def says(lang: str, key: str, **values: object) -> str:
    return visible_text(text(lang, key, **values))


async def test_whoami_in_a_group_and_as_an_anonymous_admin(chatter: Chatter) -> None:
    kind = says("ar", "kind_group")
    (answer,) = await chatter.say(GROUP, "/whoami", lang="ar", user_id=MEMBER, chat_type="group")
    assert answer == says("ar", "whoami", user_id=MEMBER, chat_id=GROUP, kind=kind)
    chatter.double.sender_chat_message(GROUP, "/whoami")
    await chatter.handle_pending()
    # the group is not stored (a member's /whoami changes nothing) and the anonymous admin has
    # no language of their own: English
    kind = says("en", "kind_group")
    assert chatter.last(GROUP).text == says("en", "whoami_anonymous", chat_id=GROUP, kind=kind)


async def test_connect_needs_a_person_and_an_admin(chatter: Chatter) -> None:
    chatter.double.set_admins(GROUP, [ADMIN])
    chatter.double.add_channel(CHANNEL, "news_ch", title="News", admins=[ADMIN])
    refused = await chatter.say(GROUP, "/connect @news_ch", user_id=MEMBER, chat_type="group")
    assert refused == [says("en", "group_admins_only")]
    chatter.double.sender_chat_message(GROUP, "/connect @news_ch")
    await chatter.handle_pending()
    assert chatter.last(GROUP).text == says("en", "connect_no_user")
    bad = await chatter.say(GROUP, "/connect not a channel", user_id=ADMIN, chat_type="group")
    assert bad == [says("en", "connect_not_found", value="not a channel")]
    assert chatsettings.channel_of(chatter.svc.engine, GROUP) is None


async def test_sources_buttons(chatter: Chatter) -> None:
    await chatter.say(USER, "/sources")
    assert chatter.buttons(USER) == ["src:testnews"]
    message_id = chatter.last(USER).message_id
    answer = await chatter.press(USER, message_id, "src:testnews")
    assert answer is not None
    assert answer.splitlines() == [
        says("en", "source_off", name="وكالة الاختبار"),
        says("en", "sources_none_left"),
    ]
    assert chatsettings.excluded_feeds(chatter.svc.engine, USER) == frozenset({"testnews"})
    assert await chatter.press(USER, message_id, "src:testnews") == says(
        "en", "source_on", name="وكالة الاختبار"
    )
    assert chatsettings.excluded_feeds(chatter.svc.engine, USER) == frozenset()


async def test_members_cannot_press_source_buttons(chatter: Chatter) -> None:
    chatter.double.set_admins(GROUP, [ADMIN])
    await chatter.say(GROUP, "/sources", user_id=ADMIN, chat_type="group")
    message_id = chatter.last(GROUP).message_id
    refused = await chatter.press(GROUP, message_id, "src:testnews", user_id=MEMBER)
    assert refused == says("en", "group_admins_only")
    assert chatsettings.excluded_feeds(chatter.svc.engine, GROUP) == frozenset()


async def test_the_bot_removed_from_a_connected_channel(chatter: Chatter) -> None:
    await chatter.say(USER, "/lang ar")
    engine = chatter.svc.engine
    chatsettings.connect(
        engine, chat_id=USER, channel_id=CHANNEL, title="@news", now=chatter.now[0]
    )
    chatter.double.raw_update(
        {
            "my_chat_member": {
                "chat": {"id": CHANNEL, "type": "channel", "title": "News"},
                "from": {"id": ADMIN, "is_bot": False, "first_name": "A"},
                "date": 1,
                "old_chat_member": {"status": "administrator", **_rights(chatter)},
                "new_chat_member": {"status": "left", "user": chatter.double.bot_user},
            }
        }
    )
    await chatter.handle_pending()
    assert chatsettings.channel_of(engine, USER) is None
    assert chatter.last(USER).text == says("ar", "connect_lost")


def _rights(chatter: Chatter) -> dict[str, object]:
    rights = {
        "user": chatter.double.bot_user,
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
        "can_post_messages": True,
        "can_edit_messages": True,
    }
    return rights


async def test_a_fixed_offset_zone_is_named_by_its_offset(chatter: Chatter) -> None:
    (zone,) = await chatter.say(USER, "/tz UTC+3")
    assert zone.startswith("✅ Time zone set to UTC+03 ")
    (quiet,) = await chatter.say(USER, "/quiet 23:00-07:00")
    (daily,) = await chatter.say(USER, "/digest daily 21:30")
    for answer in (quiet, daily):
        assert "UTC+03" in answer
        assert "Etc/" not in answer  # whose sign reads backwards
