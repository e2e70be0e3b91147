# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Network configuration: templates rendered from the inventory in a sandbox, the
intended configuration of each element, versions (backups taken through the
element's adapter), diffs, rollback, and compliance (running != intended)."""

import hashlib
import logging

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from ..netclient.rest_client import AdapterError
from .telecom_network_element import ELEMENT_TYPES

_logger = logging.getLogger(__name__)

CHANNEL = "root.telecom_oss"
MAX_RENDERED = 2 * 1024 * 1024


def normalise_config(text):
    """Configuration text compared for compliance: line endings, trailing blanks."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def checksum(text):
    return hashlib.sha256(normalise_config(text).encode()).hexdigest()


def sandbox():
    """A Jinja environment that cannot reach Python internals or the ORM."""
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


class TelecomConfigTemplate(models.Model):
    _name = "telecom.config.template"
    _description = "Network configuration template"
    _inherit = ("mail.thread",)
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    element_type = fields.Selection(ELEMENT_TYPES, required=True, index=True)
    vendor_id = fields.Many2one(
        "telecom.network.vendor", index=True, help="Empty: any vendor without its own template."
    )
    body = fields.Text(
        required=True,
        tracking=True,
        help="Jinja template (sandboxed). Variables: element, site, parent, ports, children,"
        " pools, company.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the template between companies."
    )
    active = fields.Boolean(default=True)

    @api.constrains("body")
    def _check_body(self):
        for template in self:
            try:
                sandbox().parse(template.body or "")
            except TemplateError as exc:
                raise UserError(
                    self.env._(
                        "%(name)s: the template does not parse: %(error)s",
                        name=template.name,
                        error=exc,
                    )
                ) from exc

    @api.model
    def _telecom_find(self, element):
        candidates = self.search(
            [
                ("element_type", "=", element.element_type),
                ("company_id", "in", (False, element.company_id.id)),
            ]
        )
        own = candidates.filtered(lambda t: t.vendor_id and t.vendor_id == element.vendor_id)
        return (own or candidates.filtered(lambda t: not t.vendor_id))[:1]

    def _telecom_render(self, element):
        """The configuration this template gives ``element`` (plain data in, text out)."""
        self.ensure_one()
        try:
            text = sandbox().from_string(self.body).render(element._telecom_config_context())
        except TemplateError as exc:
            raise UserError(
                self.env._(
                    "The template %(template)s cannot render %(element)s: %(error)s",
                    template=self.name,
                    element=element.name,
                    error=exc,
                )
            ) from exc
        if len(text) > MAX_RENDERED:
            raise UserError(self.env._("The rendered configuration is too large."))
        return text


class TelecomConfigVersion(models.Model):
    _name = "telecom.config.version"
    _description = "Configuration version of a network element"
    _order = "element_id, version desc, id desc"
    _check_company_auto = True

    element_id = fields.Many2one(
        "telecom.network.element", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="element_id.company_id", store=True, index=True)
    version = fields.Integer(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("intended", "Intended (rendered)"),
            ("backup", "Backup (running)"),
            ("manual", "Manual"),
        ],
        required=True,
        readonly=True,
    )
    content = fields.Text(readonly=True)
    checksum = fields.Char(readonly=True, index=True)
    template_id = fields.Many2one("telecom.config.template", readonly=True, ondelete="set null")
    note = fields.Char()
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)

    _sql_constraints = (
        (
            "version_unique",
            "unique(element_id, kind, version)",
            "A version number is unique per element and kind.",
        ),
    )

    @api.depends("element_id.name", "kind", "version")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"].selection)
        for version in self:
            version.display_name = (
                f"{version.element_id.name} {labels.get(version.kind)} v{version.version}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        for vals in vals_list:
            vals["checksum"] = checksum(vals.get("content"))
            if not vals.get("version"):
                last = self.search(
                    [("element_id", "=", vals["element_id"]), ("kind", "=", vals["kind"])],
                    order="version desc",
                    limit=1,
                )
                vals["version"] = last.version + 1
        return super().create(vals_list)

    def action_rollback(self):
        """Push this version back to the element (in a job), then take a backup."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        self.ensure_one()
        element = self.element_id
        element._telecom_check_adapter()
        element.sudo().with_delay(
            channel=CHANNEL,
            description=self.env._(
                "Rollback of %(element)s to %(version)s",
                element=element.name,
                version=self.display_name,
            ),
        )._telecom_job_push(self.content, note=self.env._("Rollback to %(v)s", v=self.display_name))
        return True

    def action_compare(self):
        """Open the diff between this version and another."""
        self._telecom_check_groups("telecom_oss.group_telecom_noc")
        self.ensure_one()
        other = self.search(
            [("element_id", "=", self.element_id.id), ("id", "!=", self.id)],
            order="date desc, id desc",
            limit=1,
        )
        wizard = self.env["telecom.config.diff"].create(
            {"version_a_id": (other or self).id, "version_b_id": self.id}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "telecom.config.diff",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }


class TelecomNetworkElement(models.Model):
    _inherit = "telecom.network.element"

    adapter_id = fields.Many2one(
        "telecom.network.adapter",
        string="Management adapter",
        check_company=True,
        help="How the suite reaches this element (configuration, backups).",
    )
    config_template_id = fields.Many2one(
        "telecom.config.template",
        compute="_compute_config_template_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    intended_config = fields.Text(readonly=True, copy=False)
    config_version_ids = fields.One2many("telecom.config.version", "element_id")
    config_state = fields.Selection(
        [("unknown", "Not checked"), ("compliant", "Compliant"), ("drift", "Drift")],
        string="Compliance",
        default="unknown",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    config_checked_date = fields.Datetime(readonly=True, copy=False)
    running_version_id = fields.Many2one(
        "telecom.config.version", string="Last backup", readonly=True, copy=False
    )

    @api.depends("element_type", "vendor_id", "company_id")
    def _compute_config_template_id(self):
        Template = self.env["telecom.config.template"]
        for element in self:
            if element.element_type:
                element.config_template_id = Template._telecom_find(element)
            else:
                element.config_template_id = False

    def _telecom_config_context(self):
        """Plain data the configuration templates see (no records, no methods)."""
        self.ensure_one()
        site = self.site_id
        links = self.env["telecom.network.link"].search(
            ["|", ("port_a_id", "in", self.port_ids.ids), ("port_b_id", "in", self.port_ids.ids)]
        )
        remote = {}
        for link in links:
            remote[link.port_a_id.id] = link.port_b_id
            remote[link.port_b_id.id] = link.port_a_id
        pools = self.env["telecom.ip.pool"].search([("element_id", "=", self.id)])
        return {
            "element": {
                "name": self.name,
                "type": self.element_type,
                "vendor": self.vendor_id.name or "",
                "vendor_code": self.vendor_id.code or "",
                "model": self.model or "",
                "serial": self.serial or "",
                "firmware": self.firmware_version or "",
                "management_ip": self.management_ip or "",
                "role": self.role or "",
                "status": self.status,
            },
            "site": {
                "code": site.code or "",
                "name": site.name or "",
                "city": site.city or "",
                "latitude": site.latitude or 0.0,
                "longitude": site.longitude or 0.0,
            },
            "parent": {
                "name": self.parent_id.name or "",
                "management_ip": self.parent_id.management_ip or "",
            },
            "ports": [
                {
                    "name": port.name,
                    "type": port.port_type,
                    "speed_mbps": port.speed_mbps or 0,
                    "status": port.status,
                    "description": port.description or "",
                    "remote_element": remote[port.id].element_id.name if port.id in remote else "",
                    "remote_port": remote[port.id].name if port.id in remote else "",
                }
                for port in self.port_ids.sorted(lambda p: (p.sequence, p.name))
            ],
            "children": self.child_ids.mapped("name"),
            "pools": [
                {"name": pool.name, "network": pool.network, "purpose": pool.purpose}
                for pool in pools
            ],
            "company": self.company_id.name,
        }

    # -- intended configuration -------------------------------------------------
    def action_render_intended(self):
        """Render the intended configuration from the inventory; keep it as a version."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        for element in self:
            template = element.config_template_id
            if not template:
                raise UserError(
                    self.env._("%(element)s has no configuration template.", element=element.name)
                )
            text = template._telecom_render(element)
            if normalise_config(text) != normalise_config(element.intended_config):
                element.intended_config = text
                self.env["telecom.config.version"].create(
                    {
                        "element_id": element.id,
                        "kind": "intended",
                        "content": text,
                        "template_id": template.id,
                    }
                )
            element._telecom_check_compliance()
        return True

    def _telecom_check_compliance(self):
        for element in self:
            running = element.running_version_id
            if not element.intended_config or not running:
                state = "unknown"
            elif checksum(element.intended_config) == running.checksum:
                state = "compliant"
            else:
                state = "drift"
            element.write({"config_state": state, "config_checked_date": fields.Datetime.now()})

    # -- through the adapter (jobs) ----------------------------------------------
    def _telecom_check_adapter(self):
        for element in self:
            if not element.adapter_id or element.adapter_id.adapter_type == "manual":
                raise UserError(
                    self.env._("%(element)s has no adapter to reach it.", element=element.name)
                )

    def action_backup(self):
        """Take a backup of the running configuration (in a job)."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        self._telecom_check_adapter()
        for element in self:
            element.sudo().with_delay(
                channel=CHANNEL,
                description=self.env._("Configuration backup of %(element)s", element=element.name),
            )._telecom_job_backup()
        return True

    def action_push_intended(self):
        """Send the intended configuration to the element (in a job), then back it up."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        self._telecom_check_adapter()
        for element in self:
            if not element.intended_config:
                raise UserError(
                    self.env._(
                        "%(element)s has no intended configuration yet.", element=element.name
                    )
                )
            element.sudo().with_delay(
                channel=CHANNEL,
                description=self.env._(
                    "Push the intended configuration of %(element)s", element=element.name
                ),
            )._telecom_job_push(element.intended_config, note=self.env._("Intended configuration"))
        return True

    def _telecom_adapter_call(self, operation, **ctx):
        self.ensure_one()
        try:
            return self.adapter_id._telecom_call(operation, dict(ctx, element=self.name))
        except AdapterError as err:
            if err.retryable:
                raise RetryableJobError(str(err), seconds=60) from err
            raise UserError(
                self.env._("%(element)s: %(error)s", element=self.name, error=err)
            ) from err

    def _telecom_job_backup(self):
        """Job: fetch the running configuration; a new version only when it changed."""
        self.ensure_one()
        result = self._telecom_adapter_call("config_backup")
        data = result.get("data") or {}
        content = data.get("config") if isinstance(data, dict) else None
        if not isinstance(content, str):
            raise UserError(
                self.env._("%(element)s: the backup has no configuration.", element=self.name)
            )
        last = self.running_version_id
        if not last or last.checksum != checksum(content):
            self.running_version_id = self.env["telecom.config.version"].create(
                {
                    "element_id": self.id,
                    "kind": "backup",
                    "content": content,
                    "note": data.get("ref") or "",
                }
            )
        self._telecom_check_compliance()
        return self.config_state

    def _telecom_job_push(self, content, note=None):
        """Job: send a configuration to the element, then back it up."""
        self.ensure_one()
        self._telecom_adapter_call("config_push", config=content)
        self.message_post(body=self.env._("Configuration pushed: %(note)s", note=note or ""))
        return self._telecom_job_backup()

    @api.model
    def _cron_backup_configurations(self, limit=500):
        """Queue the nightly backups of elements reachable through an adapter."""
        elements = self.search(
            [
                ("adapter_id.adapter_type", "in", ("rest", "simulator")),
                ("status", "not in", ("planned", "decommissioned")),
            ],
            order="config_checked_date asc nulls first, id",
            limit=limit,
        )
        for element in elements:
            element.with_delay(channel=CHANNEL, identity_key=identity_exact)._telecom_job_backup()
        return len(elements)
