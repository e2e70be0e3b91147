# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomCharge(models.Model):
    _inherit = "telecom.charge"

    invoice_line_id = fields.Many2one(
        "account.move.line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    move_id = fields.Many2one(related="invoice_line_id.move_id", string="Invoice")
    usage_record_ids = fields.Many2many(
        "telecom.usage.record",
        "telecom_charge_usage_rel",
        "charge_id",
        "usage_id",
        string="Usage Records",
        readonly=True,
        help="Usage an adjustment corrects (re-rating of invoiced usage).",
    )
    rerating_id = fields.Many2one("telecom.rerating", string="Re-rating", readonly=True)
    dunning_event_id = fields.Many2one("telecom.dunning.event", readonly=True, copy=False)
