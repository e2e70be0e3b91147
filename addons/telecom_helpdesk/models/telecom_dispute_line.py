# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .helpdesk_ticket_dispute import OPEN_DISPUTE


class TelecomDisputeLine(models.Model):
    """One item a customer disputes: an invoice line, usage records (of an invoice
    line or on their own), or a free adjustment; with the amount disputed and the
    amount to credit. Once credited, ``credit_line_id`` is the credit note's line."""

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
    billing_account_id = fields.Many2one(related="ticket_id.telecom_billing_account_id")
    usage_record_ids = fields.Many2many(
        "telecom.usage.record",
        "telecom_dispute_line_usage_rel",
        "dispute_line_id",
        "usage_id",
        string="Usage records",
        domain="[('billing_account_id', '=', billing_account_id),"
        " ('state', 'in', ('rated', 'billed'))]",
        help="The calls, sessions or messages disputed (billed records are those of "
        "the invoice line when one is selected).",
    )
    usage_count = fields.Integer(string="Records", compute="_compute_usage_count")
    subscription_id = fields.Many2one(
        "telecom.subscription",
        compute="_compute_subscription_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    credit_line_id = fields.Many2one(
        "account.move.line",
        string="Credit note line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    credit_note_id = fields.Many2one(related="credit_line_id.move_id", string="Credit note")
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

    @api.depends("usage_record_ids")
    def _compute_usage_count(self):
        for line in self:
            line.usage_count = len(line.usage_record_ids)

    @api.depends("invoice_line_id", "usage_record_ids")
    def _compute_subscription_id(self):
        for line in self:
            subscription = (
                line.invoice_line_id.telecom_subscription_id
                or line.usage_record_ids.subscription_id
            )
            if len(subscription) == 1:
                line.subscription_id = subscription
            elif not line.subscription_id:
                line.subscription_id = False

    @api.depends("invoice_line_id", "usage_record_ids")
    def _compute_description(self):
        for line in self:
            item = line.invoice_line_id
            usage = line.usage_record_ids
            text = item and f"{item.move_id.name}: {item.name or item.product_id.name}"
            if usage:
                count = self.env._("%(count)s usage record(s)", count=len(usage))
                text = f"{text} ({count})" if text else count
            if text:
                line.description = text
            elif not line.description:
                line.description = False

    @api.depends("invoice_line_id", "usage_record_ids")
    def _compute_disputed_amount(self):
        for line in self:
            usage = line.usage_record_ids
            if usage:
                # what the records were invoiced at, or last re-rated to
                currency = line.currency_id or line.company_id.currency_id
                total = sum(
                    (Decimal(str(u.adjusted_amount or u.amount)) for u in usage), Decimal(0)
                )
                line.disputed_amount = currency.round(float(total))
            elif line.invoice_line_id:
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
            if (
                item.move_id.move_type != "out_invoice"
                or item.move_id.sudo().commercial_partner_id != customer
            ):
                raise ValidationError(
                    self.env._(
                        "%(line)s: not an invoice line of the customer.", line=line.description
                    )
                )
            others = line._telecom_other_open_line(("invoice_line_id", "=", item.id))
            if others:
                raise ValidationError(
                    self.env._(
                        "%(line)s is already disputed in %(ticket)s.",
                        line=line.description,
                        ticket=others.ticket_id.display_name,
                    )
                )

    def _telecom_other_open_line(self, condition):
        """Another line of an open dispute that matches ``condition`` (one at most)."""
        return self.search(
            [
                condition,
                ("id", "!=", self.id),
                ("ticket_id.telecom_dispute_state", "in", OPEN_DISPUTE),
            ],
            limit=1,
        )

    @api.constrains("usage_record_ids", "invoice_line_id", "ticket_id")
    def _check_usage_records(self):
        for line in self:
            usage = line.usage_record_ids
            if not usage:
                continue
            account = line.ticket_id.telecom_billing_account_id
            if not account or usage.filtered(lambda u, a=account: u.billing_account_id != a):
                raise ValidationError(
                    self.env._(
                        "%(line)s: usage records of another billing account than the ticket's.",
                        line=line.description,
                    )
                )
            if usage.filtered(lambda u: u.state not in ("rated", "billed")):
                raise ValidationError(
                    self.env._(
                        "%(line)s: only rated or billed usage can be disputed.",
                        line=line.description,
                    )
                )
            item = line.invoice_line_id
            if item and usage.filtered(lambda u, i=item: u.invoice_line_id != i):
                raise ValidationError(
                    self.env._(
                        "%(line)s: the usage records were not billed on that invoice line.",
                        line=line.description,
                    )
                )
            others = line._telecom_other_open_line(("usage_record_ids", "in", usage.ids))
            if others:
                raise ValidationError(
                    self.env._(
                        "%(line)s: some usage records are already disputed in %(ticket)s.",
                        line=line.description,
                        ticket=others.ticket_id.display_name,
                    )
                )

    def _telecom_usage(self):
        """The usage records these lines dispute: the selected ones, else those billed
        on the selected usage invoice lines."""
        usage = self.usage_record_ids
        items = self.filtered(lambda line: not line.usage_record_ids).invoice_line_id
        items = items.filtered(lambda item: item.telecom_section == "usage")
        if items:
            usage |= self.env["telecom.usage.record"].search([("invoice_line_id", "in", items.ids)])
        return usage

    def _telecom_has_usage(self):
        return bool(self._telecom_usage())

    def _telecom_credited_invoice(self):
        """The invoice this line credits: its invoice line's, else the one invoice its
        usage records were billed on, else the dispute's invoice (when it is one of the
        account's); an empty recordset when it credits no invoice."""
        self.ensure_one()
        account = self.ticket_id.telecom_billing_account_id
        invoice = self.invoice_line_id.move_id
        if not invoice:
            billed_on = self._telecom_usage().invoice_line_id.move_id
            invoice = billed_on if len(billed_on) == 1 else self.ticket_id.telecom_invoice_id
        if invoice.move_type != "out_invoice" or invoice.telecom_billing_account_id != account:
            return self.env["account.move"]
        return invoice

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
        account = self.ticket_id.telecom_billing_account_id
        if subscription and subscription.billing_account_id == account:
            values["subscription_id"] = subscription.id
        usage = self._telecom_usage()
        if usage:
            values["usage_record_ids"] = usage.ids
        return values
