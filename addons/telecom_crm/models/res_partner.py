# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

IDENTITY_GROUPS = (
    "telecom_crm.group_telecom_care,telecom_crm.group_telecom_sales,"
    "telecom_crm.group_telecom_manager"
)
RISK_GROUPS = "telecom_crm.group_telecom_billing"


class ResPartner(models.Model):
    _inherit = "res.partner"

    telecom_customer_number = fields.Char(
        string="Customer Number",
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
        help="Set on the commercial partner when it gets its first billing account, "
        "or with the 'Make customer' button.",
    )
    telecom_customer_type = fields.Selection(
        [("residential", "Residential"), ("business", "Business"), ("wholesale", "Wholesale")],
        string="Customer Type",
        tracking=True,
    )
    telecom_segment_id = fields.Many2one(
        "telecom.customer.segment", string="Segment", tracking=True, ondelete="restrict"
    )
    # internal risk data: billing (credit control) and managers read them; customers,
    # agents, sales and care do not, over RPC either
    telecom_credit_class = fields.Selection(
        [("a", "A (best)"), ("b", "B"), ("c", "C"), ("d", "D (worst)")],
        string="Credit Class",
        tracking=True,
        groups=RISK_GROUPS,
    )
    telecom_credit_limit = fields.Monetary(
        currency_field="currency_id", tracking=True, groups=RISK_GROUPS
    )
    telecom_contact_by_email = fields.Boolean(string="Contact by E-mail", default=True)
    telecom_contact_by_sms = fields.Boolean(string="Contact by SMS")
    telecom_contact_by_phone = fields.Boolean(string="Contact by Phone")
    telecom_contact_by_post = fields.Boolean(string="Contact by Post")
    telecom_marketing_opt_in = fields.Boolean(
        string="Marketing Opt-in", tracking=True, help="The customer agreed to receive offers."
    )
    # identity data of residential customers: only the groups that need it read it
    telecom_id_document_type = fields.Selection(
        [
            ("id_card", "Identity Card"),
            ("passport", "Passport"),
            ("driving_licence", "Driving Licence"),
            ("residence_permit", "Residence Permit"),
        ],
        string="ID Document Type",
        groups=IDENTITY_GROUPS,
    )
    telecom_id_document_number = fields.Char(string="ID Document Number", groups=IDENTITY_GROUPS)
    telecom_birthdate = fields.Date(string="Date of Birth", groups=IDENTITY_GROUPS)
    telecom_is_reseller = fields.Boolean(
        string="Reseller", help="Its portal users act as agents for other customers."
    )
    telecom_billing_account_ids = fields.One2many(
        "telecom.billing.account", "partner_id", string="Billing Accounts"
    )
    telecom_subscription_ids = fields.One2many(
        "telecom.subscription", "partner_id", string="Subscriptions"
    )
    # customer 360: one grouped query each
    telecom_subscription_count = fields.Integer(compute="_compute_telecom_subscription_count")
    telecom_active_subscription_count = fields.Integer(
        compute="_compute_telecom_subscription_count"
    )
    telecom_billing_account_count = fields.Integer(compute="_compute_telecom_billing_account_count")
    telecom_open_balance = fields.Monetary(
        string="Open Balance",
        currency_field="currency_id",
        compute="_compute_telecom_open_balance",
        help="Residual amount of the customer's posted invoices and credit notes.",
    )
    telecom_order_count = fields.Integer(compute="_compute_telecom_order_count")

    _sql_constraints = (
        (
            "telecom_customer_number_uniq",
            "unique(telecom_customer_number)",
            "A customer number must be unique.",
        ),
    )

    # -- computes ------------------------------------------------------------
    def _telecom_commercial_ids(self):
        return list({p.commercial_partner_id.id for p in self if p.commercial_partner_id})

    def _compute_telecom_subscription_count(self):
        commercial_ids = self._telecom_commercial_ids()
        total, active = {}, {}
        if commercial_ids:
            for partner, state, count in self.env["telecom.subscription"]._read_group(
                [("partner_id", "in", commercial_ids)], ["partner_id", "state"], ["__count"]
            ):
                total[partner.id] = total.get(partner.id, 0) + count
                if state in ("active", "suspended"):
                    active[partner.id] = active.get(partner.id, 0) + count
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.telecom_subscription_count = total.get(key, 0)
            partner.telecom_active_subscription_count = active.get(key, 0)

    def _compute_telecom_billing_account_count(self):
        commercial_ids = self._telecom_commercial_ids()
        counts = {}
        if commercial_ids:
            counts = {
                partner.id: count
                for partner, count in self.env["telecom.billing.account"]._read_group(
                    [("partner_id", "in", commercial_ids)], ["partner_id"], ["__count"]
                )
            }
        for partner in self:
            partner.telecom_billing_account_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.depends_context("company")
    def _compute_telecom_open_balance(self):
        commercial_ids = self._telecom_commercial_ids()
        balances = {}
        if commercial_ids:
            # the balance is shown to every telecom user (care answers "what do I
            # owe?"); invoices themselves stay behind the accounting ACLs
            moves_sudo = self.env["account.move"].sudo()
            balances = {
                partner.id: amount
                for partner, amount in moves_sudo._read_group(
                    [
                        ("commercial_partner_id", "in", commercial_ids),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("state", "=", "posted"),
                        ("company_id", "in", self.env.companies.ids),
                    ],
                    ["commercial_partner_id"],
                    ["amount_residual_signed:sum"],
                )
            }
        for partner in self:
            partner.telecom_open_balance = balances.get(partner.commercial_partner_id.id, 0.0)

    def _compute_telecom_order_count(self):
        commercial_ids = self._telecom_commercial_ids()
        counts = {}
        if commercial_ids and self.env["sale.order"].has_access("read"):
            counts = {
                partner.id: count
                for partner, count in self.env["sale.order"]._read_group(
                    [
                        ("telecom_customer_id", "in", commercial_ids),
                        ("telecom_order_kind", "!=", False),
                    ],
                    ["telecom_customer_id"],
                    ["__count"],
                )
            }
        for partner in self:
            partner.telecom_order_count = counts.get(partner.commercial_partner_id.id, 0)

    # -- constraints -----------------------------------------------------------
    @api.constrains("telecom_birthdate", "telecom_id_document_number", "telecom_id_document_type")
    def _check_telecom_identity(self):
        today = fields.Date.context_today(self)
        for partner in self.sudo():
            if partner.telecom_birthdate and (
                partner.telecom_birthdate > today or partner.telecom_birthdate.year < 1900
            ):
                raise ValidationError(
                    _(
                        "%(partner)s: the date of birth %(date)s is not plausible.",
                        partner=partner.display_name,
                        date=partner.telecom_birthdate,
                    )
                )
            if partner.telecom_id_document_number and not partner.telecom_id_document_type:
                raise ValidationError(
                    _(
                        "%(partner)s: give the type of the identity document too.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("telecom_credit_limit")
    def _check_telecom_credit_limit(self):
        for partner in self:
            if partner.telecom_credit_limit < 0:
                raise ValidationError(
                    _(
                        "%(partner)s: a credit limit cannot be negative.",
                        partner=partner.display_name,
                    )
                )

    # -- CRUD ------------------------------------------------------------------
    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "telecom_customer_type",
            "telecom_segment_id",
            "telecom_credit_class",
            "telecom_credit_limit",
            "telecom_is_reseller",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if self.env.context.get("telecom_customer"):
            # created from the Telecom > Customers menu: a customer at once
            partners.filtered(lambda p: not p.parent_id)._telecom_assign_customer_number()
        return partners

    # -- actions ---------------------------------------------------------------
    def action_telecom_make_customer(self):
        """Give the commercial partner a customer number (button 'Make customer')."""
        self._telecom_check_groups(
            "telecom_crm.group_telecom_sales", "telecom_crm.group_telecom_care"
        )
        self.commercial_partner_id._telecom_assign_customer_number()
        return True

    def _telecom_action(self, xmlid, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def action_telecom_view_subscriptions(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        customer = self.commercial_partner_id
        return self._telecom_action(
            "telecom_crm.telecom_subscription_action",
            [("partner_id", "=", customer.id)],
            {"default_partner_id": customer.id},
        )

    def action_telecom_view_billing_accounts(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        customer = self.commercial_partner_id
        return self._telecom_action(
            "telecom_crm.telecom_billing_account_action",
            [("partner_id", "=", customer.id)],
            {"default_partner_id": customer.id},
        )

    def action_telecom_view_open_balance(self):
        self._telecom_check_groups(
            "sales_team.group_sale_salesman",
            "account.group_account_invoice",
            "account.group_account_readonly",
        )
        self.ensure_one()
        customer = self.commercial_partner_id
        return self._telecom_action(
            "account.action_move_out_invoice_type",
            [
                ("commercial_partner_id", "=", customer.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("payment_state", "not in", ("paid", "reversed")),
            ],
            {"default_move_type": "out_invoice", "default_partner_id": customer.id},
        )

    def action_telecom_view_orders(self):
        self._telecom_check_groups("sales_team.group_sale_salesman")
        self.ensure_one()
        customer = self.commercial_partner_id
        return self._telecom_action(
            "telecom_crm.sale_order_action_telecom",
            [("telecom_customer_id", "=", customer.id), ("telecom_order_kind", "!=", False)],
            {"default_partner_id": customer.id, "default_telecom_order_kind": "new"},
        )

    # -- business logic --------------------------------------------------------
    def _telecom_assign_customer_number(self):
        """Number the commercial partners in ``self`` that have none yet."""
        self.check_access("read")
        sequence = self.env["ir.sequence"]
        for partner in self:
            customer = partner.commercial_partner_id or partner
            if customer.telecom_customer_number:
                continue
            vals = {"telecom_customer_number": sequence.next_by_code("telecom.customer")}
            if not customer.telecom_customer_type:
                vals["telecom_customer_type"] = "business" if customer.is_company else "residential"
            # numbering is part of making a customer: sales may do it even where
            # the partner itself is read-only to them (e.g. created by another user)
            customer.sudo().write(vals)
        return True
