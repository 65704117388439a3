"""Settings of the app's test suite: a custom user model (UUID keys), both languages, LocMem.

``LOGINBYCALL`` points nowhere: every test that needs the service gets a sandbox (conftest).
"""

from __future__ import annotations

SECRET_KEY = "tests-only-" + "s" * 50
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Russian")]

INSTALLED_APPS = [
    "testapp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "loginbycall.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
AUTH_USER_MODEL = "testapp.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "loginbycall.django.backends.PhoneCallBackend",
]
LOGINBYCALL = {
    "CALL_API_ID": "not-configured",
    "API_KEY": "not-configured-key",
    "BASE_URL": "http://127.0.0.1:9/callapi/v2.0/",
    "OTHER_LOGIN_URL": "password-login",
    # The suite runs in one process, on LocMemCache.
    "SINGLE_PROCESS": True,
}
ROOT_URLCONF = "testapp.urls"
LOGIN_URL = "loginbycall:phone"
LOGIN_REDIRECT_URL = "home"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
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
            ]
        },
    }
]
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
