# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what over RPC: the public methods telecom_helpdesk defines.

The format and the test that holds the code to it: see the docstring of
``telecom_crm/security_table.py``.
"""

from odoo.addons.telecom_crm.security_table import ACL, BILLING, CARE, USER

HELPDESK_OWN = "helpdesk_mgmt.group_helpdesk_user_own"
HELPDESK_USER = "helpdesk_mgmt.group_helpdesk_user"

METHODS = {
    "helpdesk.ticket": {
        "default_get": ACL("read"),
        "create": ACL("create"),
        "write": ACL("write"),
        "message_new": ACL("create"),
        "action_telecom_dispute_resolve": (CARE, BILLING),
        "action_telecom_dispute_approve_credit": (BILLING,),
        "action_view_telecom_credit_notes": (CARE, BILLING),
        "action_issue_sla_credits": (BILLING,),
        "action_view_telecom_children": (USER,),
        "action_view_telecom_sla_credits": (USER,),
    },
    "telecom.alarm": {
        "write": ACL("write"),
        "action_view_tickets": (HELPDESK_OWN,),
    },
    "telecom.api": {
        "open_ticket": (USER,),
        "add_ticket_comment": (USER,),
        "get_ticket": (USER,),
        "list_tickets": (USER,),
    },
    "telecom.billing.account": {
        "action_view_telecom_disputes": (HELPDESK_OWN,),
    },
    "telecom.dispute.resolve.wizard": {
        "action_confirm": (CARE, BILLING),
    },
    "telecom.helpdesk.xlsx.wizard": {
        "action_export": (HELPDESK_USER,),
    },
    "telecom.sla.credit": {
        "action_cancel": (BILLING,),
    },
    "telecom.subscription": {
        "action_view_telecom_tickets": (HELPDESK_OWN,),
    },
}
