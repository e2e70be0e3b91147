# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom Demo Data",
    "summary": "An operator's worth of demo data for the telecom suite (never in production)",
    "version": "18.0.1.0.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    # not auto-installed: scripts/generate_demo.py (./suite run, ./suite demo) and
    # ./suite test install it; a production database never has it
    "depends": [
        "telecom_crm",
        "telecom_billing",
        "telecom_oss",
        "telecom_helpdesk",
        "telecom_portal",
    ],
}
