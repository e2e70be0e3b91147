# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Company settings of rating and billing: the usage lock date (mediation), bill runs,
invoice delivery, direct debit (Settings > Telecom)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    telecom_usage_lock_date = fields.Date(
        string="Usage Lock Date",
        help="Usage that started on or before this date is in a closed period: mediation "
        "rejects it (reason closed_period). Bill runs move it forward.",
    )
    telecom_bill_journal_id = fields.Many2one(
        "account.journal",
        string="Telecom Invoice Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="Sales journal of the bill-run invoices; empty: the first sales journal.",
    )
    telecom_billing_cutover_date = fields.Date(
        string="Billing Start Date",
        help="Recurring fees and usage before this date were billed by the previous system: "
        "bill runs never bill them (migration cut-over).",
    )
    telecom_billrun_fast = fields.Boolean(
        string="Fast Invoice Writer",
        default=True,
        help="Write bill-run invoices in bulk (same journal items as Odoo's own invoice "
        "creation, proven by the tests) and number them in one statement per batch. "
        "Untick to create and post them through the standard accounting forms' code, "
        "e.g. when a localisation must hook into posting.",
    )
    telecom_billrun_chunk = fields.Integer(
        string="Accounts per Transaction",
        default=200,
        help="Billing accounts billed per database transaction (and per job).",
    )
    telecom_billrun_workers = fields.Integer(
        string="Parallel Bill-run Jobs",
        default=2,
        help="Jobs billing the accounts of one run at the same time (about one per CPU core).",
    )
    telecom_invoice_mail_per_minute = fields.Integer(
        string="Invoice E-mails per Minute",
        default=60,
        help="At most this many invoices are rendered and e-mailed per minute, so mail "
        "servers and providers' rate limits are respected.",
    )
    telecom_mandate_auto_validate = fields.Boolean(
        string="Validate Online Mandates at Once",
        help="A SEPA mandate the customer signs in the portal (or through an "
        "integrator's e-signature) is in force at once; otherwise it waits in draft "
        "until the back office validates it.",
    )
    telecom_sdd_payment_mode_id = fields.Many2one(
        "account.payment.mode",
        string="Direct Debit Payment Mode",
        domain="[('payment_type', '=', 'inbound'), ('company_id', '=', id)]",
        help="SEPA direct debit payment mode given to the invoices of billing accounts "
        "with a valid mandate; their invoices are collected by direct debit orders.",
    )

    @api.constrains(
        "telecom_billrun_chunk", "telecom_billrun_workers", "telecom_invoice_mail_per_minute"
    )
    def _check_telecom_billrun_settings(self):
        for company in self:
            if not 1 <= company.telecom_billrun_chunk <= 5000:
                raise ValidationError(_("Accounts per transaction: between 1 and 5000."))
            if not 1 <= company.telecom_billrun_workers <= 32:
                raise ValidationError(_("Parallel bill-run jobs: between 1 and 32."))
            if company.telecom_invoice_mail_per_minute < 1:
                raise ValidationError(_("Allow at least one invoice e-mail per minute."))

    def _telecom_bill_journal(self):
        self.ensure_one()
        journal = self.telecom_bill_journal_id
        if not journal:
            journal = self.env["account.journal"].search(
                [("type", "=", "sale"), ("company_id", "=", self.id)], limit=1
            )
        if not journal:
            raise ValidationError(
                _("%(company)s has no sales journal for telecom invoices.", company=self.name)
            )
        return journal


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telecom_usage_lock_date = fields.Date(
        related="company_id.telecom_usage_lock_date", readonly=False
    )
    telecom_bill_journal_id = fields.Many2one(
        related="company_id.telecom_bill_journal_id", readonly=False
    )
    telecom_billing_cutover_date = fields.Date(
        related="company_id.telecom_billing_cutover_date", readonly=False
    )
    telecom_billrun_fast = fields.Boolean(related="company_id.telecom_billrun_fast", readonly=False)
    telecom_billrun_chunk = fields.Integer(
        related="company_id.telecom_billrun_chunk", readonly=False
    )
    telecom_billrun_workers = fields.Integer(
        related="company_id.telecom_billrun_workers", readonly=False
    )
    telecom_invoice_mail_per_minute = fields.Integer(
        related="company_id.telecom_invoice_mail_per_minute", readonly=False
    )
    telecom_mandate_auto_validate = fields.Boolean(
        related="company_id.telecom_mandate_auto_validate", readonly=False
    )
    telecom_sdd_payment_mode_id = fields.Many2one(
        related="company_id.telecom_sdd_payment_mode_id", readonly=False
    )
