"""A sample database for `postbot trend`: the Arabic stories of the test fixtures, spread over
the last N days.

    python bench/trend_sample.py --database sqlite:///trend-sample.db [--days 30] [--seed 15]
    DATABASE_URL=sqlite:///trend-sample.db postbot trend --topic isis --days 30 --out chart.png

Every story of tests/fixtures/cluster/*.yaml (about 200 real-world-style items from 25 Iraqi,
Syrian and pan-Arab outlets) and tests/fixtures/breaking/attack.yaml is stored once. A pair
labelled "same" becomes one story in two outlets (the second a copy, `cluster_id` set, minutes
later), as the poller would have stored it; a "different" pair is two stories on different
days. Days are drawn with more weight on recent ones, so the sample has a visible rise; the
seed makes it repeatable. The database is migrated first (it may be new or empty).
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ruamel.yaml import YAML
from sqlmodel import Session

from postbot.feeds.story import Story
from postbot.store import repo
from postbot.store.db import make_engine, upgrade_engine
from postbot.store.models import Feed

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
OUTLETS = {
    "aa": "الأناضول",
    "aa_arabic": "الأناضول عربي",
    "aawsat": "الشرق الأوسط",
    "asharqalawsat": "الشرق الأوسط",
    "alarabiya": "العربية",
    "alghad": "الغد",
    "alhurra": "الحرة",
    "aljazeera": "الجزيرة نت",
    "almayadeen": "الميادين",
    "alsumaria": "السومرية نيوز",
    "baghdadtoday": "بغداد اليوم",
    "enabbaladi": "عنب بلدي",
    "ina": "واع",
    "independentarabia": "إندبندنت عربية",
    "kurdistan24": "كوردستان 24",
    "npa": "نورث برس",
    "petra": "بترا",
    "roya": "رؤيا",
    "rtarabic": "آر تي عربي",
    "rudaw": "روداو",
    "sana": "سانا",
    "shafaq": "شفق نيوز",
    "skynewsarabia": "سكاي نيوز عربية",
    "syriatv": "تلفزيون سوريا",
    "trtarabi": "تي آر تي عربي",
}


def load_groups() -> list[list[dict[str, str]]]:
    """Stories to store, in groups: one group is one story, its items the outlets' copies."""
    yaml = YAML(typ="safe")
    groups: list[list[dict[str, str]]] = []
    for path in sorted((FIXTURES / "cluster").glob("*-[0-9][0-9].yaml")):
        for pair in yaml.load(path.read_text(encoding="utf-8")) or []:
            if pair.get("label") == "same":
                groups.append([pair["a"], pair["b"]])
            else:
                groups += [[pair["a"]], [pair["b"]]]
    attack = yaml.load((FIXTURES / "breaking" / "attack.yaml").read_text(encoding="utf-8"))
    groups.append(list(attack["event"]))
    other = attack.get("other")
    groups += [[other]] if isinstance(other, dict) else [[item] for item in other or []]
    return groups


def seed(database: str, days: int, rng: random.Random, now: datetime) -> int:
    """Store the sample; returns the number of stories stored."""
    engine = make_engine(database)
    upgrade_engine(engine)
    groups = load_groups()
    stored = 0
    with Session(engine) as session:
        for feed_id, name in OUTLETS.items():
            if session.get(Feed, feed_id) is None:
                session.add(
                    Feed(
                        id=feed_id,
                        url=f"https://{feed_id}.example/rss",
                        name=name,
                        next_poll_at=now,
                    )
                )
        session.flush()
        weights = [1 + 2 * i / days for i in range(days)]  # later days about 3x as likely
        for n, group in enumerate(groups):
            back = days - 1 - rng.choices(range(days), weights)[0]
            at = now - timedelta(days=back, hours=rng.uniform(0, 20))
            root: int | None = None
            for item in group:
                story = Story(
                    item["source"],
                    f"sample-{n}-{item['source']}",
                    item["title"],
                    f"https://{item['source']}.example/{n}",
                    item.get("summary", ""),
                    at - timedelta(minutes=2),
                )
                row, created = repo.save_story(session=session, story=story, now=at)
                if created:
                    stored += 1
                    if root is None:
                        root = row.id
                    elif row.id is not None:
                        repo.set_cluster(session=session, story_id=row.id, cluster_id=root)
                at += timedelta(minutes=rng.uniform(3, 40))
        session.commit()
    engine.dispose()
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="e.g. sqlite:///trend-sample.db")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    count = seed(args.database, args.days, random.Random(args.seed), datetime.now(UTC))
    print(f"stored {count} stories over {args.days} days in {args.database}")


if __name__ == "__main__":
    main()
