# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .selections import PERIOD_MONTHS
from .sequence import assign_sequence_names


class TelecomBillingAccount(models.Model):
    """Who pays, where the invoice goes and on which cycle."""

    _name = "telecom.billing.account"
    _description = "Telecom billing account"
    _inherit = ("mail.thread", "mail.activity.mixin", "portal.mixin")
    _order = "name desc"
    _check_company_auto = True
    _rec_names_search = ("name", "partner_id.name", "partner_id.telecom_customer_number")

    name = fields.Char(
        string="Account Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: _("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('parent_id', '=', False)]",
    )
    payer_id = fields.Many2one(
        "res.partner",
        compute="_compute_payer_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        ondelete="restrict",
        help="Who pays the invoices: the customer unless a third party pays.",
    )
    invoice_partner_id = fields.Many2one(
        "res.partner",
        string="Invoice Address",
        compute="_compute_invoice_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        ondelete="restrict",
    )
    invoice_email = fields.Char(
        compute="_compute_invoice_email",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    payment_term_id = fields.Many2one(
        "account.payment.term", string="Payment Terms", check_company=True, tracking=True
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position", check_company=True, tracking=True
    )
    billing_day = fields.Integer(
        default=1, tracking=True, help="Day of the month the billing period starts (1 to 28)."
    )
    billing_period = fields.Selection(
        [
            ("monthly", "Monthly"),
            ("bimonthly", "Every two months"),
            ("quarterly", "Quarterly"),
            ("yearly", "Yearly"),
        ],
        required=True,
        default="monthly",
        tracking=True,
    )
    billing_period_months = fields.Integer(compute="_compute_billing_period_months", store=True)
    invoice_delivery = fields.Selection(
        [("email", "E-mail"), ("portal", "Portal only"), ("post", "Post")],
        required=True,
        default="email",
        tracking=True,
    )
    paperless = fields.Boolean(
        compute="_compute_paperless", store=True, readonly=False, precompute=True, tracking=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("closed", "Closed"),
        ],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
    )
    subscription_ids = fields.One2many(
        "telecom.subscription", "billing_account_id", string="Subscriptions"
    )
    subscription_count = fields.Integer(compute="_compute_subscription_count")
    charge_ids = fields.One2many("telecom.charge", "billing_account_id", string="Charges")
    note = fields.Text()

    _sql_constraints = (
        ("name_company_uniq", "unique(name, company_id)", "An account number must be unique."),
    )

    # -- computes ------------------------------------------------------------
    @api.depends("partner_id")
    def _compute_payer_id(self):
        for account in self:
            if not account.payer_id or account.payer_id == account._origin.partner_id:
                account.payer_id = account.partner_id
            else:
                account.payer_id = account.payer_id

    @api.depends("payer_id")
    def _compute_invoice_partner_id(self):
        for account in self:
            payer = account.payer_id
            if payer:
                address = payer.address_get(["invoice"]).get("invoice")
                account.invoice_partner_id = address or payer
            else:
                account.invoice_partner_id = False

    @api.depends("invoice_partner_id")
    def _compute_invoice_email(self):
        for account in self:
            account.invoice_email = account.invoice_partner_id.email or account.invoice_email

    @api.depends("billing_period")
    def _compute_billing_period_months(self):
        for account in self:
            account.billing_period_months = PERIOD_MONTHS.get(account.billing_period, 1)

    @api.depends("invoice_delivery")
    def _compute_paperless(self):
        for account in self:
            account.paperless = account.invoice_delivery != "post"

    def _compute_subscription_count(self):
        counts = {
            account.id: count
            for account, count in self.env["telecom.subscription"]._read_group(
                [("billing_account_id", "in", self.ids)], ["billing_account_id"], ["__count"]
            )
        }
        for account in self:
            account.subscription_count = counts.get(account.id, 0)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for account in self:
            account.access_url = f"/my/billing_accounts/{account.id}"
        return result

    @api.depends("name", "partner_id.name")
    def _compute_display_name(self):
        for account in self:
            if account.partner_id:
                account.display_name = f"{account.name} - {account.partner_id.name}"
            else:
                account.display_name = account.name

    # -- constraints -----------------------------------------------------------
    @api.constrains("partner_id")
    def _check_partner_is_commercial(self):
        for account in self:
            if account.partner_id != account.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "%(account)s: the customer of a billing account is the company or "
                        "person itself (%(commercial)s), not one of its contacts.",
                        account=account.name,
                        commercial=account.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("billing_day")
    def _check_billing_day(self):
        for account in self:
            if not 1 <= account.billing_day <= 28:
                raise ValidationError(
                    _(
                        "%(account)s: the billing day must be between 1 and 28.",
                        account=account.name,
                    )
                )

    @api.constrains("invoice_delivery", "invoice_email", "paperless")
    def _check_invoice_delivery(self):
        for account in self:
            if account.invoice_delivery == "email" and not account.invoice_email:
                raise ValidationError(
                    _(
                        "%(account)s: invoices sent by e-mail need an invoice e-mail address.",
                        account=account.name,
                    )
                )
            if account.invoice_delivery == "post" and account.paperless:
                raise ValidationError(
                    _(
                        "%(account)s: invoices sent by post cannot be paperless.",
                        account=account.name,
                    )
                )

    @api.constrains("partner_id", "state")
    def _check_subscriptions_follow(self):
        for account in self:
            subs = account.subscription_ids
            if subs.filtered(lambda s, acc=account: s.partner_id != acc.partner_id):
                raise ValidationError(
                    _(
                        "%(account)s already holds subscriptions of another customer.",
                        account=account.name,
                    )
                )
            if account.state == "closed" and subs.filtered(
                lambda s: s.state not in ("terminated", "draft")
            ):
                raise ValidationError(
                    _(
                        "%(account)s still has live subscriptions: terminate or move them "
                        "before closing the account.",
                        account=account.name,
                    )
                )

    # -- CRUD ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        assign_sequence_names(self.env, vals_list, "telecom.billing.account", (_("New"),))
        accounts = super().create(vals_list)
        accounts.partner_id._telecom_assign_customer_number()
        return accounts

    def write(self, vals):
        if "state" in vals and not self.env.su:
            self.check_access("write")
            if any(account.state != vals["state"] for account in self):
                raise UserError(
                    _(
                        "A billing account is activated, suspended, closed and reopened "
                        "with its buttons, not by changing its state."
                    )
                )
        return super().write(vals)

    def _telecom_set_state(self, state):
        """The accounts' own state change (the public actions checked the caller's
        role): the caller's write access is checked, then it runs as superuser."""
        self.check_access("write")
        return self.sudo().write({"state": state})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        for account in self:
            if account.state != "draft" or account.subscription_ids:
                raise UserError(
                    _(
                        "%(account)s is in use: close it instead of deleting it.",
                        account=account.name,
                    )
                )

    # -- actions ---------------------------------------------------------------
    def action_activate(self):
        self._telecom_check_groups(
            "telecom_crm.group_telecom_sales", "telecom_crm.group_telecom_billing"
        )
        return self._telecom_activate()

    def _telecom_activate(self):
        """Activate (the first activated subscription does it for any user)."""
        self.filtered(lambda account: account.state != "active")._telecom_set_state("active")
        return True

    def action_suspend(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for account in self:
            if account.state != "active":
                raise UserError(
                    _("%(account)s: only an active account can be suspended.", account=account.name)
                )
        self._telecom_set_state("suspended")
        return True

    def action_close(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self._telecom_set_state("closed")
        return True

    def action_reopen(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for account in self:
            if account.state not in ("closed", "suspended"):
                raise UserError(
                    _(
                        "%(account)s: only a suspended or closed account can be reopened.",
                        account=account.name,
                    )
                )
        self._telecom_set_state("active")
        return True

    def action_view_subscriptions(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_crm.telecom_subscription_action"
        )
        action["domain"] = [("billing_account_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_billing_account_id": self.id,
        }
        return action

    # -- business logic --------------------------------------------------------
    def _telecom_check_usable(self):
        """Refuse new services on accounts that cannot take them."""
        for account in self:
            if account.state == "closed":
                raise UserError(
                    _(
                        "Billing account %(account)s is closed: it takes no new services.",
                        account=account.name,
                    )
                )
