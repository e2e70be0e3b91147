# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import itertools
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

E164_RE = re.compile(r"^\+[1-9]\d{5,14}$")
MAX_POOL_SIZE = 1_000_000
GENERATE_BATCH = 5000


def is_golden_number(number):
    """Whether a number is 'golden' (memorable, sold at a premium, never handed out
    automatically): a run of four equal digits, or the last four digits forming an
    ascending or descending sequence, or ABAB / AABB endings."""
    digits = number.lstrip("+")
    tail = digits[-6:]
    if re.search(r"(\d)\1{3}", tail):
        return True
    last4 = digits[-4:]
    steps = {int(b) - int(a) for a, b in itertools.pairwise(last4)}
    if steps in ({1}, {-1}):
        return True
    return (
        last4[0] == last4[2]
        and last4[1] == last4[3]
        or (last4[0] == last4[1] and last4[2] == last4[3])
    )


class TelecomNumberPool(models.Model):
    _name = "telecom.number.pool"
    _description = "Number pool (range of MSISDNs / DIDs)"
    _inherit = ("mail.thread",)
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    number_type = fields.Selection(
        [
            ("msisdn", "Mobile (MSISDN)"),
            ("geographic", "Geographic (DID)"),
            ("nongeographic", "Non-geographic"),
            ("tollfree", "Toll free"),
        ],
        required=True,
        default="msisdn",
    )
    range_start = fields.Char(required=True, help="First number, E.164 with '+'.")
    range_end = fields.Char(required=True, help="Last number, E.164 with '+'.")
    quarantine_days = fields.Integer(
        default=90,
        required=True,
        tracking=True,
        help="Days a released number ages before it can be given to another customer.",
    )
    element_id = fields.Many2one(
        "telecom.network.element",
        string="Serving HLR/HSS / switch",
        check_company=True,
        index="btree_not_null",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    number_ids = fields.One2many("telecom.number", "pool_id", string="Numbers")
    size = fields.Integer(compute="_compute_size")
    count_free = fields.Integer(compute="_compute_counts", string="Free")
    count_reserved = fields.Integer(compute="_compute_counts", string="Reserved")
    count_assigned = fields.Integer(compute="_compute_counts", string="Assigned")
    count_quarantine = fields.Integer(compute="_compute_counts", string="In quarantine")
    count_golden = fields.Integer(compute="_compute_counts", string="Golden")

    _sql_constraints = (
        (
            "quarantine_positive",
            "CHECK (quarantine_days >= 0)",
            "The quarantine period cannot be negative.",
        ),
    )

    @api.depends("range_start", "range_end")
    def _compute_size(self):
        for pool in self:
            try:
                pool.size = int(pool.range_end) - int(pool.range_start) + 1
            except (TypeError, ValueError):
                pool.size = 0

    def _compute_counts(self):
        groups = self.env["telecom.number"]._read_group(
            [("pool_id", "in", self.ids)], ["pool_id", "state"], ["__count"]
        )
        golden = dict(
            self.env["telecom.number"]._read_group(
                [("pool_id", "in", self.ids), ("is_golden", "=", True)], ["pool_id"], ["__count"]
            )
        )
        counts = {(pool.id, state): count for pool, state, count in groups}
        for pool in self:
            pool.count_free = counts.get((pool.id, "free"), 0)
            pool.count_reserved = counts.get((pool.id, "reserved"), 0)
            pool.count_assigned = counts.get((pool.id, "assigned"), 0)
            pool.count_quarantine = counts.get((pool.id, "quarantine"), 0)
            pool.count_golden = golden.get(pool, 0)

    @api.constrains("range_start", "range_end", "company_id", "active")
    def _check_range(self):
        for pool in self:
            for value in (pool.range_start, pool.range_end):
                if not E164_RE.match(value or ""):
                    raise ValidationError(
                        self.env._(
                            "%(pool)s: '%(value)s' is not an E.164 number ('+' and 6 to 15"
                            " digits).",
                            pool=pool.name,
                            value=value,
                        )
                    )
            if len(pool.range_start) != len(pool.range_end):
                raise ValidationError(
                    self.env._(
                        "%(pool)s: both ends of the range need as many digits.", pool=pool.name
                    )
                )
            if not 0 < pool.size <= MAX_POOL_SIZE:
                raise ValidationError(
                    self.env._(
                        "%(pool)s: the range must hold between 1 and %(max)s numbers.",
                        pool=pool.name,
                        max=MAX_POOL_SIZE,
                    )
                )
            overlapping = self.search(
                [
                    ("id", "!=", pool.id),
                    ("company_id", "=", pool.company_id.id),
                    ("range_start", "<=", pool.range_end),
                    ("range_end", ">=", pool.range_start),
                ]
            ).filtered(lambda other, pool=pool: len(other.range_start) == len(pool.range_start))
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(pool)s overlaps the number pool %(other)s.",
                        pool=pool.name,
                        other=overlapping[0].name,
                    )
                )

    def action_generate_numbers(self, limit=200_000):
        """Create the pool's missing numbers (golden ones flagged); returns how many."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        created = 0
        Number = self.env["telecom.number"]
        for pool in self:
            self.env.cr.execute("SELECT name FROM telecom_number WHERE pool_id = %s", [pool.id])
            existing = {row[0] for row in self.env.cr.fetchall()}
            width = len(pool.range_start) - 1
            batch = []
            for value in range(int(pool.range_start), int(pool.range_end) + 1):
                name = f"+{value:0{width}d}"
                if name in existing:
                    continue
                batch.append(
                    {
                        "name": name,
                        "pool_id": pool.id,
                        "is_golden": is_golden_number(name),
                        "company_id": pool.company_id.id,
                    }
                )
                if created + len(batch) >= limit:
                    break
                if len(batch) >= GENERATE_BATCH:
                    Number.create(batch)
                    created += len(batch)
                    batch = []
            Number.create(batch)
            created += len(batch)
            if created >= limit:
                break
        return created

    def action_open_numbers(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telecom_oss.telecom_number_action")
        action["domain"] = [("pool_id", "=", self.id)]
        action["context"] = {"default_pool_id": self.id}
        return action


class TelecomNumber(models.Model):
    _name = "telecom.number"
    _description = "Telephone number (MSISDN / DID)"
    _inherit = ("telecom.resource.mixin",)
    _order = "name"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, index=True)
    pool_id = fields.Many2one(
        "telecom.number.pool", required=True, index=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    is_golden = fields.Boolean(
        string="Golden",
        index=True,
        help="Memorable number: never given out automatically, only reserved on purpose.",
    )
    quarantine_until = fields.Datetime(index="btree_not_null", readonly=True, copy=False)
    assignment_ids = fields.One2many("telecom.resource.assignment", "number_id")

    _sql_constraints = (
        ("name_company_unique", "unique(company_id, name)", "A number exists only once."),
    )

    @api.constrains("name")
    def _check_e164(self):
        for number in self:
            if not E164_RE.match(number.name or ""):
                raise ValidationError(
                    self.env._("'%(number)s' is not an E.164 number.", number=number.name)
                )

    # -- state machine specifics ----------------------------------------------
    def _telecom_release_state(self, resource):
        # a number that reached a customer ages in quarantine before reuse;
        # one only reserved (never in service) goes straight back
        return "quarantine" if resource.state == "assigned" else "free"

    def _telecom_release_vals(self, now):
        vals = super()._telecom_release_vals(now)
        if self.state == "assigned":
            vals["quarantine_until"] = now + timedelta(days=self.pool_id.quarantine_days)
        return vals

    def _telecom_reserve(self, partner=None, order=None, holder=None):
        now = fields.Datetime.now()
        ageing = self.filtered(
            lambda n: n.state == "quarantine" and n.quarantine_until and n.quarantine_until > now
        )
        if ageing:
            raise UserError(
                self.env._(
                    "%(number)s is in quarantine until %(date)s and cannot be reused yet.",
                    number=ageing[0].name,
                    date=ageing[0].quarantine_until,
                )
            )
        aged = self.filtered(lambda n: n.state == "quarantine")
        if aged:
            aged.write({"state": "free", "quarantine_until": False})
        return super()._telecom_reserve(partner=partner, order=order, holder=holder)

    @api.model
    def _telecom_allocate(self, pools, partner=None, order=None, holder=None):
        """Reserve the first free, non-golden number of ``pools`` and return it.

        Concurrent allocations never hand out the same number: the row is taken
        with ``FOR UPDATE SKIP LOCKED`` so another transaction skips it. Numbers
        whose quarantine has expired count as free.
        """
        if not pools:
            raise UserError(self.env._("No number pool to allocate from."))
        self.flush_model(["state", "quarantine_until", "is_golden", "pool_id"])
        # raw SQL: the row lock with SKIP LOCKED is not expressible through the ORM
        self.env.cr.execute(
            """
            SELECT id FROM telecom_number
             WHERE pool_id = ANY(%s) AND NOT coalesce(is_golden, false)
               AND (state = 'free' OR (state = 'quarantine' AND quarantine_until <= %s))
             ORDER BY name
             LIMIT 1
             FOR UPDATE SKIP LOCKED
            """,
            [pools.ids, fields.Datetime.now()],
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(
                self.env._(
                    "No free number left in %(pools)s.", pools=", ".join(pools.mapped("name"))
                )
            )
        number = self.browse(row[0])
        number._telecom_reserve(partner=partner, order=order, holder=holder)
        return number

    @api.model
    def _cron_release_quarantine(self, limit=10000):
        """Numbers whose quarantine has elapsed become free again."""
        numbers = self.search(
            [("state", "=", "quarantine"), ("quarantine_until", "<=", fields.Datetime.now())],
            limit=limit,
        )
        numbers.write({"state": "free", "quarantine_until": False})
        return len(numbers)

    def action_block(self):
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        self.filtered(lambda n: n.state in ("free", "quarantine")).write(
            {"state": "blocked", "date_state": fields.Datetime.now()}
        )

    def action_unblock(self):
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        self.filtered(lambda n: n.state == "blocked").write(
            {"state": "free", "date_state": fields.Datetime.now()}
        )
