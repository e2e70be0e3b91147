# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what over RPC: the public methods telecom_oss defines.

The format and the test that holds the code to it: see the docstring of
``telecom_crm/security_table.py``.
"""

from odoo.addons.telecom_crm.security_table import ACL, USER

NOC = "telecom_oss.group_telecom_noc"
PROVISIONING = "telecom_oss.group_telecom_provisioning"
ENGINEER = "telecom_oss.group_telecom_network_engineer"

METHODS = {
    "telecom.alarm": {
        "action_acknowledge": (ENGINEER,),
        "action_clear": (ENGINEER,),
        "action_open_impact": (USER,),
        "action_open_correlated": (USER,),
    },
    "telecom.availability.report": {
        "action_compute": (NOC,),
    },
    "telecom.config.version": {
        "create": ACL("create"),
        "action_rollback": (ENGINEER,),
        "action_compare": (NOC,),
    },
    "telecom.cpe": {
        "create": ACL("create"),
        "write": ACL("write"),
    },
    "telecom.ip.pool": {
        "create": ACL("create"),
        "write": ACL("write"),
        "action_open_prefixes": (USER,),
    },
    "telecom.ip.prefix": {
        "create": ACL("create"),
        "write": ACL("write"),
    },
    "telecom.network.adapter": {
        # engineers edit adapters (access rights); the fields that allow plain http or
        # unverified TLS are the manager's, and a new endpoint withdraws them
        "write": ACL("write"),
        "action_test_connection": (ENGINEER,),
    },
    "telecom.network.element": {
        "create": ACL("create"),
        "write": ACL("write"),
        "action_render_intended": (ENGINEER,),
        "action_backup": (ENGINEER,),
        "action_push_intended": (ENGINEER,),
        "action_open_alarms": (USER,),
        "action_open_children": (USER,),
        "action_open_ports": (USER,),
        "action_open_impact": (USER,),
    },
    "telecom.number": {
        "action_block": (ENGINEER,),
        "action_unblock": (ENGINEER,),
    },
    "telecom.number.pool": {
        "action_generate_numbers": (ENGINEER,),
        "action_open_numbers": (USER,),
    },
    # network managers and workforce tools
    "telecom.oss.api": {
        "report_alarms": (ENGINEER,),
        "report_alarm": (ENGINEER,),
        "report_task_result": (PROVISIONING, ENGINEER),
        "impact": (USER,),
    },
    "telecom.provisioning.order": {
        "create": ACL("create"),
        "action_start": (PROVISIONING,),
        "action_cancel": (PROVISIONING,),
        "action_requeue": (PROVISIONING,),
    },
    "telecom.provisioning.task": {
        "create": ACL("create"),
        "action_mark_done": (PROVISIONING,),
        "action_mark_failed": (PROVISIONING,),
    },
    # numbers, SIM cards, IP prefixes and CPE
    "telecom.resource.mixin": {
        "action_open_history": (USER,),
    },
    "telecom.service.order": {
        "action_view_provisioning_orders": (USER,),
    },
    "telecom.site": {
        "action_open_elements": (USER,),
        "action_open_impact": (USER,),
    },
    "telecom.subscription": {
        "action_view_provisioning_orders": (USER,),
        "action_view_network_alarms": (USER,),
    },
}
