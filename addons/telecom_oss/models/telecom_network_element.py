# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ipaddress

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

ELEMENT_TYPES = [
    ("router", "Router"),
    ("switch", "Switch"),
    ("bng", "BNG"),
    ("olt", "OLT"),
    ("ont", "ONT"),
    ("dslam", "DSLAM"),
    ("enodeb", "eNodeB"),
    ("gnodeb", "gNodeB"),
    ("mme", "MME"),
    ("amf", "AMF"),
    ("sgw_pgw", "S/P-GW"),
    ("upf", "UPF"),
    ("hlr", "HLR"),
    ("hss", "HSS"),
    ("udm", "UDM"),
    ("sbc", "SBC"),
    ("softswitch", "Softswitch"),
    ("firewall", "Firewall"),
    ("server", "Server"),
    ("other", "Other"),
]
ELEMENT_ROLES = [
    ("core", "Core"),
    ("aggregation", "Aggregation"),
    ("access", "Access"),
    ("edge", "Edge"),
    ("radio", "Radio access"),
    ("subscriber_data", "Subscriber data"),
    ("voice", "Voice"),
    ("service", "Service platform"),
    ("management", "Management"),
]
ELEMENT_STATUS = [
    ("planned", "Planned"),
    ("installed", "Installed"),
    ("in_service", "In service"),
    ("maintenance", "Maintenance"),
    ("faulty", "Faulty"),
    ("decommissioned", "Decommissioned"),
]
TICKET_SEVERITIES = ("critical", "major")  # as telecom.alarm: service affecting
RANK_SEVERITY = {5: "critical", 4: "major", 3: "minor", 2: "warning", 1: "indeterminate"}


class TelecomNetworkElement(models.Model):
    _name = "telecom.network.element"
    _description = "Network element"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "name, id"
    _parent_store = True
    _rec_names_search = ("name", "serial", "management_ip")
    _check_company_auto = True

    name = fields.Char(string="Hostname", required=True, index=True, tracking=True)
    element_type = fields.Selection(ELEMENT_TYPES, required=True, index=True, tracking=True)
    vendor_id = fields.Many2one("telecom.network.vendor", ondelete="restrict", index=True)
    model = fields.Char()
    serial = fields.Char(index="btree_not_null", copy=False)
    firmware_version = fields.Char(tracking=True)
    management_ip = fields.Char(string="Management IP", index="btree_not_null", copy=False)
    role = fields.Selection(ELEMENT_ROLES, index=True)
    status = fields.Selection(
        ELEMENT_STATUS, required=True, default="in_service", index=True, tracking=True
    )
    parent_id = fields.Many2one(
        "telecom.network.element",
        string="Parent element",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("telecom.network.element", "parent_id", string="Children")
    child_count = fields.Integer(compute="_compute_child_count")
    site_id = fields.Many2one(
        "telecom.site", index=True, ondelete="restrict", check_company=True, tracking=True
    )
    port_ids = fields.One2many("telecom.network.port", "element_id", string="Ports")
    port_count = fields.Integer(compute="_compute_port_count")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    note = fields.Html()
    # the highest severity among open alarms, kept by telecom.alarm (NOC colouring)
    alarm_severity = fields.Selection(
        [
            ("critical", "Critical"),
            ("major", "Major"),
            ("minor", "Minor"),
            ("warning", "Warning"),
            ("indeterminate", "Indeterminate"),
        ],
        readonly=True,
        index="btree_not_null",
    )
    open_alarm_count = fields.Integer(compute="_compute_open_alarm_count")

    _sql_constraints = (
        (
            "name_company_unique",
            "unique(company_id, name)",
            "A hostname must be unique within the company.",
        ),
        (
            "serial_company_unique",
            "unique(company_id, serial)",
            "A serial number must be unique within the company.",
        ),
    )

    def init(self):
        # child_of and the impact analysis search ``parent_path LIKE 'a/b/%'``: an index
        # with text_pattern_ops serves those prefix searches whatever the collation
        tools.create_index(
            self.env.cr,
            "telecom_network_element_parent_path_prefix_idx",
            self._table,
            ["parent_path text_pattern_ops"],
        )

    @api.depends("name", "element_type")
    def _compute_display_name(self):
        labels = dict(ELEMENT_TYPES)
        for element in self:
            kind = labels.get(element.element_type)
            element.display_name = f"{element.name} ({kind})" if kind else element.name

    def _compute_child_count(self):
        counts = dict(self._read_group([("parent_id", "in", self.ids)], ["parent_id"], ["__count"]))
        for element in self:
            element.child_count = counts.get(element, 0)

    def _compute_port_count(self):
        counts = dict(
            self.env["telecom.network.port"]._read_group(
                [("element_id", "in", self.ids)], ["element_id"], ["__count"]
            )
        )
        for element in self:
            element.port_count = counts.get(element, 0)

    @api.constrains("parent_id")
    def _check_parent_cycle(self):
        if self._has_cycle():
            raise ValidationError(self.env._("An element cannot be its own (indirect) parent."))

    @api.constrains("management_ip")
    def _check_management_ip(self):
        for element in self.filtered("management_ip"):
            try:
                ipaddress.ip_address(element.management_ip.strip())
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "%(element)s: '%(ip)s' is not an IPv4 or IPv6 address.",
                        element=element.name,
                        ip=element.management_ip,
                    )
                ) from exc

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("management_ip"):
                vals["management_ip"] = vals["management_ip"].strip()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("management_ip"):
            vals["management_ip"] = vals["management_ip"].strip()
        return super().write(vals)

    # -- alarms --------------------------------------------------------------
    def _telecom_refresh_alarm_severity(self):
        """Colour the elements after the highest current severity of their open alarms."""
        if not self:
            return
        groups = self.env["telecom.alarm"]._read_group(
            [("element_id", "in", self.ids), ("state", "!=", "cleared")],
            ["element_id"],
            ["severity_rank:max"],
        )
        ranks = {element.id: rank for element, rank in groups}
        by_severity = {}
        for element in self:
            severity = RANK_SEVERITY.get(ranks.get(element.id) or 0) or False
            if severity != element.alarm_severity:
                by_severity.setdefault(severity, []).append(element.id)
        for severity, ids in by_severity.items():
            # derived from the alarms (the caller may only write alarms): sudo
            self.browse(ids).sudo().write({"alarm_severity": severity})

    def _compute_open_alarm_count(self):
        counts = dict(
            self.env["telecom.alarm"]._read_group(
                [("element_id", "in", self.ids), ("state", "!=", "cleared")],
                ["element_id"],
                ["__count"],
            )
        )
        for element in self:
            element.open_alarm_count = counts.get(element, 0)

    def action_open_alarms(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telecom_oss.telecom_alarm_action")
        action["domain"] = [("element_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action

    @api.model
    def _telecom_availability(self, date_from, date_to, elements=None):
        """Outage and availability of elements over [date_from, date_to).

        An element is down while a major or critical alarm is open on it, on one of
        its ancestors, or on its site (or an ancestor's site); overlapping outages
        count once. Returns {element id: {"outage_seconds", "availability",
        "outages"}} for the elements that had an outage (the others were 100 %
        available)."""
        if date_to <= date_from:
            raise UserError(self.env._("The period must end after it starts."))
        now = fields.Datetime.now()
        Alarm = self.env["telecom.alarm"]
        outages = Alarm.search(
            [
                ("max_severity", "in", TICKET_SEVERITIES),
                ("first_raised", "<", date_to),
                "|",
                ("cleared_date", "=", False),
                ("cleared_date", ">", date_from),
            ]
        )
        intervals = {}
        for alarm in outages:
            start = max(alarm.first_raised, date_from)
            end = min(alarm.cleared_date or now, date_to)
            if end <= start:
                continue
            if alarm.element_id:
                hit = self._telecom_impacted_elements(elements=alarm.element_id)
            else:
                hit = self._telecom_impacted_elements(sites=alarm.site_id)
            if elements is not None:
                hit &= elements
            for element_id in hit.ids:
                intervals.setdefault(element_id, []).append((start, end))
        period = (date_to - date_from).total_seconds()
        result = {}
        for element_id, spans in intervals.items():
            spans.sort()
            merged = [list(spans[0])]
            for start, end in spans[1:]:
                if start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            down = sum((end - start).total_seconds() for start, end in merged)
            result[element_id] = {
                "outage_seconds": down,
                "availability": round(100.0 * (1 - down / period), 4),
                "outages": len(merged),
            }
        return result

    # -- topology ------------------------------------------------------------
    @api.model
    def _telecom_subtree_domain(self, elements=None, sites=None):
        """Domain of the elements below ``elements`` or at ``sites`` (and below those).

        Built on ``parent_path``: one indexed prefix search per root, however deep
        and wide the tree is.
        """
        roots = self.browse() if elements is None else elements
        if sites:
            # the topmost elements of the sites: those whose parent stands elsewhere
            roots |= self.with_context(active_test=False).search(
                [
                    ("site_id", "in", sites.ids),
                    "|",
                    "|",
                    ("parent_id", "=", False),
                    ("parent_id.site_id", "=", False),
                    ("parent_id.site_id", "not in", sites.ids),
                ]
            )
        # drop roots that are themselves below another root (checked by their
        # ancestors' paths: linear in the number of roots times the depth)
        kept = set()
        for path in sorted(set(roots.mapped("parent_path")), key=len):
            parts = path.split("/")[:-1]
            ancestors = {"/".join(parts[:i]) + "/" for i in range(1, len(parts))}
            if not ancestors & kept:
                kept.add(path)
        if not kept:
            return expression.FALSE_DOMAIN
        return expression.OR([[("parent_path", "=like", f"{path}%")] for path in sorted(kept)])

    @api.model
    def _telecom_impacted_elements(self, elements=None, sites=None):
        """Every element (active or not) a failure of ``elements`` or ``sites`` takes down."""
        domain = self._telecom_subtree_domain(elements, sites)
        return self.with_context(active_test=False).search(domain)

    def action_open_children(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_network_element_action"
        )
        action["domain"] = [("parent_id", "=", self.id)]
        action["context"] = {"default_parent_id": self.id, "default_site_id": self.site_id.id}
        return action

    def action_open_ports(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_network_port_action"
        )
        action["domain"] = [("element_id", "=", self.id)]
        action["context"] = {"default_element_id": self.id}
        return action

    def action_open_impact(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        return self._telecom_impact_action(elements=self)

    @api.model
    def _telecom_impact_action(self, elements=None, site=None):
        """Window action listing the live subscriptions a failure here hits."""
        subs = self.env["telecom.subscription"]._telecom_impacted_by(elements, site)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_crm.telecom_subscription_action"
        )
        where = ", ".join((elements or site).mapped("display_name"))
        action["name"] = self.env._("Impact of %(where)s", where=where)
        action["domain"] = [("id", "in", subs.ids)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _telecom_impacted_subscriptions(self, elements=None, sites=None):
        """Live subscriptions behind ``elements`` or ``sites`` (see telecom.subscription)."""
        return self.env["telecom.subscription"]._telecom_impacted_by(elements, sites)
