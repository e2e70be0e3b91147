# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what over RPC: the public methods telecom_demo defines.

The format and the test that holds the code to it (``tests/test_rpc_method_table.py``
of this add-on): see the docstring of ``telecom_crm/security_table.py``.
"""

from odoo.addons.telecom_crm.security_table import SYSTEM

METHODS = {
    "telecom.demo.generator": {
        "generate": (SYSTEM,),
    },
}
