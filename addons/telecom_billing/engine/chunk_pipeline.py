# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The import pipeline of usage records: chunks as transactions, stored while the next is rated.

A ``telecom.mediation.batch`` reads its file and hands chunks of validated records
to a :class:`ChunkPipeline`, which rates them with the batch's
:class:`~.rating_session.RatingSession` and stores them (``COPY``, balances,
counters), one transaction per chunk under the rating lock. The batch model
keeps what is specific to a batch (reading, resolving, de-duplicating, counters);
this module is the transaction machinery.
"""

import gc
import threading
import time
from collections import Counter
from contextlib import contextmanager
from operator import attrgetter

import psycopg2.errors

from odoo import _
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..rating.rounding import ZERO
from ..tools.runtime import testing
from .rating_session import RATING_LOCK

#: seconds spent per phase of the imports of this process (read by bench/bench_rating.py)
PHASES = Counter()


def reset_rating(rec):
    """Forget a record's rating results (before rating it again)."""
    rec.state = "accepted"
    rec.reason = None
    rec.zone = rec.band = rec.version = None
    rec.rated_quantity = rec.allowance_quantity = 0
    rec.allowance_detail = ()
    rec.amount = ZERO


@contextmanager
def quiet_garbage_collector():
    """Keep Python's cyclic garbage collector off the whole Odoo registry.

    An import allocates millions of objects; every chunk then triggered a full
    collection that traversed everything alive in the process, Odoo's registry
    included (measured: 20 full collections, about a quarter of a 1M-record
    import's time). The objects that exist when the import starts are frozen
    (``gc.freeze``: collections skip them) and young objects are collected less
    often; both are restored afterwards. The records themselves hold no cycles.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(1_000_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


#: stored order of a chunk's rated records (a stable sort of records already in time
#: order: by account, subscription, then time), read in C
by_subscription = attrgetter("sub.store_order")


class StoredChunk:
    """A chunk between its preparation and its commit."""

    __slots__ = ("accepted", "counters", "error", "inserts", "others", "records", "seconds",
                 "text", "thread", "writes")  # fmt: skip

    def __init__(self, records, accepted, others):
        self.records = records
        self.accepted = accepted  # to rate, in chronological order
        self.others = others  # rejected by mediation, duplicates: stored as they are
        self.text = None  # the COPY text, once rated
        self.inserts = None  # the new balance rows to insert with it
        self.writes = None  # the balance changes to write with it
        self.counters = None  # the batch counters statement
        self.thread = None
        self.error = None
        self.seconds = 0.0


class ChunkPipeline:
    """Chunks as transactions; PostgreSQL stores one while Python rates the next.

    The rating of a chunk needs its allowance balances loaded (and created) in the
    database, and the connection serves one statement at a time. So the
    transaction of chunk N is: lock, the balances of chunk N + 1 (read from the
    file meanwhile), then, in a helper thread, the ``COPY`` of chunk N (rated and
    formatted beforehand), its balance changes and the batch counters; while
    PostgreSQL stores them, the importing thread rates and formats chunk N + 1 and
    reads chunk N + 2 (psycopg2 releases the GIL while PostgreSQL works). Then
    commit. The balances a chunk consumes are taken in memory, after the previous
    chunk's consumption, and written with that chunk, so a crash or a rerun never
    counts a unit twice: creating the next chunk's balances early only creates
    them (and their rollover) a transaction sooner.

    Only one thread uses the database connection at any time, and the helper
    never touches the ORM. A failure rolls back the open transaction; the chunk
    that was ready is then stored on its own before the error is raised, so a
    failure while preparing chunk N + 1 keeps chunk N. A record id already stored
    by another batch (unique violation) or another writer's balances (rating
    generation) make the pipeline rate the chunk again from the database's state.
    """

    def __init__(self, batch, session):
        self.batch = batch
        self.session = session
        self.cr = batch.env.cr
        self.testing = testing()
        # new balances get their ids at once, their rows go with the next COPY
        session.store.deferred = []
        self.current = None  # rated and formatted, its balances written in this transaction
        self.storing = None  # its COPY running (helper thread)
        self.open = False
        self.threaded = (
            batch.env["ir.config_parameter"].sudo().get_param("telecom_billing.copy_thread", "1")
            != "0"
        )

    # -- transactions ----------------------------------------------------------------
    def _begin(self):
        cr = self.cr
        if self.testing:
            # tests cannot commit: a savepoint gives each chunk its all-or-nothing
            cr.execute("SAVEPOINT telecom_chunk")
        self.open = True
        cr.execute(
            SQL("SELECT pg_advisory_xact_lock(%s, %s)", RATING_LOCK, self.batch.company_id.id)
        )
        return self.session.sync()

    def _commit(self):
        started = time.perf_counter()
        if self.testing:
            self.cr.execute("RELEASE SAVEPOINT telecom_chunk")
        else:
            # guarded batch job: the chunk and its progress, atomically
            self.cr.commit()  # pylint: disable=invalid-commit
        self.open = False
        PHASES["commit"] += time.perf_counter() - started
        self.batch.invalidate_recordset()

    def _rollback(self):
        # the session's balances may hold uncommitted consumption: forget them
        self.session.store.invalidate()
        self.session.generation = None
        if not self.open:
            return
        self.open = False
        if self.testing:
            self.cr.execute("ROLLBACK TO SAVEPOINT telecom_chunk")
            self.cr.execute("RELEASE SAVEPOINT telecom_chunk")
        else:
            self.cr.rollback()

    # -- steps -------------------------------------------------------------------------
    def _prepare(self, records):
        """Resolve, de-duplicate and load balances (needs the connection)."""
        return self.batch._rate_and_store(self.session, records)

    def _rate(self, chunk):
        """Rate a prepared chunk and format its COPY text (pure Python)."""
        started = time.perf_counter()
        session = self.session
        prefix = session.copy_prefix(self.batch.source_id.id, self.batch.id)
        # the formatter's own method: no wrapper call per record
        rate, line = session.engine.rate, session.formatter.line
        accepted = chunk.accepted
        for rec in accepted:  # chronologically: allowances are consumed in time order
            rate(rec)
        # stored by account and subscription: the inserts into the (account, period)
        # and (subscription, start) indexes then sweep each index once per chunk
        # instead of jumping across it (measured: about 20% less COPY time)
        lines = [line(rec, prefix) for rec in sorted(accepted, key=by_subscription)]
        lines += [line(rec, prefix) for rec in chunk.others]
        chunk.text = "".join(lines)
        PHASES["rate_format"] += time.perf_counter() - started

    def _start_store(self, chunk):
        """Start storing a rated chunk: COPY, balances, counters (helper thread)."""
        # taken now, in this thread: the balances as this chunk (and the creation of
        # the next chunk's balances) left them, before the next chunk is rated (a
        # preparation that reloads balances writes the held ones first: see
        # DbBalanceStore.prepare)
        chunk.inserts = self.session.store.take_deferred()
        chunk.writes = self.session.store.changes()
        chunk.counters = self.batch._counters_sql(chunk.records)
        self.cr.execute("SAVEPOINT telecom_copy")
        chunk.thread = threading.Thread(
            target=self._store, args=(chunk,), name="telecom-usage-copy", daemon=True
        )
        self.storing = chunk
        if self.threaded:
            chunk.thread.start()
        else:
            chunk.thread.run()

    def _store(self, chunk):
        """Helper thread: COPY, balances, counters; no ORM."""
        started = time.perf_counter()
        try:
            self.session.copy_text(chunk.text)
            self.cr.execute("RELEASE SAVEPOINT telecom_copy")
            store = self.session.store
            store.write_inserts(chunk.inserts)
            store.write_changes(chunk.writes)
            self.cr.execute(chunk.counters)
            self.session.bump()
        except Exception as exc:  # noqa: BLE001 (any error goes to the importing thread)
            chunk.error = exc
        chunk.seconds = time.perf_counter() - started

    def _await_store(self):
        """Wait for the running store; True when it failed on a known record id."""
        chunk, self.storing = self.storing, None
        if chunk is None:
            return False
        started = time.perf_counter()
        if chunk.thread.is_alive():
            chunk.thread.join()
        PHASES["copy_wait"] += time.perf_counter() - started
        PHASES["copy_store"] += chunk.seconds
        error, chunk.error = chunk.error, None
        if isinstance(error, psycopg2.errors.UniqueViolation):
            return True
        if error is not None:
            raise error
        return False

    def _again(self, chunk, duplicates=False):
        """Rate ``chunk`` again from the database's balances (in an open transaction)."""
        records = chunk.records
        for rec in chunk.accepted:
            reset_rating(rec)
        if duplicates:
            # some record ids were accepted before (another file, an earlier batch)
            known = self.batch._known_record_ids([rec.record_id for rec in chunk.accepted])
            for rec in chunk.accepted:
                if rec.record_id in known:
                    rec.state, rec.reason = "duplicate", "duplicate"
        fresh = self._prepare(records)
        self._rate(fresh)
        return fresh

    def _store_alone(self, chunk, duplicates=False):
        """After a rollback: store ``chunk`` by itself, in its own transaction."""
        self._begin()
        chunk = self._again(chunk, duplicates)
        self._start_store(chunk)
        if self._await_store():
            self._rollback()
            self._begin()
            chunk = self._again(chunk, duplicates=True)
            self._start_store(chunk)
            if self._await_store():
                raise UserError(_("Usage records were stored twice concurrently: retry."))
        self._commit()

    # -- driving -------------------------------------------------------------------------
    def submit(self, records):
        """Take the next chunk read from the file."""
        self.batch._prepare_offline(self.session, records)
        try:
            if self.storing is not None:
                # the previous chunk was stored while this one was read: commit it
                self._complete()
            if self.current is None:
                # the first chunk: nothing to store yet
                self._begin()
                chunk = self._prepare(records)
                self._rate(chunk)
                self.current = chunk
                return
            current = self.current
            try:
                chunk = self._prepare(records)
            except Exception:
                # keep the chunk that was ready, then fail
                self.current = None
                self._rollback()
                self._store_alone(current)
                raise
            self._start_store(current)
            # while PostgreSQL stores the current chunk (and the next chunk is read)
            self._rate(chunk)
            self.current = chunk
        except BaseException:
            self.abort()
            raise

    def _complete(self):
        """Commit the chunk being stored and start the next transaction."""
        stored = self.storing
        if self._await_store():
            self._rollback()
            self._store_alone(stored, duplicates=True)
            self._begin()
            self.current = self._again(self.current)
            return
        self._commit()
        if self._begin():
            # another writer changed balances between the two transactions
            self.current = self._again(self.current)

    def finish(self):
        """Store and commit the last chunks."""
        try:
            if self.storing is not None:
                self._complete()
            chunk, self.current = self.current, None
            if chunk is None:
                return
            self._start_store(chunk)
            if self._await_store():
                self._rollback()
                self._store_alone(chunk, duplicates=True)
                return
            self._commit()
        except BaseException:
            self.abort()
            raise

    def abort(self):
        """Stop after a failure: wait for a running COPY, undo the open transaction."""
        chunk, self.storing = self.storing, None
        self.current = None
        if chunk is not None and chunk.thread.is_alive():
            chunk.thread.join()
        self._rollback()
