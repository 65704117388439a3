"""The example site: a home page, the phone login, logout.

By default it runs against the embedded sandbox (``LOGINBYCALL = {"SANDBOX": True}``, DEBUG on),
so that ``manage.py runserver`` shows a whole login with no account. The environment changes
that, as a deployment would:

- ``LBC_CALL_API_ID``, ``LBC_API_KEY`` (and optionally ``LBC_BASE_URL``): the service (or a
  sandbox at ``LBC_BASE_URL``) instead of the embedded sandbox;
- ``LBC_DEBUG=0``: DEBUG off (needs the credentials above);
- ``LBC_REDIS_URL=redis://127.0.0.1:6379/0``: Redis as the cache and the session store, for
  several worker processes;
- ``LBC_DB``: the SQLite file (default ``db.sqlite3`` next to ``manage.py``);
- ``LBC_SECRET_KEY``, ``LBC_ALLOWED_HOSTS`` (comma-separated), ``LBC_TRUSTED_PROXY_HEADER``;
- ``LBC_TTL`` (seconds a code lives), ``LBC_GUARD=off`` (no guard), ``LBC_RING_MS``
  (the embedded sandbox's ring time): the screenshots' test.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("LBC_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("LBC_SECRET_KEY", "example-site-not-secret-" + "x" * 40)
ALLOWED_HOSTS = [
    h for h in os.environ.get("LBC_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    # First: its templates (loginbycall/base.html) override the app's.
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "loginbycall.django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "loginbycall.django.backends.PhoneCallBackend",
]

if os.environ.get("LBC_CALL_API_ID"):
    LOGINBYCALL = {
        "CALL_API_ID": os.environ["LBC_CALL_API_ID"],
        "API_KEY": os.environ["LBC_API_KEY"],
        "SIGNUP": True,
        "OTHER_LOGIN_URL": "admin:login",
    }
    if os.environ.get("LBC_BASE_URL"):
        LOGINBYCALL["BASE_URL"] = os.environ["LBC_BASE_URL"]
else:
    LOGINBYCALL = {"SANDBOX": True, "SIGNUP": True, "OTHER_LOGIN_URL": "admin:login"}
if not os.environ.get("LBC_REDIS_URL"):
    # Without Redis the cache is per process: attempts are counted in the per-user SQLite file,
    # shared by every process of this server.
    LOGINBYCALL["STORE"] = "sqlite://"
if "LBC_CHECK_FAILED_LIMIT" in os.environ:
    # Wrong digits per number across calls (allauth-style rates; "" turns the limit off).
    # Both counts: per (number, client) and per number.
    limit = os.environ["LBC_CHECK_FAILED_LIMIT"] or None
    LOGINBYCALL["RATE_LIMITS"] = {"check_failed": limit, "check_failed_number": limit}
if os.environ.get("LBC_TTL"):
    # Seconds a code lives (the screenshots' test shortens it to show the expired page).
    LOGINBYCALL["TTL"] = int(os.environ["LBC_TTL"])
if os.environ.get("LBC_RING_MS") and LOGINBYCALL.get("SANDBOX"):
    # How long the embedded sandbox's calls ring (the screenshots' test: shorter).
    LOGINBYCALL["SANDBOX_OPTIONS"] = {"ring_ms": int(os.environ["LBC_RING_MS"])}
if os.environ.get("LBC_GUARD") == "off":
    # The screenshots' test places many calls from one address: no guard there.
    LOGINBYCALL["GUARD"] = None
if os.environ.get("LBC_TRUSTED_PROXY_HEADER"):
    LOGINBYCALL["TRUSTED_PROXY_HEADER"] = os.environ["LBC_TRUSTED_PROXY_HEADER"]

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"
LOGIN_URL = "loginbycall:phone"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("LBC_DB", str(BASE_DIR / "db.sqlite3")),
    }
}

if os.environ.get("LBC_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["LBC_REDIS_URL"],
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "loginbycall": {"handlers": ["console"], "level": "INFO"},
        # A 500's traceback in the server's log also when DEBUG is off (Django's own handler for
        # it prints only with DEBUG on).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
