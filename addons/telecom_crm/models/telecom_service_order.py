# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The unit of work the network must do for one subscription.

``action_submit`` validates and submits, then releases the orders that are due:
when no fulfilment is needed (``_telecom_requires_fulfilment`` is False, i.e.
telecom_crm alone) a released order is done at once. telecom_oss extends
``_telecom_carry_out_due`` to provision the change on the network and calls
``action_done`` or ``action_fail(error)`` when the network answers.
``action_done`` applies the change to the subscription.

A termination or a move ordered for a later date is *scheduled*: it stays
submitted (the service runs on, the network is not touched) until a daily cron
releases it on its date. It can be cancelled until then. Plan and add-on changes
need no waiting: they take effect through dated subscription lines.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .sequence import assign_sequence_names

_logger = logging.getLogger(__name__)

# the actions whose effect is a state or an address, which a dated line cannot carry
SCHEDULED_ACTIONS = ("terminate", "move")

ACTIONS = [
    ("activate", "Activate"),
    ("change_plan", "Change plan"),
    ("add_addon", "Add add-on"),
    ("remove_addon", "Remove add-on"),
    ("suspend", "Suspend"),
    ("resume", "Resume"),
    ("terminate", "Terminate"),
    ("move", "Move"),
]


class TelecomServiceOrder(models.Model):
    _name = "telecom.service.order"
    _description = "Telecom service order"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, copy=False, readonly=True, index="trigram", default=lambda self: _("New")
    )
    subscription_id = fields.Many2one(
        "telecom.subscription",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="subscription_id.partner_id", store=True, index=True, string="Customer"
    )
    sale_order_id = fields.Many2one(
        "sale.order", string="Sales Order", index="btree_not_null", ondelete="set null"
    )
    action = fields.Selection(ACTIONS, required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    requested_date = fields.Date(default=fields.Date.context_today, tracking=True)
    done_date = fields.Datetime(readonly=True, copy=False)
    values = fields.Json(
        help="Parameters of the action (new plan, reason, date...), as plain data.", copy=False
    )
    values_display = fields.Text(string="Parameters", compute="_compute_values_display")
    scheduled = fields.Boolean(
        compute="_compute_scheduled",
        search="_search_scheduled",
        help="Submitted for a later date: released on that date by a daily job.",
    )
    error = fields.Text(copy=False, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def _compute_values_display(self):
        for order in self:
            order.values_display = "\n".join(
                f"{key}: {value}" for key, value in sorted((order.values or {}).items())
            )

    @api.depends("state", "action", "requested_date")
    @api.depends_context("tz")
    def _compute_scheduled(self):
        for order in self:
            order.scheduled = order._telecom_is_scheduled()

    def _search_scheduled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search scheduled service orders with = True or = False."))
        domain = self._telecom_waiting_domain(">")
        positive = (operator == "=") == value
        return domain if positive else ["!", "&", "&", *domain]

    @api.model
    def _telecom_waiting_domain(self, date_operator):
        """Submitted terminations and moves whose date compares to today by
        ``date_operator``: ``>`` the scheduled ones, ``<=`` those whose day has come."""
        return [
            ("state", "=", "submitted"),
            ("action", "in", SCHEDULED_ACTIONS),
            ("requested_date", date_operator, fields.Date.context_today(self)),
        ]

    def _telecom_is_scheduled(self):
        self.ensure_one()
        return bool(
            self.state == "submitted"
            and self.action in SCHEDULED_ACTIONS
            and self.requested_date
            and self.requested_date > fields.Date.context_today(self)
        )

    @api.model_create_multi
    def create(self, vals_list):
        assign_sequence_names(self.env, vals_list, "telecom.service.order", (_("New"),))
        for vals in vals_list:
            vals.setdefault("values", {})
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if self.filtered(lambda o: o.state not in ("draft", "cancelled")):
            raise UserError(_("Only draft or cancelled service orders can be deleted."))

    # -- extension point --------------------------------------------------------
    def _telecom_requires_fulfilment(self):
        """Whether the network must fulfil the order (telecom_oss says yes)."""
        self.ensure_one()
        return False

    # -- actions ---------------------------------------------------------------
    def action_submit(self):
        for order in self:
            if order.state != "draft":
                raise UserError(
                    _("%(order)s is already submitted.", order=order.name),
                )
            if order.subscription_id.state == "terminated":
                raise UserError(
                    _(
                        "%(order)s: %(sub)s is terminated.",
                        order=order.name,
                        sub=order.subscription_id.name,
                    )
                )
        self.write({"state": "submitted", "error": False})
        self._telecom_carry_out_due()
        return True

    def _telecom_carry_out_due(self):
        """Carry out the submitted orders that are due (not scheduled for later)."""
        for order in self:
            if order.state != "submitted" or order._telecom_is_scheduled():
                continue
            if not order._telecom_requires_fulfilment():
                order.action_done()
        for order in self.filtered(lambda o: o._telecom_is_scheduled()):
            order.subscription_id.message_post(
                body=_(
                    "%(action)s scheduled for %(date)s (service order %(order)s).",
                    action=dict(ACTIONS)[order.action],
                    date=order.requested_date,
                    order=order.name,
                )
            )

    @api.model
    def _cron_release_scheduled(self, limit=500):
        """Release the scheduled orders whose date has come, one savepoint each.

        An order the subscription refuses now (it was terminated meanwhile, say)
        fails with the reason; the others go on.
        """
        domain = self._telecom_waiting_domain("<=")
        orders = self.search(domain, order="requested_date, id", limit=limit)
        remaining = self.search_count(domain) - len(orders)
        done = 0
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    order._telecom_carry_out_due()
                done += 1
            except (UserError, ValidationError) as exc:
                _logger.info("scheduled service order %s refused: %s", order.name, exc)
                order.action_fail(str(exc.args[0] if exc.args else exc))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def action_start(self):
        if self.filtered(lambda o: o.state != "submitted"):
            raise UserError(_("Only submitted service orders can start."))
        self.state = "in_progress"
        return True

    def action_done(self):
        """Apply the change to the subscription and close the order."""
        for order in self:
            if order.state not in ("submitted", "in_progress"):
                raise UserError(
                    _(
                        "%(order)s is %(state)s: only a submitted order can be done.",
                        order=order.name,
                        state=order.state,
                    )
                )
            order._apply_to_subscription()
            order.write({"state": "done", "done_date": fields.Datetime.now(), "error": False})
        return True

    def action_fail(self, error):
        """The network refused: nothing changes on the subscription."""
        for order in self:
            if order.state not in ("submitted", "in_progress"):
                raise UserError(_("%(order)s is not waiting for the network.", order=order.name))
        self.write({"state": "failed", "error": error or _("Unknown error")})
        for order in self:
            order.subscription_id.message_post(
                body=_(
                    "Service order %(order)s (%(action)s) failed: %(error)s",
                    order=order.name,
                    action=order.action,
                    error=order.error,
                )
            )
            if order.action == "activate" and order.subscription_id.state == "pending":
                # back to draft so that it can be corrected and activated again
                order.subscription_id.with_context(telecom_lifecycle=True).state = "draft"
        return True

    def action_retry(self):
        """Send a failed order again."""
        for order in self.filtered(lambda o: o.state == "failed"):
            if order.action == "activate" and order.subscription_id.state == "draft":
                order.subscription_id.with_context(telecom_lifecycle=True).state = "pending"
            order.state = "draft"
            order.action_submit()
        return True

    def action_cancel(self):
        if self.filtered(lambda o: o.state not in ("draft", "submitted", "failed")):
            raise UserError(_("Only orders not yet in progress or done can be cancelled."))
        for order in self:
            if order.action == "activate" and order.subscription_id.state == "pending":
                order.subscription_id.with_context(telecom_lifecycle=True).state = "draft"
        self.state = "cancelled"
        return True

    # -- business logic --------------------------------------------------------
    def _apply_to_subscription(self):
        self.ensure_one()
        subscription = self.subscription_id.with_context(telecom_lifecycle=True)
        method = getattr(subscription, f"_telecom_apply_{self.action}", None)
        if method is None:
            raise UserError(_("Unknown service order action %(action)s.", action=self.action))
        method(self)
