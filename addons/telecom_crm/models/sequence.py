# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Numbers of new records from their ``ir.sequence`` (shared by the suite's models)."""

from odoo.tools import SQL


def next_sequence_numbers(env, code, count, company=None):
    """``count`` next numbers of the sequence ``code`` of ``company`` (default: the
    user's), as ``ir.sequence.next_by_code`` would give them one by one; an empty list
    when there is no such sequence.

    A plain sequence (standard implementation, no date ranges) draws all of them in
    one query (thousands of customer tickets of an outage, a bulk import); other
    sequences go number by number through ``next_by_code``.
    """
    if count <= 0:
        return []
    Sequence = env["ir.sequence"].with_company(company or env.company)
    company_id = Sequence.env.company.id
    sequence = Sequence.sudo().search(
        [("code", "=", code), ("company_id", "in", [company_id, False])],
        order="company_id",
        limit=1,
    )
    if not sequence:
        return []
    if sequence.implementation != "standard" or sequence.use_date_range:
        return [Sequence.next_by_code(code) for _i in range(count)]
    Sequence.browse().check_access("read")
    # the PostgreSQL sequence behind a standard ir.sequence (its increment included):
    # the values next_by_code's nextval would return, drawn together
    env.cr.execute(
        SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            f"ir_sequence_{sequence.id:03d}",
            count,
        )
    )
    return [sequence.get_next_char(row[0]) for row in env.cr.fetchall()]


def assign_sequence_names(env, vals_list, code, placeholders=("/",), field="name"):
    """Give each record about to be created without a number (empty, or one of the
    ``placeholders``) the next number of the sequence ``code`` of its company (its
    ``company_id`` value, else the user's). Changes ``vals_list`` in place; the numbers
    of a company are drawn together (``next_sequence_numbers``)."""
    by_company = {}
    for vals in vals_list:
        if vals.get(field) and vals[field] not in placeholders:
            continue
        company = env["res.company"].browse(vals.get("company_id")) or env.company
        by_company.setdefault(company, []).append(vals)
    for company, todo in by_company.items():
        numbers = next_sequence_numbers(env, code, len(todo), company)
        for index, vals in enumerate(todo):
            vals[field] = numbers[index] if index < len(numbers) else placeholders[0]
