"""The phone numbers of users: one verified E.164 number belongs to one user."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["PhoneNumber"]

#: ``+`` and 7 to 15 digits, the first not 0.
E164 = RegexValidator(r"^\+[1-9][0-9]{6,14}$", _("Enter the number in the form +79256880636."))


class PhoneNumber(models.Model):
    """A number a user proved to own by typing the digits of a call to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_numbers",
        verbose_name=_("user"),
    )
    number = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        validators=[E164],
        help_text=_("E.164, with the plus: +79256880636."),
    )
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ("number",)

    def __str__(self) -> str:
        return self.number


def e164(msisdn: str) -> str:
    """lbc-core's digits (``79256880636``) as this model keeps them (``+79256880636``)."""
    return msisdn if msisdn.startswith("+") else "+" + msisdn
