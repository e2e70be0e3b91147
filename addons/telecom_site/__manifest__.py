# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Telecom Sites",
    "summary": "Run the suite on several sites: sessions and files in PostgreSQL, one cron leader",
    "version": "18.0.1.0.0",
    "category": "Telecom",
    "license": "AGPL-3",
    "author": "Telecom Suite contributors",
    "website": "https://github.com/telecom-suite/telecom-suite",
    "maintainers": ["telecom-suite"],
    "development_status": "Alpha",
    "depends": ["base", "web"],
    "data": ["data/ir_config_parameter_data.xml"],
    # loaded server-wide (server_wide_modules = base,web,queue_job,telecom_site), it
    # swaps the HTTP session store and guards the cron runner when the config asks
    "post_load": "post_load",
    "post_init_hook": "post_init_hook",
}
