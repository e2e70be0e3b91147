# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the process is running in."""

import threading


def testing():
    """True in Odoo's test runner: batch jobs must not commit (a test is one transaction).

    Odoo marks the thread that runs tests (``threading.current_thread().testing``).
    """
    return getattr(threading.current_thread(), "testing", False)
