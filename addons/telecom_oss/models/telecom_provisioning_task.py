# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging

from jinja2 import TemplateError

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..netclient.rest_client import AdapterError
from .telecom_config import sandbox
from .telecom_provisioning_template import (
    HTTP_METHODS,
    NETWORK_COMPENSATION,
    OPERATIONS,
    RESOURCE_OPERATIONS,
)

_logger = logging.getLogger(__name__)

TASK_STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("retry", "Waiting to retry"),
    ("waiting", "Waiting (person / external system)"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
]
LOG_LIMIT = 20000


class TelecomProvisioningTask(models.Model):
    _name = "telecom.provisioning.task"
    _description = "Provisioning task"
    _order = "order_id, sequence, id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "telecom.provisioning.order", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    step_id = fields.Many2one("telecom.provisioning.template.step", ondelete="set null")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    operation = fields.Selection(OPERATIONS, required=True)
    adapter_id = fields.Many2one("telecom.network.adapter", ondelete="restrict")
    state = fields.Selection(TASK_STATES, required=True, default="pending", index=True)
    attempt_count = fields.Integer(readonly=True, copy=False)
    undo_attempt_count = fields.Integer(readonly=True, copy=False)
    max_retries = fields.Integer(default=3)
    retry_delay = fields.Integer(string="Retry delay (s)", default=60)
    next_attempt = fields.Datetime(readonly=True, copy=False)
    wait_callback = fields.Boolean(string="Waits for the result")
    compensate = fields.Boolean(default=True)
    optional = fields.Boolean(help="When it fails for good, the order goes on.")
    compensation_state = fields.Selection(
        [
            ("retry", "Retrying"),
            ("done", "Undone"),
            ("not_needed", "Nothing to undo"),
            ("failed", "Undo failed"),
        ],
        readonly=True,
        copy=False,
    )
    http_method = fields.Selection(HTTP_METHODS)
    path_template = fields.Char()
    payload_template = fields.Text()
    undo_method = fields.Selection(HTTP_METHODS)
    undo_path_template = fields.Char()
    user_id = fields.Many2one("res.users", string="Assigned to")
    instructions = fields.Text()
    reference = fields.Char(
        compute="_compute_reference",
        store=True,
        index=True,
        help="Sent as Idempotency-Key; external systems report results with it.",
    )
    external_ref = fields.Char(string="External reference", readonly=True, copy=False)
    request = fields.Json(readonly=True, copy=False)
    response = fields.Json(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    log = fields.Text(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = (("reference_unique", "unique(reference)", "A task reference is unique."),)

    @api.depends("order_id.name")
    def _compute_reference(self):
        for task in self:
            task.reference = f"{task.order_id.name}/{task.id}" if task.id else False

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        # the reference needs the id
        tasks._compute_reference()
        return tasks

    # -- logging -------------------------------------------------------------
    def _telecom_log(self, message):
        for task in self:
            line = f"{fields.Datetime.now()} {message}"
            task.log = ((task.log or "") + line + "\n")[-LOG_LIMIT:]

    # -- execution -----------------------------------------------------------
    def _telecom_execute(self):
        """Run the task once; return 'done', 'waiting', 'retry' or 'failed'."""
        self.ensure_one()
        self.write({"attempt_count": self.attempt_count + 1, "state": "running"})
        ctx = self.order_id._telecom_context()
        try:
            with self.env.cr.savepoint():
                outcome = self._telecom_perform(ctx)
        except AdapterError as err:
            return self._telecom_failed_attempt(str(err), err.retryable)
        except (UserError, ValidationError) as err:
            return self._telecom_failed_attempt(str(err.args[0]), False)
        if outcome == "waiting":
            self.write({"state": "waiting", "last_error": False})
            self._telecom_log(self.env._("attempt %(n)s: waiting", n=self.attempt_count))
            return "waiting"
        self._telecom_mark_done(self.env._("attempt %(n)s: done", n=self.attempt_count))
        return "done"

    def _telecom_mark_done(self, log_line):
        self.write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "last_error": False,
                "next_attempt": False,
            }
        )
        self._telecom_log(log_line)

    def _telecom_failed_attempt(self, error, retryable):
        order = self.order_id
        if retryable and self.attempt_count <= self.max_retries:
            delay = order._telecom_backoff(self)
            self.write(
                {
                    "state": "retry",
                    "last_error": error,
                    "next_attempt": order._telecom_eta(delay),
                }
            )
            self._telecom_log(
                self.env._(
                    "attempt %(n)s failed, retry in %(delay)s s: %(error)s",
                    n=self.attempt_count,
                    delay=delay,
                    error=error,
                )
            )
            return "retry"
        self.write({"state": "failed", "last_error": error, "next_attempt": False})
        self._telecom_log(
            self.env._(
                "attempt %(n)s failed for good: %(error)s", n=self.attempt_count, error=error
            )
        )
        return "failed"

    def _telecom_perform(self, ctx):
        """Do the work of the task; return 'done' or 'waiting'."""
        operation = self.operation
        if operation in RESOURCE_OPERATIONS:
            getattr(self, f"_telecom_do_{operation}")(ctx)
            return "done"
        if operation == "release_resources":
            self._telecom_do_release_resources(ctx)
            return "done"
        if operation == "manual" or (self.adapter_id.adapter_type == "manual"):
            self._telecom_ask_person()
            return "waiting"
        if operation == "notify_customer" and not self.adapter_id:
            self._telecom_notify_in_odoo(ctx)
            return "done"
        self._telecom_network_call(operation, ctx, self.reference)
        return "waiting" if self.wait_callback else "done"

    def _telecom_custom_request(self, ctx, undo=False):
        """(method, path, payload) of the step's own request templates, or None."""
        method = self.undo_method if undo else self.http_method
        path_template = self.undo_path_template if undo else self.path_template
        if not path_template:
            return None
        env = sandbox()
        try:
            path = env.from_string(path_template).render(ctx).strip()
            payload = None
            if self.payload_template and not undo:
                payload = json.loads(env.from_string(self.payload_template).render(ctx))
        except (TemplateError, ValueError) as exc:
            raise AdapterError(
                self.env._(
                    "%(task)s: the request template fails: %(error)s", task=self.name, error=exc
                )
            ) from exc
        if not path.startswith("/"):
            raise AdapterError(
                self.env._("%(task)s: the request path must start with '/'.", task=self.name)
            )
        return method or ("DELETE" if undo else "POST"), path, payload

    def _telecom_network_call(self, operation, ctx, key, undo=False):
        if not self.adapter_id:
            raise AdapterError(self.env._("The task %(task)s has no adapter.", task=self.name))
        custom = self._telecom_custom_request(ctx, undo=undo)
        try:
            if custom:
                method, path, payload = custom
                result = self.adapter_id._telecom_request(
                    method,
                    path,
                    payload,
                    idempotency_key=key,
                    accept_status=(404,) if method == "DELETE" else (),
                )
            else:
                result = self.adapter_id._telecom_call(operation, ctx, idempotency_key=key)
        except AdapterError as err:
            self.write({"response": {"error": str(err), "status": err.status}})
            raise
        data = result.get("data")
        vals = {"response": {"status": result["status"], "data": data}}
        if isinstance(data, dict) and data.get("ref"):
            vals["external_ref"] = data["ref"]
        self.write(vals)
        self._telecom_log(
            self.env._(
                "%(op)s: HTTP %(status)s after %(attempts)s call(s)%(replayed)s",
                op=operation,
                status=result["status"],
                attempts=result["attempts"],
                replayed=self.env._(" (replayed)") if result.get("replayed") else "",
            )
        )
        return result

    def _telecom_ask_person(self):
        order = self.order_id
        user = self.user_id or self.adapter_id.manual_user_id or order.create_uid
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Provisioning: %(task)s", task=self.name),
            note=self.instructions or "",
            user_id=user.id,
        )

    def _telecom_notify_in_odoo(self, ctx):
        partner = self.order_id.partner_id
        if partner:
            partner.message_post(body=ctx.get("message") or "", message_type="comment")

    # -- resource operations -------------------------------------------------
    def _telecom_step_or_default(self, field):
        return self.step_id[field] if self.step_id else False

    def _telecom_do_reserve_number(self, ctx):
        order = self.order_id
        Number = self.env["telecom.number"]
        holder = order._telecom_holder()
        if ctx.get("number_id"):
            number = Number.browse(ctx["number_id"]).exists()
            if number and number.state == "reserved" and number.provisioning_order_id == order:
                return number  # already ours (the task runs again after a crash)
        wanted = ctx.get("requested_number")
        if wanted:
            number = Number.search(
                [("name", "=", wanted), ("company_id", "=", order.company_id.id)], limit=1
            )
            if not number:
                if not ctx.get("port_in"):
                    # an arbitrary number: only as a port-in, when we keep pools
                    Number._telecom_check_ours(wanted, order.company_id, order.name)
                # not one of our ranges (a ported-in number): used as it is
                order._telecom_set_values(msisdn=wanted)
                self._telecom_log(
                    self.env._("number %(number)s is not in a pool (ported in?)", number=wanted)
                )
                return Number
            number._telecom_reserve(partner=order.partner_id, order=order, holder=holder)
        else:
            pools = self._telecom_step_or_default("number_pool_id") or self.env[
                "telecom.number.pool"
            ].search([("company_id", "=", order.company_id.id), ("number_type", "=", "msisdn")])
            number = Number._telecom_allocate(
                pools, partner=order.partner_id, order=order, holder=holder
            )
        order._telecom_set_values(number_id=number.id, msisdn=number.name)
        self._telecom_log(self.env._("number %(number)s reserved", number=number.name))
        return number

    def _telecom_do_allocate_sim(self, ctx):
        order = self.order_id
        Sim = self.env["telecom.sim.card"]
        if ctx.get("sim_id"):
            sim = Sim.browse(ctx["sim_id"]).exists()
            if sim and sim.state == "reserved" and sim.provisioning_order_id == order:
                return sim
        wanted = ctx.get("requested_iccid")
        if wanted:
            sim = Sim.search(
                [("iccid", "=", wanted), ("company_id", "=", order.company_id.id)], limit=1
            )
            if not sim:
                raise UserError(self.env._("The SIM card %(iccid)s is not in stock.", iccid=wanted))
            sim._telecom_reserve(
                partner=order.partner_id, order=order, holder=order._telecom_holder()
            )
            if ctx.get("number_id"):
                sim.number_id = ctx["number_id"]
            order._telecom_set_values(sim_id=sim.id, iccid=sim.iccid, imsi=sim.imsi)
            self._telecom_log(self.env._("SIM %(iccid)s reserved", iccid=sim.iccid))
            return sim
        sim = Sim._telecom_allocate(
            order.company_id,
            partner=order.partner_id,
            order=order,
            holder=order._telecom_holder(),
            sim_type=self._telecom_step_or_default("sim_type") or None,
        )
        if ctx.get("number_id"):
            sim.number_id = ctx["number_id"]
        order._telecom_set_values(sim_id=sim.id, iccid=sim.iccid, imsi=sim.imsi)
        self._telecom_log(self.env._("SIM %(iccid)s reserved", iccid=sim.iccid))
        return sim

    def _telecom_do_allocate_ip(self, ctx):
        order = self.order_id
        pool = self._telecom_step_or_default("ip_pool_id") or self.env["telecom.ip.pool"].search(
            [("company_id", "=", order.company_id.id), ("purpose", "=", "customer")], limit=1
        )
        if not pool:
            raise UserError(self.env._("No customer IP pool to allocate from."))
        prefix = pool._telecom_allocate(
            prefix_len=self._telecom_step_or_default("prefix_len") or None,
            partner=order.partner_id,
            order=order,
            holder=order._telecom_holder(),
        )
        ids = list((order.values or {}).get("ip_prefix_ids") or [])
        order._telecom_set_values(ip_prefix_ids=ids + [prefix.id], ip=prefix.name)
        self._telecom_log(self.env._("IP %(ip)s reserved", ip=prefix.name))
        return prefix

    def _telecom_do_allocate_cpe(self, ctx):
        order = self.order_id
        cpe = self.env["telecom.cpe"]._telecom_allocate(
            order.company_id,
            partner=order.partner_id,
            order=order,
            holder=order._telecom_holder(),
            cpe_type=self._telecom_step_or_default("cpe_type") or None,
        )
        config = "\n".join(
            line
            for line in (
                f"service {ctx.get('service_id') or order.name}",
                f"profile {ctx['data_profile']}" if ctx.get("data_profile") else "",
                f"wan-ip {ctx['ip']}" if ctx.get("ip") else "",
            )
            if line
        )
        order._telecom_set_values(cpe_id=cpe.id, serial=cpe.serial, cpe_config=config)
        self._telecom_log(self.env._("CPE %(serial)s reserved", serial=cpe.serial))
        return cpe

    def _telecom_do_reserve_port(self, ctx):
        """Room on an access port of the element that serves the customer (chosen at
        sale by serviceability: ``access_element_id``)."""
        order = self.order_id
        if ctx.get("port_id"):
            return self.env["telecom.network.port"].browse(ctx["port_id"])  # already taken
        element = self.env["telecom.network.element"].browse(ctx.get("access_element_id"))
        if not element.exists():
            raise UserError(self.env._("No access element chosen for this service: set one first."))
        port = self.env["telecom.network.port"]._telecom_take(element)
        order._telecom_set_values(port_id=port.id, port=port.name, element=element.name)
        self._telecom_log(self.env._("port %(port)s taken", port=port.display_name))
        return port

    def _telecom_do_release_resources(self, ctx):
        """Give back what the service held (numbers age in quarantine)."""
        order = self.order_id
        released = 0
        for records in order._telecom_release_targets().values():
            records._telecom_release(
                note=self.env._(
                    "Released by %(order)s (%(action)s)", order=order.name, action=order.action
                )
            )
            released += len(records)
        order._telecom_release_access()
        self._telecom_log(self.env._("%(count)s resource(s) released", count=released))

    # -- compensation --------------------------------------------------------
    def _telecom_run_compensation(self):
        """Undo a done task; return 'done', 'retry' or 'failed'."""
        self.ensure_one()
        order = self.order_id
        operation = self.operation
        try:
            with self.env.cr.savepoint():
                if operation in RESOURCE_OPERATIONS:
                    self._telecom_release_own(operation)
                    state = "done"
                elif operation in NETWORK_COMPENSATION and self.adapter_id.adapter_type in (
                    "rest",
                    "simulator",
                ):
                    undo = NETWORK_COMPENSATION[operation]
                    if self.path_template and not self.undo_path_template:
                        # a custom request without its custom undo: nothing we can send
                        state = "not_needed"
                    else:
                        self._telecom_network_call(
                            undo, order._telecom_context(), f"{self.reference}/undo", undo=True
                        )
                        state = "done"
                elif self.undo_path_template and self.adapter_id.adapter_type != "manual":
                    self._telecom_network_call(
                        operation, order._telecom_context(), f"{self.reference}/undo", undo=True
                    )
                    state = "done"
                else:
                    state = "not_needed"
        except AdapterError as err:
            self.undo_attempt_count += 1
            if err.retryable and self.undo_attempt_count <= self.max_retries:
                delay = min(self.retry_delay * 2 ** (self.undo_attempt_count - 1), 3600)
                self.write(
                    {
                        "compensation_state": "retry",
                        "next_attempt": order._telecom_eta(delay),
                        "last_error": str(err),
                    }
                )
                self._telecom_log(
                    self.env._(
                        "undo failed, retry in %(delay)s s: %(error)s", delay=delay, error=err
                    )
                )
                return "retry"
            self.write({"compensation_state": "failed", "last_error": str(err)})
            self._telecom_log(self.env._("undo failed for good: %(error)s", error=err))
            return "failed"
        self.compensation_state = state
        self._telecom_log(self.env._("compensation: %(state)s", state=state))
        return state

    def _telecom_release_own(self, operation):
        if operation == "reserve_port":
            port = self.order_id._telecom_port()
            if port:
                port._telecom_give_back()
                self.order_id._telecom_set_values(port_id=False)
            return
        key = {
            "reserve_number": "number_id",
            "allocate_sim": "sim_id",
            "allocate_ip": "ip_prefix_ids",
            "allocate_cpe": "cpe_id",
        }[operation]
        records = self.order_id._telecom_resources().get(
            {
                "number_id": "telecom.number",
                "sim_id": "telecom.sim.card",
                "ip_prefix_ids": "telecom.ip.prefix",
                "cpe_id": "telecom.cpe",
            }[key]
        )
        if records:
            records.filtered(lambda r: r.state in ("reserved", "assigned"))._telecom_release(
                note=self.env._("Compensation of %(order)s", order=self.order_id.name)
            )

    # -- people and external systems -----------------------------------------
    def action_mark_done(self):
        """A person did the task (or confirms the external system did)."""
        self._telecom_check_groups("telecom_oss.group_telecom_provisioning")
        for task in self:
            if task.state not in ("waiting", "failed"):
                raise UserError(self.env._("%(task)s is not waiting for anyone.", task=task.name))
            if task.state == "failed" and task.order_id.state != "running":
                raise UserError(self.env._("The order of %(task)s has stopped.", task=task.name))
            task._telecom_mark_done(self.env._("done by %(user)s", user=self.env.user.name))
        self.order_id._telecom_resume()
        return True

    def action_mark_failed(self):
        self._telecom_check_groups("telecom_oss.group_telecom_provisioning")
        for task in self:
            if task.state != "waiting":
                raise UserError(self.env._("%(task)s is not waiting for anyone.", task=task.name))
            task.write({"state": "failed", "last_error": self.env._("Failed (reported by hand)")})
            task._telecom_log(self.env._("failed, reported by %(user)s", user=self.env.user.name))
            task.order_id.state = "running"
            task.order_id._telecom_fail(
                self.env._("%(task)s failed (reported by hand)", task=task.name)
            )
        return True

    @api.model
    def _telecom_report(self, reference, status, message=None, data=None, companies=None):
        """An external system reports the result of a waiting task (idempotent).

        ``companies``: the reporter's companies; a task of another company is unknown.
        """
        if status not in ("done", "failed"):
            raise UserError(self.env._("status must be 'done' or 'failed', not %(s)r.", s=status))
        domain = [("reference", "=", reference)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        task = self.search(domain, limit=1)
        if not task:
            raise UserError(self.env._("No provisioning task %(ref)s.", ref=reference))
        if task.state == status:
            return task._telecom_report_answer(duplicate=True)
        if task.state != "waiting":
            raise UserError(
                self.env._(
                    "The task %(ref)s is %(state)s and waits for no report.",
                    ref=reference,
                    state=task.state,
                )
            )
        vals = {"response": {"reported": status, "message": message, "data": data}}
        if isinstance(data, dict) and data.get("ref"):
            vals["external_ref"] = str(data["ref"])
        task.write(vals)
        if status == "done":
            task._telecom_mark_done(self.env._("reported done: %(msg)s", msg=message or ""))
            task.order_id._telecom_resume()
        else:
            error = message or self.env._("reported failed")
            task.write({"state": "failed", "last_error": error})
            task._telecom_log(self.env._("reported failed: %(msg)s", msg=error))
            task.order_id.state = "running"
            task.order_id._telecom_fail(
                self.env._("%(task)s failed: %(error)s", task=task.name, error=error)
            )
        return task._telecom_report_answer(duplicate=False)

    def _telecom_report_answer(self, duplicate):
        self.ensure_one()
        return {
            "reference": self.reference,
            "task_state": self.state,
            "order": self.order_id.name,
            "order_state": self.order_id.state,
            "duplicate": duplicate,
        }
