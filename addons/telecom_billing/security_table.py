# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what over RPC: the public methods telecom_billing defines.

The format and the test that holds the code to it: see the docstring of
``telecom_crm/security_table.py``.
"""

from odoo.addons.telecom_crm.security_table import (
    ACCOUNT_READONLY,
    ACL,
    BILLING,
    INVOICING,
    MANAGER,
    USER,
)

METHODS = {
    "account.banking.mandate": {
        "validate": ACL("write"),
    },
    "account.move": {
        "button_cancel": ACL("write"),
        "action_telecom_usage": (USER,),
        "action_telecom_usage_xlsx": (USER,),
        "action_telecom_print_batch": (BILLING,),
        "action_telecom_resend": (BILLING, INVOICING),
    },
    "telecom.api": {
        "account_balance": (USER,),
        "create_credit_note": (INVOICING,),
        "sign_mandate": (BILLING,),
        "revoke_mandate": (BILLING,),
        "import_usage": (BILLING,),
        "rate_preview": (USER,),
        # what was rated and billed (plus read access to the subscription or account)
        "usage_records": (USER,),
        "allowance_balances": (USER,),
        "account_invoices": (USER,),
        "service_status": (USER,),
        # rating set-up as documents: read by users, written by billing (plans: managers)
        "export_tariff": (USER,),
        "list_tariffs": (USER,),
        "export_plan": (USER,),
        "export_account_pools": (USER,),
        "export_mediation_source": (USER,),
        "validate_tariff": (BILLING,),
        "import_tariff": (BILLING,),
        "import_account_pools": (BILLING,),
        "import_mediation_source": (BILLING,),
        "rerate": (BILLING,),
        "import_plan": (MANAGER,),
    },
    "telecom.ar.ageing.report": {
        # the list by customer's page and count (the report's ACL: billing)
        "web_read_group": (BILLING,),
    },
    "telecom.bill.run": {
        "create": ACL("create"),
        "action_start": (BILLING,),
        "action_resume": (BILLING,),
        "action_retry_errors": (BILLING,),
        "action_cancel": (BILLING,),
        "action_view_invoices": (USER,),
        "action_view_errors": (USER,),
        "action_export_xlsx": (USER,),
    },
    "telecom.bill.run.line": {
        "action_retry": (BILLING,),
    },
    "telecom.billing.account": {
        "action_dunning_hold": (BILLING,),
        "action_dunning_release": (BILLING,),
        "action_view_invoices": (INVOICING, ACCOUNT_READONLY),
        "action_open_credit_note_wizard": (BILLING,),
    },
    "telecom.credit.note.wizard": {
        "action_confirm": (BILLING,),
    },
    "telecom.mediation.batch": {
        "create": ACL("create"),
        "action_resume": (BILLING,),
        "action_verify": (BILLING,),
        "action_view_records": (USER,),
        "action_view_rejects": (USER,),
    },
    "telecom.mediation.source": {
        "action_view_batches": (USER,),
        "action_view_rejects": (USER,),
    },
    "telecom.prefix.import.wizard": {
        "action_import": (BILLING,),
    },
    "telecom.rating.preview": {
        "action_compute": (USER,),
    },
    "telecom.rerating": {
        "create": ACL("create"),
        "action_run": (BILLING,),
    },
    "telecom.revenue.summary": {
        "action_refresh": (BILLING,),
    },
    "telecom.subscription": {
        "action_view_usage": (USER,),
        "action_view_allowances": (USER,),
        "action_open_rating_preview": (USER,),
    },
    "telecom.tariff": {
        "action_view_versions": (USER,),
    },
    "telecom.tariff.prefix": {
        "create": ACL("create"),
        "write": ACL("write"),
    },
    "telecom.tariff.price": {
        "create": ACL("create"),
        "write": ACL("write"),
    },
    "telecom.tariff.version": {
        "action_new_version": (BILLING,),
        "action_open_new_version": (BILLING,),
        "action_view_zones": (USER,),
        "action_view_prefixes": (USER,),
        "action_import_prefixes": (BILLING,),
    },
    "telecom.tariff.version.wizard": {
        "action_create": (BILLING,),
    },
    "telecom.usage.import.wizard": {
        "action_import": (BILLING,),
    },
    "telecom.usage.record": {
        "write": ACL("write"),
        "action_reprocess": (BILLING,),
        "action_explain": (USER,),
    },
}
