# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC-safe methods for integrators (see docs/rpc.md).

Every method takes plain values (ids or codes, ISO-8601 dates), returns plain
dicts (no None: missing values are False), refuses bad input with a
``UserError``/``ValidationError`` naming the problem, writes nothing when it
fails (a savepoint wraps the work), and accepts an optional ``request_id``: a
retry with the same id returns the first answer without doing the work again.

``telecom.api`` is declared here with its plumbing (input checks, lookups by id
or code, the request-id replay); the methods are in one file per concern:
``telecom_api_customers.py`` (customers, billing accounts) and
``telecom_api_subscriptions.py`` (orders, plan changes, suspension, resumption,
termination, lookups of subscriptions). telecom_billing and telecom_helpdesk add
theirs the same way.
"""

import hashlib
import json
import math
from datetime import date, datetime

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: the longest text a field of the API takes (names, references, identifiers)
MAX_TEXT = 256
#: the longest free text (descriptions, messages)
MAX_LONG_TEXT = 65_536
#: lines of one order (services per line: sale_order.MAX_LINE_QUANTITY)
MAX_ORDER_LINES = 500
#: the largest number any API field takes (amounts, limits, quantities)
MAX_NUMBER = 10**12


class TelecomApi(models.AbstractModel):
    _name = "telecom.api"
    _description = "Telecom RPC API for integrators"

    # -- plumbing --------------------------------------------------------------
    @api.model
    def _api_check_user(self):
        """Every method of the API is for telecom users (its own checks come on top)."""
        self._telecom_check_groups("telecom_crm.group_telecom_user", what=_("The telecom API"))

    @api.model
    def _api_call(self, method, request_id, params, func):
        self._api_check_user()
        if request_id is not None and request_id is not False:
            if not isinstance(request_id, str) or not request_id.strip() or len(request_id) > 128:
                raise UserError(
                    _("request_id must be a non-empty string of at most 128 characters.")
                )
            request_id = request_id.strip()
        digest = hashlib.sha256(
            json.dumps([method, params], sort_keys=True, default=str).encode()
        ).hexdigest()
        requests_sudo = self.env["telecom.api.request"].sudo()
        if request_id:
            previous = requests_sudo.search(
                [("request_id", "=", request_id), ("user_id", "=", self.env.uid)], limit=1
            )
            if previous:
                if previous.method != method or previous.params_hash != digest:
                    raise UserError(
                        _(
                            "request_id %(id)s was already used for another request; use a new "
                            "request_id for a new request.",
                            id=request_id,
                        )
                    )
                return previous.response
        with self.env.cr.savepoint():
            result = func()
            if request_id:
                requests_sudo.create(
                    {
                        "request_id": request_id,
                        "method": method,
                        "params_hash": digest,
                        "response": result,
                        "user_id": self.env.uid,
                        "company_id": self.env.company.id,
                    }
                )
        return result

    @api.model
    def _api_timezone(self, value, label):
        """A time zone name (pytz, e.g. ``Europe/Paris``), or False when none is given."""
        if value in (None, False, ""):
            return False
        if not isinstance(value, str) or value not in pytz.all_timezones_set:
            raise UserError(
                _(
                    "%(label)s: %(value)s is not a time zone name (IANA, e.g. Europe/Paris).",
                    label=label,
                    value=value,
                )
            )
        return value

    @api.model
    def _api_date(self, value, label, required=False):
        if value in (None, False, ""):
            if required:
                raise UserError(_("%(label)s is required (ISO-8601 date).", label=label))
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise UserError(_("%(label)s must be an ISO-8601 date string.", label=label))
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError as exc:
            raise UserError(
                _(
                    "%(label)s: %(value)s is not an ISO-8601 date (YYYY-MM-DD).",
                    label=label,
                    value=value,
                )
            ) from exc

    @api.model
    def _api_check_keys(self, values, allowed, what):
        if not isinstance(values, dict):
            raise UserError(_("%(what)s must be a dict (an XML-RPC struct).", what=what))
        unknown = set(values) - allowed
        if unknown:
            raise UserError(
                _(
                    "%(what)s: unknown key(s) %(keys)s; allowed: %(allowed)s.",
                    what=what,
                    keys=", ".join(sorted(unknown)),
                    allowed=", ".join(sorted(allowed)),
                )
            )

    @api.model
    def _api_selection(self, model, fname, value, label):
        allowed = [
            key for key, _label in self.env[model]._fields[fname]._description_selection(self.env)
        ]
        if value not in allowed:
            raise UserError(
                _(
                    "%(label)s: %(value)s is not one of %(allowed)s.",
                    label=label,
                    value=value,
                    allowed=", ".join(allowed),
                )
            )
        return value

    @api.model
    def _api_number(self, value, label, minimum=None, maximum=MAX_NUMBER):
        """A finite number (int or float) within ``minimum``..``maximum``."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(_("%(label)s must be a number.", label=label))
        if isinstance(value, float) and not math.isfinite(value):
            raise UserError(
                _("%(label)s must be a finite number, not %(value)s.", label=label, value=value)
            )
        if minimum is not None and value < minimum:
            raise UserError(_("%(label)s must be at least %(min)s.", label=label, min=minimum))
        if maximum is not None and value > maximum:
            raise UserError(_("%(label)s must be at most %(max)s.", label=label, max=maximum))
        return value

    @api.model
    def _api_text(self, value, label, max_length=MAX_TEXT):
        """A string of at most ``max_length`` characters (refused, never cut)."""
        if not isinstance(value, str):
            raise UserError(_("%(label)s must be a string.", label=label))
        if len(value) > max_length:
            raise UserError(
                _(
                    "%(label)s is %(length)s characters long; at most %(max)s.",
                    label=label,
                    length=len(value),
                    max=max_length,
                )
            )
        return value

    @api.model
    def _api_lookup(self, records, ref, field, domain=()):
        """The record of ``records``' model a caller names: its id, or ``field``'s value.

        Empty when there is none (or ``ref`` is neither a non-empty string nor an id);
        ``domain`` narrows the search by value (e.g. to the company).
        """
        if isinstance(ref, int) and not isinstance(ref, bool):
            return records.browse(ref).exists()
        if isinstance(ref, str) and ref:
            return records.search([(field, "=", ref), *domain], limit=1)
        return records.browse()

    @api.model
    def _api_customer(self, ref):
        partner = self._api_lookup(self.env["res.partner"], ref, "telecom_customer_number")
        if not partner or not partner.telecom_customer_number:
            raise UserError(_("No customer %(ref)s (give its id or customer number).", ref=ref))
        partner.check_access("read")
        return partner.commercial_partner_id

    @api.model
    def _api_billing_account(self, ref, customer):
        Account = self.env["telecom.billing.account"]
        if ref in (None, False, ""):
            accounts = Account.search(
                [("partner_id", "=", customer.id), ("state", "!=", "closed")], limit=2
            )
            if len(accounts) != 1:
                raise UserError(
                    _(
                        "Customer %(customer)s has %(count)s open billing accounts: name one.",
                        customer=customer.telecom_customer_number,
                        count=len(accounts) if len(accounts) < 2 else _("several"),
                    )
                )
            return accounts
        if isinstance(ref, int) and not isinstance(ref, bool):
            account = Account.browse(ref).exists()
        elif isinstance(ref, str):
            account = Account.search([("name", "=", ref)], limit=1)
        else:
            account = Account
        if not account or account.partner_id != customer:
            raise UserError(
                _(
                    "No billing account %(ref)s for customer %(customer)s.",
                    ref=ref,
                    customer=customer.telecom_customer_number,
                )
            )
        account.check_access("read")
        return account

    @api.model
    def _api_subscription(self, ref):
        Subscription = self.env["telecom.subscription"]
        if isinstance(ref, int) and not isinstance(ref, bool):
            sub = Subscription.browse(ref).exists()
        elif isinstance(ref, str) and ref.strip():
            ref = ref.strip()
            sub = Subscription.search([("name", "=", ref)], limit=1)
            if not sub:
                for fname in ("phone_number", "sim_iccid", "circuit_id", "username", "ref"):
                    found = Subscription.search([(fname, "=", ref)], order="id desc")
                    if found:
                        sub = found.filtered(lambda s: s.state != "terminated")[:1] or found[:1]
                        break
        else:
            sub = Subscription
        if not sub:
            raise UserError(
                _(
                    "No subscription %(ref)s (give its id, number, phone number, SIM ICCID, "
                    "circuit id, username or external reference).",
                    ref=ref,
                )
            )
        sub.check_access("read")
        return sub

    @api.model
    def _api_product(self, ref, kinds=None):
        product = self._api_lookup(self.env["product.product"], ref, "default_code")
        if not product or not product.telecom_kind or (kinds and product.telecom_kind not in kinds):
            raise UserError(
                _(
                    "No telecom product %(ref)s%(kinds)s (give its id or internal reference).",
                    ref=ref,
                    kinds=f" of kind {'/'.join(kinds)}" if kinds else "",
                )
            )
        return product

    # -- plain data out --------------------------------------------------------
    @api.model
    def _api_iso(self, value):
        return fields.Date.to_string(value) if value else False
