# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks of service identifiers: phone numbers, IMSIs and the ICCIDs printed on SIM
cards (shared by CRM, OSS and the portal).

A phone number is stored in E.164 form: a plus sign, the country code and up to
15 digits in all, no spaces. An IMSI (ITU-T E.212) has 14 or 15 digits.

An ICCID (ITU-T E.118) is 19 or 20 digits starting with 89 (the telecom industry),
the last one a Luhn check digit (ISO/IEC 7812) over all the others: a mistyped
digit or two swapped neighbours are caught before a SIM reaches a subscription or
the stock.
"""

import re

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
IMSI = re.compile(r"^\d{14,15}$")
ICCID_LENGTHS = (19, 20)
SPACES = re.compile(r"[\s-]+")


def luhn_ok(digits):
    """True when the last digit of ``digits`` is the Luhn check digit of the others."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(digits):
    """``digits`` followed by its Luhn check digit."""
    for check in "0123456789":
        if luhn_ok(digits + check):
            return digits + check
    raise ValueError(digits)  # pragma: no cover - one digit always fits


def normalize_iccid(value):
    """An ICCID as typed or printed (spaces, dashes) -> its digits as a string."""
    return SPACES.sub("", value or "")


def iccid_problem(env, value):
    """Why ``value`` is not a valid ICCID (a translated sentence), or None."""
    iccid = normalize_iccid(value)
    if not iccid.isdigit():
        return env._("ICCID %(iccid)s: only digits are allowed.", iccid=value)
    if len(iccid) not in ICCID_LENGTHS:
        return env._(
            "ICCID %(iccid)s has %(count)s digits; an ICCID has 19 or 20.",
            iccid=value,
            count=len(iccid),
        )
    if not iccid.startswith("89"):
        return env._("ICCID %(iccid)s: an ICCID starts with 89.", iccid=value)
    if not luhn_ok(iccid):
        return env._("ICCID %(iccid)s: the check digit is wrong (mistyped digit?).", iccid=value)
    return None
