# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Provisioning orders: the network side of a service order.

An order is a list of tasks copied from a workflow template. Tasks run one after
the other in queue_job jobs on the ``root.telecom_oss`` channel, one task per job
(and per transaction), so no user ever waits on the network. A task that fails
for a transient reason is retried later with exponential backoff; one that fails
for good stops the order, which then runs the compensations of its done tasks in
reverse order (releases what was reserved, undoes network changes) and reports
the failure.
"""

import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact
from odoo.addons.telecom_crm.models.sequence import assign_sequence_names

from .telecom_provisioning_template import ACTIONS

_logger = logging.getLogger(__name__)

CHANNEL = "root.telecom_oss"
ORDER_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("waiting", "Waiting"),
    ("done", "Done"),
    ("compensating", "Compensating"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
# the resources an order may hold: values key -> model
RESOURCE_KEYS = {
    "number_id": "telecom.number",
    "sim_id": "telecom.sim.card",
    "ip_prefix_ids": "telecom.ip.prefix",
    "cpe_id": "telecom.cpe",
}


class TelecomProvisioningOrder(models.Model):
    _name = "telecom.provisioning.order"
    _description = "Provisioning order"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, readonly=True, default="/", index=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True, tracking=True)
    template_id = fields.Many2one(
        "telecom.provisioning.template", readonly=True, check_company=True, ondelete="restrict"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True)
    service_order_id = fields.Many2one(
        "telecom.service.order",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    subscription_id = fields.Many2one(
        "telecom.subscription",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    state = fields.Selection(
        ORDER_STATES, required=True, default="draft", index=True, tracking=True, copy=False
    )
    task_ids = fields.One2many("telecom.provisioning.task", "order_id", string="Tasks")
    task_count = fields.Integer(compute="_compute_task_progress")
    task_done_count = fields.Integer(compute="_compute_task_progress")
    values = fields.Json(
        copy=False,
        help="What the order works with and what its tasks produced (resources, identifiers).",
    )
    values_display = fields.Text(string="Data", compute="_compute_values_display")
    error = fields.Text(readonly=True, copy=False, tracking=True)
    date_start = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("task_ids.state")
    def _compute_task_progress(self):
        for order in self:
            order.task_count = len(order.task_ids)
            order.task_done_count = len(
                order.task_ids.filtered(lambda t: t.state in ("done", "skipped"))
            )

    def _compute_values_display(self):
        for order in self:
            order.values_display = "\n".join(
                f"{key}: {value}" for key, value in sorted((order.values or {}).items())
            )

    @api.model_create_multi
    def create(self, vals_list):
        assign_sequence_names(self.env, vals_list, "telecom.provisioning.order")
        for vals in vals_list:
            vals.setdefault("values", {})
        return super().create(vals_list)

    # -- building ------------------------------------------------------------
    @api.model
    def _telecom_create_from_template(self, template, values=None, **vals):
        """A draft order with one task per step of ``template``."""
        order = self.create(
            dict(
                vals,
                action=template.action,
                template_id=template.id,
                values=dict(values or {}),
            )
        )
        order.task_ids = [
            fields.Command.create(
                {
                    "step_id": step.id,
                    "sequence": step.sequence,
                    "name": step.name,
                    "operation": step.operation,
                    "adapter_id": step.adapter_id.id,
                    "max_retries": step.max_retries,
                    "retry_delay": step.retry_delay,
                    "wait_callback": step.wait_callback,
                    "compensate": step.compensate,
                    "optional": step.optional,
                    "http_method": step.http_method,
                    "path_template": step.path_template,
                    "payload_template": step.payload_template,
                    "undo_method": step.undo_method,
                    "undo_path_template": step.undo_path_template,
                    "user_id": step.user_id.id or step.adapter_id.manual_user_id.id,
                    "instructions": step.instructions,
                }
            )
            for step in template.step_ids.sorted(lambda s: (s.sequence, s.id))
        ]
        return order

    # -- what the tasks see --------------------------------------------------
    def _telecom_context(self):
        """Plain data the tasks and adapters work with: the order's values, then what
        the subscription already holds, its plan's network profile, the customer."""
        self.ensure_one()
        ctx = dict(self.values or {})
        sub = self.subscription_id
        if sub:
            for key, value in sub._telecom_network_context(self._telecom_plan()).items():
                if value not in (None, False, "") and ctx.get(key) in (None, False, ""):
                    ctx[key] = value
        partner = self.partner_id
        if partner:
            ctx.setdefault("customer", partner.display_name)
            ctx.setdefault("notify_to", partner.mobile or partner.phone or partner.email or "")
            ctx.setdefault("notify_channel", "sms" if partner.mobile or partner.phone else "email")
        ctx.setdefault("order", self.name)
        ctx.setdefault("message", self._telecom_notification_text(ctx))
        return ctx

    def _telecom_notification_text(self, ctx):
        labels = dict(ACTIONS)
        return self.env._(
            "%(action)s of your service %(service)s is done.",
            action=labels.get(self.action, self.action),
            service=ctx.get("service_id") or ctx.get("msisdn") or self.name,
        )

    def _telecom_set_values(self, **updates):
        self.ensure_one()
        values = dict(self.values or {})
        values.update(updates)
        self.values = values

    def _telecom_holder(self):
        """Extra holder values resources get: the subscription."""
        return {"subscription_id": self.subscription_id.id} if self.subscription_id else {}

    def _telecom_plan(self):
        """The plan the network must give the service (the new one for a plan change)."""
        self.ensure_one()
        plan_id = (self.values or {}).get("plan_id")
        plan = self.env["product.product"].browse(plan_id).exists() if plan_id else None
        return plan or self.subscription_id.plan_id

    def _telecom_resources(self):
        """The resources this order reserved or assigned, per model."""
        self.ensure_one()
        values = self.values or {}
        resources = {}
        for key, model in RESOURCE_KEYS.items():
            ids = values.get(key) or []
            ids = ids if isinstance(ids, list) else [ids]
            records = self.env[model].browse(ids).exists()
            if records:
                resources[model] = records
        return resources

    def _telecom_release_targets(self):
        """What a 'release resources' task gives back: what the order and the
        subscription hold (the access port place included)."""
        targets = self._telecom_resources()
        sub = self.subscription_id
        if sub:
            for model, records in sub._telecom_resources().items():
                targets[model] = targets.get(model, self.env[model]) | records
        return {
            model: records.filtered(lambda r: r.state in ("reserved", "assigned"))
            for model, records in targets.items()
        }

    # -- run -----------------------------------------------------------------
    def action_start(self):
        self._telecom_check_groups("telecom_oss.group_telecom_provisioning")
        for order in self:
            if order.state != "draft":
                raise UserError(self.env._("%(order)s has already started.", order=order.name))
            if not order.task_ids:
                raise UserError(self.env._("%(order)s has no task to run.", order=order.name))
        self.write({"state": "running", "date_start": fields.Datetime.now(), "error": False})
        for order in self:
            order._telecom_schedule()
        return True

    def _telecom_schedule(self, eta=None):
        """Queue the next step of the order (never run it in the caller's transaction)."""
        for order in self:
            order.sudo().with_delay(
                channel=CHANNEL,
                eta=eta,
                identity_key=identity_exact,
                description=self.env._("Provisioning %(order)s", order=order.name),
            )._telecom_job_run()

    def _telecom_lock(self):
        """Take the order's row lock, or tell queue_job to come back later."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM telecom_provisioning_order WHERE id = %s FOR UPDATE NOWAIT",
                    [self.id],
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise RetryableJobError(
                "another job is working on this order", seconds=5, ignore_retry=True
            ) from exc

    def _telecom_job_run(self):
        """Job: run the next task, or the next compensation, of the order."""
        self.ensure_one()
        self._telecom_lock()
        self.invalidate_recordset()
        if self.state == "compensating":
            return self._telecom_compensate_next()
        if self.state != "running":
            return f"{self.name} is {self.state}: nothing to do"
        task = self.task_ids.filtered(lambda t: t.state in ("pending", "retry")).sorted(
            lambda t: (t.sequence, t.id)
        )[:1]
        if not task:
            if self.task_ids.filtered(lambda t: t.state in ("waiting", "running")):
                return f"{self.name} waits"
            return self._telecom_finish()
        now = fields.Datetime.now()
        if task.state == "retry" and task.next_attempt and task.next_attempt > now:
            # woken up early (a manual requeue): come back on time
            self._telecom_schedule(eta=task.next_attempt)
            return f"{task.name}: next attempt at {task.next_attempt}"
        outcome = task._telecom_execute()
        return self._telecom_after_task(task, outcome)

    def _telecom_after_task(self, task, outcome):
        if outcome == "done":
            self._telecom_schedule()
        elif outcome == "waiting":
            self.state = "waiting"
        elif outcome == "retry":
            self._telecom_schedule(eta=task.next_attempt)
        elif outcome == "failed" and task.optional:
            self.message_post(
                body=self.env._(
                    "%(task)s failed (optional, the order goes on): %(error)s",
                    task=task.name,
                    error=task.last_error,
                )
            )
            self._telecom_schedule()
        elif outcome == "failed":
            self._telecom_fail(
                self.env._("%(task)s failed: %(error)s", task=task.name, error=task.last_error)
            )
        return f"{task.name}: {outcome}"

    def _telecom_resume(self):
        """A waiting task ended (by hand or reported by an external system)."""
        for order in self.filtered(lambda o: o.state == "waiting"):
            order.state = "running"
            order._telecom_schedule()

    def _telecom_finish(self):
        self.ensure_one()
        self._telecom_assign_resources()
        self.write({"state": "done", "date_done": fields.Datetime.now(), "error": False})
        self.message_post(body=self.env._("Provisioning done."))
        self._telecom_on_done()
        return f"{self.name} done"

    def _telecom_assign_resources(self):
        """Reserved resources become the customer's for good."""
        holder = self._telecom_holder()
        for records in self._telecom_resources().values():
            reserved = records.filtered(lambda r: r.state == "reserved")
            reserved._telecom_assign(partner=self.partner_id, order=self, holder=holder)

    def _telecom_port(self):
        self.ensure_one()
        return self.env["telecom.network.port"].browse((self.values or {}).get("port_id")).exists()

    def _telecom_release_access(self):
        """The service leaves its access port (termination)."""
        sub = self.subscription_id
        port = sub.telecom_access_port_id if sub else self._telecom_port()
        if port:
            port._telecom_give_back()
        if sub:
            sub.telecom_access_port_id = False

    def _telecom_on_done(self):
        """The order succeeded: the subscription takes its resources, and the service
        order is done (CRM applies the change: active, suspended, terminated...)."""
        self.ensure_one()
        sub = self.subscription_id
        if sub and self.action == "activate":
            sub._telecom_take_resources(self)
        order = self.service_order_id
        if order and order.state in ("submitted", "in_progress"):
            try:
                with self.env.cr.savepoint():
                    order._telecom_mark_done()
            except (UserError, ValidationError) as err:
                # the network did its part: say what the subscription refused
                error = str(err.args[0])
                self.message_post(
                    body=self.env._(
                        "The network is provisioned but %(so)s could not be applied: %(error)s",
                        so=order.name,
                        error=error,
                    )
                )
                order.message_post(
                    body=self.env._(
                        "Provisioned by %(order)s, not applied: %(error)s",
                        order=self.name,
                        error=error,
                    )
                )
                order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Apply the provisioned change by hand"),
                    note=error,
                    user_id=self.create_uid.id,
                )

    def _telecom_on_failed(self):
        """The order failed and was compensated: so does its service order."""
        self.ensure_one()
        order = self.service_order_id
        if order and order.state in ("submitted", "in_progress"):
            order._telecom_mark_failed(self.error or self.env._("Provisioning failed"))

    # -- failure and compensation -------------------------------------------
    def _telecom_fail(self, error):
        """Stop the order and undo what its done tasks did, in reverse order."""
        self.ensure_one()
        self.write({"state": "compensating", "error": error})
        self.task_ids.filtered(lambda t: t.state in ("pending", "retry")).write(
            {"state": "skipped"}
        )
        self.message_post(
            body=self.env._("Provisioning failed: %(error)s. Compensating.", error=error)
        )
        self._telecom_schedule()

    def _telecom_compensate_next(self):
        task = self.task_ids.filtered(
            lambda t: (
                t.state == "done" and t.compensate and t.compensation_state in (False, "retry")
            )
        ).sorted(lambda t: (t.sequence, t.id), reverse=True)[:1]
        if not task:
            return self._telecom_compensated()
        outcome = task._telecom_run_compensation()
        if outcome == "retry":
            self._telecom_schedule(eta=task.next_attempt)
        else:
            self._telecom_schedule()
        return f"compensation of {task.name}: {outcome}"

    def _telecom_compensated(self):
        self.ensure_one()
        # whatever the order still holds goes back (also when a step had no undo)
        for records in self._telecom_resources().values():
            records.filtered(lambda r: r.state == "reserved")._telecom_release(
                note=self.env._("Released by the compensation of %(order)s", order=self.name)
            )
        broken = self.task_ids.filtered(lambda t: t.compensation_state == "failed")
        self.write({"state": "failed", "date_done": fields.Datetime.now()})
        if broken:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Undo by hand: the compensation of some tasks failed"),
                note=", ".join(broken.mapped("name")),
                user_id=self.create_uid.id,
            )
        self.message_post(body=self.env._("Compensation finished; the order failed."))
        self._telecom_on_failed()
        return f"{self.name} failed and compensated"

    def action_cancel(self):
        """Stop a running or waiting order; what was done is compensated."""
        self._telecom_check_groups("telecom_oss.group_telecom_provisioning")
        for order in self:
            if order.state == "draft":
                order.state = "cancelled"
            elif order.state in ("running", "waiting"):
                order._telecom_fail(self.env._("Cancelled by %(user)s", user=self.env.user.name))
            else:
                raise UserError(
                    self.env._(
                        "%(order)s is %(state)s: it cannot be cancelled.",
                        order=order.name,
                        state=order.state,
                    )
                )
        return True

    def action_requeue(self):
        """Queue the order's next step again (after an outage of the job runner)."""
        self._telecom_check_groups("telecom_oss.group_telecom_provisioning")
        for order in self.filtered(lambda o: o.state in ("running", "compensating")):
            order._telecom_schedule()
        return True

    def _telecom_backoff(self, task):
        """Seconds before the next attempt of ``task`` (exponential, max one hour)."""
        return min(task.retry_delay * 2 ** max(task.attempt_count - 1, 0), 3600)

    def _telecom_eta(self, seconds):
        return fields.Datetime.now() + timedelta(seconds=seconds)
