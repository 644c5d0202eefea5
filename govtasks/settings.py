"""Settings for govtasks, read from the environment.

With nothing set the app runs in development mode on a SQLite file in the
checkout, so a newcomer needs no server. Production sets at least
GOVTASKS_PRODUCTION=1, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL;
without them it refuses to start rather than run with a guessable key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default, minimum=None):
    """The whole number in environment variable `name`; a malformed one names the variable and the value."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number (default: {default}).") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum} (default: {default}).")
    return number


PRODUCTION = env_bool("GOVTASKS_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    # Development only: a key that is plainly not a secret, so nobody mistakes it for one.
    SECRET_KEY = "django-insecure-development-key-not-for-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Production keeps its data in PostgreSQL: a forgotten DATABASE_URL must not quietly start an
# empty SQLite file in the checkout that only this one app server would see.
if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "axes",
    "tasks",
    # Notices to users (交办, 催办, 退回, 批示, …): the inbox, the unread count and their mail (notices/).
    "notices",
    "commendations",
    "meetings",
    # The daily sweep, the escalation ladder with its numbered 督办单, and the units' 考核 scores.
    "chasing",
    # manage.py generate_demo (synthetic data for demos and bench/run.py); no models, no URLs.
    "bench",
    # The queue of background work (mail, big exports, the daily sweep) in the app's own database.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: a request that failed because the database is unreachable gets a 503, not a 500.
    "govtasks.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "govtasks.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed-in pages and downloads are not kept in browser or proxy caches.
    "govtasks.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govtasks.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govtasks.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # The unread count in the navigation: one query, only on pages that show it.
                "notices.context_processors.unread_notices",
            ],
        },
    },
]

WSGI_APPLICATION = "govtasks.wsgi.application"

# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/govtasks; default: SQLite in the checkout.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the task pages' per-row subqueries give plans a high estimated cost, and PostgreSQL
    # then spends ~150 ms compiling each of them to answer in a few ms (bench/run.py, 100,000 tasks).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked user name + address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes, govtasks/login_throttle.py). A user name is locked after
# GOVTASKS_LOGIN_FAILURE_LIMIT failures from any address, so changing address does not help a
# guesser; each further lock of the same name within a day doubles the cool-off, up to
# GOVTASKS_LOGIN_COOLOFF_MAX_MINUTES. Attempts during a lock neither count nor extend it, so
# nobody can keep a colleague locked by hammering. Separately, an address that failed for
# GOVTASKS_LOGIN_ADDRESS_NAME_LIMIT different user names within the cool-off is refused for
# every name that never logged in from it — an office behind one NAT address keeps working.
# The client address is REMOTE_ADDR, unless it is one of GOVTASKS_TRUSTED_PROXIES: then the
# proxy's X-Forwarded-For says who the client is.
AXES_FAILURE_LIMIT = env_int("GOVTASKS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
GOVTASKS_LOGIN_COOLOFF_MINUTES = env_int("GOVTASKS_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
GOVTASKS_LOGIN_COOLOFF_MAX_MINUTES = env_int("GOVTASKS_LOGIN_COOLOFF_MAX_MINUTES", 24 * 60, minimum=1)
GOVTASKS_LOGIN_ADDRESS_NAME_LIMIT = env_int("GOVTASKS_LOGIN_ADDRESS_NAME_LIMIT", 10, minimum=2)
GOVTASKS_TRUSTED_PROXIES = env_list("GOVTASKS_TRUSTED_PROXIES")
AXES_COOLOFF_TIME = "govtasks.login_throttle.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns when the address is not a lockout parameter; here the address has its own rule
# (LoginThrottleHandler), and the name's failures are summed over every address and browser.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_HANDLER = "govtasks.login_throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "govtasks.login_throttle.client_address"
# Each attempt expires after the cool-off of its own lock, not the one of whoever fails next.
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The failure log remembers earlier locks of a name: how the cool-off doubles.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govtasks.security.login_locked_out"
AXES_USERNAME_CALLABLE = "govtasks.security.login_attempt_username"

# Sessions end after a working day (GOVTASKS_SESSION_HOURS) and, by default, when the browser
# is closed: a shared office computer left signed in is a colleague's account.
SESSION_COOKIE_AGE = env_int("GOVTASKS_SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("GOVTASKS_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English through gettext.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers files for WhiteNoise to serve; a deployment may put it
# outside the checkout (the deploy test collects into a temporary folder).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
# Upper bound for ?per_page= so nobody can ask for a million rows on one page.
GOVTASKS_MAX_PER_PAGE = 200
GOVTASKS_DEFAULT_PER_PAGE = 50

# Warning-light rules (see tasks/querysets.py): points behind the expected progress
# that turn a task yellow or red, and how many days before its deadline an
# unfinished task turns yellow.
GOVTASKS_LIGHT_YELLOW_GAP = env_int("GOVTASKS_LIGHT_YELLOW_GAP", 10, minimum=0)
GOVTASKS_LIGHT_RED_GAP = env_int("GOVTASKS_LIGHT_RED_GAP", 30, minimum=0)
GOVTASKS_LIGHT_DUE_SOON_DAYS = env_int("GOVTASKS_LIGHT_DUE_SOON_DAYS", 15, minimum=0)
# A month's progress report is due on this day of the month; after it, a task none of
# whose lead units has reported for the month turns yellow and the unit is listed for a
# reminder. At most 28, so every month has the day.
GOVTASKS_REPORT_DUE_DAY = env_int("GOVTASKS_REPORT_DUE_DAY", 25)
if not 1 <= GOVTASKS_REPORT_DUE_DAY <= 28:
    raise ImproperlyConfigured("GOVTASKS_REPORT_DUE_DAY must be a day between 1 and 28.")

# Attachments (佐证材料) on reports, extension and 办结 requests: a private directory, never served
# by URL (tasks/attachments/), and the largest file and the largest total on one record.
GOVTASKS_ATTACHMENT_DIR = Path(os.environ.get("GOVTASKS_ATTACHMENT_DIR", BASE_DIR / "attachments"))
GOVTASKS_ATTACHMENT_MAX_FILE_BYTES = int(os.environ.get("GOVTASKS_ATTACHMENT_MAX_FILE_MB", "20")) * 1024 * 1024
GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES = int(os.environ.get("GOVTASKS_ATTACHMENT_MAX_RECORD_MB", "50")) * 1024 * 1024
# The parsing budget of uploaded workbooks and documents (tasks/importers/packages.py and
# sandbox.py): what a package may unpack to and how many XML elements it may hold, checked
# before parsing; then the parse runs in a child process limited in CPU seconds and in memory
# (address space over what the child started with). A year's notice takes well under a second.
GOVTASKS_UPLOAD_MAX_UNPACKED_MB = env_int("GOVTASKS_UPLOAD_MAX_UNPACKED_MB", 20, minimum=1)
GOVTASKS_UPLOAD_MAX_XML_ELEMENTS = env_int("GOVTASKS_UPLOAD_MAX_XML_ELEMENTS", 1_000_000, minimum=1000)
GOVTASKS_PARSE_CPU_SECONDS = env_int("GOVTASKS_PARSE_CPU_SECONDS", 5, minimum=1)
GOVTASKS_PARSE_MEMORY_MB = env_int("GOVTASKS_PARSE_MEMORY_MB", 200, minimum=64)
# At most this many uploads are parsed at once on a machine (0: no limit); a further one is
# asked to try again in a few seconds rather than hold another web worker.
GOVTASKS_PARSE_SLOTS = env_int("GOVTASKS_PARSE_SLOTS", 1, minimum=0)

# Pages "as of" a date accept dates from the earliest document's date to this many days after
# today; anything else is refused like a malformed date (no date arithmetic can then overflow).
GOVTASKS_AS_OF_HORIZON_DAYS = env_int("GOVTASKS_AS_OF_HORIZON_DAYS", 366, minimum=0)

# The public information-disclosure page (信息公开, /public/): off unless switched on.
GOVTASKS_PUBLIC_DISCLOSURE = env_bool("GOVTASKS_PUBLIC_DISCLOSURE")

# Most offices have the unit's 分管领导 give an opinion on an extension request before the office
# decides (tasks/progress/services.py); off by default, as the notice itself names no such step.
GOVTASKS_EXTENSION_LEADER_APPROVAL = env_bool("GOVTASKS_EXTENSION_LEADER_APPROVAL")

# The daily sweep (chasing/sweep.py): units are reminded this many days before a month's report or a
# task's deadline falls due; a task that stays red climbs one step of the ladder (提醒 → 催办单 → 督办单)
# every GOVTASKS_ESCALATION_STEP_DAYS days; a 督办单 must be answered (落实情况) within
# GOVTASKS_SUPERVISION_REPLY_DAYS days of its issue.
GOVTASKS_REMINDER_DAYS_BEFORE = env_int("GOVTASKS_REMINDER_DAYS_BEFORE", 3, minimum=0)
GOVTASKS_ESCALATION_STEP_DAYS = env_int("GOVTASKS_ESCALATION_STEP_DAYS", 7, minimum=1)
GOVTASKS_SUPERVISION_REPLY_DAYS = env_int("GOVTASKS_SUPERVISION_REPLY_DAYS", 5, minimum=1)

# Who issues the progress bulletin: the Word bulletin's masthead and 落款 (tasks/workbooks/bulletin_docx.py).
GOVTASKS_OFFICE_NAME = os.environ.get("GOVTASKS_OFFICE_NAME", "区人民政府督查室")

# Reminders (催办) are e-mailed to the unit's liaisons. With no mail server configured they
# are printed to the console; set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# and EMAIL_HOST etc. to send them. In production `check --deploy` fails while mail would
# still go to the console (govtasks/checks.py).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "govtasks@localhost")
# The file backend (django.core.mail.backends.filebased.EmailBackend) writes each mail to this folder.
if os.environ.get("DJANGO_EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["DJANGO_EMAIL_FILE_PATH"]
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)

# Background work (notices' mail, big exports, the daily sweep) runs through Django's Tasks API
# (the django-tasks backport of Django 6's django.tasks). `database` (default): the queue is a
# table of this same database and `manage.py db_worker` runs it — no new server, any number of
# workers on any number of machines. `rq`: the queue is Redis (GOVTASKS_REDIS_URL) and
# `manage.py rqworker default` runs it. `immediate`: run in the request itself (tests, debugging).
GOVTASKS_TASKS_BACKEND = os.environ.get("GOVTASKS_TASKS_BACKEND", "database").strip()
GOVTASKS_REDIS_URL = os.environ.get("GOVTASKS_REDIS_URL", "redis://127.0.0.1:6379/0")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if GOVTASKS_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"GOVTASKS_TASKS_BACKEND={GOVTASKS_TASKS_BACKEND!r} must be one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[GOVTASKS_TASKS_BACKEND], "QUEUES": ["default"]}}
# django-rq's queues, read only by the rq backend and its worker.
RQ_QUEUES = {"default": {"URL": GOVTASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
if GOVTASKS_TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")

# A notice's mail that failed is tried again after this many minutes, up to this many attempts
# in all; after the last the notice says 邮件发送失败，请电话通知.
GOVTASKS_MAIL_RETRY_MINUTES = env_int("GOVTASKS_MAIL_RETRY_MINUTES", 10, minimum=0)
GOVTASKS_MAIL_ATTEMPTS = env_int("GOVTASKS_MAIL_ATTEMPTS", 5, minimum=1)
# A bulletin export of more than this many tasks is written by the background worker, with a page
# that follows it and then offers the file; smaller ones are written in the request.
GOVTASKS_EXPORT_BACKGROUND_ROWS = env_int("GOVTASKS_EXPORT_BACKGROUND_ROWS", 5000, minimum=0)
# 交办 and 签收: a unit acknowledges a task handed to it within this many working days (Monday to
# Friday; the State Council's yearly holiday calendar is not kept).
GOVTASKS_ACK_WORKING_DAYS = env_int("GOVTASKS_ACK_WORKING_DAYS", 3, minimum=1)
# The app's address as users reach it (https://duban.example.gov.cn): mails link to the record.
# Empty: mails say to log in and look.
GOVTASKS_SITE_URL = os.environ.get("GOVTASKS_SITE_URL", "")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (govtasks/security.py), in every mode so development shows a violation
# as early as production would. Scripts, styles, fonts and images come only from the app itself;
# data: images are Bootstrap's built-in SVG icons. Inline style *attributes* stay allowed for the
# computed widths of progress bars; inline <style> and <script> elements and event-handler
# attributes (onerror=, onclick=) do not run.
GOVTASKS_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
# Everything goes to stderr once, through the root handler. Django's own defaults give the
# "django" logger a second console handler (DEBUG only), which printed every warning such
# as "Not Found: /x/" twice; so "django" gets no handler of its own. Configuring "django"
# resets its children, so runserver's request lines get back their INFO level and format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
