# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing accounts: ``/my/billing_accounts`` (list, one account's page), invoice
preferences and the direct-debit mandate."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import single_email_re

from .base import TelecomPortalBase


class TelecomPortalAccount(TelecomPortalBase):
    def _telecom_account_domain(self):
        return [("partner_id", "=", self._telecom_customer().id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_billing_account_count" in counters:
            values["telecom_billing_account_count"] = self._telecom_count(
                "telecom.billing.account", self._telecom_account_domain()
            )
        return values

    def _telecom_own_account(self, account_id):
        account_sudo = self._document_check_access("telecom.billing.account", account_id)
        if account_sudo.partner_id != self._telecom_customer():
            raise AccessError(request.env._("This billing account is not yours."))
        return account_sudo

    @http.route(
        ["/my/billing_accounts", "/my/billing_accounts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_billing_accounts(self, page=1, **kw):
        if not request.env["telecom.billing.account"].has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        accounts, pager = self._telecom_list_page(
            "telecom.billing.account",
            self._telecom_account_domain(),
            "/my/billing_accounts",
            page,
            "name desc",
        )
        request.session["my_billing_accounts_history"] = accounts.ids[:100]
        values.update({"page_name": "telecom_account", "accounts": accounts.sudo(), "pager": pager})
        return request.render("telecom_portal.portal_my_billing_accounts", values)

    @http.route(["/my/billing_accounts/<int:account_id>"], type="http", auth="public", website=True)
    def portal_my_billing_account(self, account_id, access_token=None, **kw):
        return self._telecom_billing_account_page(account_id, access_token, kw)

    def _telecom_billing_account_page(self, account_id, access_token, kw, error=None):
        try:
            account_sudo = self._document_check_access(
                "telecom.billing.account", account_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        user = request.env.user
        is_owner = not user._is_public() and account_sudo.partner_id == self._telecom_customer()
        values = {
            "page_name": "telecom_account",
            "account": account_sudo,
            "is_owner": is_owner,
            "subscriptions": account_sudo.subscription_ids.filtered(
                lambda s: s.state != "draft"
            ).sorted("name"),
            "error": error,
            "telecom_message": self._telecom_message(kw),
            "invoices": self._telecom_account_invoices(account_sudo, is_owner),
            **self._telecom_mandate_values(account_sudo, is_owner),
        }
        values = self._get_page_view_values(
            account_sudo,
            access_token,
            values,
            "my_billing_accounts_history",
            False,
            **self._telecom_chatter_args(kw),
        )
        return request.render("telecom_portal.portal_my_billing_account", values)

    @http.route(
        ["/my/billing_accounts/<int:account_id>/preferences"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_billing_account_preferences(self, account_id, **kw):
        def submit(account_sudo):
            delivery = kw.get("invoice_delivery")
            email = (kw.get("invoice_email") or "").strip()
            if delivery not in ("email", "portal", "post"):
                raise UserError(request.env._("Choose how you receive your invoices."))
            if email and not single_email_re.match(email):
                raise UserError(request.env._("%(email)s is not an e-mail address.", email=email))
            account_sudo.write(
                {
                    "invoice_delivery": delivery,
                    "invoice_email": email or account_sudo.invoice_email,
                    "paperless": bool(kw.get("paperless")) and delivery != "post",
                }
            )
            return "preferences", None

        return self._telecom_account_request(account_id, submit)

    def _telecom_account_request(self, account_id, submit, payer=False):
        """The frame of a change the customer posts on one of its billing accounts.

        Only its own account (``payer``: only one it also pays); ``submit(account_sudo)``
        makes the change, all or nothing, and returns (message, reference or None) for
        the account page; a refused change shows the account page with the error.
        """
        try:
            if payer:
                account_sudo = self._telecom_mandate_account(account_id)
            else:
                account_sudo = self._telecom_own_account(account_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                message, reference = submit(account_sudo)
        except (UserError, ValidationError) as exc:
            return self._telecom_billing_account_page(account_id, None, {}, error=exc.args[0])
        return self._telecom_redirect(f"/my/billing_accounts/{account_sudo.id}", message, reference)

    def _telecom_account_invoices(self, account_sudo, is_owner, limit=6):
        """The account's latest posted invoices, for its own users (they read them)."""
        if not is_owner:
            return request.env["account.move"]
        return request.env["account.move"].search(
            expression.AND(
                [
                    self._get_invoices_domain("out"),
                    [("telecom_billing_account_id", "=", account_sudo.id)],
                ]
            ),
            order="invoice_date desc, id desc",
            limit=limit,
        )

    # -- direct debit ------------------------------------------------------------
    def _telecom_mandate_values(self, account_sudo, is_owner):
        """What the account page shows of direct debit, and what the reader may do.

        Only a logged-in user of the account's customer who is also its payer may
        sign or revoke a mandate (a mandate is the payer's: OCA's model and the
        billing account's constraint).
        """
        can_manage = (
            is_owner
            and account_sudo.payer_id.commercial_partner_id == self._telecom_customer()
            and account_sudo.state != "closed"
        )
        mandate = account_sudo.mandate_id
        pending = account_sudo._telecom_pending_mandate()
        return {
            "mandate": mandate,
            "mandate_pending": pending,
            "mandate_iban": account_sudo._telecom_masked_iban(mandate.partner_bank_id.acc_number),
            "pending_iban": account_sudo._telecom_masked_iban(pending.partner_bank_id.acc_number),
            "can_manage_mandate": can_manage,
        }

    def _telecom_mandate_account(self, account_id):
        account_sudo = self._telecom_own_account(account_id)
        if account_sudo.payer_id.commercial_partner_id != self._telecom_customer():
            raise AccessError(request.env._("This account is paid by someone else."))
        return account_sudo

    @http.route(
        ["/my/billing_accounts/<int:account_id>/mandate"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_billing_account_mandate(self, account_id, **kw):
        """Sign a SEPA direct-debit mandate for the account (in force at once or after
        the back office's check, per the company's setting)."""

        def submit(account_sudo):
            env = request.env
            if not kw.get("consent"):
                raise UserError(env._("Tick the box to authorise the direct debit."))
            mandate = account_sudo._telecom_sign_mandate(
                kw.get("iban") or "",
                holder=kw.get("holder"),
                signed_by=env._("%(user)s in the portal", user=env.user.name),
            )
            message = "mandate_valid" if mandate.state == "valid" else "mandate"
            return message, mandate.unique_mandate_reference

        return self._telecom_account_request(account_id, submit, payer=True)

    @http.route(
        ["/my/billing_accounts/<int:account_id>/mandate/revoke"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_billing_account_mandate_revoke(self, account_id, **kw):
        """Revoke (cancel) the account's mandate: its next invoices are paid otherwise."""

        def submit(account_sudo):
            env = request.env
            mandate = account_sudo._telecom_revoke_mandate(
                revoked_by=env._("%(user)s in the portal", user=env.user.name)
            )
            return "mandate_revoked", mandate.unique_mandate_reference

        return self._telecom_account_request(account_id, submit, payer=True)
