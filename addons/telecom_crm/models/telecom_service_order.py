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
from odoo.exceptions import AccessError, UserError, ValidationError

from .sequence import assign_sequence_names
from .telecom_subscription import LIFECYCLE_GROUPS

_logger = logging.getLogger(__name__)

# the actions whose effect is a state or an address, which a dated line cannot carry
SCHEDULED_ACTIONS = ("terminate", "move")
# what only the order's own actions change (as superuser, after checking the caller):
# a crafted ``values`` would apply an unchecked change (a waived fee, a free plan)
PROTECTED_FIELDS = (
    "subscription_id",
    "action",
    "values",
    "state",
    "error",
    "done_date",
    "sale_order_id",
)

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
        self.check_access("create")
        if not self.env.su:
            # the subscription's actions validate a change, then create its order as
            # superuser (``telecom.subscription._telecom_submit``)
            raise AccessError(
                _(
                    "Service orders come from the subscription's actions (suspend, change "
                    "plan, terminate...), which check the change first."
                )
            )
        assign_sequence_names(self.env, vals_list, "telecom.service.order", (_("New"),))
        for vals in vals_list:
            vals.setdefault("values", {})
        return super().create(vals_list)

    def write(self, vals):
        if vals and not self.env.su:
            self.check_access("write")
            protected = [fname for fname in PROTECTED_FIELDS if fname in vals]
            if "requested_date" in vals and self.filtered(lambda o: o.state != "draft"):
                protected.append("requested_date")
            if protected:
                raise UserError(
                    _(
                        "%(fields)s of a service order change through its actions only.",
                        fields=", ".join(self._fields[fname].string for fname in protected),
                    )
                )
        return super().write(vals)

    def _telecom_write(self, vals):
        """The orders' own write of what ``write`` protects: the caller's write access
        is checked, then it runs as superuser (the public actions checked the role)."""
        self.check_access("write")
        return self.sudo().write(vals)

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
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
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
        self._telecom_write({"state": "submitted", "error": False})
        self._telecom_carry_out_due()
        return True

    def _telecom_carry_out_due(self):
        """Carry out the submitted orders that are due (not scheduled for later)."""
        for order in self:
            if order.state != "submitted" or order._telecom_is_scheduled():
                continue
            if not order._telecom_requires_fulfilment():
                order._telecom_mark_done()
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
                order._telecom_mark_failed(str(exc.args[0] if exc.args else exc))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def action_start(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        if self.filtered(lambda o: o.state != "submitted"):
            raise UserError(_("Only submitted service orders can start."))
        self._telecom_write({"state": "in_progress"})
        return True

    def action_done(self):
        """Apply the change to the subscription and close the order (by hand)."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_mark_done()

    def _telecom_mark_done(self):
        """Apply the change to the subscription and close the order (fulfilment
        calls this when the network is done)."""
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
            order._telecom_write(
                {"state": "done", "done_date": fields.Datetime.now(), "error": False}
            )
        return True

    def action_fail(self, error):
        """The network refused (said by hand): nothing changes on the subscription."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_mark_failed(error)

    def _telecom_mark_failed(self, error):
        """The network refused: nothing changes on the subscription (fulfilment calls
        this when provisioning failed)."""
        for order in self:
            if order.state not in ("submitted", "in_progress"):
                raise UserError(_("%(order)s is not waiting for the network.", order=order.name))
        self._telecom_write({"state": "failed", "error": error or _("Unknown error")})
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
                order.subscription_id._telecom_lifecycle_write({"state": "draft"})
        return True

    def action_retry(self):
        """Send a failed order again."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        for order in self.filtered(lambda o: o.state == "failed"):
            if order.action == "activate" and order.subscription_id.state == "draft":
                order.subscription_id._telecom_lifecycle_write({"state": "pending"})
            order._telecom_write({"state": "draft"})
            order.action_submit()
        return True

    def action_cancel(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        if self.filtered(lambda o: o.state not in ("draft", "submitted", "failed")):
            raise UserError(_("Only orders not yet in progress or done can be cancelled."))
        for order in self:
            if order.action == "activate" and order.subscription_id.state == "pending":
                order.subscription_id._telecom_lifecycle_write({"state": "draft"})
        self._telecom_write({"state": "cancelled"})
        return True

    # -- business logic --------------------------------------------------------
    def _apply_to_subscription(self):
        self.ensure_one()
        # the lifecycle's private path: the apply methods re-validate the change, then
        # write what the subscription protects (state, dates, live lines) as superuser;
        # the caller passed action_done's role check and may write the subscription
        self.subscription_id.check_access("write")
        subscription = self.subscription_id.sudo()
        method = getattr(subscription, f"_telecom_apply_{self.action}", None)
        if method is None:
            raise UserError(_("Unknown service order action %(action)s.", action=self.action))
        method(self)
