# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Numbers of new records from their ``ir.sequence`` (shared by the suite's models)."""


def assign_sequence_names(env, vals_list, code, placeholders=("/",), field="name"):
    """Give each record about to be created without a number (empty, or one of the
    ``placeholders``) the next number of the sequence ``code`` of its company (its
    ``company_id`` value, else the user's). Changes ``vals_list`` in place."""
    Sequence = env["ir.sequence"]
    for vals in vals_list:
        if vals.get(field) and vals[field] not in placeholders:
            continue
        company = env["res.company"].browse(vals.get("company_id")) or env.company
        vals[field] = Sequence.with_company(company).next_by_code(code) or placeholders[0]
