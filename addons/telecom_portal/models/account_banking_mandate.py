# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Direct-debit mandates asked for in the portal.

A customer signs a SEPA mandate for one billing account from its portal page:
the mandate is created in draft (OCA's model: the back office checks it and
validates it), remembers the account it was asked for, and becomes the
account's mandate when it is validated. A customer can also revoke (cancel, in
OCA's words: "a mandate that has been cancelled by the customer") the mandate
of its account: its next invoices are no longer collected by direct debit.
"""

from odoo import fields, models


class AccountBankingMandate(models.Model):
    _inherit = "account.banking.mandate"

    telecom_billing_account_id = fields.Many2one(
        "telecom.billing.account",
        string="Requested For",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The billing account the customer signed this mandate for in the portal: "
        "validating the mandate makes it the account's direct-debit mandate.",
    )

    def validate(self):
        res = super().validate()
        for mandate in self.filtered("telecom_billing_account_id"):
            account = mandate.telecom_billing_account_id
            if account.mandate_id.state != "valid":
                account.mandate_id = mandate
                account.message_post(
                    body=self.env._("Direct debit by mandate %s.", mandate.display_name)
                )
        return res
