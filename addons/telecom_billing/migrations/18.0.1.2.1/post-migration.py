# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bill-run jobs commit after each chunk: their job function must allow commits.

The record is in a noupdate file, so databases made before 18.0.1.2.1 keep
allow_commit off (every job of a bill run then failed with "Commit is forbidden in
queue jobs" under a real job runner) unless this sets it.
"""


def migrate(cr, version):
    cr.execute(
        """UPDATE queue_job_function SET allow_commit = TRUE
            WHERE id IN (SELECT res_id FROM ir_model_data
                          WHERE module = 'telecom_billing'
                            AND name = 'queue_job_function_bill_run_bill')"""
    )
