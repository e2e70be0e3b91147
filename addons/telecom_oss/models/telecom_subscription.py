# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a subscription holds in the network, and which subscriptions a failure hits."""

from odoo import api, fields, models
from odoo.osv import expression

from .telecom_alarm import TICKET_SEVERITIES

LIVE_STATES = ("active", "suspended")


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    telecom_number_id = fields.Many2one(
        "telecom.number",
        string="Number resource",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    telecom_sim_id = fields.Many2one(
        "telecom.sim.card",
        string="SIM card",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    telecom_cpe_id = fields.Many2one(
        "telecom.cpe",
        string="CPE",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    telecom_ip_prefix_ids = fields.One2many(
        "telecom.ip.prefix",
        "subscription_id",
        string="IP addresses",
        domain=[("state", "!=", "retired")],
    )
    telecom_access_element_id = fields.Many2one(
        "telecom.network.element",
        string="Access element",
        index="btree_not_null",
        copy=False,
        check_company=True,
        tracking=True,
        help="The element serving the line (OLT, DSLAM, SBC...), chosen by serviceability"
        " before activation; provisioning takes a port on it.",
    )
    telecom_access_port_id = fields.Many2one(
        "telecom.network.port",
        string="Access port",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    telecom_provisioning_order_ids = fields.One2many(
        "telecom.provisioning.order", "subscription_id", string="Provisioning orders"
    )
    telecom_provisioning_order_count = fields.Integer(
        compute="_compute_telecom_provisioning_order_count"
    )
    telecom_resource_assignment_ids = fields.One2many(
        "telecom.resource.assignment", "subscription_id", string="Resource history"
    )
    telecom_open_alarm_count = fields.Integer(
        string="Network alarms",
        compute="_compute_telecom_open_alarm_count",
        help="Open major or critical alarms on the elements serving this subscription.",
    )

    def _compute_telecom_provisioning_order_count(self):
        counts = dict(
            self.env["telecom.provisioning.order"]
            .sudo()
            ._read_group([("subscription_id", "in", self.ids)], ["subscription_id"], ["__count"])
        )
        for sub in self:
            sub.telecom_provisioning_order_count = counts.get(sub, 0)

    def _compute_telecom_open_alarm_count(self):
        for sub in self:
            sub.telecom_open_alarm_count = len(sub._telecom_network_alarms())

    # -- what the subscription holds -----------------------------------------
    def _telecom_resources(self):
        """{model: records} of the resources this subscription holds."""
        resources = {}
        for field, model in (
            ("telecom_number_id", "telecom.number"),
            ("telecom_sim_id", "telecom.sim.card"),
            ("telecom_cpe_id", "telecom.cpe"),
            ("telecom_ip_prefix_ids", "telecom.ip.prefix"),
        ):
            records = self.mapped(field)
            if records:
                resources[model] = records
        return resources

    def _telecom_network_context(self, plan=None):
        """Plain data provisioning sends to the network for this subscription."""
        self.ensure_one()
        plan = plan or self.plan_id
        number, sim, cpe = self.telecom_number_id, self.telecom_sim_id, self.telecom_cpe_id
        port = self.telecom_access_port_id
        prefixes = self.telecom_ip_prefix_ids
        return {
            "service_id": self.name,
            "data_profile": plan.telecom_network_profile or plan.default_code or "",
            "speed_down_kbps": plan.telecom_speed_down_kbps or None,
            "speed_up_kbps": plan.telecom_speed_up_kbps or None,
            "msisdn": self.phone_number,
            "requested_number": self.phone_number if not number else None,
            "port_in": bool(self.port_in),
            "number_id": number.id or None,
            "iccid": self.sim_iccid,
            "imsi": self.imsi,
            "requested_iccid": self.sim_iccid if not sim else None,
            "sim_id": sim.id or None,
            "cpe_id": cpe.id or None,
            "serial": cpe.serial or None,
            "ip_prefix_ids": prefixes.ids or None,
            "ip": prefixes[:1].name or None,
            "access_element_id": self.telecom_access_element_id.id or None,
            "element": (port.element_id or self.telecom_access_element_id).name or None,
            "port": port.name or None,
            "port_id": port.id or None,
        }

    def _telecom_take_resources(self, order):
        """After activation: the subscription holds what its order provisioned."""
        self.ensure_one()
        values = order.values or {}
        vals = {}
        if values.get("number_id"):
            vals["telecom_number_id"] = values["number_id"]
        if values.get("msisdn"):
            vals["phone_number"] = values["msisdn"]
        if values.get("sim_id"):
            vals["telecom_sim_id"] = values["sim_id"]
            vals["sim_iccid"] = values.get("iccid")
            vals["imsi"] = values.get("imsi")
        if values.get("cpe_id"):
            vals["telecom_cpe_id"] = values["cpe_id"]
        if values.get("port_id"):
            port = self.env["telecom.network.port"].browse(values["port_id"])
            vals["telecom_access_port_id"] = port.id
            vals["telecom_access_element_id"] = port.element_id.id
            if not self.circuit_id:
                vals["circuit_id"] = f"{port.element_id.name}:{port.name}:{self.name}"
        if vals:
            self.sudo().write(vals)

    def _telecom_serving_elements(self):
        """The elements this subscription depends on (with their ancestors)."""
        Element = self.env["telecom.network.element"].with_context(active_test=False)
        direct = (
            self.telecom_access_element_id
            | self.telecom_access_port_id.element_id
            | self.telecom_sim_id.element_id
            | self.telecom_number_id.pool_id.element_id
            | self.telecom_ip_prefix_ids.pool_id.element_id
        )
        ids = set()
        for element in direct:
            ids.update(int(x) for x in (element.parent_path or "").split("/") if x)
        return Element.browse(sorted(ids))

    def _telecom_network_alarms(self):
        """Open major/critical alarms on the elements (or sites) serving this service."""
        elements = self._telecom_serving_elements()
        if not elements:
            return self.env["telecom.alarm"]
        return self.env["telecom.alarm"].search(
            [
                ("state", "!=", "cleared"),
                ("max_severity", "in", TICKET_SEVERITIES),
                "|",
                ("element_id", "in", elements.ids),
                "&",
                ("element_id", "=", False),
                ("site_id", "in", elements.site_id.ids),
            ]
        )

    # -- impact analysis -----------------------------------------------------
    @api.model
    def _telecom_impacted_by(self, elements=None, sites=None, states=LIVE_STATES):
        """The subscriptions a failure of ``elements`` or ``sites`` hits: those served
        by an element below them (access element or port, the HSS of their SIM, the
        switch of their number range, the router of their IP pool). One query."""
        Element = self.env["telecom.network.element"]
        subtree = Element._telecom_subtree_domain(elements, sites)
        if subtree == expression.FALSE_DOMAIN:
            return self.browse()
        served = expression.OR(
            [
                [("telecom_access_element_id", "any", subtree)],
                [("telecom_access_port_id.element_id", "any", subtree)],
                [("telecom_sim_id.element_id", "any", subtree)],
                [("telecom_number_id.pool_id.element_id", "any", subtree)],
                [("telecom_ip_prefix_ids.pool_id.element_id", "any", subtree)],
            ]
        )
        return self.with_context(active_test=False).search(
            expression.AND([[("state", "in", list(states))], served])
        )

    # -- actions -------------------------------------------------------------
    def action_view_provisioning_orders(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_provisioning_order_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_network_alarms(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telecom_oss.telecom_alarm_action")
        action["domain"] = [("id", "in", self._telecom_network_alarms().ids)]
        action["context"] = {}
        action["name"] = self.env._("Alarms affecting %(sub)s", sub=self.name)
        return action
