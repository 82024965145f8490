"""Stand-ins for postbot's outside world, shared by tests/ and bench/ (bench never imports tests).

The Bot API double (`doubles.botapi`), one feed server (`doubles.feedserver`), throwaway
PostgreSQL databases (`doubles.databases`), the shipped catalog for tests (`doubles.catalogs`)
and the harness that runs a real `postbot` process against them (`doubles.process`). pytest puts
the repository root on sys.path (pyproject's `pythonpath`); bench scripts insert it themselves.
"""
