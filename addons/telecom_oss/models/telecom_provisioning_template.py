# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.telecom_crm.models.selections import TECHNOLOGIES

ACTIONS = [
    ("activate", "Activate"),
    ("change_plan", "Change plan"),
    ("add_addon", "Add add-on"),
    ("remove_addon", "Remove add-on"),
    ("suspend", "Suspend"),
    ("resume", "Resume"),
    ("terminate", "Terminate"),
    ("move", "Move"),
]
OPERATIONS = [
    ("reserve_number", "Reserve a number"),
    ("allocate_sim", "Allocate a SIM card"),
    ("allocate_ip", "Allocate an IP address / prefix"),
    ("allocate_cpe", "Allocate a CPE"),
    ("reserve_port", "Reserve an access port"),
    ("hlr_activate", "Activate on HLR/HSS"),
    ("hlr_suspend", "Bar on HLR/HSS"),
    ("hlr_resume", "Unbar on HLR/HSS"),
    ("hlr_deactivate", "Delete from HLR/HSS"),
    ("data_profile", "Set the data profile"),
    ("access_activate", "Activate the access line"),
    ("access_suspend", "Suspend the access line"),
    ("access_resume", "Resume the access line"),
    ("access_deactivate", "Remove the access line"),
    ("cpe_configure", "Configure the CPE"),
    ("notify_customer", "Notify the customer"),
    ("release_resources", "Release the resources"),
    ("manual", "Manual work"),
]
# done inside Odoo, no adapter
INTERNAL_OPERATIONS = {
    "reserve_port",
    "reserve_number",
    "allocate_sim",
    "allocate_ip",
    "allocate_cpe",
    "release_resources",
    "manual",
}
# the network call undoing a network call (compensation)
NETWORK_COMPENSATION = {
    "hlr_activate": "hlr_deactivate",
    "hlr_suspend": "hlr_resume",
    "hlr_resume": "hlr_suspend",
    "access_activate": "access_deactivate",
    "access_suspend": "access_resume",
    "access_resume": "access_suspend",
}
HTTP_METHODS = [
    ("GET", "GET"),
    ("POST", "POST"),
    ("PUT", "PUT"),
    ("PATCH", "PATCH"),
    ("DELETE", "DELETE"),
]
RESOURCE_OPERATIONS = {
    "reserve_number",
    "allocate_sim",
    "allocate_ip",
    "allocate_cpe",
    "reserve_port",
}


class TelecomProvisioningTemplate(models.Model):
    _name = "telecom.provisioning.template"
    _description = "Provisioning workflow template"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    action = fields.Selection(ACTIONS, required=True, index=True)
    technology = fields.Selection(
        TECHNOLOGIES, index=True, help="Leave empty for every technology without its own."
    )
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Plan",
        check_company=True,
        index="btree_not_null",
        help="Only for this plan (takes precedence over the technology's template).",
    )
    step_ids = fields.One2many(
        "telecom.provisioning.template.step", "template_id", string="Steps", copy=True
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the template between companies."
    )
    active = fields.Boolean(default=True)

    @api.model
    def _telecom_find(self, action, technology=None, product_tmpl=None, company=None):
        """The template for an action: the plan's own, else its technology's, else the
        generic one (no technology, no plan). Empty when the network has nothing to do."""
        company = company or self.env.company
        domain = [
            ("action", "=", action),
            ("company_id", "in", (False, company.id)),
        ]
        candidates = self.search(domain, order="sequence, id")
        for matches in (
            lambda t: product_tmpl and t.product_tmpl_id == product_tmpl,
            lambda t: technology and not t.product_tmpl_id and t.technology == technology,
            lambda t: not t.product_tmpl_id and not t.technology,
        ):
            found = candidates.filtered(matches)
            if found:
                return found[0]
        return self.browse()


class TelecomProvisioningTemplateStep(models.Model):
    _name = "telecom.provisioning.template.step"
    _description = "Provisioning workflow step"
    _order = "template_id, sequence, id"
    _check_company_auto = True

    template_id = fields.Many2one(
        "telecom.provisioning.template", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    operation = fields.Selection(OPERATIONS, required=True)
    adapter_id = fields.Many2one("telecom.network.adapter", check_company=True, ondelete="restrict")
    max_retries = fields.Integer(default=3, help="Retries after a transient failure.")
    retry_delay = fields.Integer(
        string="Retry delay (s)", default=60, help="Doubled at every retry (max one hour)."
    )
    wait_callback = fields.Boolean(
        string="Wait for the result",
        help="The external system reports the result later (XML-RPC report_task_result).",
    )
    compensate = fields.Boolean(
        default=True, help="Undo this step when a later step fails for good."
    )
    optional = fields.Boolean(
        help="When this step fails for good the order goes on (e.g. a notification)."
    )
    http_method = fields.Selection(HTTP_METHODS, string="HTTP method")
    path_template = fields.Char(
        help="Custom request for a REST API other than the reference one: the path,"
        " a sandboxed Jinja template over the task data, e.g. /v2/msisdn/{{ msisdn }}."
        " Empty: the reference API (what tools/netsim implements).",
    )
    payload_template = fields.Text(
        help="JSON body of the custom request (Jinja over the task data, use |tojson)."
    )
    undo_method = fields.Selection(HTTP_METHODS, string="Undo HTTP method")
    undo_path_template = fields.Char(
        string="Undo path", help="Custom request undoing this step (compensation)."
    )
    user_id = fields.Many2one("res.users", string="Assigned to", help="Manual steps.")
    instructions = fields.Text()
    number_pool_id = fields.Many2one("telecom.number.pool", check_company=True)
    ip_pool_id = fields.Many2one("telecom.ip.pool", check_company=True)
    prefix_len = fields.Integer(string="Prefix length", help="Empty: the pool's default.")
    sim_type = fields.Selection([("physical", "Physical SIM"), ("esim", "eSIM profile")])
    cpe_type = fields.Selection(
        [
            ("ont", "ONT"),
            ("router", "Home router / gateway"),
            ("modem", "DSL modem"),
            ("stb", "Set-top box"),
            ("sip_phone", "SIP phone / ATA"),
            ("other", "Other"),
        ]
    )

    _sql_constraints = (
        ("retries_positive", "CHECK (max_retries >= 0)", "Retries cannot be negative."),
        ("delay_positive", "CHECK (retry_delay >= 0)", "The retry delay cannot be negative."),
    )

    @api.constrains("operation", "adapter_id")
    def _check_adapter(self):
        for step in self:
            if (
                step.operation not in INTERNAL_OPERATIONS
                and step.operation != "notify_customer"
                and not step.adapter_id
            ):
                raise ValidationError(
                    self.env._(
                        "The step '%(step)s' talks to the network: choose its adapter.",
                        step=step.name,
                    )
                )
