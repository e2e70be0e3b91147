# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomSubscriptionLine(models.Model):
    _inherit = "telecom.subscription.line"

    # written by bill runs (SQL, with the ledger rows): the days already billed
    telecom_billed_from = fields.Date(string="Billed From", readonly=True, copy=False)
    telecom_billed_to = fields.Date(
        string="Billed Through",
        readonly=True,
        copy=False,
        help="Last day of the line the bill runs have invoiced (recurring fees are billed "
        "in advance).",
    )
    telecom_billed_ids = fields.One2many(
        "telecom.billed.recurring", "line_id", string="Billed", readonly=True
    )
