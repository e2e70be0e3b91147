# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom Helpdesk",
    "summary": "Trouble tickets with SLAs, outages and disputes, on OCA helpdesk_mgmt",
    "version": "18.0.1.0.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    "depends": ["telecom_oss", "helpdesk_mgmt"],
    "data": ["data/helpdesk_ticket_team_data.xml", "views/telecom_menus.xml"],
}
