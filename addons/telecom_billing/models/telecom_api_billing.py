# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of billing (docs/rpc.md): what an account owes, credit notes, direct-debit mandates."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

MAX_INVOICES = 24


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    @api.model
    def _api_billing_account_ref(self, ref):
        account = self._api_lookup(self.env["telecom.billing.account"], ref, "name")
        if not account:
            raise UserError(self.env._("No billing account %(ref)s.", ref=ref))
        account.check_access("read")
        return account

    @api.model
    def _api_move_data(self, move):
        return {
            "id": move.id,
            "number": move.name,
            "kind": "credit_note" if move.move_type == "out_refund" else "invoice",
            "telecom_kind": move.telecom_kind or False,
            "period_start": self._api_iso(move.telecom_period_start),
            "period_end": self._api_iso(move.telecom_period_end),
            "invoice_date": self._api_iso(move.invoice_date),
            "due_date": self._api_iso(move.invoice_date_due),
            "currency": move.currency_id.name,
            "amount_untaxed": move.amount_untaxed,
            "amount_tax": move.amount_tax,
            "amount_total": move.amount_total,
            "amount_residual": move.amount_residual,
            "payment_state": move.payment_state,
            "reason": move.telecom_reason_code_id.code or False,
            "origin": move.telecom_origin_name or False,
            # a read writes nothing: the link carries the invoice's token once it has one
            # (given when the invoice is sent); giving one here wrote the invoice and its
            # lines, and waited behind whatever held them (the e-mail cron for minutes)
            "portal_url": move.get_portal_url() if move.access_token else move.access_url,
        }

    @api.model
    def account_balance(self, billing_account):
        """What a billing account owes: open and overdue amounts, dunning, last invoices."""

        def work():
            account = self._api_billing_account_ref(billing_account)
            count, open_amount, overdue, oldest = account._telecom_balances().get(
                account.id, (0, 0.0, 0.0, None)
            )
            # like the customer's open balance in telecom_crm: every telecom user who may
            # read the account sees its invoices' figures (the invoices stay behind the
            # accounting rights)
            moves = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("telecom_billing_account_id", "=", account.id),
                        ("state", "=", "posted"),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                    ],
                    order="invoice_date desc, id desc",
                    limit=MAX_INVOICES,
                )
            )
            return {
                "billing_account_id": account.id,
                "billing_account_number": account.name,
                "currency": account.currency_id.name,
                "invoice_count": count,
                "open_amount": open_amount,
                "overdue_amount": overdue,
                "oldest_due_date": self._api_iso(oldest),
                "dunning_level": account.dunning_level_id.name or False,
                "dunning_hold": account.dunning_hold,
                "direct_debit": account.direct_debit,
                "invoices": [self._api_move_data(move) for move in moves],
            }

        return self._api_call("account_balance", None, [billing_account], work)

    @api.model
    def create_credit_note(self, billing_account, lines, reason, origin=None, invoice=None,
                           request_id=None):  # fmt: skip
        """Credit a billing account (dispute, goodwill, SLA): a posted credit note.

        ``lines``: list of dicts (``description``, ``amount`` positive tax excluded,
        optional ``product``, ``quantity``, ``subscription``, ``usage_record_ids``);
        ``reason``: a credit or dispute reason code; ``origin``: free reference (e.g.
        the ticket number); ``invoice``: id or number of the invoice credited.
        """
        if not self.env["account.move"].has_access("create"):
            raise AccessError(self.env._("Creating credit notes needs the invoicing rights."))

        def work():
            account = self._api_billing_account_ref(billing_account)
            if not isinstance(lines, list | tuple) or not lines:
                raise UserError(self.env._("lines must be a non-empty list of dicts."))
            vals = []
            for line in lines:
                if not isinstance(line, dict):
                    raise UserError(self.env._("Each line is a dict."))
                self._api_check_keys(
                    line,
                    {"description", "amount", "product", "quantity", "subscription",
                     "usage_record_ids"},
                    self.env._("credit line"),
                )  # fmt: skip
                item = {k: line[k] for k in ("description", "amount", "quantity") if k in line}
                if line.get("product"):
                    item["product_id"] = self._api_product(line["product"]).id
                if line.get("subscription"):
                    item["subscription_id"] = self._api_subscription(line["subscription"]).id
                if line.get("usage_record_ids"):
                    item["usage_record_ids"] = line["usage_record_ids"]
                vals.append(item)
            credited = False
            if invoice:
                Move = self.env["account.move"]
                if isinstance(invoice, int) and not isinstance(invoice, bool):
                    credited = Move.browse(invoice).exists()
                else:
                    credited = Move.search([("name", "=", str(invoice))], limit=1)
                if not credited:
                    raise UserError(self.env._("No invoice %(ref)s.", ref=invoice))
            move = account._telecom_create_credit_note(
                vals, reason, origin=origin or None, invoice=credited or None
            )
            return self._api_move_data(move)

        return self._api_call(
            "create_credit_note",
            request_id,
            [billing_account, lines, reason, origin, invoice],
            work,
        )

    # -- direct-debit mandates ----------------------------------------------------------
    @api.model
    def _api_mandate_data(self, mandate, account):
        return {
            "id": mandate.id,
            "reference": mandate.unique_mandate_reference,
            "state": mandate.state,
            "scheme": mandate.scheme,
            "signature_date": self._api_iso(mandate.signature_date),
            "iban": account._telecom_masked_iban(mandate.partner_bank_id.acc_number),
            "billing_account_id": account.id,
            "billing_account_number": account.name,
            "direct_debit": account.direct_debit,
        }

    @api.model
    def _api_mandate_account(self, billing_account):
        if not self.env.user.has_group("telecom_crm.group_telecom_billing"):
            raise AccessError(self.env._("Direct-debit mandates are for billing users."))
        account = self._api_billing_account_ref(billing_account)
        account.check_access("write")
        return account

    @api.model
    def sign_mandate(self, billing_account, iban, holder=None, signature_date=None,
                     request_id=None):  # fmt: skip
        """Record a SEPA mandate the payer signed (e.g. in an e-signature flow).

        In force at once when the company validates online mandates automatically,
        else draft until the back office validates it. Returns the mandate.
        """

        def work():
            account = self._api_mandate_account(billing_account)
            if holder is not None and not isinstance(holder, str):
                raise UserError(self.env._("holder must be a string."))
            signed = self._api_date(signature_date, "signature_date") if signature_date else None
            # the mandate and the bank account are accounting records: written as the
            # system once the caller's right on the billing account is checked
            mandate = account.sudo()._telecom_sign_mandate(
                iban,
                holder=holder,
                signature_date=signed,
                signed_by=self.env._("%(user)s over RPC", user=self.env.user.name),
            )
            return self._api_mandate_data(mandate, account)

        return self._api_call(
            "sign_mandate", request_id, [billing_account, iban, holder, signature_date], work
        )

    @api.model
    def revoke_mandate(self, billing_account, request_id=None):
        """Cancel the account's mandate in force (revoked by the customer)."""

        def work():
            account = self._api_mandate_account(billing_account)
            mandate = account.sudo()._telecom_revoke_mandate(
                revoked_by=self.env._("%(user)s over RPC", user=self.env.user.name)
            )
            return self._api_mandate_data(mandate, account)

        return self._api_call("revoke_mandate", request_id, [billing_account], work)
