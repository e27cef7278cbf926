"""gunicorn settings for the portal (`gunicorn --config gunicorn.conf.py 'portal:create_app()'`).

gunicorn names itself in every response ("Server: gunicorn"); the portal tells nobody what it runs on.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "portal"

bind = "127.0.0.1:8000"
workers = 4
# gunicorn's default. The longest request is the confirmation of a 10 MiB transcript (parsing and saving
# it, about 10 s; its indexing goes on in the background): bench/large_upload.py measures it.
timeout = 30

# /metrics adds up every worker's figures through files in one folder (prometheus-client's
# multiprocess mode): a fresh folder per start unless PROMETHEUS_MULTIPROC_DIR names one (empty it
# before each start).
import os  # noqa: E402
import tempfile  # noqa: E402

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="portal-metrics-"))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
