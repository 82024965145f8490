"""Settings shared by every test."""

from __future__ import annotations

import os

# PTB 22 warns on every RetryAfter unless durations are timedelta (`postbot` sets the same).
os.environ.setdefault("PTB_TIMEDELTA", "true")
