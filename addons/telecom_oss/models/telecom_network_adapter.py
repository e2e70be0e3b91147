# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Adapters: the only place where the suite talks to the network.

``rest`` and ``simulator`` adapters send the provisioning operations over HTTP
(``netclient.rest_client``); ``simulator`` speaks to ``tools/netsim`` and can drive
its behaviour controls. ``manual`` adapters turn every operation into a task a
person does by hand.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..netclient.rest_client import AdapterError, RestClient, netsim_request

_logger = logging.getLogger(__name__)

ENGINEER = "telecom_oss.group_telecom_network_engineer"


class TelecomNetworkAdapter(models.Model):
    _name = "telecom.network.adapter"
    _description = "Network adapter (element manager / northbound API)"
    _inherit = ("mail.thread",)
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    adapter_type = fields.Selection(
        [
            ("rest", "REST API"),
            ("simulator", "Network simulator"),
            ("manual", "Manual (done by a person)"),
        ],
        required=True,
        default="rest",
        tracking=True,
    )
    endpoint = fields.Char(tracking=True, help="Base URL, e.g. https://hss.example.net:8443")
    auth_type = fields.Selection(
        [
            ("none", "None"),
            ("bearer", "Bearer token"),
            ("api_key", "API key header"),
            ("basic", "HTTP basic"),
        ],
        required=True,
        default="none",
    )
    username = fields.Char(groups=ENGINEER)
    secret = fields.Char(string="Token / password", groups=ENGINEER, copy=False)
    api_key_header = fields.Char(default="X-API-Key")
    timeout = fields.Float(string="Timeout (s)", default=10.0, required=True)
    max_attempts = fields.Integer(
        string="Attempts per call",
        default=3,
        required=True,
        help="HTTP attempts within one task run for transient errors (timeouts, 5xx, 429),"
        " with exponential backoff between them.",
    )
    backoff_factor = fields.Float(
        string="Backoff (s)", default=0.5, required=True, help="Wait after the first failure;"
    )
    backoff_max = fields.Float(string="Max backoff (s)", default=30.0, required=True)
    verify_tls = fields.Boolean(string="Verify TLS certificates", default=True)
    manual_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        help="Manual adapters: who gets the tasks to do by hand.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the adapter between companies."
    )
    active = fields.Boolean(default=True)
    note = fields.Text()

    _sql_constraints = (
        ("timeout_positive", "CHECK (timeout > 0)", "The timeout must be positive."),
        ("attempts_positive", "CHECK (max_attempts >= 1)", "At least one attempt per call."),
        (
            "backoff_positive",
            "CHECK (backoff_factor >= 0 AND backoff_max >= 0)",
            "Backoff times cannot be negative.",
        ),
    )

    @api.constrains("adapter_type", "endpoint")
    def _check_endpoint(self):
        for adapter in self:
            if adapter.adapter_type in ("rest", "simulator") and not (
                adapter.endpoint or ""
            ).startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._("%(adapter)s needs an http(s) endpoint.", adapter=adapter.name)
                )

    def _telecom_client(self):
        self.ensure_one()
        adapter = self.sudo()
        return RestClient(
            adapter.endpoint,
            auth_type=adapter.auth_type,
            username=adapter.username,
            secret=adapter.secret,
            api_key_header=adapter.api_key_header,
            timeout=adapter.timeout,
            max_attempts=adapter.max_attempts,
            backoff_factor=adapter.backoff_factor,
            backoff_max=adapter.backoff_max,
            verify=adapter.verify_tls,
        )

    def _telecom_call(self, operation, ctx, idempotency_key=None):
        """Run a network operation; return the answer dict, raise ``AdapterError``."""
        self.ensure_one()
        if self.adapter_type == "manual":
            raise AdapterError(self.env._("%(adapter)s is a manual adapter.", adapter=self.name))
        method, path, payload, accept = netsim_request(operation, ctx)
        _logger.info("adapter %s: %s %s (key %s)", self.name, method, path, idempotency_key)
        return self._telecom_client().request(
            method, path, payload, idempotency_key=idempotency_key, accept_status=accept
        )

    def _telecom_request(self, method, path, payload=None, idempotency_key=None, accept_status=()):
        """One custom request (a step's own templates); ``AdapterError`` on failure."""
        self.ensure_one()
        if self.adapter_type == "manual":
            raise AdapterError(self.env._("%(adapter)s is a manual adapter.", adapter=self.name))
        _logger.info("adapter %s: %s %s (key %s)", self.name, method, path, idempotency_key)
        return self._telecom_client().request(
            method, path, payload, idempotency_key=idempotency_key, accept_status=accept_status
        )

    def action_test_connection(self):
        """Ask the endpoint's health URL (simulator) or its root (REST)."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        self.ensure_one()
        if self.adapter_type == "manual":
            raise UserError(self.env._("A manual adapter has nothing to connect to."))
        path = "/health" if self.adapter_type == "simulator" else "/"
        try:
            result = self._telecom_client().request("GET", path, accept_status=(404,))
        except AdapterError as err:
            raise UserError(
                self.env._("%(adapter)s does not answer: %(error)s", adapter=self.name, error=err)
            ) from err
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(adapter)s answered HTTP %(status)s.",
                    adapter=self.name,
                    status=result["status"],
                ),
            },
        }

    def _telecom_simulator_control(self, method, path, payload=None):
        """Drive the simulator's behaviour controls (tests and demos)."""
        self.ensure_one()
        if self.adapter_type != "simulator":
            raise UserError(self.env._("Only the network simulator has behaviour controls."))
        client = self._telecom_client()
        client.max_attempts = 1
        return client.request(method, path, payload)["data"]
