# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC-safe methods for integrators (see docs/rpc.md).

Every method takes plain values (ids or codes, ISO-8601 dates), returns plain
dicts (no None: missing values are False), refuses bad input with a
``UserError``/``ValidationError`` naming the problem, writes nothing when it
fails (a savepoint wraps the work), and accepts an optional ``request_id``: a
retry with the same id returns the first answer without doing the work again.
"""

import hashlib
import json
import math
from datetime import date, datetime

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .sale_order import MAX_LINE_QUANTITY, ORDER_KINDS
from .telecom_subscription import SUSPEND_REASONS

CUSTOMER_KEYS = {
    "name",
    "customer_type",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "country_code",
    "vat",
    "segment",
    "credit_class",
    "credit_limit",
    "contact_by_email",
    "contact_by_sms",
    "contact_by_phone",
    "contact_by_post",
    "marketing_opt_in",
    "id_document_type",
    "id_document_number",
    "birthdate",
    "lang",
    "tz",
    "billing_account",
}
ACCOUNT_KEYS = {
    "invoice_email",
    "currency",
    "billing_day",
    "billing_period",
    "invoice_delivery",
    "paperless",
    "payment_term_id",
}
ORDER_KEYS = {
    "customer",
    "billing_account",
    "kind",
    "date",
    "lines",
    "subscriptions",
    "reason",
    "waive_etf",
    "address",
    "confirm",
    "client_order_ref",
}
LINE_KEYS = {
    "product",
    "quantity",
    "subscription",
    "phone_number",
    "sim_iccid",
    "circuit_id",
    "username",
    "description",
    "port_in",
}
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

    @api.model
    def _api_subscription_data(self, sub):
        return {
            "id": sub.id,
            "number": sub.name,
            "ref": sub.ref or False,
            "state": sub.state,
            "customer_id": sub.partner_id.id,
            "customer_number": sub.partner_id.telecom_customer_number or False,
            "customer_name": sub.partner_id.name,
            "billing_account_id": sub.billing_account_id.id,
            "billing_account_number": sub.billing_account_id.name,
            "plan": {
                "id": sub.plan_id.id,
                "code": sub.plan_id.default_code or False,
                "name": sub.plan_id.name,
            }
            if sub.plan_id
            else False,
            "phone_number": sub.phone_number or False,
            "sim_iccid": sub.sim_iccid or False,
            "imsi": sub.imsi or False,
            "circuit_id": sub.circuit_id or False,
            "username": sub.username or False,
            "activation_date": self._api_iso(sub.activation_date),
            "commitment_end_date": self._api_iso(sub.commitment_end_date),
            "suspension_date": self._api_iso(sub.suspension_date),
            "suspend_reason": sub.suspend_reason or False,
            "termination_date": self._api_iso(sub.termination_date),
            "termination_reason": sub.termination_reason_id.code or False,
            "etf_waived": sub.etf_waived,
            "currency": sub.currency_id.name,
            "recurring_price": sub.recurring_price,
            "lines": [
                {
                    "product_id": line.product_id.id,
                    "product_code": line.product_id.default_code or False,
                    "name": line.name or "",
                    "kind": line.kind,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "date_start": self._api_iso(line.date_start),
                    "date_end": self._api_iso(line.date_end),
                }
                for line in sub.line_ids.sorted(lambda ln: (ln.date_start, ln.id))
            ],
        }

    @api.model
    def _api_service_order_data(self, order):
        return {
            "id": order.id,
            "name": order.name,
            "action": order.action,
            "state": order.state,
            "subscription_id": order.subscription_id.id,
            "subscription_number": order.subscription_id.name,
            "requested_date": self._api_iso(order.requested_date),
            "scheduled": order._telecom_is_scheduled(),
            "error": order.error or False,
        }

    @api.model
    def _api_charge_data(self, charge):
        return {
            "id": charge.id,
            "kind": charge.kind,
            "description": charge.description,
            "amount": charge.amount,
            "currency": charge.currency_id.name,
            "date": self._api_iso(charge.date),
            "state": charge.state,
            "subscription_id": charge.subscription_id.id or False,
        }

    @api.model
    def _api_preview_data(self, preview):
        data = dict(preview)
        data["effective_date"] = self._api_iso(preview["effective_date"])
        data["commitment_end_date"] = self._api_iso(preview["commitment_end_date"])
        if data["amount"] is None:
            data["amount"] = False
        return data

    # -- public methods ----------------------------------------------------------
    @api.model
    def create_customer(self, values, request_id=None):
        """Create a customer and its first billing account; return their ids and numbers."""
        return self._api_call(
            "create_customer", request_id, values, lambda: self._create_customer(values)
        )

    @api.model
    def _create_customer(self, values):
        self._api_check_keys(values, CUSTOMER_KEYS, _("customer"))
        account_values = values.get("billing_account") or {}
        self._api_check_keys(account_values, ACCOUNT_KEYS, _("billing_account"))
        partner = self.env["res.partner"].create(self._api_partner_vals(values))
        account = self.env["telecom.billing.account"].create(
            {"partner_id": partner.id, **self._api_account_vals(account_values)}
        )
        account.action_activate()
        return {
            "customer_id": partner.id,
            "customer_number": partner.telecom_customer_number,
            "billing_account_id": account.id,
            "billing_account_number": account.name,
        }

    @api.model
    def _api_partner_vals(self, values):
        name = values.get("name")
        if not isinstance(name, str) or not name.strip():
            raise UserError(_("A customer needs a name."))
        self._api_text(name, "name")
        ctype = self._api_selection(
            "res.partner",
            "telecom_customer_type",
            values.get("customer_type", "residential"),
            "customer_type",
        )
        vals = {
            "name": name.strip(),
            "is_company": ctype != "residential",
            "telecom_customer_type": ctype,
            "customer_rank": 1,
            # no time zone given: none (not the caller's context), so rating reads time
            # bands and billing periods in the tariff's time zone
            "tz": self._api_timezone(values.get("tz"), "tz"),
        }
        for key in ("email", "phone", "mobile", "street", "street2", "zip", "city", "vat", "lang"):
            if values.get(key):
                vals[key] = self._api_text(values[key], key)
        if values.get("country_code"):
            vals["country_id"] = self._api_code(
                "res.country", str(values["country_code"]).upper(), "country_code"
            ).id
        if values.get("segment"):
            vals["telecom_segment_id"] = self._api_code(
                "telecom.customer.segment", values["segment"], "segment"
            ).id
        if values.get("credit_class"):
            vals["telecom_credit_class"] = self._api_selection(
                "res.partner", "telecom_credit_class", values["credit_class"], "credit_class"
            )
        if "credit_limit" in values:
            vals["telecom_credit_limit"] = self._api_number(
                values["credit_limit"], "credit_limit", 0
            )
        for key in (
            "contact_by_email",
            "contact_by_sms",
            "contact_by_phone",
            "contact_by_post",
            "marketing_opt_in",
        ):
            if key in values:
                vals[f"telecom_{key}"] = bool(values[key])
        vals.update(self._api_identity_vals(values, ctype))
        return vals

    @api.model
    def _api_identity_vals(self, values, ctype):
        if not any(k in values for k in ("id_document_type", "id_document_number", "birthdate")):
            return {}
        if ctype != "residential":
            raise UserError(_("Identity data is for residential customers."))
        vals = {}
        if values.get("id_document_type"):
            vals["telecom_id_document_type"] = self._api_selection(
                "res.partner",
                "telecom_id_document_type",
                values["id_document_type"],
                "id_document_type",
            )
        if values.get("id_document_number"):
            vals["telecom_id_document_number"] = self._api_text(
                str(values["id_document_number"]), "id_document_number", 64
            )
        birthdate = self._api_date(values.get("birthdate"), "birthdate")
        if birthdate:
            vals["telecom_birthdate"] = birthdate
        return vals

    @api.model
    def _api_code(self, model, code, label):
        field = "name" if model == "res.currency" else "code"
        record = self.env[model].search([(field, "=", code)], limit=1)
        if not record:
            raise UserError(_("%(label)s: unknown code %(code)s.", label=label, code=code))
        return record

    @api.model
    def _api_account_vals(self, account_values):
        vals = {}
        if account_values.get("currency"):
            vals["currency_id"] = self._api_code(
                "res.currency", account_values["currency"], "currency"
            ).id
        if "billing_day" in account_values:
            day = self._api_number(account_values["billing_day"], "billing_day", 1)
            if day > 28 or int(day) != day:
                raise UserError(_("billing_day must be a whole day from 1 to 28."))
            vals["billing_day"] = int(day)
        for key in ("billing_period", "invoice_delivery"):
            if key in account_values:
                vals[key] = self._api_selection(
                    "telecom.billing.account", key, account_values[key], key
                )
        if account_values.get("invoice_email"):
            vals["invoice_email"] = self._api_text(
                str(account_values["invoice_email"]), "invoice_email"
            )
        if "paperless" in account_values:
            vals["paperless"] = bool(account_values["paperless"])
        if account_values.get("payment_term_id"):
            term_id = account_values["payment_term_id"]
            term = self.env["account.payment.term"]
            if isinstance(term_id, int) and not isinstance(term_id, bool):
                term = term.browse(term_id).exists()
            if not term:
                raise UserError(_("Unknown payment term %(id)s.", id=term_id))
            vals["payment_term_id"] = term.id
        return vals

    @api.model
    def set_customer_timezone(self, customer, tz, request_id=None):
        """Set (or, with False, clear) the time zone of a customer (id or number).

        The time zone decides the time bands of the customer's usage and the local
        day that puts a record in a billing period; without one, the tariff's.
        Usage rated before keeps its result until it is re-rated.
        """

        def work():
            self._telecom_check_groups(
                "telecom_crm.group_telecom_sales",
                "telecom_crm.group_telecom_care",
                what=_("Changing a customer's time zone"),
            )
            partner = self._api_customer(customer)
            partner.check_access("write")
            partner.tz = self._api_timezone(tz, "tz")
            return {
                "customer_id": partner.id,
                "customer_number": partner.telecom_customer_number,
                "tz": partner.tz or False,
            }

        return self._api_call("set_customer_timezone", request_id, [customer, tz], work)

    @api.model
    def place_order(self, values, request_id=None):
        """Create (and by default confirm) a telecom order; return what it did."""
        return self._api_call("place_order", request_id, values, lambda: self._place_order(values))

    @api.model
    def _place_order(self, values):
        self._api_check_keys(values, ORDER_KEYS, _("order"))
        order_vals = self._api_order_vals(values)
        order_vals["order_line"] = self._api_order_lines(values.get("lines") or [])
        order = self.env["sale.order"].create(order_vals)
        if values.get("confirm", True):
            order.action_confirm()
        return self._api_order_data(order)

    @api.model
    def _api_order_vals(self, values):
        customer = self._api_customer(values.get("customer"))
        account = self._api_billing_account(values.get("billing_account"), customer)
        kind = values.get("kind")
        if kind not in dict(ORDER_KINDS):
            raise UserError(
                _(
                    "kind: %(kind)s is not one of %(allowed)s.",
                    kind=kind,
                    allowed=", ".join(dict(ORDER_KINDS)),
                )
            )
        order_date = self._api_date(values.get("date"), "date") or fields.Date.context_today(self)
        order_vals = {
            "partner_id": customer.id,
            "telecom_order_kind": kind,
            "telecom_billing_account_id": account.id,
            "telecom_effective_date": order_date,
            "client_order_ref": values.get("client_order_ref") or False,
        }
        if order_vals["client_order_ref"]:
            self._api_text(order_vals["client_order_ref"], "client_order_ref")
        if account.currency_id != self.env.company.currency_id:
            pricelist = self.env["product.pricelist"].search(
                [("currency_id", "=", account.currency_id.id)], limit=1
            )
            if pricelist:
                order_vals["pricelist_id"] = pricelist.id
        subs = self.env["telecom.subscription"]
        refs = values.get("subscriptions") or []
        if not isinstance(refs, list):
            raise UserError(_("subscriptions must be a list."))
        if len(refs) > MAX_ORDER_LINES:
            raise UserError(_("An order names at most %(max)s subscriptions.", max=MAX_ORDER_LINES))
        for ref in refs:
            subs |= self._api_subscription(ref)
        if subs:
            order_vals["telecom_subscription_ids"] = [fields.Command.set(subs.ids)]
        order_vals.update(self._api_order_kind_vals(kind, values, customer))
        return order_vals

    @api.model
    def _api_order_kind_vals(self, kind, values, customer):
        vals = {}
        reason = values.get("reason")
        if kind == "suspension":
            if reason not in dict(SUSPEND_REASONS):
                raise UserError(
                    _(
                        "reason: %(reason)s is not one of %(allowed)s.",
                        reason=reason,
                        allowed=", ".join(dict(SUSPEND_REASONS)),
                    )
                )
            vals["telecom_suspend_reason"] = reason
        elif kind == "termination" and reason:
            vals["telecom_reason_id"] = (
                self.env["telecom.subscription"]._telecom_reason(reason, "termination").id
            )
        if values.get("waive_etf"):
            vals["telecom_waive_etf"] = True
        if kind == "move":
            address = values.get("address")
            if isinstance(address, dict):
                address = (
                    self.env["res.partner"]
                    .create(
                        {
                            "parent_id": customer.id,
                            "type": "other",
                            **{
                                k: self._api_text(str(v), f"address {k}")
                                for k, v in address.items()
                                if k in ("name", "street", "street2", "zip", "city")
                            },
                        }
                    )
                    .id
                )
            if (
                not isinstance(address, int)
                or isinstance(address, bool)
                or not self.env["res.partner"].browse(address).exists()
            ):
                raise UserError(_("address: give a partner id or a dict with the new address."))
            vals["telecom_move_address_id"] = address
        return vals

    @api.model
    def _api_order_lines(self, lines):
        if not isinstance(lines, list):
            raise UserError(_("lines must be a list."))
        if len(lines) > MAX_ORDER_LINES:
            raise UserError(
                _(
                    "An order has at most %(max)s lines, not %(count)s: split it.",
                    max=MAX_ORDER_LINES,
                    count=len(lines),
                )
            )
        commands = []
        for index, line in enumerate(lines, start=1):
            self._api_check_keys(line, LINE_KEYS, _("line %(n)s", n=index))
            product = self._api_product(line.get("product"))
            qty = self._api_number(
                line.get("quantity", 1), f"line {index} quantity", 0, MAX_LINE_QUANTITY
            )
            line_vals = {"product_id": product.id, "product_uom_qty": qty, "sequence": index * 10}
            if line.get("description"):
                line_vals["name"] = self._api_text(
                    str(line["description"]), f"line {index} description", MAX_LONG_TEXT
                )
            if line.get("subscription"):
                line_vals["telecom_subscription_id"] = self._api_subscription(
                    line["subscription"]
                ).id
            for key in ("phone_number", "sim_iccid", "circuit_id", "username"):
                if line.get(key):
                    line_vals[f"telecom_{key}"] = self._api_text(
                        str(line[key]), f"line {index} {key}", 64
                    )
            if line.get("port_in"):
                line_vals["telecom_port_in"] = True
            commands.append(fields.Command.create(line_vals))
        return commands

    @api.model
    def _api_order_data(self, order):
        subs = order.telecom_new_subscription_ids | order._telecom_affected_subscriptions()
        charges = self.env["telecom.charge"].search([("sale_line_id.order_id", "=", order.id)])
        return {
            "order_id": order.id,
            "order_name": order.name,
            "state": order.state,
            "kind": order.telecom_order_kind,
            "effective_date": self._api_iso(order.telecom_effective_date),
            "amount_untaxed": order.amount_untaxed,
            "currency": order.currency_id.name,
            "subscriptions": [self._api_subscription_data(sub) for sub in subs.sorted("id")],
            "service_orders": [
                self._api_service_order_data(so)
                for so in order.telecom_service_order_ids.sorted("id")
            ],
            "charges": [self._api_charge_data(charge) for charge in charges.sorted("id")],
        }

    @api.model
    def change_plan(self, subscription, plan, date=None, request_id=None):
        """Move a subscription to another plan from ``date`` (first day on it)."""

        def work():
            sub = self._api_subscription(subscription)
            product = self._api_product(plan, ("plan", "bundle"))
            day = self._api_date(date, "date") or fields.Date.context_today(self)
            preview = sub._telecom_change_preview(product, day)
            order = sub.action_change_plan(product, day)
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
                "preview": self._api_preview_data(preview),
            }

        return self._api_call("change_plan", request_id, [subscription, plan, date], work)

    @api.model
    def suspend(self, subscription, reason, date=None, request_id=None):
        """Suspend a subscription (reason: non_payment, customer_request, fraud, other)."""

        def work():
            sub = self._api_subscription(subscription)
            day = self._api_date(date, "date")
            order = sub.action_suspend(reason, day)
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
            }

        return self._api_call("suspend", request_id, [subscription, reason, date], work)

    @api.model
    def resume(self, subscription, date=None, request_id=None):
        """Resume a suspended subscription."""

        def work():
            sub = self._api_subscription(subscription)
            order = sub.action_resume(self._api_date(date, "date"))
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
            }

        return self._api_call("resume", request_id, [subscription, date], work)

    @api.model
    def terminate(self, subscription, date=None, reason=None, waive_etf=False, request_id=None):
        """Terminate a subscription (``date``: last day of service); report any ETF charge."""

        def work():
            sub = self._api_subscription(subscription)
            day = self._api_date(date, "date")
            before = sub.charge_ids
            order = sub.action_terminate(day, reason or None, waive_etf=bool(waive_etf))
            etf = (sub.charge_ids - before).filtered(lambda c: c.kind == "etf")
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
                "etf_charge": self._api_charge_data(etf) if etf else False,
            }

        return self._api_call(
            "terminate", request_id, [subscription, date, reason, bool(waive_etf)], work
        )

    @api.model
    def lookup_subscription(self, number):
        """A subscription by number, phone number, SIM, circuit id, username or reference."""
        self._api_check_user()
        return self._api_subscription_data(self._api_subscription(number))
