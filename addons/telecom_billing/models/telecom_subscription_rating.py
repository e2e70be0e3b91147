# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rating's side of the subscription: its usage, its allowance balances (granted
for the current period, granted again after a termination) and the rating preview.
The plan change amount is ``telecom_subscription_invoicing.py``."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine.rating_session import RATING_LOCK, RatingSession
from ..rating import POOL
from ..rating.timebands import day_number
from .rating_preview import rate_preview


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    usage_record_count = fields.Integer(
        string="Usage",
        compute="_compute_usage_record_count",
        groups="telecom_crm.group_telecom_user",
    )

    def _compute_usage_record_count(self):
        # bounded count: a smart button must stay instant on a subscription with
        # millions of records ((subscription, start_time) index)
        Usage = self.env["telecom.usage.record"]
        for sub in self:
            sub.usage_record_count = Usage.search_count(
                [("subscription_id", "=", sub.id)], limit=10_000
            ) if sub.id else 0  # fmt: skip

    @api.ondelete(at_uninstall=False)
    def _unlink_except_usage(self):
        if (
            self.env["telecom.usage.record"]
            .sudo()
            .search_count([("subscription_id", "in", self.ids)], limit=1)
        ):
            raise UserError(_("A subscription with usage records cannot be deleted."))

    def action_view_usage(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_usage_record_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_allowances(self):
        """The subscription's own and pooled balances of the current period."""
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        self._telecom_ensure_balances()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_allowance_balance_action"
        )
        action["domain"] = [
            "|",
            ("subscription_id", "=", self.id),
            "&",
            ("scope", "=", "pool"),
            ("billing_account_id", "=", self.billing_account_id.id),
        ]
        action["context"] = {"search_default_current": 1}
        return action

    def action_open_rating_preview(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        usage_type = self.env["telecom.usage.type"].search([], limit=1)
        preview = self.env["telecom.rating.preview"].create(
            {"subscription_id": self.id, "usage_type_id": usage_type.id}
        )
        return preview._action_open()

    def _telecom_ensure_balances(self, day=None):
        """Create the current period's balances (own and pool) if rating has not yet."""
        by_company = self.grouped("company_id")
        for company, subs in by_company.items():
            session = RatingSession(self.env, company)
            pairs = set()
            for sub in subs:
                subscriber = session.subscriber(sub)
                moment = fields.Datetime.to_datetime(day) if day else fields.Datetime.now()
                epoch = int((moment - fields.Datetime.to_datetime("1970-01-01")).total_seconds())
                local = epoch + subscriber.tz.offset(epoch)
                pairs.add(
                    (
                        subscriber,
                        session.periods.start(
                            local // 86400, subscriber.billing_day, subscriber.period_months
                        ),
                    )
                )
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (RATING_LOCK, company.id))
            session.sync()
            session.store.prepare(pairs)
            session.store.flush()
            session.bump()
        self.env["telecom.allowance.balance"].invalidate_model()

    def _telecom_apply_terminate(self, order):
        res = super()._telecom_apply_terminate(order)
        self._telecom_regrant_allowances(self.termination_date)
        return res

    def _telecom_regrant_allowances(self, day):
        """Balances follow the days the lines cover: after a termination (lines end on
        ``day``), the balances of the period containing ``day`` and of later periods
        are granted again (a product that prorates its allowances keeps only the share
        up to its end date). When the usage of such a period already took more than the
        new grant, the period is rated again in time order: what was used beyond the
        share is charged (a re-rating run, kept for the audit trail).

        Returns the re-rating run, if one was needed."""
        self.ensure_one()
        if not day:
            return False
        company = self.company_id
        cr = self.env.cr
        session = RatingSession(self.env, company)
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", RATING_LOCK, company.id))
        session.sync()
        subscriber = session.subscriber(self)
        first = session.periods.start(
            day_number(day), subscriber.billing_day, subscriber.period_months
        )
        # the periods whose balances exist already (no new balance is created here)
        cr.execute(
            SQL(
                """SELECT DISTINCT period_start FROM telecom_allowance_balance
                    WHERE period_start >= %s
                      AND (subscription_id = %s
                           OR (scope = 'pool' AND billing_account_id = %s))""",
                first,
                self.id,
                self.billing_account_id.id,
            )
        )
        periods = sorted(row[0] for row in cr.fetchall())
        if not periods:
            return False
        store = session.store
        store.prepare({(subscriber, start) for start in periods})
        store.flush()
        session.bump()
        self.env["telecom.allowance.balance"].invalidate_model()
        short = {key for key in store.short if key[2] in periods}
        if not short:
            return False
        subs = self
        if any(scope == POOL for scope, _owner, _start in short):
            # a shared pool shrank: every line of the account drew from it
            subs = self.billing_account_id.subscription_ids
        starts = [start for _scope, _owner, start in short]
        # an automatic consequence of a termination the user was allowed to carry out
        rerating = (
            self.env["telecom.rerating"]
            .sudo()
            .create(
                {
                    "company_id": company.id,
                    "reason": _(
                        "%(sub)s ends on %(date)s: its allowances are the share up to that "
                        "day; the usage of the period is rated again in time order.",
                        sub=self.name,
                        date=day,
                    ),
                    "period_from": min(starts),
                    "period_to": max(starts),
                    "subscription_ids": [fields.Command.set(subs.ids)],
                }
            )
        )
        rerating.action_run()
        return rerating

    @api.model
    def _telecom_rate_preview(self, subscription, usage_type, start_time, quantity,
                              called_number=None, direction="out", location=None,
                              allowance_quantity=None):  # fmt: skip
        """Price a hypothetical record for ``subscription`` (see telecom.api.rate_preview)."""
        return rate_preview(
            self.env, subscription, usage_type, start_time, quantity,
            called_number=called_number, direction=direction, location=location,
            allowance_quantity=allowance_quantity,
        )  # fmt: skip
