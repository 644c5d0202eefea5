"""WSGI entry point: `gunicorn govtasks.wsgi:application`.

Configuration comes from the environment (see govtasks/settings.py and README.md);
in production set at least GOVTASKS_PRODUCTION=1, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL. Static files are served by WhiteNoise's
middleware inside this application, so nothing else needs to know about them.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtasks.settings")

application = get_wsgi_application()
