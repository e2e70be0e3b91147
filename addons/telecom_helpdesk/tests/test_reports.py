# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import re
import zipfile
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HelpdeskCase

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_xlsx(content):
    """{sheet name: [[cell values as text]]} of an XLSX file (no third-party reader)."""
    book = zipfile.ZipFile(io.BytesIO(content))
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        root = etree.fromstring(book.read("xl/sharedStrings.xml"))
        shared = ["".join(si.itertext()) for si in root.findall("x:si", NS)]
    workbook = etree.fromstring(book.read("xl/workbook.xml"))
    names = [s.get("name") for s in workbook.find("x:sheets", NS)]
    sheets = {}
    for index, name in enumerate(names, start=1):
        root = etree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
        rows = []
        for row in root.iter(f"{{{NS['x']}}}row"):
            values = []
            for cell in row.findall("x:c", NS):
                value = cell.find("x:v", NS)
                text = value.text if value is not None else ""
                if cell.get("t") == "s":
                    text = shared[int(text)]
                values.append(text)
            rows.append(values)
        sheets[name] = rows
    return sheets


@tagged("post_install", "-at_install")
class TestReports(HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sla(
            "Resolution 8h (report test)",
            "resolution",
            hours=8,
            telecom_type_ids=[Command.set(cls.type_fault.ids)],
        )

    def _tickets(self):
        with freeze_time("2025-01-20 08:00:00"):  # Monday 9:00 in Brussels
            met = self._ticket(name="met")
            breached = self._ticket(name="breached")
            backlog = self._ticket(name="backlog", type_id=self.type_request.id)
            other_team = self._ticket(name="noc", team_id=self.team_noc.id)
        with freeze_time("2025-01-20 12:00:00"):
            met.stage_id = self.stage_resolved
        with freeze_time("2025-01-21 12:00:00"):
            self.env["helpdesk.ticket.sla"]._cron_telecom_sla()
            breached.stage_id = self.stage_resolved
        return met, breached, backlog, other_team

    def test_analysis_by_category_and_team_with_sla_and_mttr(self):
        met, breached, backlog, other_team = self._tickets()
        Report = self.env["telecom.helpdesk.report"]
        domain = [("ticket_id", "in", (met | breached | backlog | other_team).ids)]
        groups = {
            (kind, team): (count, open_count, compliance, mttr)
            for kind, team, count, open_count, compliance, mttr in Report._read_group(
                domain,
                ["telecom_kind", "team_id"],
                [
                    "ticket_count:sum",
                    "open_count:sum",
                    "sla_compliance:avg",
                    "resolution_hours:avg",
                ],
            )
        }
        count, open_count, compliance, mttr = groups[("fault", self.team)]
        self.assertEqual((count, open_count), (2, 0))
        self.assertEqual(compliance, 50.0)  # one met, one breached
        self.assertAlmostEqual(mttr, (4.0 + 28.0) / 2)
        self.assertEqual(groups[("service_request", self.team)][:2], (1, 1))
        self.assertEqual(groups[("fault", self.team_noc)][:2], (1, 1))
        row = Report.search([("ticket_id", "=", backlog.id)])
        self.assertEqual(row.age_bucket, "30_plus")  # reported in January 2025
        self.assertGreater(row.age_days, 30)
        self.assertFalse(Report.search([("ticket_id", "=", met.id)]).age_bucket)

    def test_xlsx_export(self):
        self._tickets()
        wizard = (
            self.env["telecom.helpdesk.xlsx.wizard"]
            .with_user(self.agent)
            .create(
                {
                    "date_from": date(2025, 1, 1),
                    "date_to": date(2025, 1, 31),
                    "team_ids": [Command.set(self.team.ids)],
                }
            )
        )
        action = wizard.action_export()
        self.assertIn(f"id={wizard.id}", action["url"])
        self.assertTrue(wizard.file_name.endswith(".xlsx"))
        sheets = read_xlsx(base64.b64decode(wizard.file))
        self.assertEqual(
            list(sheets), ["By category and team", "SLA compliance", "MTTR", "Backlog ageing"]
        )
        by_team = sheets["By category and team"]
        self.assertEqual(by_team[0], ["Category", "Team", "Tickets", "Open"])
        self.assertIn(["Fault", self.team.name, "2", "0"], by_team)
        self.assertIn(["Service request", self.team.name, "1", "1"], by_team)
        self.assertNotIn(self.team_noc.name, str(by_team))  # filtered on the team
        compliance = sheets["SLA compliance"]
        fault = next(r for r in compliance if r[0] == "Fault")
        self.assertEqual(fault[2:4], ["1", "50"])
        mttr = sheets["MTTR"]
        self.assertEqual(next(r for r in mttr if r[0] == "Fault")[2:], ["2", "16"])
        ageing = sheets["Backlog ageing"]
        self.assertEqual(ageing[0][0], "Team")
        self.assertEqual(ageing[1][0], self.team.name)
        self.assertEqual(ageing[1][-1], "1")  # the open request, over 30 days old
        with self.assertRaises(UserError):
            wizard.date_to = date(2024, 1, 1)
        self.assertTrue(re.match(r"tickets_2025-01-01_2025-01-31\.xlsx", wizard.file_name))
