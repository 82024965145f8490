"""postbot.recent: a cache bounded by count and by idle time, on an injected clock."""

from __future__ import annotations

import threading

import pytest

from postbot.recent import RecentCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("size", "extra"), [(1, 1), (3, 5), (50, 200)])
def test_count_bound_drops_least_recently_used(size: int, extra: int) -> None:
    cache: RecentCache[int, str] = RecentCache(size, 60, clock=Clock())
    for i in range(size + extra):
        cache.put(i, str(i))
    assert len(cache) == size
    assert cache.get(0) is None
    assert cache.get(size + extra - 1) == str(size + extra - 1)


def test_a_used_entry_survives_the_count_bound() -> None:
    cache: RecentCache[str, int] = RecentCache(3, 60, clock=Clock())
    for key in "abc":
        cache.put(key, ord(key))
    assert cache.get("a") == ord("a")  # now the most recent
    cache.put("d", 4)
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == [ord("a"), ord("c"), 4]


@pytest.mark.parametrize("idle", [0.5, 60.0, 600.0])
def test_idle_entries_go_even_under_the_count(idle: float) -> None:
    clock = Clock()
    cache: RecentCache[int, int] = RecentCache(1000, idle, clock=clock)
    for i in range(10):
        cache.put(i, i)
        clock.now += idle / 20  # ten puts within half the idle time
    assert cache.get(3) == 3  # used: its idle time starts again
    clock.now += idle * 0.98  # the others were last used over `idle` ago, 3 was not
    assert cache.get(3) == 3
    cache.put(100, 100)
    assert len(cache) == 2
    assert cache.get(0) is None and cache.get(9) is None
    clock.now += idle * 1.01
    assert cache.get(100) is None and cache.get(3) is None
    assert len(cache) == 0


def test_a_quiet_cache_empties_on_read() -> None:
    clock = Clock()
    cache: RecentCache[int, bytes] = RecentCache(100, 10, clock=clock)
    for i in range(50):
        cache.put(i, bytes(100))
    clock.now += 11
    assert cache.get(12345) is None  # any read drops what went idle
    assert len(cache) == 0


@pytest.mark.parametrize("keys", [[1, 1, 1], [1, 2, 1, 2, 3], list(range(5)) * 3])
def test_recall_makes_each_value_once_while_it_is_kept(keys: list[int]) -> None:
    clock = Clock()
    cache: RecentCache[int, str] = RecentCache(10, 60, clock=clock)
    made: list[int] = []

    def make(key: int) -> str:
        made.append(key)
        return f"v{key}"

    assert [cache.recall(k, lambda k=k: make(k)) for k in keys] == [f"v{k}" for k in keys]
    assert sorted(made) == sorted(set(keys))
    clock.now += 61  # all gone idle: made again
    assert cache.recall(keys[0], lambda: make(keys[0])) == f"v{keys[0]}"
    assert made[-1] == keys[0] and len(made) == len(set(keys)) + 1


def test_overwrite_and_clear() -> None:
    cache: RecentCache[str, int] = RecentCache(2, 10, clock=Clock())
    cache.put("a", 1)
    cache.put("a", 2)
    assert len(cache) == 1 and cache.get("a") == 2
    cache.clear()
    assert len(cache) == 0 and cache.get("a") is None


@pytest.mark.parametrize(("size", "idle"), [(0, 10.0), (5, 0.0), (5, -1.0)])
def test_refuses_a_cache_that_cannot_hold_anything(size: int, idle: float) -> None:
    with pytest.raises(ValueError):
        RecentCache(size, idle)


def test_threads_share_one_cache_within_its_bound() -> None:
    cache: RecentCache[tuple[int, int], int] = RecentCache(64, 60)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(3000):
                cache.put((t, i % 200), i)
                cache.get((t, (i * 7) % 200))
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(cache) == 64
