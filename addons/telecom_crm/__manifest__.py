# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom CRM",
    "summary": "Telecom customers, billing accounts, catalogue, orders and subscriptions",
    "version": "18.0.1.0.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    "application": True,
    "sequence": 5,
    "depends": ["sale_management", "account", "mail", "portal"],
    "data": [
        "security/telecom_security.xml",
        "views/telecom_menus.xml",
    ],
}
