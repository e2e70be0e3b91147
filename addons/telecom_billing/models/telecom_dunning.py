# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dunning: escalating actions on overdue billing accounts, applied to the service.

Levels (per company) say from how many days overdue and from which overdue
amount they apply, and what they do: a reminder e-mail, a late fee (a charge on
the next bill), a suspension of the account's services, or their termination.
Suspensions and terminations go through the subscriptions' lifecycle actions
(``action_suspend(reason='non_payment')``, ``action_terminate``): service
orders, hence provisioning on the network when telecom_oss is installed. When
the debt is paid (payment reconciled, or the daily check) the services dunning
suspended are resumed. Every step is recorded in the account's dunning history.

Extension point ``telecom.billing.account._telecom_dunning_excluded()``: the
accounts of ``self`` dunning must leave alone (a manual hold here; helpdesk
adds accounts with an open dispute).
"""

import logging

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

ACTIONS = [
    ("reminder", "Reminder e-mail"),
    ("late_fee", "Late fee"),
    ("suspend", "Restriction / suspension"),
    ("terminate", "Termination"),
]
EVENT_ACTIONS = [
    *ACTIONS,
    ("restore", "Restored"),
    ("hold", "Held"),
]


class TelecomDunningLevel(models.Model):
    _name = "telecom.dunning.level"
    _description = "Telecom dunning level"
    _order = "company_id, sequence, days_overdue, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    days_overdue = fields.Integer(
        required=True, help="Applies when the oldest unpaid invoice is this many days overdue."
    )
    min_amount = fields.Monetary(
        string="Minimum Overdue Amount",
        help="Applies only when the overdue amount is at least this (company currency).",
    )
    action = fields.Selection(ACTIONS, required=True, default="reminder")
    mail_template_id = fields.Many2one(
        "mail.template",
        domain="[('model', '=', 'telecom.billing.account')]",
        help="E-mail sent to the invoice address when the level applies.",
    )
    fee_amount = fields.Monetary(string="Late Fee")
    fee_product_id = fields.Many2one("product.product")
    active = fields.Boolean(default=True)

    _sql_constraints = (
        ("days_positive", "CHECK (days_overdue >= 0)", "Days overdue cannot be negative."),
        ("min_amount_positive", "CHECK (min_amount >= 0)", "The minimum amount is positive."),
    )

    @api.constrains("action", "fee_amount")
    def _check_fee(self):
        for level in self:
            if level.action == "late_fee" and level.fee_amount <= 0:
                raise UserError(_("%(level)s: give the late fee amount.", level=level.name))


class TelecomDunningEvent(models.Model):
    _name = "telecom.dunning.event"
    _description = "Telecom dunning history"
    _order = "date desc, id desc"
    _check_company_auto = True

    billing_account_id = fields.Many2one(
        "telecom.billing.account", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="billing_account_id.partner_id", store=True)
    level_id = fields.Many2one("telecom.dunning.level", ondelete="set null")
    action = fields.Selection(EVENT_ACTIONS, required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    overdue_amount = fields.Monetary()
    oldest_due_date = fields.Date()
    currency_id = fields.Many2one("res.currency")
    subscription_ids = fields.Many2many(
        "telecom.subscription",
        string="Subscriptions",
        help="Services this step suspended, terminated or resumed.",
    )
    service_order_ids = fields.Many2many("telecom.service.order", string="Service Orders")
    charge_id = fields.Many2one("telecom.charge", string="Late Fee Charge")
    note = fields.Char()
    state = fields.Selection([("done", "Done"), ("failed", "Failed")], default="done")
    company_id = fields.Many2one("res.company", required=True, index=True)


class TelecomBillingAccount(models.Model):
    _inherit = "telecom.billing.account"

    dunning_level_id = fields.Many2one(
        "telecom.dunning.level", readonly=True, tracking=True, copy=False
    )
    dunning_date = fields.Date(string="Last Dunning Step", readonly=True, copy=False)
    dunning_hold = fields.Boolean(
        tracking=True,
        copy=False,
        help="Leave this account out of dunning (a promise to pay, a negotiation...).",
    )
    dunning_hold_until = fields.Date(
        string="Hold Until", tracking=True, copy=False, help="Empty: until removed."
    )
    dunning_hold_reason = fields.Char(string="Hold Reason", tracking=True, copy=False)
    dunning_event_ids = fields.One2many(
        "telecom.dunning.event", "billing_account_id", string="Dunning History", readonly=True
    )

    # -- extension point ----------------------------------------------------------------
    def _telecom_dunning_excluded(self):
        """The accounts of ``self`` dunning leaves alone (a recordset).

        Here: a manual hold (until its end date). telecom_helpdesk extends it with the
        accounts that have an open dispute.
        """
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda a: a.dunning_hold and (not a.dunning_hold_until or a.dunning_hold_until >= today)
        )

    # -- the daily run ----------------------------------------------------------------------
    @api.model
    def _cron_dunning(self):
        for company in self.env["res.company"].search([("id", "in", self.env.companies.ids)]):
            self.with_company(company).sudo()._telecom_dunning_run(company)

    @api.model
    def _telecom_dunning_run(self, company, today=None):
        """Escalate overdue accounts of ``company``, restore the paid ones."""
        today = today or fields.Date.context_today(self)
        levels = self.env["telecom.dunning.level"].search([("company_id", "=", company.id)])
        accounts = self.search(
            [
                ("company_id", "=", company.id),
                "|",
                ("dunning_level_id", "!=", False),
                ("invoice_ids.invoice_date_due", "<", today),
            ]
        )
        balances = accounts._telecom_balances(today)
        excluded = accounts._telecom_dunning_excluded()
        escalated = restored = 0
        for account in accounts:
            _count, _open, overdue, oldest = balances.get(account.id, (0, 0.0, 0.0, None))
            try:
                with self.env.cr.savepoint():
                    if account in excluded:
                        continue
                    if overdue <= 0 or not oldest:
                        if account.dunning_level_id:
                            account._telecom_dunning_restore(today)
                            restored += 1
                        continue
                    days = (today - oldest).days
                    target = account._telecom_dunning_target(levels, days, overdue)
                    if target and account._telecom_dunning_escalate(
                        target, levels, today, overdue, oldest
                    ):
                        escalated += 1
            except Exception as exc:  # noqa: BLE001 - one account never stops the run
                _logger.warning("dunning of %s failed: %s", account.name, exc)
                self.env["telecom.dunning.event"].create(
                    {
                        "billing_account_id": account.id,
                        "level_id": account.dunning_level_id.id,
                        "action": "hold",
                        "state": "failed",
                        "note": str(exc)[:250],
                        "company_id": account.company_id.id,
                    }
                )
        return {"escalated": escalated, "restored": restored}

    def _telecom_dunning_target(self, levels, days, overdue):
        """The highest level reached by ``days`` overdue and the amount (company currency)."""
        self.ensure_one()
        amount = self.currency_id._convert(
            overdue, self.company_id.currency_id, self.company_id, fields.Date.context_today(self)
        )
        reached = levels.filtered(
            lambda lv: (
                lv.days_overdue <= days
                and self.company_id.currency_id.compare_amounts(amount, lv.min_amount) >= 0
            )
        )
        return reached.sorted(lambda lv: (lv.sequence, lv.days_overdue, lv.id))[-1:]

    def _telecom_dunning_escalate(self, target, levels, today, overdue, oldest):
        """Apply every level after the current one up to ``target``; True if any applied."""
        self.ensure_one()
        order = levels.sorted(lambda lv: (lv.sequence, lv.days_overdue, lv.id))
        current = self.dunning_level_id
        position = list(order).index(current) if current in order else -1
        wanted = list(order).index(target)
        if wanted <= position:
            return False
        for level in list(order)[position + 1 : wanted + 1]:
            self._telecom_dunning_apply(level, today, overdue, oldest)
        return True

    def _telecom_dunning_apply(self, level, today, overdue, oldest):
        self.ensure_one()
        event_vals = {
            "billing_account_id": self.id,
            "level_id": level.id,
            "action": level.action,
            "date": today,
            "overdue_amount": overdue,
            "oldest_due_date": oldest,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
        }
        note = _(
            "Dunning level %(level)s: %(amount)s %(currency)s overdue since %(date)s",
            level=level.name,
            amount=overdue,
            currency=self.currency_id.name,
            date=oldest,
        )
        if level.action == "reminder":
            template = level.mail_template_id or self.env.ref(
                "telecom_billing.mail_template_dunning_reminder", raise_if_not_found=False
            )
            if template:
                self.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        elif level.action == "late_fee":
            charge = self.env["telecom.charge"].create(
                {
                    "billing_account_id": self.id,
                    "product_id": (
                        level.fee_product_id
                        or self.env.ref("telecom_billing.product_telecom_late_fee")
                    ).id,
                    "kind": "one_time",
                    "description": _("Late payment fee (%(level)s)", level=level.name),
                    "amount": level.company_id.currency_id._convert(
                        level.fee_amount, self.currency_id, self.company_id, today
                    ),
                    "date": today,
                    "origin": level.name,
                    "company_id": self.company_id.id,
                }
            )
            event_vals["charge_id"] = charge.id
        elif level.action == "suspend":
            subs = self.subscription_ids.filtered(
                lambda s: s.state == "active" and not s._telecom_busy()
            )
            orders = subs.action_suspend("non_payment", date=today, note=note)
            event_vals.update(
                subscription_ids=[Command.set(subs.ids)],
                service_order_ids=[Command.set(orders.ids)],
            )
        elif level.action == "terminate":
            subs = self.subscription_ids.filtered(
                lambda s: s.state in ("active", "suspended") and not s.open_service_order_count
            )
            orders = subs.action_terminate(date=today, reason="term_non_payment", note=note)
            event_vals.update(
                subscription_ids=[Command.set(subs.ids)],
                service_order_ids=[Command.set(orders.ids)],
            )
        event_vals["note"] = note[:250]
        event = self.env["telecom.dunning.event"].create(event_vals)
        if event.charge_id:
            event.charge_id.dunning_event_id = event
        self.write({"dunning_level_id": level.id, "dunning_date": today})
        self.message_post(
            body=Markup("%s")
            % _(
                "Dunning: %(action)s (%(level)s).",
                action=dict(ACTIONS)[level.action],
                level=level.name,
            )
        )

    def _telecom_dunning_restore(self, today=None):
        """The debt is paid: resume what dunning suspended, reset the level."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        suspended = self.dunning_event_ids.filtered(
            lambda e: e.action == "suspend" and e.state == "done"
        ).subscription_ids
        to_resume = suspended.filtered(
            lambda s: (
                s.state == "suspended"
                and s.suspend_reason == "non_payment"
                and not s._telecom_busy()
            )
        )
        orders = self.env["telecom.service.order"]
        if to_resume:
            orders = to_resume.action_resume(
                date=today, note=_("Debt paid: dunning restores the service.")
            )
        waiting = suspended.filtered(lambda s: s._telecom_busy()) - to_resume
        self.env["telecom.dunning.event"].create(
            {
                "billing_account_id": self.id,
                "level_id": self.dunning_level_id.id,
                "action": "restore",
                "date": today,
                "subscription_ids": [Command.set(to_resume.ids)],
                "service_order_ids": [Command.set(orders.ids)],
                "currency_id": self.currency_id.id,
                "company_id": self.company_id.id,
                "note": _(
                    "%(count)s service(s) still waiting for a service order.", count=len(waiting)
                )
                if waiting
                else False,
            }
        )
        if not waiting:
            self.write({"dunning_level_id": False, "dunning_date": today})
        self.message_post(
            body=Markup("%s")
            % _("Dunning: debt paid, %(count)s service(s) resumed.", count=len(to_resume))
        )
        return orders

    def _telecom_dunning_check_restore(self):
        """Called when invoices get paid: restore the accounts no longer overdue."""
        balances = self._telecom_balances()
        for account in self.filtered("dunning_level_id"):
            overdue = balances.get(account.id, (0, 0.0, 0.0, None))[2]
            if overdue <= 0:
                account._telecom_dunning_restore()

    def action_dunning_hold(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.write({"dunning_hold": True})
        for account in self:
            self.env["telecom.dunning.event"].create(
                {
                    "billing_account_id": account.id,
                    "action": "hold",
                    "note": account.dunning_hold_reason or _("Manual hold"),
                    "company_id": account.company_id.id,
                }
            )
        return True

    def action_dunning_release(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.write({"dunning_hold": False, "dunning_hold_until": False})
        return True
