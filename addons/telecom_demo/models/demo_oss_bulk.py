# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk path of the network side of the demo services (see
``demo_generator.py``): ``_demo_oss_services`` gives each service its
resources one service at a time, with a search per number, SIM and CPE and an
assignment each (about 37 ms a service). The bulk variant reads the numbers and
SIMs of a thousand services in one search, creates the missing ones in one
create, and writes the assignment history of the batch in one create; the values
are those of ``_telecom_assign`` (``_telecom_holder_vals``,
``_telecom_history_vals``). Fibre ports and IP addresses keep their own
allocation calls (they choose the port and the address).
"""

import time

from odoo import api, fields, models

from .demo_generator import chunks
from .demo_oss import DEMO_CITIES


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_bulk_oss_services(self, rng, params):
        company = self.env.company
        subs = self._demo_oss_subscriptions(company)
        elements = {
            e.name: e
            for e in self.env["telecom.network.element"].search([("name", "=like", "demo-%")])
        }
        hss, sbc = elements.get("demo-hss-1"), elements.get("demo-sbc-1")
        olt_by_city = {
            city: elements.get(f"demo-olt-{code.lower()}") for code, city, *_r in DEMO_CITIES
        }
        pools = self._demo_oss_service_pools(hss, sbc)
        ip_pool = self.env["telecom.ip.pool"].search(
            [("name", "=", "Demo CGNAT customers")], limit=1
        )
        self.env.cr.execute(
            "SELECT id FROM telecom_cpe WHERE state = 'free' AND serial LIKE 'DEMOCPE%%'"
            " ORDER BY id"
        )
        free_cpes = [row[0] for row in self.env.cr.fetchall()]
        context = {
            "company": company,
            "hss": hss,
            "sbc": sbc,
            "olt_by_city": olt_by_city,
            "pools": pools,
            "ip_pool": ip_pool,
            "free_cpes": free_cpes,
        }
        done = 0
        started = time.time()
        ids = subs.ids
        for batch in chunks(ids, 1000):
            done += self._demo_bulk_oss_batch(rng, subs.browse(batch), context)
            self._demo_bulk_flush()
            self._demo_bulk_progress("network side of services", done, len(ids), started)
        return done

    @api.model
    def _demo_bulk_oss_batch(self, rng, subs, ctx):
        company = ctx["company"]
        Number = self.env["telecom.number"]
        Sim = self.env["telecom.sim.card"]
        numbers = {n.name: n for n in Number.search([("name", "in", subs.mapped("phone_number"))])}
        mobile = subs.filtered(
            lambda s: s.plan_id.telecom_technology == "mobile" and s.sim_iccid and s.imsi
        )
        sims = {s.iccid: s for s in Sim.search([("iccid", "in", mobile.mapped("sim_iccid"))])}
        new_numbers, new_sims = [], []
        for sub in subs:
            if sub.phone_number and sub.phone_number not in numbers:
                kind = "msisdn" if sub.plan_id.telecom_technology == "mobile" else "geographic"
                pool = ctx["pools"][kind]
                if pool.range_start <= sub.phone_number <= pool.range_end and len(
                    sub.phone_number
                ) == len(pool.range_start):
                    new_numbers.append(
                        {"name": sub.phone_number, "pool_id": pool.id, "company_id": company.id}
                    )
            if sub in mobile and sub.sim_iccid not in sims:
                new_sims.append(
                    {
                        "iccid": sub.sim_iccid,
                        "imsi": sub.imsi,
                        "element_id": ctx["hss"].id if ctx["hss"] else False,
                        "batch": "DEMO-INSERVICE",
                        "company_id": company.id,
                    }
                )
        numbers.update({n.name: n for n in Number.create(new_numbers)})
        sims.update({s.iccid: s for s in Sim.create(new_sims)})
        assignments = []  # (resource, holder values)
        done = 0
        terminated = subs.browse()
        for sub in subs:
            tech = sub.plan_id.telecom_technology
            rng.random()  # the ORM step's draw, for the same data whatever exists
            if (
                sub.telecom_number_id
                or sub.telecom_sim_id
                or sub.telecom_access_element_id
                or sub.telecom_cpe_id
            ):
                continue
            holder = {"subscription_id": sub.id}
            vals = {}
            number = numbers.get(sub.phone_number) if sub.phone_number else None
            if number and number.state == "free":
                assignments.append((number, sub.partner_id, holder))
                vals["telecom_number_id"] = number.id
            if sub in mobile:
                sim = sims[sub.sim_iccid]
                if sim.state == "free":
                    assignments.append((sim, sub.partner_id, holder))
                    vals["telecom_sim_id"] = sim.id
            elif tech in ("ftth", "dsl"):
                self._demo_bulk_oss_fibre(sub, ctx, holder, vals, assignments)
            elif tech == "voip" and ctx["sbc"]:
                vals["telecom_access_element_id"] = ctx["sbc"].id
            if vals:
                sub.write(vals)
                done += 1
            if sub.state == "terminated":
                terminated |= sub
        self._demo_bulk_assign(assignments)
        self._demo_oss_terminated(terminated)
        return done

    @api.model
    def _demo_bulk_oss_fibre(self, sub, ctx, holder, vals, assignments):
        """An OLT port, an IP address and an ONT for a fibre service."""
        olt = ctx["olt_by_city"].get((sub.installation_partner_id or sub.partner_id).city)
        olt = olt or next((o for o in ctx["olt_by_city"].values() if o), None)
        if olt:
            port = self.env["telecom.network.port"]._telecom_take(olt)
            vals.update(telecom_access_element_id=olt.id, telecom_access_port_id=port.id)
        if ctx["ip_pool"]:
            ctx["ip_pool"]._telecom_allocate(
                partner=sub.partner_id, holder=holder
            )._telecom_assign()
        if ctx["free_cpes"]:
            cpe = self.env["telecom.cpe"].browse(ctx["free_cpes"].pop(0))
            assignments.append((cpe, sub.partner_id, holder))
            vals["telecom_cpe_id"] = cpe.id

    @api.model
    def _demo_bulk_assign(self, assignments):
        """``_telecom_assign`` of free resources, each to its own holder: the same
        resource values and history rows, the history in one create."""
        now = fields.Datetime.now()
        history = []
        for resource, partner, holder in assignments:
            vals = resource._telecom_holder_vals(partner, None, holder)
            history.append(resource._telecom_history_vals(resource, "assigned", now, vals))
            resource.write(dict(vals, state="assigned", date_state=now))
        self.env["telecom.resource.assignment"].sudo().create(history)
