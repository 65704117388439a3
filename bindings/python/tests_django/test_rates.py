"""The rate notation, allauth's: ``AMOUNT/DURATION[/PER]`` joined by commas."""

from __future__ import annotations

import pytest
from loginbycall.django.ratelimit import Rate, parse_rates


@pytest.mark.parametrize(
    ("text", "rates"),
    [
        ("5/m/ip,3/10m/key", [Rate(5, 60, "ip"), Rate(3, 600, "key")]),
        ("5/m", [Rate(5, 60, "ip")]),
        ("2/3.5m/key", [Rate(2, 210, "key")]),
        (" 1/h/user , 20/d/ip ", [Rate(1, 3600, "user"), Rate(20, 86400, "ip")]),
        ("10/30s", [Rate(10, 30, "ip")]),
        ("", []),
        (None, []),
    ],
)
def test_rates_parse(text: str | None, rates: list[Rate]) -> None:
    assert parse_rates(text) == rates


@pytest.mark.parametrize(
    "text", ["5", "5/m/ip/x", "x/m", "-1/m", "5/week", "5/m/everyone", "5/0s", "5/nans", "5/infm"]
)
def test_malformed_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rates(text)
