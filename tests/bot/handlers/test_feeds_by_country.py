"""/feeds after a /reload that gives feeds a country: grouped under headings in the chat's
language, Iraq first, feeds without a country last."""

from __future__ import annotations

from ruamel.yaml import YAML

from support.process import ADMIN_ID

from .conftest import Chatter

USER = 4402


async def test_feeds_are_grouped_by_country_after_reload(chatter: Chatter) -> None:
    yaml = YAML()
    path = chatter.svc.config_path
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["feeds"] = [
        {"id": "jz", "name": "الجزيرة", "url": "http://127.0.0.1:9/jz.xml", "country": "intl"},
        {"id": "enab", "name": "عنب بلدي", "url": "http://127.0.0.1:9/e.xml", "country": "sy"},
        {"id": "ina", "name": "واع", "url": "http://127.0.0.1:9/ina.xml", "country": "IQ"},
        {"id": "misc", "name": "مصدر", "url": "http://127.0.0.1:9/m.xml"},
        {"id": "off", "name": "معطل", "url": "http://127.0.0.1:9/o.xml", "enabled": False},
    ]
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    await chatter.say(ADMIN_ID, "/reload")
    (english,) = await chatter.say(USER, "/feeds", lang="en")
    assert english.split("\n\n") == [
        "📰 Monitored feeds (4):",
        "🇮🇶 Iraq (1)\n• واع",
        "🇸🇾 Syria (1)\n• عنب بلدي",
        "🌍 International and pan-Arab (1)\n• الجزيرة",
        "📰 Other feeds (1)\n• مصدر",
    ]
    await chatter.say(USER, "/lang ar")
    (arabic,) = await chatter.say(USER, "/feeds")
    assert arabic.split("\n\n")[1] == "🇮🇶 العراق (العدد: 1)\n• واع"
