# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import gzip
import io
import os
import shutil
import tempfile
from datetime import date
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..engine import balance_store
from ..engine.balance_store import DbBalanceStore
from ..engine.chunk_pipeline import ChunkPipeline
from ..models.telecom_mediation_batch import TelecomMediationBatch
from .common import HEADER, SUB2, RatingCommon

GOOD = "ok{n},+32470000001,voice,2025-03-03T09:{n:02d}:00Z,61,out,+3221234567,"
OTHER = "x{n},+32470000002,voice,2025-03-03T09:{n:02d}:30Z,61,out,+3221234567,"


@tagged("post_install", "-at_install")
class TestMediation(RatingCommon):
    def test_every_reason_code_and_reconciliation(self):
        self.company.telecom_usage_lock_date = date(2025, 1, 31)
        lines = [
            GOOD.format(n=1),
            # missing field (no subscriber)
            "r-missing,,voice,2025-03-03T09:00:00Z,60,out,+3221234567,",
            "r-ts,+32470000001,voice,03/03/2025 09:00,60,out,+3221234567,",
            "r-future,+32470000001,voice,2099-01-01T00:00:00Z,60,out,+3221234567,",
            "r-closed,+32470000001,voice,2025-01-20T09:00:00Z,60,out,+3221234567,",
            "r-neg,+32470000001,voice,2025-03-03T09:00:00Z,-5,out,+3221234567,",
            "r-absurd,+32470000001,voice,2025-03-03T09:00:00Z,999999,out,+3221234567,",
            "r-qty,+32470000001,voice,2025-03-03T09:00:00Z,lots,out,+3221234567,",
            "r-dir,+32470000001,voice,2025-03-03T09:00:00Z,60,sideways,+3221234567,",
            "r-number,+32470000001,voice,2025-03-03T09:00:00Z,60,out,+32-ABC,",
            "r-type,+32470000001,telepathy,2025-03-03T09:00:00Z,60,out,+3221234567,",
            "r-sub,+32479999999,voice,2025-03-03T09:00:00Z,60,out,+3221234567,",
            "r-cols,+32470000001,voice,2025-03-03T09:00:00Z,60",
            # activated 2025-01-10: usage the day before belongs to nobody
            "r-before,+32470000001,voice,2025-01-09T09:00:00Z,60,out,+3221234567,",
            "r-zone,+32470000001,voice,2025-03-03T09:00:00Z,60,out,+999123456,",
        ]
        data = ("\n".join([HEADER, *lines]) + "\n").encode()
        # one line that is not UTF-8
        data += b"r-enc,+32470000001,voice,2025-03-03T09:00:00Z,60,out,+32\xff\xfe,\n"
        data += b"\n\n"  # blank lines are not records
        batch = self.env["telecom.mediation.batch"]._import_data(self.source, data, "bad.csv")
        self.assertEqual(batch.state, "done")
        expected = {
            "r-missing": "missing_field",
            "r-ts": "bad_timestamp",
            "r-future": "future_timestamp",
            "r-closed": "closed_period",
            "r-neg": "negative_quantity",
            "r-absurd": "absurd_quantity",
            "r-qty": "bad_quantity",
            "r-dir": "bad_direction",
            "r-number": "malformed_number",
            "r-type": "unknown_usage_type",
            "r-sub": "unknown_subscriber",
            "r-cols": "malformed_line",
            "r-before": "unknown_subscriber",
            "r-zone": "unknown_zone",
        }
        rejects = self.env["telecom.usage.record"].search(
            [("batch_id", "=", batch.id), ("state", "=", "rejected")]
        )
        by_line = {r.line_no: r for r in rejects}
        for line_no, line in enumerate(lines, start=2):
            rid = line.split(",")[0]
            if rid in expected:
                rec = by_line[line_no]
                self.assertEqual(rec.reason_code, expected[rid], rid)
                self.assertEqual(rec.raw, line, rid)  # the raw line is kept to be corrected
        encoding = rejects.filtered(lambda r: r.reason_code == "bad_encoding")
        self.assertEqual(len(encoding), 1)
        self.assertIn("\\xff\\xfe", encoding.raw)
        self.assertEqual(batch.lines_read, len(lines) + 1)
        self.assertEqual((batch.rated_count, batch.rejected_count), (1, len(lines)))
        self.assertReconciled(batch)
        self.assertIn("missing_field", batch.reason_summary)
        # rejects charge nothing and take no allowance
        self.assertFalse(any(rejects.mapped("amount")))
        self.assertEqual(self.balance("voice").used, 120)

    def test_duplicates_recorded_never_charged_twice(self):
        first = self.import_csv([GOOD.format(n=n) for n in range(1, 4)], name="a.csv")
        self.assertEqual(first.rated_count, 3)
        # the same file again: the same batch, nothing read twice
        again = self.import_csv([GOOD.format(n=n) for n in range(1, 4)], name="a.csv")
        self.assertEqual(again, first)
        self.assertEqual(again.lines_read, 3)
        # another file repeating two records, one twice, plus a new one
        lines = [GOOD.format(n=2), GOOD.format(n=3), GOOD.format(n=4), GOOD.format(n=4)]
        second = self.import_csv(lines, name="b.csv")
        self.assertEqual((second.lines_read, second.rated_count, second.duplicate_count), (4, 1, 3))
        self.assertReconciled(second)
        for n in range(1, 5):
            charged = self.usage(f"ok{n}").filtered(lambda r: r.state == "rated")
            self.assertEqual(len(charged), 1, n)
        dups = self.env["telecom.usage.record"].search(
            [("batch_id", "=", second.id), ("state", "=", "duplicate")]
        )
        self.assertTrue(all(dups.mapped("raw")))
        self.assertFalse(any(dups.mapped("amount")))
        # 4 records x 120 s: only 300 s of allowance, once
        self.assertEqual(self.balance("voice").used, 300)
        # the database itself refuses a second accepted record with the same key
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                """INSERT INTO telecom_usage_record (company_id, source_id,
                           source_record_id, state) VALUES (%s, %s, 'ok1', 'rated')""",
                (self.company.id, self.source.id),
            )

    def test_reprocess_corrected_rejects(self):
        lines = [
            GOOD.format(n=1),
            "x-sub,+32470000003,voice,2025-03-03T10:00:00Z,61,out,+3221234567,",
            "x-num,+32470000001,voice,2025-03-03T11:00:00Z,61,out,+32-ABC,",
            "x-dup,+32470000001,voice,2025-03-03T12:00:00Z,61,out,+32 ABC,",
        ]
        batch = self.import_csv(lines)
        self.assertEqual((batch.rated_count, batch.rejected_count), (1, 3))
        sub_reject, num_reject, dup_reject = (self.usage(r) for r in ("x-sub", "x-num", "x-dup"))
        # master data fixed: the third line gets its subscription
        self._subscription("+32470000003")
        # a typo fixed in the raw line
        num_reject.raw = num_reject.raw.replace("+32-ABC", "+3221234567")
        # corrected into an id already accepted: a duplicate, not a second charge
        dup_reject.raw = GOOD.format(n=1)
        with self.assertRaises(UserError):
            self.usage("ok1").raw = "tampered"
        result = (sub_reject | num_reject | dup_reject).action_reprocess()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(sub_reject.state, "rated")
        self.assertEqual(num_reject.state, "rated")
        self.assertEqual(num_reject.called_number, "+3221234567")
        self.assertEqual(dup_reject.state, "duplicate")
        self.assertFalse(sub_reject.raw)
        batch.invalidate_recordset()
        self.assertEqual(
            (batch.rated_count, batch.rejected_count, batch.duplicate_count,
             batch.reprocessed_count),
            (3, 0, 1, 3),
        )  # fmt: skip
        self.assertReconciled(batch)
        # only rejected records are re-processed
        with self.assertRaises(UserError):
            self.usage("ok1").action_reprocess()

    def test_interrupted_import_rerun(self):
        """A crash in the third chunk: two chunks stay, the rerun finishes, nothing twice."""
        self.env["ir.config_parameter"].sudo().set_param("telecom_billing.chunk_size", "3")
        lines = [GOOD.format(n=n) for n in range(1, 11)]
        lines.insert(4, "bad,+32470000001,voice,2025-03-03T09:00:00Z,-1,out,+3221234567,")
        data = ("\n".join([HEADER, *lines]) + "\n").encode()
        original = TelecomMediationBatch._rate_and_store
        calls = []

        def crash_third(batch, session, records):
            calls.append(len(records))
            if len(calls) == 3:
                raise RuntimeError("power cut")
            return original(batch, session, records)

        Batch = self.env["telecom.mediation.batch"]
        # not assertRaises: it would roll back what the crashed import committed
        crashed = None
        with (
            patch.object(TelecomMediationBatch, "_rate_and_store", crash_third),
            mute_logger("odoo.addons.telecom_billing.models.telecom_mediation_batch"),
        ):
            try:
                Batch._import_data(self.source, data, "crash.csv")
            except RuntimeError as exc:
                crashed = exc
        self.assertEqual(str(crashed), "power cut")
        batch = Batch.search([("file_name", "=", "crash.csv")])
        self.assertEqual(batch.state, "failed")
        self.assertIn("power cut", batch.error)
        # two chunks of 3 committed: lines 2..7 of the file
        self.assertEqual((batch.lines_read, batch.progress_line), (6, 7))
        stored = self.env["telecom.usage.record"].search([("batch_id", "=", batch.id)])
        self.assertEqual(len(stored), 6)
        self.assertEqual(self.balance("voice").used, 300)  # 5 rated x 120 s, capped at 300
        # the rerun (the same file again) resumes after line 7
        rerun = Batch._import_data(self.source, data, "crash.csv")
        self.assertEqual(rerun, batch)
        self.assertEqual(batch.state, "done")
        self.assertEqual(
            (batch.lines_read, batch.rated_count, batch.rejected_count, batch.duplicate_count),
            (11, 10, 1, 0),
        )
        self.assertReconciled(batch)
        stored = self.env["telecom.usage.record"].search([("batch_id", "=", batch.id)])
        self.assertEqual(len(stored), 11)
        self.assertEqual(len(set(stored.mapped("source_record_id"))), 11)
        self.assertEqual(sorted(stored.mapped("line_no")), list(range(2, 13)))
        # allowance taken once (300 s): 2 calls free, the third 60 s over (0.10 + fee
        # 0.05), the other 7 at 0.20 + 0.05
        self.assertEqual(self.balance("voice").used, 300)
        self.assertEqual(sorted(stored.mapped("amount")), [0.0] * 3 + [0.15] + [0.25] * 7)

    def test_large_import_ramps_its_chunks_up(self):
        """A large import starts with small chunks: every line once, balances in order."""
        self.env["ir.config_parameter"].sudo().set_param("telecom_billing.chunk_size", "8000")
        minute = "ok{n},+32470000001,voice,2025-03-{d:02d}T{h:02d}:{m:02d}:00Z,61,out,+3221234567,"
        lines = [minute.format(n=n, d=3 + n // 1440, h=n // 60 % 24, m=n % 60) for n in range(9000)]
        original = TelecomMediationBatch._rate_and_store
        sizes = []

        def counted(batch, session, records):
            sizes.append(len(records))
            return original(batch, session, records)

        with patch.object(TelecomMediationBatch, "_rate_and_store", counted):
            batch = self.import_csv(lines, name="large.csv")
        self.assertEqual(sizes, [1000, 2000, 4000, 2000])
        self.assertEqual((batch.state, batch.lines_read, batch.rated_count), ("done", 9000, 9000))
        self.assertReconciled(batch)
        # the 300 s of allowance went to the first calls in time (2 x 120 s, then 60 s)
        free = self.env["telecom.usage.record"].search(
            [("batch_id", "=", batch.id), ("allowance_quantity", ">", 0)], order="start_time"
        )
        self.assertEqual(free.mapped("source_record_id"), ["ok0", "ok1", "ok2"])
        self.assertEqual(self.balance("voice").used, 300)

    def test_duplicates_of_another_batch_in_every_chunk(self):
        """Known record ids in a chunk while the next one is rated: each charged once."""
        first = self.import_csv([GOOD.format(n=n) for n in range(1, 4)], name="a.csv")
        self.assertEqual(first.rated_count, 3)
        self.assertEqual(self.balance("voice").used, 300)
        self.env["ir.config_parameter"].sudo().set_param("telecom_billing.chunk_size", "2")
        # chunks [ok1 ok5] [ok2 ok6] [ok7 ok3]: a known id in each, the last one too
        order = (1, 5, 2, 6, 7, 3)
        second = self.import_csv([GOOD.format(n=n) for n in order], name="b.csv")
        self.assertEqual(
            (second.lines_read, second.rated_count, second.duplicate_count, second.progress_line),
            (6, 3, 3, 7),
        )
        self.assertReconciled(second)
        for n in (1, 2, 3, 5, 6, 7):
            charged = self.usage(f"ok{n}").filtered(lambda r: r.state == "rated")
            self.assertEqual(len(charged), 1, n)
        # the allowance was used up by the first file: the new records pay in full
        self.assertEqual(self.balance("voice").used, 300)
        self.assertEqual(
            [self.usage(f"ok{n}").filtered(lambda r: r.state == "rated").amount
             for n in (5, 6, 7)],
            [0.25] * 3,
        )  # fmt: skip

    def test_balances_changed_by_another_writer_between_chunks(self):
        """The next chunk, rated while the previous was stored, is rated again."""
        self.env["ir.config_parameter"].sudo().set_param("telecom_billing.chunk_size", "2")
        original = ChunkPipeline._commit
        commits = []

        def commit_then_other_writer(pipeline):
            original(pipeline)
            commits.append(1)
            if len(commits) == 1:
                # another import (under the rating lock) uses the rest of the allowance
                self.env.cr.execute(
                    "UPDATE telecom_allowance_balance SET used = quantity WHERE id = %s",
                    (self.balance("voice").id,),
                )
                self.env.cr.execute("SELECT nextval('telecom_rating_generation')")

        with patch.object(ChunkPipeline, "_commit", commit_then_other_writer):
            batch = self.import_csv([GOOD.format(n=n) for n in range(1, 5)], name="g.csv")
        self.assertEqual((batch.lines_read, batch.rated_count), (4, 4))
        self.assertReconciled(batch)
        # ok1, ok2: 240 s free; ok3 would have taken the last 60 s: the other writer did
        amounts = [self.usage(f"ok{n}").amount for n in range(1, 5)]
        self.assertEqual(amounts, [0.0, 0.0, 0.25, 0.25])
        self.env["telecom.allowance.balance"].invalidate_model()
        self.assertEqual(self.balance("voice").used, 300)

    def test_balances_reloaded_whole_when_the_cache_is_full(self):
        """A chunk's preparation that empties a full cache loads all of its balances
        again, so rating never queries (the previous chunk's COPY may hold the
        connection: a query then aborts it)."""
        self.env["ir.config_parameter"].sudo().set_param("telecom_billing.chunk_size", "2")
        original = DbBalanceStore.balances
        misses = []

        def balances(store, sub, period_start):
            if (sub.id, period_start) not in store.lists:
                misses.append((sub.id, period_start))
            return original(store, sub, period_start)

        with (
            patch.object(balance_store, "MAX_CACHED_BALANCES", 0),
            patch.object(DbBalanceStore, "balances", balances),
        ):
            # chunks [ok1 ok2] [ok3 x3] [ok4 x4]: the second line's first records come
            # with the first line's known ones
            batch = self.import_csv(
                [GOOD.format(n=1), GOOD.format(n=2)]
                + [line for n in (3, 4) for line in (GOOD.format(n=n), OTHER.format(n=n))],
                name="full.csv",
            )
        self.assertEqual(misses, [])
        self.assertEqual((batch.lines_read, batch.rated_count), (6, 6))
        self.assertReconciled(batch)
        # the cache emptied before every chunk: each allowance still taken once, in order
        self.assertEqual(self.balance("voice").used, 300)
        amounts = [self.usage(f"ok{n}").amount for n in range(1, 5)]
        self.assertEqual(amounts, [0.0, 0.0, 0.15, 0.25])
        self.assertEqual([self.usage(f"x{n}").amount for n in (3, 4)], [0.0, 0.0])
        self.assertEqual(self.balance("voice", sub=self.sub2).used, 240)

    def test_gzip_mapping_and_delimiter(self):
        source = self.env["telecom.mediation.source"].create(
            {
                "name": "Fixed switch",
                "code": "FIX",
                "delimiter": ";",
                "timezone": "Europe/Brussels",
                "country_code": "32",
                "column_ids": [
                    Command.create({"field": "record_id", "header": "CDR_ID"}),
                    Command.create({"field": "subscriber", "header": "A_NUMBER"}),
                    Command.create({"field": "usage_type", "header": "SERVICE"}),
                    Command.create({"field": "start_time", "header": "START"}),
                    Command.create({"field": "quantity", "header": "DURATION"}),
                    Command.create({"field": "called_number", "header": "B_NUMBER"}),
                ],
            }
        )
        text = (
            "CDR_ID;A_NUMBER;SERVICE;START;DURATION;B_NUMBER;EXTRA\n"
            # local time without offset (source time zone), national B-number
            "f1;+32470000001;voice;2025-03-03 10:00:00;61;021234567;x\n"
            '"f2";0032470000002;voice;2025-03-03 10:05:00;30;"+32 2 123 45 67";"a;b"\n'
        )
        batch = self.env["telecom.mediation.batch"]._import_data(
            source, gzip.compress(text.encode()), "fix.csv.gz"
        )
        self.assertEqual((batch.state, batch.rated_count), ("done", 2), batch.error)
        f1 = self.usage("f1", source)
        self.assertEqual(f1.called_number, "+3221234567")
        self.assertEqual(str(f1.start_time), "2025-03-03 09:00:00")  # stored in UTC
        self.assertEqual(self.usage("f2", source).subscription_id, self.sub2)

    def test_unreadable_files_fail_cleanly(self):
        Batch = self.env["telecom.mediation.batch"]
        cases = {
            b"": "empty",
            b"record_id,usage_type\nx,voice\n": "subscriber",
            b"\x1f\x8bnot really gzip": "cannot be read",
        }
        for data, message in cases.items():
            batch = Batch._import_data(self.source, data, "broken.csv")
            self.assertEqual(batch.state, "failed", data)
            self.assertIn(message, batch.error, data)
            self.assertEqual(batch.lines_read, 0)

    def test_hostile_uploads_refused(self):
        """A gzip bomb, a size over the cap and an endless line, uploaded by billing."""
        Wizard = self.env["telecom.usage.import.wizard"].with_user(self.billing_user)
        Batch = self.env["telecom.mediation.batch"]

        def upload(data, name):
            wizard = Wizard.create(
                {"source_id": self.source.id, "file": base64.b64encode(data), "file_name": name}
            )
            return Batch.browse(wizard.action_import()["res_id"])

        # 200 MB of short lines in 200 KB: refused before any line is read
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb") as fh:
            fh.write((HEADER + "\n").encode())
            for _i in range(200):
                fh.write(b"x,y\n" * 262_144)
        batch = upload(buffer.getvalue(), "bomb.csv.gz")
        self.assertEqual(batch.state, "failed")
        self.assertIn("The file cannot be read", batch.error)
        self.assertIn("refused as a gzip bomb", batch.error)
        self.assertEqual((batch.lines_read, batch.rejected_count), (0, 0))
        self.assertFalse(
            self.env["telecom.usage.record"].search_count([("batch_id", "=", batch.id)])
        )
        # the cap on a file's size (decompressed): a system parameter, in MB
        self.env["ir.config_parameter"].set_param("telecom_billing.usage_max_file_mb", "1")
        big = ("\n".join([HEADER] + [GOOD.format(n=n % 60) for n in range(20_000)]) + "\n").encode()
        batch = upload(gzip.compress(big), "big.csv.gz")
        self.assertEqual(batch.state, "failed")
        self.assertIn("maximum of 1 MB for a usage file", batch.error)
        self.assertEqual(batch.lines_read, 0)
        # a line longer than the cap is one rejected record; the others are rated
        self.env["ir.config_parameter"].set_param("telecom_billing.usage_max_line_bytes", "1000")
        lines = [HEADER, GOOD.format(n=1), "long," + "9" * 5000, GOOD.format(n=2)]
        batch = upload(("\n".join(lines) + "\n").encode(), "long.csv")
        self.assertEqual(batch.state, "done")
        self.assertEqual((batch.lines_read, batch.rated_count, batch.rejected_count), (3, 2, 1))
        rejected = self.env["telecom.usage.record"].search(
            [("batch_id", "=", batch.id), ("state", "=", "rejected")]
        )
        self.assertEqual(rejected.reason_code, "malformed_line")
        self.assertLess(len(rejected.raw or ""), 300)

    def test_watched_folder_cron(self):
        base = os.environ.get("TELECOM_TEST_TMP") or tempfile.gettempdir()
        folder = tempfile.mkdtemp(prefix="usage-folder-", dir=base)
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.source.sudo().watch_folder = folder
        text = "\n".join([HEADER, GOOD.format(n=1), GOOD.format(n=2)]) + "\n"
        with open(os.path.join(folder, "sw1-0001.csv"), "w") as fh:
            fh.write(text)
        with gzip.open(os.path.join(folder, "sw1-0002.csv.gz"), "wt") as fh:
            fh.write("\n".join([HEADER, GOOD.format(n=3)]) + "\n")
        with open(os.path.join(folder, "notes.pdf"), "w") as fh:
            fh.write("not usage")
        Source = self.env["telecom.mediation.source"]
        self.assertEqual(Source._cron_import_folders(), 2)
        self.assertEqual(sorted(os.listdir(os.path.join(folder, "done"))),
                         ["sw1-0001.csv", "sw1-0002.csv.gz"])  # fmt: skip
        batches = self.env["telecom.mediation.batch"].search([("origin", "=", "folder")])
        self.assertEqual(sorted(batches.mapped("lines_read")), [1, 2])
        self.assertTrue(all(b.state == "done" for b in batches))
        # the same file dropped again is recognised, not imported twice
        with open(os.path.join(folder, "sw1-0001-again.csv"), "w") as fh:
            fh.write(text)
        self.assertEqual(Source._cron_import_folders(), 0)
        self.assertIn("sw1-0001-again.csv", os.listdir(os.path.join(folder, "done")))
        self.assertEqual(self.env["telecom.usage.record"].search_count([]), 3)
        # a broken file goes to error/
        with open(os.path.join(folder, "broken.csv"), "w") as fh:
            fh.write("nothing,useful\n")
        Source._cron_import_folders()
        self.assertEqual(os.listdir(os.path.join(folder, "error")), ["broken.csv"])

    def test_import_wizard(self):
        data = ("\n".join([HEADER, GOOD.format(n=1), GOOD.format(n=2)]) + "\n").encode()
        wizard = (
            self.env["telecom.usage.import.wizard"]
            .with_user(self.billing_user)
            .create(
                {"source_id": self.source.id, "file": base64.b64encode(data), "file_name": "w.csv"}
            )
        )
        self.assertIn("record_id", wizard.help_columns)
        action = wizard.action_import()
        batch = self.env["telecom.mediation.batch"].browse(action["res_id"])
        self.assertEqual((batch.origin, batch.lines_read, batch.rated_count), ("upload", 2, 2))
        self.assertEqual(batch.attachment_id.raw, data)
        again = self.env["telecom.usage.import.wizard"].create(
            {"source_id": self.source.id, "file": base64.b64encode(data), "file_name": "w.csv"}
        )
        with self.assertRaisesRegex(UserError, "already imported"):
            again.action_import()

    def test_guards(self):
        batch = self.import_csv([GOOD.format(n=1)])
        rec = self.usage("ok1")
        with self.assertRaises(UserError):
            rec.write({"amount": 0})
        with self.assertRaises(UserError):
            rec.unlink()
        with self.assertRaises(UserError):
            batch.unlink()
        with self.assertRaises(UserError):
            self.source.unlink()
        with self.assertRaises(UserError):
            self.sub1.unlink()
        with self.assertRaises(UserError):
            self.version.unlink()

    def test_closed_period_per_billing_account(self):
        """The bill runs' hook closes an account's invoiced periods."""
        Account = type(self.env["telecom.billing.account"])
        account = self.account

        def locked(accounts):
            return {account.id: date(2025, 3, 3)} if account in accounts else {}

        with patch.object(Account, "_telecom_usage_locked_until", locked):
            batch = self.import_csv([GOOD.format(n=1), GOOD.format(n=2).replace("03T", "04T")])
        self.assertEqual(self.usage("ok1").reason_code, "closed_period")
        self.assertEqual(self.usage("ok2").state, "rated")
        self.assertReconciled(batch)

    def test_bill_runs_may_mark_records_billed(self):
        self.import_csv([GOOD.format(n=1)])
        rec = self.usage("ok1")
        line = self.env["account.move.line"].search([], limit=1)
        rec.write({"state": "billed", "invoice_line_id": line.id})
        self.assertEqual(rec.state, "billed")
        with self.assertRaises(UserError):
            rec.write({"state": "rejected"})

    def test_subscriber_identifiers(self):
        self.sub2.write({"imsi": "206011234567890", "username": "rita@isp"})
        lines = [
            "i1,206011234567890,data,2025-03-03T09:00:00Z,1000,,,",
            "i2,rita@isp,data,2025-03-03T09:01:00Z,1000,,,",
            "i3,0032470000001,sms,2025-03-03T09:02:00Z,1,,+3221234567,",
            f"i4,{SUB2.lstrip('+')},sms,2025-03-03T09:03:00Z,1,,+3221234567,",
        ]
        batch = self.import_csv(lines)
        self.assertEqual(batch.rated_count, 4)
        self.assertEqual(self.usage("i1").subscription_id, self.sub2)
        self.assertEqual(self.usage("i2").subscription_id, self.sub2)
        self.assertEqual(self.usage("i3").subscription_id, self.sub1)
        self.assertEqual(self.usage("i4").subscription_id, self.sub2)
        self.assertEqual(self.usage("i1").billing_account_id, self.account)


@tagged("post_install", "-at_install")
class TestUsageTableSchema(RatingCommon):
    def test_no_foreign_keys_and_the_indexes(self):
        """Foreign keys would be checked per inserted row: the usage table has none."""
        cr = self.env.cr
        cr.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = 'telecom_usage_record'::regclass"
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'telecom_usage_record'")
        names = {row[0] for row in cr.fetchall()}
        self.assertLessEqual(
            {"telecom_usage_record_source_key", "telecom_usage_record_account_period",
             "telecom_usage_record_sub_start", "telecom_usage_record_time_brin"},
            names,
        )  # fmt: skip
        # the registry does not put them back on an upgrade
        self.env.registry.init_models(cr, ["telecom.usage.record"], {"module": "telecom_billing"})
        cr.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = 'telecom_usage_record'::regclass"
        )
        self.assertEqual(cr.fetchone()[0], 0)
