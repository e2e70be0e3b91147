# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom OSS",
    "summary": "Network inventory, resources, fault management, provisioning and configuration",
    "version": "18.0.1.0.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    "depends": ["telecom_billing", "queue_job"],
    "data": ["security/telecom_security.xml", "data/queue_job_data.xml", "views/telecom_menus.xml"],
}
