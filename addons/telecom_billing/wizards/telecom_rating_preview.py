# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class TelecomRatingPreview(models.TransientModel):
    _name = "telecom.rating.preview"
    _description = "Rating preview"

    subscription_id = fields.Many2one("telecom.subscription", required=True)
    company_id = fields.Many2one(related="subscription_id.company_id")
    usage_type_id = fields.Many2one("telecom.usage.type", required=True)
    usage_unit = fields.Selection(related="usage_type_id.unit")
    start_time = fields.Datetime(required=True, default=fields.Datetime.now)
    quantity = fields.Integer(required=True, default=60, help="Seconds, bytes or count.")
    direction = fields.Selection([("out", "Outgoing"), ("in", "Incoming")], default="out")
    called_number = fields.Char()
    location = fields.Char(help="Visited network of a roaming record (+33).")
    allowance_quantity_forced = fields.Integer(
        help="Explain a stored record: the allowance units it took."
    )
    usage_id = fields.Many2one("telecom.usage.record", readonly=True)
    result_state = fields.Char(readonly=True)
    result_amount = fields.Char(readonly=True)
    result_html = fields.Html(readonly=True, sanitize=False)

    @api.model
    def _create_from_usage(self, usage):
        if not usage.subscription_id or not usage.usage_type_id:
            raise UserError(self.env._("This record has no subscription or usage type to explain."))
        preview = self.create(
            {
                "subscription_id": usage.subscription_id.id,
                "usage_type_id": usage.usage_type_id.id,
                "start_time": usage.start_time,
                "quantity": usage.quantity,
                "direction": usage.direction or "out",
                "called_number": usage.called_number,
                "location": usage.location,
                "usage_id": usage.id,
                "allowance_quantity_forced": usage.allowance_quantity,
            }
        )
        preview.action_compute()
        return preview

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_compute(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        result = self.env["telecom.subscription"]._telecom_rate_preview(
            self.subscription_id,
            self.usage_type_id.code,
            self.start_time,
            self.quantity,
            called_number=self.called_number,
            direction=self.direction or "out",
            location=self.location,
            allowance_quantity=self.allowance_quantity_forced if self.usage_id else None,
        )
        rows = Markup("").join(Markup("<li>%s</li>") % step["text"] for step in result["steps"])
        self.write(
            {
                "result_state": f"{result['state']}"
                + (f" ({result['reason']})" if result["reason"] else ""),
                "result_amount": f"{result['amount']} {result['currency'] or ''}".strip(),
                "result_html": Markup("<ol>%s</ol>") % rows,
            }
        )
        return self._action_open()
