# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fault management: alarms as ITU-T X.733 describes them.

Alarms arrive in batches (``_telecom_receive``, behind XML-RPC and the JSON
endpoint). A batch costs a bounded number of queries whatever its size: events
are folded per de-duplication key in Python first (a storm of 10,000 repeats of
one alarm becomes one counter increment), then existing open alarms are fetched
in one query, incremented with one UPDATE per key, new ones created in one batch,
clears applied, and correlation and the elements' colours refreshed with a few
set-based queries.
"""

import hashlib
import ipaddress
import logging
from collections import OrderedDict
from datetime import datetime, timedelta, timezone

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SEVERITIES = [
    ("critical", "Critical"),
    ("major", "Major"),
    ("minor", "Minor"),
    ("warning", "Warning"),
    ("indeterminate", "Indeterminate"),
    ("cleared", "Cleared"),
]
SEVERITY_RANK = {
    "cleared": 0,
    "indeterminate": 1,
    "warning": 2,
    "minor": 3,
    "major": 4,
    "critical": 5,
}
RANK_SEVERITY = {rank: sev for sev, rank in SEVERITY_RANK.items()}
EVENT_TYPES = [
    ("communications", "Communications"),
    ("qos", "Quality of service"),
    ("processing", "Processing error"),
    ("equipment", "Equipment"),
    ("environmental", "Environmental"),
]
TICKET_SEVERITIES = ("critical", "major")  # also in telecom_network_element
MAX_BATCH = 50000
FUTURE_TOLERANCE = timedelta(minutes=5)


def dedup_key(company_id, element_id, site_id, event_type, probable_cause, specific_problem):
    raw = "|".join(
        str(part or "")
        for part in (company_id, element_id, site_id, event_type, probable_cause, specific_problem)
    )
    return hashlib.sha1(raw.encode()).hexdigest()  # a key, not a secret


class TelecomAlarm(models.Model):
    _name = "telecom.alarm"
    _description = "Network alarm"
    _inherit = ("mail.thread",)
    _order = "last_raised desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    element_id = fields.Many2one(
        "telecom.network.element", index=True, ondelete="restrict", check_company=True
    )
    site_id = fields.Many2one("telecom.site", index=True, ondelete="restrict", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    severity = fields.Selection(SEVERITIES, required=True, index=True, tracking=True)
    max_severity = fields.Selection(
        SEVERITIES[:-1], string="Highest severity", readonly=True, index=True
    )
    severity_rank = fields.Integer(readonly=True, aggregator="max")
    event_type = fields.Selection(EVENT_TYPES, required=True, default="communications")
    probable_cause = fields.Char(required=True, index=True)
    specific_problem = fields.Char()
    additional_text = fields.Text()
    source = fields.Char(help="The system that reported the alarm.")
    source_alarm_id = fields.Char(string="Source reference", index="btree_not_null")
    dedup_key = fields.Char(required=True, index=True, readonly=True)
    repeat_count = fields.Integer(string="Occurrences", default=1, readonly=True)
    first_raised = fields.Datetime(required=True, readonly=True, index=True)
    last_raised = fields.Datetime(required=True, readonly=True)
    state = fields.Selection(
        [("active", "Active"), ("acknowledged", "Acknowledged"), ("cleared", "Cleared")],
        required=True,
        default="active",
        index=True,
        tracking=True,
    )
    acknowledged_date = fields.Datetime(readonly=True)
    acknowledged_uid = fields.Many2one("res.users", string="Acknowledged by", readonly=True)
    cleared_date = fields.Datetime(readonly=True, index="btree_not_null")
    cleared_uid = fields.Many2one("res.users", string="Cleared by", readonly=True)
    root_cause_id = fields.Many2one(
        "telecom.alarm", string="Root cause", index="btree_not_null", readonly=True
    )
    child_alarm_ids = fields.One2many("telecom.alarm", "root_cause_id", string="Correlated")
    correlated_count = fields.Integer(compute="_compute_correlated_count")
    service_affecting = fields.Boolean(compute="_compute_service_affecting", store=True)
    ticket_requested = fields.Boolean(
        readonly=True, help="The trouble ticket extension point was called for this alarm."
    )
    duration_hours = fields.Float(compute="_compute_duration", string="Duration (h)")

    def init(self):
        # at most one open alarm per de-duplication key: a repeat can only count
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS telecom_alarm_open_dedup_uniq
                ON telecom_alarm (dedup_key) WHERE state != 'cleared'
            """
        )

    @api.depends("severity", "probable_cause", "specific_problem", "element_id", "site_id")
    def _compute_name(self):
        for alarm in self:
            where = alarm.element_id.name or alarm.site_id.code or "?"
            what = alarm.specific_problem or alarm.probable_cause or ""
            alarm.name = f"{where}: {what}"

    def _compute_correlated_count(self):
        counts = dict(
            self._read_group([("root_cause_id", "in", self.ids)], ["root_cause_id"], ["__count"])
        )
        for alarm in self:
            alarm.correlated_count = counts.get(alarm, 0)

    @api.depends("max_severity")
    def _compute_service_affecting(self):
        for alarm in self:
            alarm.service_affecting = alarm.max_severity in TICKET_SEVERITIES

    @api.depends("first_raised", "cleared_date")
    def _compute_duration(self):
        now = fields.Datetime.now()
        for alarm in self:
            end = alarm.cleared_date or now
            start = alarm.first_raised or now
            alarm.duration_hours = (end - start).total_seconds() / 3600.0

    # -- extension point -----------------------------------------------------
    def _telecom_open_ticket(self):
        """Open a trouble ticket for these major/critical alarms.

        telecom_oss has no helpdesk: this does nothing and returns an empty dict.
        telecom_helpdesk overrides it and returns {alarm id: ticket id}. Called once
        per alarm, when it is raised (or escalated) as major or critical without a
        root cause above it."""
        return {}

    # -- receiving -----------------------------------------------------------
    @api.model
    def _telecom_receive(self, events):
        """Absorb a batch of alarm events; return one result dict per event.

        Each event is a dict: ``element`` (id, hostname or management IP) or
        ``site`` (code or id), ``severity`` (X.733, ``cleared`` clears),
        ``probable_cause``, and optionally ``event_type``, ``specific_problem``,
        ``additional_text``, ``time`` (ISO-8601, UTC), ``source``,
        ``source_alarm_id``. A bad event gets ``status: error`` with the reason;
        the good ones are kept.
        """
        if not isinstance(events, list | tuple):
            raise UserError(self.env._("Alarms come as a list of objects."))
        if len(events) > MAX_BATCH:
            raise UserError(self.env._("At most %(max)s alarms per call.", max=MAX_BATCH))
        results = [None] * len(events)
        parsed = self._telecom_parse_events(events, results)
        # fold the events per key, in arrival order: segments of raises, each
        # possibly ended by a clear
        per_key = OrderedDict()
        for index, event in parsed:
            per_key.setdefault(event["dedup_key"], []).append((index, event))
        existing = {
            alarm.dedup_key: alarm
            for alarm in self.search(
                [("dedup_key", "in", list(per_key)), ("state", "!=", "cleared")]
            )
        }
        increments = OrderedDict()  # alarm id -> folded repeats
        clears = []  # (alarm, time)
        creates = []  # segments of raises becoming new alarms
        for key, items in per_key.items():
            current = existing.get(key)
            segment = None
            for index, event in items:
                if event["severity"] == "cleared":
                    if segment:
                        segment["clear"] = event["time"]
                        segment["indexes"].append(index)
                        results[index] = {"index": index, "status": "cleared"}
                        segment = None
                    elif current is not None:
                        clears.append((current, event["time"]))
                        results[index] = {
                            "index": index,
                            "status": "cleared",
                            "alarm_id": current.id,
                        }
                        current = None
                    else:
                        results[index] = {
                            "index": index,
                            "status": "ignored",
                            "error": self.env._("no open alarm to clear"),
                        }
                    continue
                if current is not None:
                    _fold(increments.setdefault(current.id, {}), event)
                    results[index] = {"index": index, "status": "repeated", "alarm_id": current.id}
                    continue
                if segment is None:
                    segment = {"vals": event, "indexes": [], "clear": None, "fold": {}}
                    creates.append(segment)
                    results[index] = {"index": index, "status": "created"}
                else:
                    results[index] = {"index": index, "status": "repeated"}
                _fold(segment["fold"], event)
                segment["indexes"].append(index)
        # repeats, then clears of open alarms, then new alarms (a new occurrence
        # may only exist once the previous one is cleared)
        touched = self._telecom_apply_increments(increments)
        touched |= self._telecom_apply_clears(clears)
        created = self._telecom_apply_creates(creates)
        for segment in creates:
            for index in segment["indexes"]:
                results[index]["alarm_id"] = segment["alarm"].id
        touched |= created
        live = touched.filtered(lambda a: a.state != "cleared")
        live._telecom_correlate()
        touched.element_id._telecom_refresh_alarm_severity()
        live._telecom_request_tickets()
        return results

    @api.model
    def _telecom_parse_events(self, events, results):
        """Validate and resolve events in bulk; return [(index, event)] of the good ones."""
        Element = self.env["telecom.network.element"]
        Site = self.env["telecom.site"]
        names, ips, ids, site_refs = set(), set(), set(), set()
        for event in events:
            if not isinstance(event, dict):
                continue
            ref = event.get("element")
            if isinstance(ref, int) and not isinstance(ref, bool):
                ids.add(ref)
            elif isinstance(ref, str) and ref.strip():
                (ips if _looks_like_ip(ref) else names).add(ref.strip())
            site = event.get("site")
            if site not in (None, False, ""):
                site_refs.add(site)
        by_id, by_name, by_ip = {}, {}, {}
        if ids or names or ips:
            domain = [
                "|",
                "|",
                ("id", "in", list(ids)),
                ("name", "in", list(names)),
                ("management_ip", "in", list(ips)),
            ]
            for element in Element.search_fetch(
                domain, ["name", "management_ip", "site_id", "company_id"]
            ):
                by_id[element.id] = element
                by_name[element.name] = element
                if element.management_ip:
                    by_ip[element.management_ip] = element
        sites = {}
        if site_refs:
            codes = [ref for ref in site_refs if isinstance(ref, str)]
            site_ids = [ref for ref in site_refs if isinstance(ref, int)]
            for site in Site.search_fetch(
                ["|", ("code", "in", codes), ("id", "in", site_ids)], ["code", "company_id"]
            ):
                sites[site.code] = site
                sites[site.id] = site
        now = fields.Datetime.now()
        parsed = []
        for index, event in enumerate(events):
            try:
                parsed.append(
                    (index, self._telecom_parse_event(event, by_id, by_name, by_ip, sites, now))
                )
            except UserError as err:
                results[index] = {"index": index, "status": "error", "error": err.args[0]}
        return parsed

    @api.model
    def _telecom_parse_event(self, event, by_id, by_name, by_ip, sites, now):
        if not isinstance(event, dict):
            raise UserError(self.env._("an alarm must be an object"))
        element = self.env["telecom.network.element"]
        ref = event.get("element")
        if ref not in (None, False, ""):
            if isinstance(ref, int) and not isinstance(ref, bool):
                element = by_id.get(ref, element)
            elif isinstance(ref, str):
                ref = ref.strip()
                element = by_ip.get(ref) if _looks_like_ip(ref) else by_name.get(ref)
                element = element or self.env["telecom.network.element"]
            if not element:
                raise UserError(self.env._("unknown element %(ref)r", ref=ref))
        site = self.env["telecom.site"]
        site_ref = event.get("site")
        if site_ref not in (None, False, ""):
            site = sites.get(site_ref) or site
            if not site:
                raise UserError(self.env._("unknown site %(ref)r", ref=site_ref))
        if not element and not site:
            raise UserError(self.env._("an alarm needs an 'element' or a 'site'"))
        severity = event.get("severity")
        if severity not in SEVERITY_RANK:
            raise UserError(
                self.env._(
                    "severity must be one of %(allowed)s, not %(value)r",
                    allowed=", ".join(SEVERITY_RANK),
                    value=severity,
                )
            )
        probable_cause = event.get("probable_cause")
        if not isinstance(probable_cause, str) or not probable_cause.strip():
            raise UserError(self.env._("'probable_cause' is required"))
        event_type = event.get("event_type") or "communications"
        if event_type not in dict(EVENT_TYPES):
            raise UserError(self.env._("unknown event_type %(value)r", value=event_type))
        when = self._telecom_parse_time(event.get("time"), now)
        site = site or element.site_id
        company = element.company_id or site.company_id
        specific_problem = str(event.get("specific_problem") or "").strip()[:256]
        return {
            "element_id": element.id or False,
            "site_id": site.id or False,
            "company_id": company.id,
            "severity": severity,
            "event_type": event_type,
            "probable_cause": probable_cause.strip()[:128],
            "specific_problem": specific_problem or False,
            "additional_text": str(event.get("additional_text") or "")[:4000] or False,
            "source": str(event.get("source") or "")[:64] or False,
            "source_alarm_id": str(event.get("source_alarm_id") or "")[:128] or False,
            "time": when,
            "dedup_key": dedup_key(
                company.id,
                element.id,
                False if element else site.id,
                event_type,
                probable_cause.strip()[:128],
                specific_problem,
            ),
        }

    @api.model
    def _telecom_parse_time(self, value, now):
        """An ISO-8601 time (naive = UTC) as a naive UTC datetime; refuses the future."""
        if value in (None, False, ""):
            return now
        if not isinstance(value, str):
            raise UserError(self.env._("'time' must be an ISO-8601 string"))
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise UserError(self.env._("'time' is not ISO-8601: %(value)r", value=value)) from exc
        if when.tzinfo:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)
        if when > now + FUTURE_TOLERANCE:
            raise UserError(self.env._("'time' %(value)s is in the future", value=value))
        return when.replace(microsecond=0)

    def _telecom_apply_increments(self, increments):
        """One UPDATE for every open alarm repeated in the batch: counter, last time,
        current and highest severity. ``increments``: {alarm id: folded repeats}."""
        if not increments:
            return self.browse()
        self.flush_model()
        # raw SQL: atomic increments (two receivers never lose a repeat), one
        # statement for the whole batch however many events it folds
        rows = [
            SQL(
                "(%s, %s, %s::timestamp, %s, %s)",
                alarm_id,
                fold["count"],
                fold["last"],
                fold["severity"],
                fold["rank"],
            )
            for alarm_id, fold in increments.items()
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE telecom_alarm a
                   SET repeat_count = a.repeat_count + v.n,
                       last_raised = greatest(a.last_raised, v.last),
                       severity = v.severity,
                       severity_rank = CASE WHEN v.severity = 'cleared' THEN 0
                                            ELSE v.last_rank END,
                       max_severity = CASE WHEN v.rank > %s THEN v.max_sev
                                           ELSE a.max_severity END,
                       write_date = (now() at time zone 'UTC'),
                       write_uid = %s
                  FROM (SELECT id, n, last, severity, rank,
                               %s AS last_rank, %s AS max_sev
                          FROM (VALUES %s) AS raw(id, n, last, severity, rank)) AS v
                 WHERE a.id = v.id
                """,
                SQL(self._telecom_rank_sql("a.max_severity")),
                self.env.uid,
                SQL(self._telecom_rank_sql("raw.severity")),
                SQL(self._telecom_severity_of_rank_sql("raw.rank")),
                SQL(", ").join(rows),
            )
        )
        alarms = self.browse(list(increments))
        alarms.invalidate_recordset(
            ["repeat_count", "last_raised", "severity", "severity_rank", "max_severity"]
        )
        return alarms

    @api.model
    def _telecom_rank_sql(self, column):
        """SQL CASE giving the rank of a severity column (constants only)."""
        whens = " ".join(f"WHEN '{sev}' THEN {rank}" for sev, rank in SEVERITY_RANK.items())
        return f"(CASE {column} {whens} ELSE 0 END)"

    @api.model
    def _telecom_severity_of_rank_sql(self, column):
        whens = " ".join(f"WHEN {rank} THEN '{sev}'" for rank, sev in RANK_SEVERITY.items() if rank)
        return f"(CASE {column} {whens} ELSE NULL END)"

    def _telecom_apply_creates(self, creates):
        if not creates:
            return self.browse()
        vals_list = []
        for segment in creates:
            event, fold = segment["vals"], segment["fold"]
            vals_list.append(
                {
                    "element_id": event["element_id"],
                    "site_id": event["site_id"],
                    "company_id": event["company_id"],
                    "severity": fold["severity"],
                    "severity_rank": SEVERITY_RANK[fold["severity"]],
                    "max_severity": RANK_SEVERITY[fold["rank"]] if fold["rank"] else False,
                    "event_type": event["event_type"],
                    "probable_cause": event["probable_cause"],
                    "specific_problem": event["specific_problem"],
                    "additional_text": event["additional_text"],
                    "source": event["source"],
                    "source_alarm_id": event["source_alarm_id"],
                    "dedup_key": event["dedup_key"],
                    "repeat_count": fold["count"],
                    "first_raised": event["time"],
                    "last_raised": fold["last"],
                }
            )
            if segment["clear"]:
                # raised and cleared within the batch: born cleared
                vals_list[-1].update(
                    state="cleared",
                    severity="cleared",
                    severity_rank=0,
                    cleared_date=segment["clear"],
                    cleared_uid=self.env.uid,
                )
        Alarm = self.with_context(tracking_disable=True, mail_create_nolog=True)
        try:
            with self.env.cr.savepoint():
                alarms = Alarm.create(vals_list)
                alarms.flush_recordset()
        except psycopg2.errors.UniqueViolation:
            # another receiver created one of these keys meanwhile: one by one,
            # the losers become repeats of the winner
            alarms = self.browse()
            for segment, vals in zip(creates, vals_list, strict=True):
                try:
                    with self.env.cr.savepoint():
                        alarm = Alarm.create(vals)
                        alarm.flush_recordset()
                except psycopg2.errors.UniqueViolation:
                    alarm = self.search(
                        [("dedup_key", "=", vals["dedup_key"]), ("state", "!=", "cleared")],
                        limit=1,
                    )
                    self._telecom_apply_increments({alarm.id: segment["fold"]})
                alarms |= alarm
        for segment, alarm in zip(creates, alarms, strict=True):
            segment["alarm"] = alarm
        return alarms

    def _telecom_apply_clears(self, clears):
        to_clear = {}
        for alarm, when in clears:
            to_clear[alarm.id] = when
        if not to_clear:
            return self.browse()
        alarms = self.browse(list(to_clear))
        by_time = {}
        for alarm_id, when in to_clear.items():
            by_time.setdefault(when, []).append(alarm_id)
        for when, alarm_ids in by_time.items():
            self.browse(alarm_ids).with_context(tracking_disable=True).write(
                {
                    "state": "cleared",
                    "severity": "cleared",
                    "severity_rank": 0,
                    "cleared_date": when,
                    "cleared_uid": self.env.uid,
                }
            )
        # correlated children of a cleared root are root-less again
        orphans = self.search([("root_cause_id", "in", alarms.ids), ("state", "!=", "cleared")])
        orphans.write({"root_cause_id": False})
        orphans._telecom_correlate()
        return alarms

    # -- correlation ---------------------------------------------------------
    def _telecom_correlate(self):
        """Group open alarms under their root cause.

        The root cause of an alarm on element E is the open major/critical alarm
        highest up E's chain of ancestors: on an ancestor element itself, or on the
        site of an ancestor (or of E). A new root takes the open alarms below it
        (on its element's descendants, or at its site and below) from any lower
        root. Set-based: a few queries for the whole recordset."""
        alarms = self.filtered(lambda a: a.state != "cleared")
        if not alarms:
            return
        Alarm = self.env["telecom.alarm"]
        Element = self.env["telecom.network.element"]
        chain_ids = set()
        for element in alarms.element_id:
            chain_ids.update(int(x) for x in (element.parent_path or "").split("/") if x)
        chain = Element.with_context(active_test=False).browse(chain_ids)
        site_of = {element.id: element.site_id.id for element in chain}
        candidates = Alarm.search(
            [
                ("state", "!=", "cleared"),
                ("max_severity", "in", TICKET_SEVERITIES),
                "|",
                ("element_id", "in", list(chain_ids)),
                "&",
                ("element_id", "=", False),
                ("site_id", "in", list(set(site_of.values()) | set(alarms.site_id.ids))),
            ],
            order="first_raised, id",
        )
        by_element, by_site = {}, {}
        for candidate in candidates:
            if candidate.element_id:
                by_element.setdefault(candidate.element_id.id, candidate)
            else:
                by_site.setdefault(candidate.site_id.id, candidate)
        updates = {}
        for alarm in alarms:
            root = Alarm
            if alarm.element_id:
                path = [int(x) for x in (alarm.element_id.parent_path or "").split("/") if x]
                for element_id in path:  # top first
                    site_root = by_site.get(site_of.get(element_id))
                    element_root = by_element.get(element_id) if element_id != path[-1] else None
                    root = site_root or element_root or Alarm
                    if root:
                        break
            elif alarm.site_id:
                root = Alarm  # a site alarm is a root itself
            if root and root != alarm and alarm.root_cause_id != root:
                updates.setdefault(root.id, []).append(alarm.id)
        for root_id, alarm_ids in updates.items():
            Alarm.browse(alarm_ids).write({"root_cause_id": root_id})
        # new roots take the open alarms below them
        roots = alarms.filtered(
            lambda a: a.max_severity in TICKET_SEVERITIES and not a.root_cause_id
        )
        for root in roots:
            if root.element_id:
                below_elements = [
                    ("parent_path", "=like", f"{root.element_id.parent_path}%"),
                    ("id", "!=", root.element_id.id),
                ]
                domain = [("element_id", "any", below_elements)]
            else:
                subtree = Element._telecom_subtree_domain(sites=root.site_id)
                domain = [
                    "|",
                    ("site_id", "=", root.site_id.id),
                    ("element_id", "any", subtree),
                ]
            below = Alarm.search(
                domain
                + [
                    ("state", "!=", "cleared"),
                    ("id", "!=", root.id),
                    "|",
                    ("root_cause_id", "=", False),
                    ("root_cause_id", "!=", root.id),
                ]
            )
            # alarms hanging under one of those (a former, lower root) move up too
            below |= Alarm.search(
                [
                    ("root_cause_id", "in", below.ids),
                    ("state", "!=", "cleared"),
                    ("id", "!=", root.id),
                ]
            )
            below.write({"root_cause_id": root.id})

    # -- element colours and tickets -----------------------------------------
    def _telecom_request_tickets(self):
        wanted = self.filtered(
            lambda a: (
                a.max_severity in TICKET_SEVERITIES
                and not a.ticket_requested
                and not a.root_cause_id
                and a.state != "cleared"
            )
        )
        if wanted:
            wanted.write({"ticket_requested": True})
            wanted._telecom_open_ticket()

    # -- people --------------------------------------------------------------
    def action_acknowledge(self):
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        active = self.filtered(lambda a: a.state == "active")
        active.write(
            {
                "state": "acknowledged",
                "acknowledged_date": fields.Datetime.now(),
                "acknowledged_uid": self.env.uid,
            }
        )
        return True

    def action_clear(self):
        """Clear by hand (the source will not send a clear)."""
        self._telecom_check_groups("telecom_oss.group_telecom_network_engineer")
        open_alarms = self.filtered(lambda a: a.state != "cleared")
        events = [
            {
                "element": alarm.element_id.id or None,
                "site": None if alarm.element_id else alarm.site_id.id,
                "severity": "cleared",
                "event_type": alarm.event_type,
                "probable_cause": alarm.probable_cause,
                "specific_problem": alarm.specific_problem or "",
            }
            for alarm in open_alarms
        ]
        self._telecom_receive(events)
        return True

    def _telecom_impacted_subscriptions(self):
        """The live subscriptions behind these alarms' elements or sites."""
        Subscription = self.env["telecom.subscription"]
        elements = self.element_id
        sites = self.filtered(lambda a: not a.element_id).site_id
        if not elements and not sites:
            return Subscription
        return Subscription._telecom_impacted_by(elements or None, sites or None)

    def action_open_impact(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        Element = self.env["telecom.network.element"]
        if self.element_id:
            return Element._telecom_impact_action(elements=self.element_id)
        return Element._telecom_impact_action(site=self.site_id)

    def action_open_correlated(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("telecom_oss.telecom_alarm_action")
        action["domain"] = [("root_cause_id", "=", self.id)]
        action["context"] = {}
        return action


def _fold(fold, event):
    """Fold one raise event into a running summary (count, last time, severities)."""
    fold["count"] = fold.get("count", 0) + 1
    fold["last"] = max(fold.get("last") or event["time"], event["time"])
    fold["severity"] = event["severity"]
    fold["rank"] = max(fold.get("rank", 0), SEVERITY_RANK[event["severity"]])
    return fold


def _looks_like_ip(text):
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True
