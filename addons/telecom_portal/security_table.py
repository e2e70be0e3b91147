# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may call what over RPC: the public methods telecom_portal defines.

None: the portal's work goes through its routes (controllers/, one file per page), which
check the customer or agent, then call private methods. The format and the test
that holds the code to it: see the docstring of ``telecom_crm/security_table.py``.
"""

METHODS = {}
