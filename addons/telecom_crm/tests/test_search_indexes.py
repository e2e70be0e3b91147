# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Partial numbers are found through trigram indexes, not by reading every row."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.telecom_search_indexes import TRIGRAM_COLUMNS


@tagged("post_install", "-at_install")
class TestSearchIndexes(TransactionCase):
    def test_the_extension_and_the_indexes_exist(self):
        """Installing the add-on created pg_trgm (the test cluster's role may) and a
        GIN trigram index on every column of the table."""
        self.assertTrue(self.env.registry.has_trigram)
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(self.env.cr.fetchone())
        for table, columns in TRIGRAM_COLUMNS.items():
            for column in columns:
                self.env.cr.execute(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                    (table, f"{table}__{column}_trgm"),
                )
                row = self.env.cr.fetchone()
                self.assertTrue(row, f"no trigram index on {table}.{column}")
                self.assertIn("gin_trgm_ops", row[0])

    def _plan(self, model, domain, without=()):
        """PostgreSQL's plan of the ORM's query for ``domain``, with reading a whole
        table or a whole index priced out (the cheapest on a tiny test table, never
        on a large one): what is left is an index that the query's condition itself
        can use. A condition written so that no index applies (a cast, a function
        around the column) leaves PostgreSQL no plan but the priced-out ones.
        ``without``: indexes left out of the plan (dropped in a savepoint)."""
        query = self.env[model]._search(domain)
        cr = self.env.cr
        with cr.savepoint(flush=False) as savepoint:
            for index in without:
                cr.execute(SQL("DROP INDEX %s", SQL.identifier(index)))
            cr.execute("SET LOCAL enable_seqscan = off")
            cr.execute("SET LOCAL enable_indexscan = off")
            cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in cr.fetchall())
            savepoint.rollback()
        return plan

    def test_partial_numbers_use_the_indexes(self):
        """What an agent types (the end of a number, part of a customer number) is
        answered by the trigram index, in the query the ORM writes."""
        plan = self._plan("telecom.subscription", [("phone_number", "ilike", "0470123")])
        self.assertIn("telecom_subscription__phone_number_trgm", plan)
        # the partial B-tree of customer numbers (exact lookups) would be read whole
        # here: on a tiny table that is cheaper than any condition
        plan = self._plan(
            "res.partner",
            [("telecom_customer_number", "ilike", "00123")],
            without=["res_partner__telecom_customer_number_index"],
        )
        self.assertIn("res_partner__telecom_customer_number_trgm", plan)
        # a customer by the number of one of their services (the customer search)
        plan = self._plan(
            "res.partner", [("telecom_subscription_ids.phone_number", "ilike", "0470123")]
        )
        self.assertIn("telecom_subscription__phone_number_trgm", plan)
