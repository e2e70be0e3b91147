# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

RESOURCE_TYPES = [
    ("number", "Number"),
    ("sim", "SIM card"),
    ("ip", "IP address / prefix"),
    ("cpe", "CPE / equipment"),
]
# the Many2one of telecom.resource.assignment pointing at each resource model
ASSIGNMENT_FIELD = {
    "telecom.number": "number_id",
    "telecom.sim.card": "sim_id",
    "telecom.ip.prefix": "ip_prefix_id",
    "telecom.cpe": "cpe_id",
}
RESOURCE_STATES = [
    ("free", "Free"),
    ("reserved", "Reserved"),
    ("assigned", "Assigned"),
    ("quarantine", "Quarantine"),
    ("blocked", "Blocked"),
    ("retired", "Retired"),
]


class TelecomResourceAssignment(models.Model):
    """One period during which a resource was reserved for or assigned to a holder.

    Rows are never deleted: together they are the full assignment history of every
    number, SIM, IP prefix and CPE.
    """

    _name = "telecom.resource.assignment"
    _description = "Resource assignment history"
    _order = "id desc"
    _check_company_auto = True

    resource_type = fields.Selection(RESOURCE_TYPES, required=True, index=True)
    resource_name = fields.Char(required=True, index=True)
    number_id = fields.Many2one("telecom.number", index="btree_not_null", ondelete="restrict")
    sim_id = fields.Many2one("telecom.sim.card", index="btree_not_null", ondelete="restrict")
    ip_prefix_id = fields.Many2one("telecom.ip.prefix", index="btree_not_null", ondelete="restrict")
    cpe_id = fields.Many2one("telecom.cpe", index="btree_not_null", ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    subscription_id = fields.Many2one(
        "telecom.subscription", index="btree_not_null", ondelete="set null"
    )
    provisioning_order_id = fields.Many2one(
        "telecom.provisioning.order", index="btree_not_null", ondelete="set null"
    )
    state = fields.Selection(
        [
            ("reserved", "Reserved"),
            ("assigned", "Assigned"),
            ("released", "Released"),
            ("cancelled", "Reservation cancelled"),
        ],
        required=True,
        index=True,
    )
    date_reserved = fields.Datetime()
    date_assigned = fields.Datetime()
    date_released = fields.Datetime()
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    note = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The assignment history of resources cannot be deleted."))


class TelecomResourceMixin(models.AbstractModel):
    """What numbers, SIMs, IP prefixes and CPE share: a state machine and history."""

    _name = "telecom.resource.mixin"
    _description = "Assignable logical resource"

    state = fields.Selection(RESOURCE_STATES, required=True, default="free", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null", readonly=True, copy=False
    )
    subscription_id = fields.Many2one(
        "telecom.subscription",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    provisioning_order_id = fields.Many2one(
        "telecom.provisioning.order",
        string="Reserved by order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    date_state = fields.Datetime(string="State since", readonly=True, copy=False)

    # -- helpers -------------------------------------------------------------
    def _telecom_resource_type(self):
        return {
            "telecom.number": "number",
            "telecom.sim.card": "sim",
            "telecom.ip.prefix": "ip",
            "telecom.cpe": "cpe",
        }[self._name]

    def _telecom_open_assignments(self):
        field = ASSIGNMENT_FIELD[self._name]
        return (
            self.env["telecom.resource.assignment"]
            .sudo()
            .search([(field, "in", self.ids), ("state", "in", ("reserved", "assigned"))])
        )

    def _telecom_reservable_states(self):
        return ("free",)

    def _telecom_holder_vals(self, partner=None, order=None, holder=None):
        """Values written on resource and history for a holder.

        ``holder`` is a dict of extra holder values (``subscription_id``)."""
        vals = {}
        if partner is not None:
            vals["partner_id"] = partner.id
        if order is not None:
            vals["provisioning_order_id"] = order.id
        vals.update(holder or {})
        return vals

    def _telecom_history_vals(self, resource, state, now, vals):
        field = ASSIGNMENT_FIELD[self._name]
        history = {
            "resource_type": self._telecom_resource_type(),
            "resource_name": resource.display_name,
            field: resource.id,
            "state": state,
            "company_id": resource.company_id.id,
            "partner_id": vals.get("partner_id") or resource.partner_id.id or False,
            "subscription_id": vals.get("subscription_id") or resource.subscription_id.id or False,
            "provisioning_order_id": vals.get("provisioning_order_id")
            or resource.provisioning_order_id.id
            or False,
        }
        history["date_reserved" if state == "reserved" else "date_assigned"] = now
        for key, value in vals.items():
            if key in self.env["telecom.resource.assignment"]._fields and key not in history:
                history[key] = value
        return history

    # -- state machine -------------------------------------------------------
    def _telecom_reserve(self, partner=None, order=None, holder=None):
        """Reserve free resources for a holder (a provisioning order, a customer)."""
        now = fields.Datetime.now()
        bad = self.filtered(lambda r: r.state not in r._telecom_reservable_states())
        if bad:
            raise UserError(
                self.env._(
                    "These resources are not free to reserve: %(names)s",
                    names=", ".join(f"{r.display_name} ({r.state})" for r in bad),
                )
            )
        vals = self._telecom_holder_vals(partner, order, holder)
        self.write(dict(vals, state="reserved", date_state=now))
        self.env["telecom.resource.assignment"].sudo().create(
            [self._telecom_history_vals(r, "reserved", now, vals) for r in self]
        )
        return True

    def _telecom_assign(self, partner=None, order=None, holder=None):
        """Assign resources (reserved, or free) to their holder for good."""
        now = fields.Datetime.now()
        bad = self.filtered(lambda r: r.state not in ("reserved", *r._telecom_reservable_states()))
        if bad:
            raise UserError(
                self.env._(
                    "These resources cannot be assigned: %(names)s",
                    names=", ".join(f"{r.display_name} ({r.state})" for r in bad),
                )
            )
        vals = self._telecom_holder_vals(partner, order, holder)
        open_rows = self._telecom_open_assignments()
        field = ASSIGNMENT_FIELD[self._name]
        by_resource = {row[field].id: row for row in open_rows}
        new_rows = []
        for resource in self:
            row = by_resource.get(resource.id)
            if row and row.state == "reserved":
                row_vals = {k: v for k, v in vals.items() if k in row._fields}
                row.write(dict(row_vals, state="assigned", date_assigned=now))
            elif not row:
                history = self._telecom_history_vals(resource, "assigned", now, vals)
                new_rows.append(history)
        self.env["telecom.resource.assignment"].sudo().create(new_rows)
        self.write(dict(vals, state="assigned", date_state=now))
        return True

    def _telecom_release_state(self, resource):
        """State a resource goes to when released (numbers age in quarantine)."""
        return "free"

    def _telecom_release(self, note=None):
        """Give resources back: close their history and free (or age) them."""
        now = fields.Datetime.now()
        open_rows = self._telecom_open_assignments()
        for row in open_rows:
            row.write(
                {
                    "state": "released" if row.state == "assigned" else "cancelled",
                    "date_released": now,
                    "note": note or row.note,
                }
            )
        for resource in self.filtered(lambda r: r.state in ("reserved", "assigned")):
            vals = resource._telecom_release_vals(now)
            vals.update(state=resource._telecom_release_state(resource), date_state=now)
            resource.write(vals)
        return True

    def _telecom_release_vals(self, now):
        vals = {"partner_id": False, "provisioning_order_id": False}
        for name in self._telecom_holder_fields():
            vals[name] = False
        return vals

    def _telecom_holder_fields(self):
        """Holder fields cleared on release, besides customer and order."""
        return ["subscription_id"]

    def action_open_history(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_resource_assignment_action"
        )
        action["domain"] = [(ASSIGNMENT_FIELD[self._name], "=", self.id)]
        return action
