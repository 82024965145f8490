"""`python -m postbot` entry point."""

from postbot.cli import main

raise SystemExit(main())
