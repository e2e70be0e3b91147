# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC API for integrators: customers and their billing accounts (see docs/rpc.md)."""

from odoo import _, api, models
from odoo.exceptions import UserError

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


class TelecomApiCustomers(models.AbstractModel):
    _inherit = "telecom.api"

    # -- customers and billing accounts -----------------------------------------
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
