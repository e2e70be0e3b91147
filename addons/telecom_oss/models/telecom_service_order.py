# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service orders fulfilled by provisioning (the CRM extension point).

With network provisioning on for the company (``res.company.telecom_provisioning``)
and a workflow template for the action and the plan (or its technology), a
submitted service order goes in progress and a provisioning order does the work
in background jobs (a termination or move scheduled for later waits for its
date, see telecom_crm); it calls ``_telecom_mark_done()`` when the network is done
and ``_telecom_mark_failed(error)`` when it failed (after compensation). Without a
template, or with provisioning off for the company, the order is done at once as in
CRM alone (no context key switches provisioning off: an RPC caller could send it).
"""

from markupsafe import Markup

from odoo import fields, models


class TelecomServiceOrder(models.Model):
    _inherit = "telecom.service.order"

    provisioning_order_ids = fields.One2many(
        "telecom.provisioning.order", "service_order_id", string="Provisioning orders"
    )
    provisioning_order_count = fields.Integer(compute="_compute_provisioning_order_count")

    def _compute_provisioning_order_count(self):
        counts = dict(
            self.env["telecom.provisioning.order"]
            .sudo()
            ._read_group([("service_order_id", "in", self.ids)], ["service_order_id"], ["__count"])
        )
        for order in self:
            order.provisioning_order_count = counts.get(order, 0)

    def _telecom_provisioning_template(self):
        """The workflow template fulfilling this order (empty: nothing to provision)."""
        self.ensure_one()
        Template = self.env["telecom.provisioning.template"].sudo()
        if not self.company_id.telecom_provisioning:
            return Template
        plan = self.subscription_id.plan_id
        if self.action == "change_plan" and (self.values or {}).get("plan_id"):
            plan = self.env["product.product"].browse(self.values["plan_id"]).exists() or plan
        technology = plan.telecom_technology or self.subscription_id.technology
        return Template._telecom_find(
            self.action, technology, plan.product_tmpl_id, self.company_id
        )

    def _telecom_requires_fulfilment(self):
        self.ensure_one()
        return bool(self._telecom_provisioning_template()) or super()._telecom_requires_fulfilment()

    def _telecom_carry_out_due(self):
        res = super()._telecom_carry_out_due()
        due = self.filtered(lambda o: o.state == "submitted" and not o._telecom_is_scheduled())
        for order in due:
            template = order._telecom_provisioning_template()
            if template:
                order._telecom_provision(template)
        return res

    def _telecom_provision(self, template):
        """Start the provisioning order of this service order (jobs do the work)."""
        self.ensure_one()
        self.action_start()
        sub = self.subscription_id
        values = dict(self.values or {})
        # the user passed CRM's checks to submit the order: the network side runs
        # as the system (operators without provisioning rights order services too)
        provisioning = (
            self.env["telecom.provisioning.order"]
            .sudo()
            ._telecom_create_from_template(
                template,
                values={
                    key: values[key] for key in ("plan_id", "reason", "date") if values.get(key)
                },
                partner_id=sub.partner_id.id,
                company_id=self.company_id.id,
                service_order_id=self.id,
                subscription_id=sub.id,
            )
        )
        provisioning.action_start()
        self.message_post(
            body=Markup(self.env._("Provisioning order %(order)s started (%(template)s)."))
            % {
                "order": provisioning._get_html_link(),
                "template": template.name,
            }
        )
        return provisioning

    def action_view_provisioning_orders(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_provisioning_order_action"
        )
        action["domain"] = [("service_order_id", "=", self.id)]
        action["context"] = {}
        return action
