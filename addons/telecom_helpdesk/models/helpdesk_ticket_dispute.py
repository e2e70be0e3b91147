# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing disputes: a dispute ticket lists what the customer contests.

The dispute lines select invoice lines or usage records (or state a free
adjustment) with the amount disputed and the amount to credit. While the
dispute is open its billing account is left out of dunning
(``telecom.billing.account._telecom_dunning_excluded``). It ends either
rejected, or with a credit note (an adjustment; usage may be re-rated first)
that billing creates through ``_telecom_create_credit_note`` and that stays
linked to the ticket. An agent without invoicing rights asks billing: the
dispute waits in "credit requested" (still excluded from dunning) with a to-do
for the team leader, until a billing user approves.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

DISPUTE_STATES = [
    ("open", "Open"),
    ("credit_requested", "Credit requested"),
    ("rejected", "Rejected"),
    ("credited", "Credited"),
    ("rerated", "Re-rated"),
    ("cancelled", "Cancelled"),
]
OPEN_DISPUTE = ("open", "credit_requested")
# the outcome of a dispute (or an outage): written by the resolution methods only (as
# superuser, once they checked their caller), never by hand nor through an RPC write
OUTCOME_FIELDS = ("telecom_dispute_state", "telecom_credit_note_ids", "telecom_rerating_id")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    telecom_dispute_state = fields.Selection(
        DISPUTE_STATES,
        string="Dispute",
        compute="_compute_telecom_dispute_state",
        store=True,
        readonly=True,
        index="btree_not_null",
        tracking=True,
        copy=False,
    )
    telecom_dispute_line_ids = fields.One2many(
        "telecom.dispute.line", "ticket_id", string="Disputed items", copy=False
    )
    telecom_dispute_currency_id = fields.Many2one(
        "res.currency", compute="_compute_telecom_dispute_currency_id"
    )
    telecom_disputed_amount = fields.Monetary(
        string="Disputed",
        compute="_compute_telecom_dispute_amounts",
        currency_field="telecom_dispute_currency_id",
    )
    telecom_dispute_credit_amount = fields.Monetary(
        string="To credit",
        compute="_compute_telecom_dispute_amounts",
        currency_field="telecom_dispute_currency_id",
    )
    telecom_dispute_note = fields.Text(string="Resolution", copy=False, tracking=True)
    telecom_credit_note_ids = fields.Many2many(
        "account.move",
        "helpdesk_ticket_telecom_credit_note_rel",
        "ticket_id",
        "move_id",
        string="Credit notes",
        readonly=True,
        copy=False,
    )
    telecom_rerating_id = fields.Many2one(
        "telecom.rerating",
        string="Re-rating",
        readonly=True,
        copy=False,
        help="Billing's re-rating of the disputed invoiced usage: the difference is an "
        "adjustment on the account's next invoice.",
    )
    telecom_credit_note_count = fields.Integer(
        compute="_compute_telecom_credit_note_count", compute_sudo=True
    )

    @api.depends("telecom_kind")
    def _compute_telecom_dispute_state(self):
        for ticket in self:
            if ticket.telecom_kind != "dispute":
                ticket.telecom_dispute_state = False
            elif not ticket.telecom_dispute_state:
                ticket.telecom_dispute_state = "open"

    @api.depends("telecom_billing_account_id.currency_id", "company_id.currency_id")
    def _compute_telecom_dispute_currency_id(self):
        for ticket in self:
            ticket.telecom_dispute_currency_id = (
                ticket.telecom_billing_account_id.currency_id or ticket.company_id.currency_id
            )

    @api.depends(
        "telecom_dispute_line_ids.disputed_amount", "telecom_dispute_line_ids.credit_amount"
    )
    def _compute_telecom_dispute_amounts(self):
        for ticket in self:
            lines = ticket.telecom_dispute_line_ids
            ticket.telecom_disputed_amount = sum(lines.mapped("disputed_amount"))
            ticket.telecom_dispute_credit_amount = sum(lines.mapped("credit_amount"))

    @api.depends("telecom_credit_note_ids")
    def _compute_telecom_credit_note_count(self):
        for ticket in self:
            ticket.telecom_credit_note_count = len(ticket.telecom_credit_note_ids)

    def write(self, vals):
        if not self.env.su and any(fname in vals for fname in OUTCOME_FIELDS):
            raise UserError(
                self.env._(
                    "A dispute is decided with its Resolve button (credit, re-rating or "
                    "rejection), not by changing its state."
                )
            )
        return super().write(vals)

    def _telecom_write_outcome(self, vals):
        """Write the outcome (``OUTCOME_FIELDS``): the caller's write access on the
        tickets is checked, then it runs as superuser."""
        self.check_access("write")
        return self.sudo().write(vals)

    # -- stage changes -----------------------------------------------------------
    def _telecom_before_stage(self, stage):
        res = super()._telecom_before_stage(stage)
        if stage.closed and stage.telecom_stage_kind not in ("rejected", "cancelled"):
            # the resolution methods decide first (the state is no longer open), then
            # move the ticket: an open dispute never closes another way
            unanswered = self.filtered(lambda t: t.telecom_dispute_state in OPEN_DISPUTE)
            if unanswered:
                raise UserError(
                    self.env._(
                        "Dispute %(ticket)s is still open: resolve it with a credit note or "
                        "reject it first.",
                        ticket=unanswered[0].display_name,
                    )
                )
        return res

    def _telecom_after_stage(self, stage, was_open):
        res = super()._telecom_after_stage(stage, was_open)
        disputes = self.filtered(lambda t: t.telecom_dispute_state)
        if not disputes:
            return res
        if stage.closed and stage.telecom_stage_kind in ("rejected", "cancelled"):
            state = "rejected" if stage.telecom_stage_kind == "rejected" else "cancelled"
            disputes.filtered(
                lambda t: t.telecom_dispute_state in OPEN_DISPUTE
            )._telecom_write_outcome({"telecom_dispute_state": state})
        elif not stage.closed:
            # reopened: a rejected or cancelled dispute is open again
            disputes.filtered(
                lambda t: t.telecom_dispute_state in ("rejected", "cancelled")
            )._telecom_write_outcome({"telecom_dispute_state": "open"})
        return res

    # -- resolution --------------------------------------------------------------
    def action_telecom_dispute_resolve(self):
        self._telecom_check_groups(
            "telecom_crm.group_telecom_care", "telecom_crm.group_telecom_billing"
        )
        self.ensure_one()
        if self.telecom_dispute_state not in OPEN_DISPUTE:
            raise UserError(self.env._("This dispute is not open."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve dispute %(ticket)s", ticket=self.number),
            "res_model": "telecom.dispute.resolve.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _telecom_dispute_check_open(self):
        for ticket in self:
            if ticket.telecom_dispute_state not in OPEN_DISPUTE:
                raise UserError(
                    self.env._("%(ticket)s is not an open dispute.", ticket=ticket.display_name)
                )

    def _telecom_dispute_reject(self, note):
        """The customer is not right: the dispute ends, dunning resumes."""
        self._telecom_dispute_check_open()
        for ticket in self:
            ticket._telecom_write_outcome(
                {"telecom_dispute_state": "rejected", "telecom_dispute_note": note}
            )
            ticket._telecom_move_to("rejected")
            ticket._telecom_tell_customer(
                self.env._("We reviewed your dispute and could not accept it: %(note)s", note=note)
            )
        return True

    def _telecom_dispute_credit(self, note):
        """Credit the amounts to credit: at once for a billing user, else ask billing."""
        self._telecom_dispute_check_open()
        for ticket in self:
            lines = ticket.telecom_dispute_line_ids.filtered(lambda line: line.credit_amount > 0)
            if not lines:
                raise UserError(
                    self.env._(
                        "%(ticket)s: give the amount to credit on the disputed items.",
                        ticket=ticket.display_name,
                    )
                )
            if not ticket.telecom_billing_account_id:
                raise UserError(
                    self.env._(
                        "%(ticket)s: which billing account is credited?",
                        ticket=ticket.display_name,
                    )
                )
            ticket.telecom_dispute_note = note
            if ticket._telecom_may_credit():
                ticket._telecom_dispute_issue_credit_note()
            else:
                ticket._telecom_dispute_request_credit()
        return True

    def _telecom_may_credit(self):
        return self.env.user.has_group("telecom_crm.group_telecom_billing") and self.env[
            "account.move"
        ].has_access("create")

    def _telecom_dispute_request_credit(self):
        self.ensure_one()
        self._telecom_write_outcome({"telecom_dispute_state": "credit_requested"})
        approver = self.team_id.user_id
        self._telecom_schedule_activity(
            approver,
            self.env._(
                "Approve the credit of dispute %(ticket)s: %(amount)s",
                ticket=self.number,
                amount=self.telecom_dispute_credit_amount,
            ),
            fields.Datetime.now(),
        )
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Credit of %(amount)s %(currency)s requested from billing.",
                amount=self.telecom_dispute_credit_amount,
                currency=self.telecom_dispute_currency_id.name,
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=approver.partner_id.ids,
        )

    def action_telecom_dispute_approve_credit(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        if self.telecom_dispute_state != "credit_requested":
            raise UserError(self.env._("No credit is waiting for approval on this dispute."))
        if not self._telecom_may_credit():
            raise AccessError(self.env._("Only billing users issue credit notes."))
        self._telecom_dispute_issue_credit_note()
        return True

    def _telecom_dispute_issue_credit_note(self):
        """Billing creates the credit notes; the ticket keeps them and is resolved.

        A dispute over several invoices credits each invoice for its own lines: one
        credit note per disputed invoice (its reversal, reconciled with it while it is
        open), and one without invoice for the lines of none (a free amount, usage not
        invoiced yet). Each credited dispute line is linked to its credit note line
        (which carries the disputed usage records). Returns the credit notes."""
        self.ensure_one()
        lines = self.telecom_dispute_line_ids.filtered(lambda line: line.credit_amount > 0)
        account = self.telecom_billing_account_id
        groups = {}
        for line in lines:
            invoice = line._telecom_credited_invoice()
            groups.setdefault(invoice, self.env["telecom.dispute.line"])
            groups[invoice] |= line
        invoices = list(groups)
        requests = []
        for invoice in invoices:
            group = groups[invoice]
            reason = self.env.ref(
                "telecom_crm.telecom_reason_code_dispute_usage"
                if group._telecom_has_usage()
                else "telecom_crm.telecom_reason_code_dispute_fee"
            )
            requests.append(
                {
                    "account": account,
                    "lines": [line._telecom_credit_note_line() for line in group],
                    "reason": reason,
                    "origin": self,
                    "invoice": invoice or None,
                }
            )
        moves, errors = self.env["telecom.billing.account"]._telecom_create_credit_notes(requests)
        if errors:
            # all of the dispute or nothing: the first error, as the single way raised it
            raise UserError(next(iter(errors.values())))
        credit_notes = self.env["account.move"]
        for invoice, move in zip(invoices, moves, strict=True):
            credit_lines = move.invoice_line_ids.sorted("sequence")
            for line, credit_line in zip(groups[invoice], credit_lines, strict=True):
                line.credit_line_id = credit_line
            credit_notes |= move
        self._telecom_write_outcome(
            {
                "telecom_dispute_state": "credited",
                "telecom_credit_note_ids": [fields.Command.link(move.id) for move in credit_notes],
            }
        )
        self._telecom_move_to("resolved")
        total = sum(credit_notes.mapped("amount_total"))
        self._telecom_tell_customer(
            self.env._(
                "We accepted your dispute: credit note %(move)s of %(amount)s %(currency)s.",
                move=", ".join(credit_notes.mapped("name")),
                amount=credit_notes[:1].currency_id.round(total),
                currency=credit_notes[:1].currency_id.name,
            )
        )
        return credit_notes

    def _telecom_dispute_rerate(self, note):
        """Price the disputed invoiced usage again with the tariffs as they are now
        (billing's re-rating): the difference becomes an adjustment charge of the
        account, on its next invoice. Needs invoicing rights."""
        self._telecom_dispute_check_open()
        if not self._telecom_may_credit():
            raise AccessError(self.env._("Only billing users re-rate usage."))
        for ticket in self:
            usage = ticket.telecom_dispute_line_ids._telecom_usage().filtered(
                lambda u: u.state == "billed"
            )
            if not usage:
                raise UserError(
                    self.env._(
                        "%(ticket)s: no invoiced usage record is disputed.",
                        ticket=ticket.display_name,
                    )
                )
            rerating = self.env["telecom.rerating"].create(
                {
                    "reason": self.env._(
                        "Dispute %(ticket)s: %(note)s", ticket=ticket.number, note=note
                    ),
                    "subscription_ids": [fields.Command.set(usage.subscription_id.ids)],
                    "company_id": ticket.company_id.id,
                }
            )
            rerating._telecom_rerate_billed(usage.ids)
            charges = rerating.adjustment_charge_ids
            if not charges:
                raise UserError(
                    self.env._(
                        "%(ticket)s: the current tariffs price the disputed usage the same; "
                        "reject the dispute or credit it.",
                        ticket=ticket.display_name,
                    )
                )
            rerating.write(
                {
                    "state": "done",
                    "billed_count": len(usage),
                    "date_done": fields.Datetime.now(),
                }
            )
            amount = sum(charges.mapped("amount"))
            ticket._telecom_write_outcome(
                {
                    "telecom_dispute_state": "rerated",
                    "telecom_dispute_note": note,
                    "telecom_rerating_id": rerating.id,
                }
            )
            ticket._telecom_move_to("resolved")
            ticket._telecom_tell_customer(
                self.env._(
                    "We re-rated the disputed usage: %(amount)s %(currency)s on your next "
                    "invoice. %(note)s",
                    amount=amount,
                    currency=ticket.telecom_dispute_currency_id.name,
                    note=note,
                )
            )
        return True

    def _telecom_tell_customer(self, text):
        """A message the customer receives by e-mail and reads in the portal."""
        self.ensure_one()
        customer = self.partner_id
        self.message_post(
            body=Markup("<p>%s</p>") % text,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=customer.ids if customer.email else [],
        )

    def action_view_telecom_credit_notes(self):
        self._telecom_check_groups(
            "telecom_crm.group_telecom_care", "telecom_crm.group_telecom_billing"
        )
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("id", "in", self.telecom_credit_note_ids.ids)]
        action["context"] = {"create": False}
        return action
