"""The two forms: the phone number, and the digits of the calling number.

A site replaces them with ``LOGINBYCALL["FORMS"] = {"phone": "...", "code": "..."}``: subclasses
keep the field names (``phone``, ``digits``), which are part of the app's contract.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext, ngettext

__all__ = ["EXAMPLE", "CodeForm", "PhoneForm"]

#: The example number the pages show, with no-break spaces and hyphens (it never wraps).
EXAMPLE = "+7\u00a0925\u00a0688\u201106\u201136"


class PhoneForm(forms.Form):
    """The number to call; ``cleaned_data["phone"]`` is lbc-core's digits (``79256880636``)."""

    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": "+7 925 688-06-36",
                "autofocus": True,
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def clean_phone(self) -> str:
        from .flows import parse_phone

        found = parse_phone(str(self.cleaned_data["phone"]))
        if found is None:
            raise forms.ValidationError(
                gettext("Enter a valid phone number, e.g. %(example)s.") % {"example": EXAMPLE},
                code="invalid",
            )
        return found


class CodeForm(forms.Form):
    """Exactly ``codelen`` digits. Their format is checked here; whether they are right only by
    lbc-core, and a malformed entry costs no attempt."""

    digits = forms.CharField(
        label=_("The last digits of the calling number"),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "class": "lbc-digits",
            }
        ),
    )

    def __init__(self, *args: Any, codelen: int = 4, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codelen = codelen
        self.fields["digits"].widget.attrs.update(
            {
                "maxlength": str(codelen),
                "minlength": str(codelen),
                "pattern": f"[0-9]{{{codelen}}}",
                "size": str(codelen),
                "title": ngettext("%(count)d digit", "%(count)d digits", codelen)
                % {"count": codelen},
            }
        )

    def clean_digits(self) -> str:
        from .flows import ascii_digits

        # Full-width and other Unicode decimal digits (an IME) are the ASCII digits they are.
        digits = ascii_digits(str(self.cleaned_data["digits"])).strip()
        if len(digits) != self.codelen or not (digits.isascii() and digits.isdigit()):
            raise forms.ValidationError(
                ngettext(
                    "Type the last %(count)d digit of the number that called you.",
                    "Type the last %(count)d digits of the number that called you.",
                    self.codelen,
                )
                % {"count": self.codelen},
                code="format",
            )
        return digits
