# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

PORT_TYPES = [
    ("ethernet", "Ethernet"),
    ("sfp", "SFP / optical"),
    ("gpon", "GPON"),
    ("xgspon", "XGS-PON"),
    ("dsl", "DSL"),
    ("radio", "Radio sector"),
    ("e1", "E1/T1"),
    ("virtual", "Virtual / logical"),
]
PORT_STATUS = [
    ("free", "Free"),
    ("reserved", "Reserved"),
    ("in_use", "In use"),
    ("faulty", "Faulty"),
    ("disabled", "Disabled"),
]


class TelecomNetworkPort(models.Model):
    _name = "telecom.network.port"
    _description = "Port / interface of a network element"
    _order = "element_id, sequence, name, id"
    _rec_names_search = ("name", "element_id.name")
    _check_company_auto = True

    element_id = fields.Many2one(
        "telecom.network.element", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(required=True, help="Interface name as the element knows it.")
    sequence = fields.Integer(default=10)
    port_type = fields.Selection(PORT_TYPES, required=True, default="ethernet")
    speed_mbps = fields.Integer(string="Speed (Mbit/s)")
    status = fields.Selection(PORT_STATUS, required=True, default="free", index=True)
    capacity = fields.Integer(
        compute="_compute_capacity",
        store=True,
        readonly=False,
        help="Services the port carries at most: 1 for DSL or Ethernet, 64 (or 128) on a"
        " PON port shared through splitters.",
    )
    used_count = fields.Integer(string="Services", readonly=True, copy=False)
    description = fields.Char()
    site_id = fields.Many2one(related="element_id.site_id", store=True, index=True)
    company_id = fields.Many2one(
        related="element_id.company_id", store=True, index=True, precompute=True
    )
    link_id = fields.Many2one("telecom.network.link", compute="_compute_link")
    remote_port_id = fields.Many2one("telecom.network.port", compute="_compute_link")

    _sql_constraints = (
        (
            "name_element_unique",
            "unique(element_id, name)",
            "A port name must be unique on its element.",
        ),
        (
            "speed_positive",
            "CHECK (speed_mbps IS NULL OR speed_mbps >= 0)",
            "A port speed cannot be negative.",
        ),
    )

    @api.depends("name", "element_id.name")
    def _compute_display_name(self):
        for port in self:
            port.display_name = f"{port.element_id.name}:{port.name}"

    @api.depends("port_type")
    def _compute_capacity(self):
        for port in self:
            port.capacity = 64 if port.port_type in ("gpon", "xgspon") else 1

    # -- services on the port ------------------------------------------------
    @api.model
    def _telecom_take(self, element):
        """Take room for one service on the first port of ``element`` that has some.

        The port row is locked (FOR UPDATE) so two orders never fill the same last
        place; under repeatable read the second one is retried."""
        self.flush_model(["status", "element_id", "port_type", "used_count", "capacity"])
        # raw SQL: the row lock is not expressible through the ORM
        self.env.cr.execute(
            """
            SELECT id FROM telecom_network_port
             WHERE element_id = %s AND status IN ('free', 'in_use')
               AND port_type IN ('gpon', 'xgspon', 'dsl', 'ethernet')
               AND coalesce(used_count, 0) < greatest(coalesce(capacity, 1), 1)
             ORDER BY sequence, name, id
             LIMIT 1
             FOR UPDATE
            """,
            [element.id],
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(
                self.env._("%(element)s has no free access port.", element=element.name)
            )
        port = self.browse(row[0])
        port.write({"used_count": port.used_count + 1, "status": "in_use"})
        return port

    def _telecom_give_back(self):
        """A service left the port."""
        for port in self:
            used = max(port.used_count - 1, 0)
            vals = {"used_count": used}
            if not used and port.status == "in_use":
                vals["status"] = "free"
            port.write(vals)

    def _compute_link(self):
        Link = self.env["telecom.network.link"]
        links = Link.search(["|", ("port_a_id", "in", self.ids), ("port_b_id", "in", self.ids)])
        by_port = {}
        for link in links:
            by_port[link.port_a_id.id] = (link, link.port_b_id)
            by_port[link.port_b_id.id] = (link, link.port_a_id)
        for port in self:
            link, remote = by_port.get(port.id, (Link, self.browse()))
            port.link_id = link
            port.remote_port_id = remote


class TelecomNetworkLink(models.Model):
    _name = "telecom.network.link"
    _description = "Link between two ports (topology)"
    _order = "id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    port_a_id = fields.Many2one(
        "telecom.network.port",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    port_b_id = fields.Many2one(
        "telecom.network.port",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    element_a_id = fields.Many2one(
        related="port_a_id.element_id", store=True, index=True, string="Element A"
    )
    element_b_id = fields.Many2one(
        related="port_b_id.element_id", store=True, index=True, string="Element B"
    )
    link_type = fields.Selection(
        [
            ("fiber", "Fibre"),
            ("copper", "Copper"),
            ("microwave", "Microwave"),
            ("logical", "Logical"),
        ],
        required=True,
        default="fiber",
    )
    capacity_mbps = fields.Integer(string="Capacity (Mbit/s)")
    status = fields.Selection(
        [("planned", "Planned"), ("active", "Active"), ("down", "Down")],
        required=True,
        default="active",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = (
        ("distinct_ports", "CHECK (port_a_id != port_b_id)", "A link joins two different ports."),
    )

    @api.depends("port_a_id.display_name", "port_b_id.display_name")
    def _compute_name(self):
        for link in self:
            link.name = f"{link.port_a_id.display_name} ↔ {link.port_b_id.display_name}"

    @api.constrains("port_a_id", "port_b_id")
    def _check_one_link_per_port(self):
        ports = self.port_a_id | self.port_b_id
        # Touch the ports' rows: a second transaction linking one of them waits for
        # this one, then fails with a serialization error (repeatable read) and is
        # retried, instead of both passing the check below on stale snapshots.
        self.env.cr.execute(
            "UPDATE telecom_network_port SET write_date = (now() at time zone 'UTC')"
            " WHERE id = ANY(%s)",
            [ports.ids],
        )
        links = self.search(["|", ("port_a_id", "in", ports.ids), ("port_b_id", "in", ports.ids)])
        used = Counter()
        for link in links:
            used[link.port_a_id.id] += 1
            used[link.port_b_id.id] += 1
        busy = self.env["telecom.network.port"].browse(
            [port_id for port_id, count in used.items() if count > 1]
        )
        if busy:
            raise ValidationError(
                self.env._(
                    "A port carries one link at most; already linked: %(ports)s",
                    ports=", ".join(busy.mapped("display_name")),
                )
            )
