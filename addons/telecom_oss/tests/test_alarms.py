# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.telecom_alarm import TelecomAlarm
from .common import OssCase


def event(element, severity="major", cause="lossOfSignal", **kw):
    return dict({"element": element, "severity": severity, "probable_cause": cause}, **kw)


@tagged("post_install", "-at_install")
class TestAlarms(OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alarm = cls.env["telecom.alarm"]

    def receive(self, *events):
        return self.Alarm._telecom_receive(list(events))

    def test_raise_repeat_clear(self):
        first = self.receive(event("t-olt", specific_problem="PON 1/1/3"))[0]
        self.assertEqual(first["status"], "created")
        alarm = self.Alarm.browse(first["alarm_id"])
        self.assertEqual((alarm.element_id, alarm.site_id), (self.olt, self.site_co))
        self.assertEqual(alarm.state, "active")
        self.assertEqual(self.olt.alarm_severity, "major")
        again = self.receive(
            event("t-olt", "critical", specific_problem="PON 1/1/3"),
            event("10.0.0.10", specific_problem="PON 1/1/3"),  # by management IP
        )
        self.assertEqual([r["status"] for r in again], ["repeated", "repeated"])
        self.assertEqual({r["alarm_id"] for r in again}, {alarm.id})
        self.assertEqual(alarm.repeat_count, 3)
        self.assertEqual(alarm.max_severity, "critical")
        self.assertEqual(alarm.severity, "major")
        # another specific problem is another alarm
        other = self.receive(event(self.olt.id, specific_problem="PON 1/1/4"))[0]
        self.assertNotEqual(other["alarm_id"], alarm.id)
        cleared = self.receive(event("t-olt", "cleared", specific_problem="PON 1/1/3"))[0]
        self.assertEqual(cleared, {"index": 0, "status": "cleared", "alarm_id": alarm.id})
        self.assertEqual((alarm.state, alarm.severity), ("cleared", "cleared"))
        self.assertTrue(alarm.cleared_date)
        self.assertEqual(self.olt.alarm_severity, "major")  # PON 1/1/4 still open
        # the same problem raised again after the clear is a new occurrence
        new = self.receive(event("t-olt", specific_problem="PON 1/1/3"))[0]
        self.assertEqual(new["status"], "created")
        self.assertNotEqual(new["alarm_id"], alarm.id)
        ignored = self.receive(event("t-agg", "cleared"))[0]
        self.assertEqual(ignored["status"], "ignored")

    def test_bad_events_rejected_good_ones_kept(self):
        future = (fields.Datetime.now() + timedelta(days=1)).isoformat()
        results = self.receive(
            "not a dict",
            event("nope"),
            event("t-olt", "huge"),
            event("t-olt", cause=""),
            event("t-olt", time="yesterday"),
            event("t-olt", time=future),
            event("t-olt", event_type="weather"),
            {"severity": "major", "probable_cause": "x"},
            event("t-olt", time="2026-01-05T10:00:00+01:00"),
        )
        statuses = [r["status"] for r in results]
        self.assertEqual(statuses[:8], ["error"] * 8)
        self.assertEqual(statuses[8], "created")
        self.assertIn("unknown element", results[1]["error"])
        self.assertIn("severity must be one of", results[2]["error"])
        self.assertIn("in the future", results[5]["error"])
        alarm = self.Alarm.browse(results[8]["alarm_id"])
        self.assertEqual(alarm.first_raised, datetime(2026, 1, 5, 9, 0))  # stored in UTC
        with self.assertRaises(UserError):
            self.Alarm._telecom_receive({"element": "t-olt"})

    def test_storm_of_ten_thousand_absorbed_in_bounded_queries(self):
        storm = [event("t-olt", "major", specific_problem="LOS") for _i in range(10000)]
        small = [event("t-agg", "major", specific_problem="LOS") for _i in range(10)]
        _results, small_queries = self.count_queries(self.Alarm._telecom_receive, small)
        results, storm_queries = self.count_queries(self.Alarm._telecom_receive, storm)
        alarms = self.Alarm.search([("element_id", "=", self.olt.id)])
        self.assertEqual(len(alarms), 1)
        self.assertEqual(alarms.repeat_count, 10000)
        self.assertEqual({r["alarm_id"] for r in results}, {alarms.id})
        self.assertEqual(results[0]["status"], "created")
        self.assertEqual(sum(r["status"] == "repeated" for r in results), 9999)
        # the number of queries does not grow with the size of the storm
        self.assertLessEqual(storm_queries, small_queries + 2)
        self.assertLess(storm_queries, 40)
        # a second storm on the now open alarm: one UPDATE, still bounded
        _results, again = self.count_queries(self.Alarm._telecom_receive, storm)
        self.assertEqual(alarms.repeat_count, 20000)
        self.assertLess(again, 40)

    def test_one_by_one_repeats_cost_the_same(self):
        """A source sending one alarm per call: each repeat costs a constant number
        of queries, whether it is the 2nd or the 500th."""
        costs = []
        for index in range(500):
            _result, queries = self.count_queries(
                self.Alarm._telecom_receive, [event("t-olt", "minor", cause="highBER")]
            )
            if index in (1, 499):
                costs.append(queries)
        self.assertEqual(costs[0], costs[1])
        alarm = self.Alarm.search([("element_id", "=", self.olt.id)])
        self.assertEqual(alarm.repeat_count, 500)

    def test_raise_and_clear_in_one_batch(self):
        results = self.receive(
            event("t-olt", cause="LOS"),
            event("t-olt", cause="LOS"),
            event("t-olt", "cleared", cause="LOS"),
            event("t-olt", cause="LOS"),
        )
        self.assertEqual(
            [r["status"] for r in results], ["created", "repeated", "cleared", "created"]
        )
        first, second = (
            self.Alarm.browse(results[0]["alarm_id"]),
            self.Alarm.browse(results[3]["alarm_id"]),
        )
        self.assertEqual((first.state, first.repeat_count), ("cleared", 2))
        self.assertEqual(second.state, "active")

    def test_correlation_under_parent_and_site(self):
        child = self.Alarm.browse(self.receive(event("t-olt", cause="LOS"))[0]["alarm_id"])
        far = self.Alarm.browse(self.receive(event("t-olt-far", cause="LOS"))[0]["alarm_id"])
        self.assertFalse(child.root_cause_id)
        # the aggregation switch above them fails: both come under it
        root = self.Alarm.browse(
            self.receive(event("t-agg", "critical", cause="powerProblem"))[0]["alarm_id"]
        )
        self.assertEqual(child.root_cause_id, root)
        self.assertEqual(far.root_cause_id, root)
        self.assertEqual(root.correlated_count, 2)
        # a later alarm below it joins at once
        late = self.Alarm.browse(self.receive(event("t-olt", cause="dyingGasp"))[0]["alarm_id"])
        self.assertEqual(late.root_cause_id, root)
        # the core above fails too: everything moves under the highest root
        top = self.Alarm.browse(
            self.receive(event("t-core", "critical", cause="powerProblem"))[0]["alarm_id"]
        )
        self.assertEqual(root.root_cause_id, top)
        self.assertEqual((child | far | late).root_cause_id, top)
        # the core recovers: the alarms below find their next root again
        self.receive(event("t-core", "cleared", cause="powerProblem"))
        self.assertEqual((child | far | late).root_cause_id, root)
        self.assertFalse(root.root_cause_id)
        # an unrelated element is never correlated
        enb = self.Alarm.browse(self.receive(event("t-enb", cause="LOS"))[0]["alarm_id"])
        self.assertFalse(enb.root_cause_id)

    def test_site_alarm_groups_its_elements(self):
        olt = self.Alarm.browse(self.receive(event("t-olt", cause="LOS"))[0]["alarm_id"])
        enb = self.Alarm.browse(self.receive(event("t-enb", cause="LOS"))[0]["alarm_id"])
        power = self.receive(
            {
                "site": "TCO",
                "severity": "critical",
                "probable_cause": "powerProblem",
                "event_type": "environmental",
            }
        )[0]
        site_alarm = self.Alarm.browse(power["alarm_id"])
        self.assertFalse(site_alarm.element_id)
        self.assertEqual(olt.root_cause_id, site_alarm)
        self.assertFalse(enb.root_cause_id)
        # an element below the site's elements, standing elsewhere, is grouped too
        far = self.Alarm.browse(self.receive(event("t-olt-far", cause="LOS"))[0]["alarm_id"])
        self.assertEqual(far.root_cause_id, site_alarm)

    def test_ticket_extension_point(self):
        calls = []
        original = TelecomAlarm._telecom_open_ticket

        def spy(alarms):
            calls.append(alarms.ids)
            return original(alarms)

        with patch.object(TelecomAlarm, "_telecom_open_ticket", spy):
            minor = self.receive(event("t-olt", "minor", cause="highBER"))[0]
            self.assertEqual(calls, [])
            storm = self.receive(*[event("t-agg", "major", cause="LOS")] * 50)
            self.assertEqual(calls, [[storm[0]["alarm_id"]]])
            # escalation of the minor one to critical asks once
            self.receive(event("t-olt", "critical", cause="highBER"))
            self.receive(event("t-olt", "critical", cause="highBER"))
        self.assertEqual(len(calls), 1, "correlated under t-agg: no ticket of its own")
        alarm = self.Alarm.browse(minor["alarm_id"])
        self.assertEqual(alarm.root_cause_id.id, storm[0]["alarm_id"])
        self.assertFalse(alarm.ticket_requested)

    def test_acknowledge_and_clear_by_hand(self):
        alarm = self.Alarm.browse(self.receive(event("t-olt"))[0]["alarm_id"])
        with self.assertRaises(AccessError):
            alarm.with_user(self.noc).action_acknowledge()
        alarm.with_user(self.engineer).action_acknowledge()
        self.assertEqual(alarm.state, "acknowledged")
        self.assertEqual(alarm.acknowledged_uid, self.engineer)
        alarm.with_user(self.engineer).action_clear()
        self.assertEqual(alarm.state, "cleared")
        self.assertFalse(self.olt.alarm_severity)

    def test_availability_and_mttr(self):
        now = fields.Datetime.now().replace(microsecond=0)
        start = now - timedelta(hours=10)

        def at(hours):
            return (start + timedelta(hours=hours)).isoformat()

        # t-agg down 1h..3h, t-olt (below it) down 2h..4h: the OLT is down 1h..4h
        self.receive(event("t-agg", "critical", cause="power", time=at(1)))
        self.receive(event("t-olt", "major", cause="LOS", time=at(2)))
        self.receive(event("t-agg", "cleared", cause="power", time=at(3)))
        self.receive(event("t-olt", "cleared", cause="LOS", time=at(4)))
        # a minor alarm is no outage
        self.receive(event("t-enb", "minor", cause="temp", time=at(5)))
        figures = self.env["telecom.network.element"]._telecom_availability(
            start, start + timedelta(hours=10)
        )
        self.assertAlmostEqual(figures[self.olt.id]["outage_seconds"], 3 * 3600)
        self.assertAlmostEqual(figures[self.olt.id]["availability"], 70.0)
        self.assertEqual(figures[self.olt.id]["outages"], 1)
        self.assertAlmostEqual(figures[self.agg.id]["outage_seconds"], 2 * 3600)
        self.assertAlmostEqual(figures[self.olt_far.id]["outage_seconds"], 2 * 3600)
        self.assertNotIn(self.enb.id, figures)
        self.assertNotIn(self.core.id, figures)
        # MTTR: agg 2h, olt 2h
        self.env.flush_all()
        groups = self.env["telecom.alarm.report"]._read_group(
            [("service_affecting", "=", True)], [], ["repair_hours:avg", "alarm_count:sum"]
        )
        self.assertAlmostEqual(groups[0][0], 2.0)
        self.assertEqual(groups[0][1], 2)
        report = self.env["telecom.availability.report"].create(
            {"date_from": start.date(), "date_to": now.date()}
        )
        report.action_compute()
        line = report.line_ids.filtered(lambda l: l.element_id == self.olt)
        self.assertAlmostEqual(line.outage_hours, 3.0)
        self.assertAlmostEqual(line.mttr_hours, 2.0)
        self.assertLess(report.overall_availability, 100.0)
        with self.assertRaises(UserError):
            self.env["telecom.network.element"]._telecom_availability(now, start)
