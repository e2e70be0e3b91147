# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom Portal",
    "summary": "Customer and agent self-care in the Odoo portal",
    "version": "18.0.1.1.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    "depends": [
        "telecom_billing",
        "telecom_helpdesk",
        "portal",
        "account_payment",
        "payment_demo",
    ],
    "data": [
        "security/telecom_portal_security.xml",
        "security/telecom_portal_rules.xml",
        "data/helpdesk_ticket_category_data.xml",
        "data/ir_cron_data.xml",
        "data/payment_provider_data.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/telecom_subscription_views.xml",
        "views/portal_templates.xml",
        "views/portal_service_templates.xml",
        "views/portal_usage_templates.xml",
        "views/portal_request_templates.xml",
        "views/portal_account_templates.xml",
        "views/portal_agent_templates.xml",
    ],
    "demo": ["demo/payment_provider_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "telecom_portal/static/src/scss/telecom_portal.scss",
        ],
        "web.assets_tests": [
            "telecom_portal/static/tests/tours/*.js",
        ],
    },
}
