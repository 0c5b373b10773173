"""gunicorn's settings for Edulite: `gunicorn app:app` reads this file from the project's root, and flags
on the command line override it.

Chosen by measurement (ADR 0019, issue #12): on two cores, two threads a worker served the cached pages
as fast as four (0.41-0.51 of a bare WSGI app) and the teacher's save a little faster (0.21-0.34 of a raw
INSERT against 0.16-0.30): a thread holding SQLite's write lock waits less for the GIL behind its neighbours.
"""

import multiprocessing
import os

# One worker per core (WEB_CONCURRENCY overrides, as gunicorn itself reads it); at least two, so one slow
# request never holds the whole site.
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, multiprocessing.cpu_count()))
worker_class = "gthread"
threads = 2
# A whole-school export or an import can take seconds on a large school; a worker silent for a minute is stuck.
timeout = 60
# Phones behind the proxy reuse their connection for the next page of the evening.
keepalive = 5
