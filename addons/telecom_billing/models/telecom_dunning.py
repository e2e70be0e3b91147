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

# accounts escalated together by the dunning run (see _telecom_dunning_run)
DUNNING_BATCH = 200

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
        """Escalate overdue accounts of ``company``, restore the paid ones.

        The escalations are applied in batches of ``DUNNING_BATCH`` accounts, level by
        level (one reminder composer, one creation of late fees, events and level
        changes per batch and level: an operator's dunning run has thousands of
        accounts); a batch that fails is applied again one account at a time, so that
        one account's error never stops the others.
        """
        today = today or fields.Date.context_today(self)
        levels = self.env["telecom.dunning.level"].search([("company_id", "=", company.id)])
        order = levels.sorted(lambda lv: (lv.sequence, lv.days_overdue, lv.id))
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
        plan = []
        for account in accounts:
            _count, _open, overdue, oldest = balances.get(account.id, (0, 0.0, 0.0, None))
            if account in excluded:
                continue
            if overdue <= 0 or not oldest:
                if account.dunning_level_id and account._telecom_dunning_try(
                    lambda a: a._telecom_dunning_restore(today)
                ):
                    restored += 1
                continue
            days = (today - oldest).days
            target = account._telecom_dunning_target(levels, days, overdue)
            steps = account._telecom_dunning_steps(target, order)
            if steps:
                plan.append((account, steps, overdue, oldest))
        for start in range(0, len(plan), DUNNING_BATCH):
            batch = plan[start : start + DUNNING_BATCH]
            try:
                with self.env.cr.savepoint():
                    self._telecom_dunning_apply_plan(batch, order, today)
                escalated += len(batch)
            except Exception:  # noqa: BLE001 - the batch again, one account at a time
                self.env.invalidate_all()
                for item in batch:
                    if item[0]._telecom_dunning_try(
                        lambda a, item=item: a._telecom_dunning_apply_plan([item], order, today)
                    ):
                        escalated += 1
        return {"escalated": escalated, "restored": restored}

    def _telecom_dunning_try(self, step):
        """``step(self)`` in a savepoint; on an error, a failed event in the account's
        history (one account never stops the run). True if it went through."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                step(self)
            return True
        except Exception as exc:  # noqa: BLE001 - one account never stops the run
            _logger.warning("dunning of %s failed: %s", self.name, exc)
            self.env.invalidate_all()
            self.env["telecom.dunning.event"].create(
                {
                    "billing_account_id": self.id,
                    "level_id": self.dunning_level_id.id,
                    "action": "hold",
                    "state": "failed",
                    "note": str(exc)[:250],
                    "company_id": self.company_id.id,
                }
            )
            return False

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

    def _telecom_dunning_steps(self, target, order):
        """The levels after the current one up to ``target`` (``order``: the levels in
        their order), to apply one after the other."""
        self.ensure_one()
        if not target:
            return []
        order = list(order)
        current = self.dunning_level_id
        position = order.index(current) if current in order else -1
        wanted = order.index(target)
        return order[position + 1 : wanted + 1]

    def _telecom_dunning_escalate(self, target, levels, today, overdue, oldest):
        """Apply every level after the current one up to ``target``; True if any applied."""
        self.ensure_one()
        order = levels.sorted(lambda lv: (lv.sequence, lv.days_overdue, lv.id))
        steps = self._telecom_dunning_steps(target, order)
        if steps:
            self._telecom_dunning_apply_plan([(self, steps, overdue, oldest)], order, today)
        return bool(steps)

    @api.model
    def _telecom_dunning_apply_plan(self, plan, order, today):
        """Apply ``plan`` ([(account, levels to apply, overdue, oldest due date)]) level
        by level (``order``), each level to all its accounts at once."""
        for level in order:
            todo = {
                account.id: (overdue, oldest)
                for account, steps, overdue, oldest in plan
                if level in steps
            }
            if todo:
                self.browse(list(todo))._telecom_dunning_apply_batch(level, today, todo)

    def _telecom_dunning_apply(self, level, today, overdue, oldest):
        self.ensure_one()
        self._telecom_dunning_apply_batch(level, today, {self.id: (overdue, oldest)})

    def _telecom_dunning_apply_batch(self, level, today, amounts):
        """Apply ``level`` to the accounts ``self`` (``amounts``: {account id: (overdue
        amount, oldest due date)}): its action, an event each, the new level, a note
        in each account's chatter."""
        notes = {}
        for account in self:  # a loop, not a comprehension: _() reads this frame
            notes[account.id] = _(
                "Dunning level %(level)s: %(amount)s %(currency)s overdue since %(date)s",
                level=level.name,
                amount=amounts[account.id][0],
                currency=account.currency_id.name,
                date=amounts[account.id][1],
            )
        events = {
            account.id: {
                "billing_account_id": account.id,
                "level_id": level.id,
                "action": level.action,
                "date": today,
                "overdue_amount": amounts[account.id][0],
                "oldest_due_date": amounts[account.id][1],
                "currency_id": account.currency_id.id,
                "company_id": account.company_id.id,
                "note": notes[account.id][:250],
            }
            for account in self
        }
        charges = self.env["telecom.charge"]
        if level.action == "reminder":
            template = level.mail_template_id or self.env.ref(
                "telecom_billing.mail_template_dunning_reminder", raise_if_not_found=False
            )
            if template:
                self._telecom_dunning_remind(template)
        elif level.action == "late_fee":
            product = level.fee_product_id or self.env.ref(
                "telecom_billing.product_telecom_late_fee"
            )
            description = _("Late payment fee (%(level)s)", level=level.name)
            charges = self.env["telecom.charge"].create(
                [
                    {
                        "billing_account_id": account.id,
                        "product_id": product.id,
                        "kind": "one_time",
                        "description": description,
                        "amount": level.company_id.currency_id._convert(
                            level.fee_amount, account.currency_id, account.company_id, today
                        ),
                        "date": today,
                        "origin": level.name,
                        "company_id": account.company_id.id,
                    }
                    for account in self
                ]
            )
            for account, charge in zip(self, charges, strict=True):
                events[account.id]["charge_id"] = charge.id
        elif level.action == "suspend":
            for account in self:
                subs = account.subscription_ids.filtered(
                    lambda s: s.state == "active" and not s._telecom_busy()
                )
                orders = subs.action_suspend("non_payment", date=today, note=notes[account.id])
                events[account.id].update(
                    subscription_ids=[Command.set(subs.ids)],
                    service_order_ids=[Command.set(orders.ids)],
                )
        elif level.action == "terminate":
            for account in self:
                subs = account.subscription_ids.filtered(
                    lambda s: s.state in ("active", "suspended") and not s.open_service_order_count
                )
                orders = subs.action_terminate(
                    date=today, reason="term_non_payment", note=notes[account.id]
                )
                events[account.id].update(
                    subscription_ids=[Command.set(subs.ids)],
                    service_order_ids=[Command.set(orders.ids)],
                )
        created = self.env["telecom.dunning.event"].create([events[a.id] for a in self])
        for event in created.filtered("charge_id"):
            event.charge_id.dunning_event_id = event
        self.write({"dunning_level_id": level.id, "dunning_date": today})
        body = Markup("%s") % _(
            "Dunning: %(action)s (%(level)s).",
            action=dict(ACTIONS)[level.action],
            level=level.name,
        )
        for account in self:
            account.message_post(body=body)

    def _telecom_dunning_remind(self, template):
        """The reminder ``template`` posted on each account of ``self`` (as
        ``message_post_with_source`` posts it on one record), rendered for all of them
        by one composer."""
        if not self:
            return
        subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                default_composition_mode="comment",
                default_model=self._name,
                default_res_ids=self.ids,
                default_template_id=template.id,
            )
            .create({"message_type": "notification", "subtype_id": subtype})
        )
        composer._action_send_mail()

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
