# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""IP address management: pools, and the prefixes (or single addresses) allocated
from them with Python's ``ipaddress``.

No two live prefixes of a pool ever overlap:

* an allocation first bumps its pool's ``allocation_count``: that row lock makes
  concurrent allocations from one pool wait for each other, and under Odoo's
  repeatable-read transactions the second one then fails with a serialization
  error and is retried (RPC and queue_job both retry those) instead of
  computing its answer from a stale snapshot;
* PostgreSQL itself refuses overlaps with an exclusion constraint when the
  ``btree_gist`` extension can be created (see ``TelecomIpPrefix.init``).
"""

import ipaddress
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

HEX_WIDTH = 32  # 128 bits: IPv4 and IPv6 bounds sort as fixed-width hex strings


def to_hex(value):
    return f"{value:0{HEX_WIDTH}x}"


def parse_network(text):
    """``ipaddress`` network from user text (host bits cleared), or ValueError."""
    if not text or not text.strip():
        raise ValueError("empty")
    return ipaddress.ip_network(text.strip(), strict=False)


def first_fit(lo, hi, size, used):
    """Start of the first ``size``-aligned block of ``size`` addresses within
    [lo, hi] that overlaps none of the sorted (start, end) intervals ``used``;
    None when the range is full."""

    def align(value):
        return -(-value // size) * size

    candidate = align(lo)
    for start, end in used:
        if end < candidate:
            continue
        if start > candidate + size - 1:
            break
        candidate = align(end + 1)
    if candidate + size - 1 > hi:
        return None
    return candidate


class TelecomIpPool(models.Model):
    _name = "telecom.ip.pool"
    _description = "IP address pool"
    _inherit = ("mail.thread",)
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    network = fields.Char(required=True, tracking=True, help="CIDR, e.g. 100.64.0.0/16")
    ip_version = fields.Selection(
        [("4", "IPv4"), ("6", "IPv6")], compute="_compute_ip_version", store=True
    )
    purpose = fields.Selection(
        [
            ("customer", "Customer addresses"),
            ("delegation", "Customer prefix delegation"),
            ("infrastructure", "Infrastructure / links"),
            ("management", "Management"),
            ("loopback", "Loopbacks"),
        ],
        required=True,
        default="customer",
    )
    default_prefix_len = fields.Integer(
        string="Allocation size",
        required=True,
        default=32,
        help="Prefix length handed out by default: 32 (IPv4) or 128 (IPv6) for one"
        " address, 56 or 64 for an IPv6 delegation, 30 or 31 for a link.",
    )
    reserved_head = fields.Integer(
        string="Reserved first addresses",
        default=0,
        help="Addresses kept for gateways at the start of the pool (after the network"
        " address of an IPv4 pool handing out single addresses); never allocated.",
    )
    element_id = fields.Many2one(
        "telecom.network.element",
        string="Serving element",
        check_company=True,
        index="btree_not_null",
        help="The router/BNG announcing this pool (impact analysis).",
    )
    allocation_count = fields.Integer(
        readonly=True, copy=False, help="Allocations made so far (also the row lock's version)."
    )
    prefix_ids = fields.One2many("telecom.ip.prefix", "pool_id", string="Allocations")
    utilisation = fields.Float(compute="_compute_utilisation", string="Used (%)")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)

    @api.depends("network")
    def _compute_ip_version(self):
        for pool in self:
            try:
                pool.ip_version = str(parse_network(pool.network).version)
            except ValueError:
                pool.ip_version = False

    def _compute_utilisation(self):
        self.env["telecom.ip.prefix"].flush_model()
        self.env.cr.execute(
            """
            SELECT pool_id, sum(power(2::numeric, (CASE WHEN ip_version = '4' THEN 32
                                                         ELSE 128 END) - prefix_len))
              FROM telecom_ip_prefix
             WHERE pool_id = ANY(%s) AND state != 'retired'
             GROUP BY pool_id
            """,
            [self.ids],
        )
        used = dict(self.env.cr.fetchall())
        for pool in self:
            try:
                total = parse_network(pool.network).num_addresses
            except ValueError:
                total = 0
            pool.utilisation = float(used.get(pool.id, 0)) * 100.0 / total if total else 0.0

    @api.constrains("network", "default_prefix_len", "reserved_head", "company_id", "active")
    def _check_network(self):
        for pool in self:
            try:
                net = parse_network(pool.network)
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "%(pool)s: '%(network)s' is not an IP network in CIDR notation.",
                        pool=pool.name,
                        network=pool.network,
                    )
                ) from exc
            if not net.prefixlen <= pool.default_prefix_len <= net.max_prefixlen:
                raise ValidationError(
                    self.env._(
                        "%(pool)s: the allocation size /%(size)s does not fit in %(net)s.",
                        pool=pool.name,
                        size=pool.default_prefix_len,
                        net=net,
                    )
                )
            if pool.reserved_head < 0 or pool.reserved_head >= net.num_addresses:
                raise ValidationError(
                    self.env._("%(pool)s: bad number of reserved addresses.", pool=pool.name)
                )
            others = self.search(
                [
                    ("id", "!=", pool.id),
                    ("company_id", "=", pool.company_id.id),
                    ("ip_version", "=", str(net.version)),
                ]
            )
            for other in others:
                if parse_network(other.network).overlaps(net):
                    raise ValidationError(
                        self.env._(
                            "%(pool)s (%(net)s) overlaps the pool %(other)s (%(other_net)s).",
                            pool=pool.name,
                            net=net,
                            other=other.name,
                            other_net=other.network,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise_network(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalise_network(vals)
        if "network" in vals and self.prefix_ids.filtered(lambda p: p.state != "retired"):
            raise UserError(
                self.env._("The network of a pool with live allocations cannot change.")
            )
        return super().write(vals)

    @api.model
    def _normalise_network(self, vals):
        if vals.get("network"):
            try:
                vals["network"] = str(parse_network(vals["network"]))
            except ValueError:
                _logger.debug("IP pool: %r is no network; the constraint says so", vals)

    # -- allocation ----------------------------------------------------------
    def _telecom_allocate(self, prefix_len=None, partner=None, order=None, holder=None):
        """Reserve the next free address or subnet of this pool and return it."""
        self.ensure_one()
        net = parse_network(self.network)
        prefix_len = int(prefix_len or self.default_prefix_len)
        if not net.prefixlen <= prefix_len <= net.max_prefixlen:
            raise UserError(
                self.env._(
                    "A /%(len)s cannot be allocated from %(net)s.",
                    len=prefix_len,
                    net=net,
                )
            )
        Prefix = self.env["telecom.ip.prefix"]
        Prefix.flush_model()
        # lock the pool row and bump its version (see the module docstring);
        # raw SQL because the ORM has no row lock
        # (a serialization failure here is the expected outcome of a race: the
        # caller's retry handles it, so it is not logged as a bad query)
        self.env.cr.execute(
            "UPDATE telecom_ip_pool SET allocation_count = coalesce(allocation_count, 0) + 1"
            " WHERE id = %s",
            [self.id],
            log_exceptions=False,
        )
        self.invalidate_recordset(["allocation_count"])
        self.env.cr.execute(
            """
            SELECT range_start, range_end FROM telecom_ip_prefix
             WHERE pool_id = %s AND state != 'retired'
             ORDER BY range_start
            """,
            [self.id],
        )
        used = [(int(start, 16), int(end, 16)) for start, end in self.env.cr.fetchall()]
        lo = int(net.network_address)
        hi = int(net.broadcast_address)
        if net.version == 4 and net.prefixlen < 31 and prefix_len == 32:
            # network and broadcast addresses are not host addresses
            lo += 1
            hi -= 1
        lo += self.reserved_head
        size = 2 ** (net.max_prefixlen - prefix_len)
        start = first_fit(lo, hi, size, used)
        if start is None:
            raise UserError(
                self.env._(
                    "The pool %(pool)s (%(net)s) has no free /%(len)s left.",
                    pool=self.name,
                    net=net,
                    len=prefix_len,
                )
            )
        network = ipaddress.ip_network((start, prefix_len))
        prefix = Prefix.create(
            {"name": str(network), "pool_id": self.id, "company_id": self.company_id.id}
        )
        prefix._telecom_reserve(partner=partner, order=order, holder=holder)
        return prefix

    def action_open_prefixes(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_ip_prefix_action"
        )
        action["domain"] = [("pool_id", "=", self.id)]
        action["context"] = {"default_pool_id": self.id}
        return action


class TelecomIpPrefix(models.Model):
    _name = "telecom.ip.prefix"
    _description = "IP address / prefix allocated from a pool"
    _inherit = ("telecom.resource.mixin",)
    _order = "pool_id, range_start"
    _check_company_auto = True

    name = fields.Char(string="Prefix", required=True, index=True)
    pool_id = fields.Many2one(
        "telecom.ip.pool", required=True, index=True, ondelete="restrict", check_company=True
    )
    ip_version = fields.Selection(
        [("4", "IPv4"), ("6", "IPv6")], compute="_compute_range", store=True
    )
    prefix_len = fields.Integer(compute="_compute_range", store=True)
    range_start = fields.Char(compute="_compute_range", store=True, index=True)
    range_end = fields.Char(compute="_compute_range", store=True)
    address = fields.Char(compute="_compute_range", store=True, help="First address.")
    # a created prefix is reserved at once by its allocation
    state = fields.Selection(default="reserved")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    assignment_ids = fields.One2many("telecom.resource.assignment", "ip_prefix_id")

    def init(self):
        """Let PostgreSQL itself refuse overlapping live prefixes in a pool."""
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_constraint WHERE conname = 'telecom_ip_prefix_no_overlap'")
        if cr.fetchone():
            return
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist", log_exceptions=False)
                cr.execute(
                    """
                    ALTER TABLE telecom_ip_prefix
                      ADD CONSTRAINT telecom_ip_prefix_no_overlap
                      EXCLUDE USING gist (pool_id WITH =, (name::cidr) inet_ops WITH &&)
                      WHERE (state != 'retired')
                    """,
                    log_exceptions=False,
                )
        except psycopg2.Error as exc:
            _logger.info(
                "IP prefixes: no exclusion constraint (%s); the pool row lock alone keeps"
                " allocations apart",
                exc.pgerror or exc,
            )

    @api.depends("name")
    def _compute_range(self):
        for prefix in self:
            try:
                net = parse_network(prefix.name)
            except ValueError:
                prefix.update(
                    {
                        "ip_version": False,
                        "prefix_len": 0,
                        "range_start": False,
                        "range_end": False,
                        "address": False,
                    }
                )
                continue
            prefix.ip_version = str(net.version)
            prefix.prefix_len = net.prefixlen
            prefix.range_start = to_hex(int(net.network_address))
            prefix.range_end = to_hex(int(net.broadcast_address))
            prefix.address = str(net.network_address)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise_name(vals)
            if vals.get("pool_id") and vals.get("state", "reserved") != "retired":
                # before the INSERT, so that the exclusion constraint only ever
                # fires for a race, never for a plain mistake
                pool = self.env["telecom.ip.pool"].browse(vals["pool_id"])
                self._telecom_check_fits(parse_network(vals["name"]), pool)
        prefixes = super().create(vals_list)
        prefixes._check_inside_pool()
        return prefixes

    def write(self, vals):
        self._normalise_name(vals)
        res = super().write(vals)
        if "name" in vals or "pool_id" in vals or "state" in vals:
            self._check_inside_pool()
        return res

    @api.model
    def _normalise_name(self, vals):
        if vals.get("name"):
            try:
                vals["name"] = str(parse_network(vals["name"]))
            except ValueError as exc:
                raise ValidationError(
                    self.env._("'%(value)s' is not an IP address or prefix.", value=vals["name"])
                ) from exc

    def _check_inside_pool(self):
        """Inside its pool, and clear of the pool's other live prefixes."""
        self.flush_recordset()
        for prefix in self.filtered(lambda p: p.state != "retired"):
            self._telecom_check_fits(parse_network(prefix.name), prefix.pool_id, prefix)

    @api.model
    def _telecom_check_fits(self, net, pool, prefix=None):
        pool_net = parse_network(pool.network)
        if net.version != pool_net.version or not net.subnet_of(pool_net):
            raise ValidationError(
                self.env._(
                    "%(prefix)s is outside its pool %(pool)s (%(net)s).",
                    prefix=net,
                    pool=pool.name,
                    net=pool_net,
                )
            )
        self.flush_model(["name", "pool_id", "state", "range_start", "range_end"])
        clash = self.search(
            [
                ("id", "!=", prefix.id if prefix else False),
                ("pool_id", "=", pool.id),
                ("state", "!=", "retired"),
                ("range_start", "<=", to_hex(int(net.broadcast_address))),
                ("range_end", ">=", to_hex(int(net.network_address))),
            ],
            limit=1,
        )
        if clash:
            raise ValidationError(
                self.env._(
                    "%(prefix)s overlaps %(other)s, already allocated.",
                    prefix=net,
                    other=clash.name,
                )
            )

    def _telecom_reserve(self, partner=None, order=None, holder=None):
        # a fresh prefix is born 'reserved': record who it is reserved for
        fresh = self.filtered(lambda p: p.state == "reserved" and not p.assignment_ids)
        fresh.write({"state": "free"})
        return super()._telecom_reserve(partner=partner, order=order, holder=holder)

    def _telecom_release_state(self, resource):
        # the row stays as history; the space goes back to the pool
        return "retired"
