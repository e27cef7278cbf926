"""gunicorn settings for the portal (`gunicorn --config gunicorn.conf.py 'portal:create_app()'`).

gunicorn names itself in every response ("Server: gunicorn"); the portal tells nobody what it runs on.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "portal"

bind = "127.0.0.1:8000"
workers = 4
# The longest request is a transcript's confirmation (parsing and indexing it): 30 s is gunicorn's default.
timeout = 60
