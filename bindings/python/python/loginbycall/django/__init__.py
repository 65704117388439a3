"""``loginbycall.django``: log users in by a phone call, in four settings lines.

::

    INSTALLED_APPS += ["loginbycall.django"]
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "loginbycall.django.backends.PhoneCallBackend",
    ]
    LOGINBYCALL = {"CALL_API_ID": "...", "API_KEY": "..."}   # or {"SANDBOX": True} with DEBUG
    # urls.py
    path("accounts/phone/", include("loginbycall.django.urls")),

then ``manage.py migrate``. The user types a number; the service calls it from a random
number whose last digits are the code; the user types them; lbc-core checks them. The login
state stays in the server-side session, attempts and rate limits are counted in Django's cache,
and ``manage.py check`` reports settings that would be unsafe.
"""
