# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom Billing",
    "summary": "Mediation and rating of usage, bill runs, invoices, payments and dunning",
    "version": "18.0.1.1.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    "depends": ["telecom_crm", "account", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/telecom_billing_security.xml",
        "data/decimal_precision_data.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "views/telecom_usage_record_views.xml",
        "views/telecom_mediation_views.xml",
        "views/telecom_tariff_views.xml",
        "views/telecom_allowance_balance_views.xml",
        "views/telecom_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "telecom_billing/static/tests/tours/*.js",
        ],
    },
}
