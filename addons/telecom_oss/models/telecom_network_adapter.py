# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Adapters: the only place where the suite talks to the network.

``rest`` and ``simulator`` adapters send the provisioning operations over HTTP
(``netclient.rest_client``); ``simulator`` speaks to ``tools/netsim`` and can drive
its behaviour controls. ``manual`` adapters turn every operation into a task a
person does by hand.

**What an adapter may reach** (engineers configure adapters; docs/security.md):

- ``https://`` with verified certificates, on any host an element manager lives
  on, except link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata),
  unspecified, multicast and reserved addresses, and, on this machine
  (loopback), Odoo's own HTTP ports and its database port;
- plain ``http://`` only on loopback (the simulator), elsewhere only when a
  manager ticks *Allow plain HTTP* on that adapter; certificates not verified
  only when a manager ticks *Allow unverified TLS*. An engineer changing the
  endpoint withdraws both;
- no credentials in the URL (the Token / password fields hold them);
- redirects are never followed (``RestClient``), and the host's addresses are
  checked again when a call is made (a name may resolve elsewhere later).
"""

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import config

from ..netclient.rest_client import AdapterError, RestClient, netsim_request

_logger = logging.getLogger(__name__)

ENGINEER = "telecom_oss.group_telecom_network_engineer"
MANAGER = "telecom_crm.group_telecom_manager"


def _never_reached(address):
    return (
        address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or (address.is_reserved and not address.is_loopback)
    )


def _own_ports():
    """Ports of this machine an adapter must never call: Odoo's and its database's."""
    ports = {int(config["http_port"] or 8069), int(config.get("gevent_port") or 8072)}
    ports.add(int(config["db_port"] or 5432))
    return ports


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
    allow_http = fields.Boolean(
        string="Allow plain HTTP",
        groups=MANAGER,
        tracking=True,
        copy=False,
        help="Managers only: this adapter may call an http:// endpoint off this machine "
        "(requests and secrets travel in clear). Withdrawn when someone else changes the "
        "endpoint.",
    )
    allow_unverified_tls = fields.Boolean(
        string="Allow unverified TLS",
        groups=MANAGER,
        tracking=True,
        copy=False,
        help="Managers only: this adapter may call an endpoint whose certificate is not "
        "verified. Withdrawn when someone else changes the endpoint.",
    )
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

    @api.constrains("adapter_type", "endpoint", "verify_tls", "allow_http", "allow_unverified_tls")
    def _check_endpoint(self):
        for adapter in self.sudo():
            if adapter.adapter_type not in ("rest", "simulator"):
                continue
            problem = adapter._telecom_endpoint_problem()
            if problem:
                raise ValidationError(problem)

    def write(self, vals):
        # a permission a manager gave is for the endpoint they saw: when anyone else
        # moves the adapter elsewhere, it is withdrawn (and the new endpoint checked)
        self.check_access("write")
        moved = self.env["telecom.network.adapter"]
        if "endpoint" in vals and not self.env.su and not self.env.user.has_group(MANAGER):
            moved = self.filtered(lambda a: a.endpoint != vals["endpoint"])
        res = super().write(vals)
        if moved:
            moved.sudo().write({"allow_http": False, "allow_unverified_tls": False})
        return res

    def _telecom_endpoint_problem(self, resolve=False):
        """Why this adapter may not call its endpoint (a sentence), or None.

        ``resolve``: also check the addresses the host name resolves to now.
        """
        self.ensure_one()
        adapter = self.sudo()
        name = adapter.name
        try:
            url = urlsplit(adapter.endpoint or "")
            port = url.port or (443 if url.scheme == "https" else 80)
        except ValueError:
            url, port = None, None
        if not url or url.scheme not in ("http", "https") or not url.hostname:
            return self.env._("%(adapter)s needs an http(s) endpoint.", adapter=name)
        if url.username or url.password:
            return self.env._(
                "%(adapter)s: no credentials in the endpoint; use the Token / password field.",
                adapter=name,
            )
        host = url.hostname
        addresses = []
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            if host.lower() == "localhost":
                addresses = [ipaddress.ip_address("127.0.0.1")]
            elif resolve:
                try:
                    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
                except OSError:
                    infos = []  # unreachable: the call itself says so
                addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        for address in addresses:
            if _never_reached(address):
                return self.env._(
                    "%(adapter)s: %(host)s (%(address)s) is not a network element's address.",
                    adapter=name,
                    host=host,
                    address=address,
                )
            if address.is_loopback and port in _own_ports():
                return self.env._(
                    "%(adapter)s: port %(port)s of this machine is Odoo's or its database's.",
                    adapter=name,
                    port=port,
                )
        local = bool(addresses) and all(address.is_loopback for address in addresses)
        if url.scheme == "http" and not local and not adapter.allow_http:
            return self.env._(
                "%(adapter)s: plain http:// off this machine needs a manager's permission "
                "(Allow plain HTTP); use https://.",
                adapter=name,
            )
        if url.scheme == "https" and not adapter.verify_tls and not adapter.allow_unverified_tls:
            return self.env._(
                "%(adapter)s: certificates not verified need a manager's permission "
                "(Allow unverified TLS).",
                adapter=name,
            )
        return None

    def _telecom_client(self):
        self.ensure_one()
        adapter = self.sudo()
        problem = adapter._telecom_endpoint_problem(resolve=True)
        if problem:
            raise AdapterError(problem)
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
