# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TelecomDisputeLine(models.Model):
    """One item a customer disputes: an invoice line, a usage record, or a free
    adjustment; with the amount disputed and the amount to credit."""

    _name = "telecom.dispute.line"
    _description = "Disputed item"
    _order = "ticket_id, sequence, id"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", check_company=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, string="Company"
    )
    partner_id = fields.Many2one(
        related="ticket_id.commercial_partner_id", store=True, string="Customer"
    )
    currency_id = fields.Many2one(related="ticket_id.telecom_dispute_currency_id")
    dispute_state = fields.Selection(related="ticket_id.telecom_dispute_state")
    invoice_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice line",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        domain="[('move_id.move_type', '=', 'out_invoice'), ('move_id.state', '=', 'posted'),"
        " ('display_type', '=', 'product'), ('partner_id', 'child_of', partner_id)]",
    )
    invoice_id = fields.Many2one(related="invoice_line_id.move_id", string="Invoice")
    subscription_id = fields.Many2one(
        "telecom.subscription",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    description = fields.Char(
        compute="_compute_description", store=True, readonly=False, precompute=True, required=True
    )
    disputed_amount = fields.Monetary(
        string="Disputed",
        compute="_compute_disputed_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="Tax excluded.",
    )
    credit_amount = fields.Monetary(
        string="To credit",
        help="Tax excluded; 0 when the item is not credited.",
    )

    @api.depends("invoice_line_id")
    def _compute_description(self):
        for line in self:
            item = line.invoice_line_id
            if item:
                line.description = f"{item.move_id.name}: {item.name or item.product_id.name}"
            elif not line.description:
                line.description = False

    @api.depends("invoice_line_id")
    def _compute_disputed_amount(self):
        for line in self:
            if line.invoice_line_id:
                line.disputed_amount = line.invoice_line_id.price_subtotal
            elif not line.disputed_amount:
                line.disputed_amount = 0.0

    @api.constrains("disputed_amount", "credit_amount")
    def _check_amounts(self):
        for line in self:
            currency = line.currency_id or line.company_id.currency_id
            if (
                currency.compare_amounts(line.credit_amount, 0.0) < 0
                or currency.compare_amounts(line.disputed_amount, 0.0) < 0
            ):
                raise ValidationError(
                    self.env._("%(line)s: amounts cannot be negative.", line=line.description)
                )
            if line.disputed_amount and (
                currency.compare_amounts(line.credit_amount, line.disputed_amount) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(line)s: the credit (%(credit)s) is more than what is disputed "
                        "(%(disputed)s).",
                        line=line.description,
                        credit=line.credit_amount,
                        disputed=line.disputed_amount,
                    )
                )

    @api.constrains("invoice_line_id", "ticket_id")
    def _check_invoice_line(self):
        for line in self:
            item = line.invoice_line_id
            if not item:
                continue
            customer = line.ticket_id.commercial_partner_id
            if item.move_id.move_type != "out_invoice" or (
                customer and item.move_id.commercial_partner_id != customer
            ):
                raise ValidationError(
                    self.env._(
                        "%(line)s: not an invoice line of the customer.", line=line.description
                    )
                )
            others = self.search(
                [
                    ("invoice_line_id", "=", item.id),
                    ("id", "!=", line.id),
                    ("ticket_id.telecom_dispute_state", "in", ("open", "credit_requested")),
                ],
                limit=1,
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(line)s is already disputed in %(ticket)s.",
                        line=line.description,
                        ticket=others.ticket_id.display_name,
                    )
                )

    def _telecom_has_usage(self):
        return False

    def _telecom_credit_note_line(self):
        """The line billing's ``_telecom_create_credit_note`` takes."""
        self.ensure_one()
        values = {
            "description": self.env._(
                "%(ticket)s: %(item)s", ticket=self.ticket_id.number, item=self.description
            ),
            "amount": self.credit_amount,
        }
        subscription = self.subscription_id
        if subscription:
            values["subscription_id"] = subscription.id
        return values
