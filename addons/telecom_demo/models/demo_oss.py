# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo network of the generator: sites, elements, ports and links, number pool,
SIM cards, IP pools and CPE, in volumes that follow the number of customers.

``element_tree(env, count)`` builds a large, deep element tree for the inventory
benchmark (``./suite bench oss``)."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.telecom_crm.models.identifiers import luhn_complete

from .demo_generator import demo_rng

DEMO_CITIES = [
    ("GNT", "Ghent", "9000", 51.0543, 3.7174),
    ("LEU", "Leuven", "3000", 50.8798, 4.7005),
    ("NAM", "Namur", "5000", 50.4674, 4.8720),
    ("BRU", "Bruges", "8000", 51.2093, 3.2247),
    ("LIE", "Liège", "4000", 50.6326, 5.5797),
    ("MEC", "Mechelen", "2800", 51.0259, 4.4776),
    ("HAS", "Hasselt", "3500", 50.9307, 5.3325),
    ("MON", "Mons", "7000", 50.4542, 3.9523),
]
DEMO_VENDORS = [
    ("nokia", "Nokia"),
    ("huawei", "Huawei"),
    ("cisco", "Cisco"),
    ("juniper", "Juniper"),
    ("ericsson", "Ericsson"),
]
DEMO_POOL = "Demo mobile numbers"
# the demo subscriptions' numbers (telecom_crm's generator): sparse pools
DEMO_SERVICE_POOLS = [
    ("Demo mobile numbers in service", "msisdn", "+324700000000", "+324700999999"),
    ("Demo geographic numbers in service", "geographic", "+32200000000", "+32200999999"),
]
BULK_PREFIX = "bench-"
# the alarm history (_demo_oss_alarms): its source, batches, (cause, problem, event type)
DEMO_ALARM_SOURCE = "demo-history"
DEMO_ALARM_BATCH = 10000
DEMO_ALARM_CAUSES = [
    ("linkDown", "Uplink down", "communications"),
    ("lossOfSignal", "Optical loss of signal", "communications"),
    ("highTemperature", "Shelf temperature high", "environmental"),
    ("powerProblem", "Rectifier on battery", "equipment"),
    ("cpuOverload", "Control plane CPU above 90%", "processing"),
    ("thresholdCrossed", "Packet loss above threshold", "qos"),
]


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_order_line_vals(self, plan, ident, account):
        """Demo numbers outside our pools (when the company keeps pools) are ported
        in: a number is taken from our pools or ported, never just taken."""
        vals = super()._demo_order_line_vals(plan, ident, account)
        number = vals.get("telecom_phone_number")
        if number:
            keeps_pools, found = self.env["telecom.number"]._telecom_ours(
                number, account.company_id
            )
            if keeps_pools and not found:
                vals["telecom_port_in"] = True
        return vals

    @api.model
    def _demo_steps(self):
        return super()._demo_steps() + [
            "_demo_oss_network",
            "_demo_oss_resources",
            "_demo_oss_services",
            "_demo_oss_alarms",
        ]

    @api.model
    def _demo_generate(self, customers, seed, bulk=None, steps=None):
        # demo services are migrated, not provisioned: the steps' lifecycle actions
        # apply at once (provisioning is off while they run), _demo_oss_services gives
        # the services their resources, and then provisioning is on, so that new
        # orders go through the simulator
        Company = self.env["res.company"]
        provisioned = Company.search([("telecom_provisioning", "=", True)])
        provisioned.telecom_provisioning = False
        try:
            report = super()._demo_generate(customers, seed, bulk=bulk, steps=steps)
        finally:
            provisioned.telecom_provisioning = True
        self.env.company.telecom_provisioning = True
        return report

    # -- helpers -------------------------------------------------------------
    @api.model
    def _demo_oss_vendor(self, code):
        Vendor = self.env["telecom.network.vendor"].with_context(active_test=False)
        vendor = Vendor.search([("code", "=", code)], limit=1)
        if not vendor:
            vendor = Vendor.create({"code": code, "name": dict(DEMO_VENDORS)[code]})
        return vendor

    @api.model
    def _demo_oss_element(self, existing, vals):
        """Create the element unless one with that hostname exists; return it."""
        element = existing.get(vals["name"])
        if element:
            return element, 0
        element = self.env["telecom.network.element"].create(vals)
        existing[element.name] = element
        return element, 1

    # -- steps ---------------------------------------------------------------
    @api.model
    def _demo_oss_network(self, rng, params):
        """Core data centre, one central office per city, radio sites by volume."""
        customers = params["customers"]
        company = self.env.company
        Site = self.env["telecom.site"].with_context(tracking_disable=True)
        Element = self.env["telecom.network.element"].with_context(tracking_disable=True)
        Port = self.env["telecom.network.port"]
        Link = self.env["telecom.network.link"]
        sites = {s.code: s for s in Site.with_context(active_test=False).search([])}
        existing = {
            e.name: e
            for e in Element.with_context(active_test=False).search([("name", "=like", "demo-%")])
        }
        created = 0
        be = self.env.ref("base.be", raise_if_not_found=False)

        def site(code, name, kind, city="", zip_code="", lat=0.0, lon=0.0):
            nonlocal created
            if code not in sites:
                sites[code] = Site.create(
                    {
                        "code": code,
                        "name": name,
                        "site_type": kind,
                        "city": city,
                        "zip": zip_code,
                        "country_id": be.id if be else False,
                        "latitude": lat,
                        "longitude": lon,
                        "company_id": company.id,
                    }
                )
                created += 1
            return sites[code]

        ip_counter = [0]

        def element(name, kind, role, site_rec, parent=None, vendor="nokia", model=""):
            nonlocal created
            ip_counter[0] += 1
            ip = f"10.255.{ip_counter[0] // 250}.{ip_counter[0] % 250 + 1}"
            rec, new = self._demo_oss_element(
                existing,
                {
                    "name": name,
                    "element_type": kind,
                    "role": role,
                    "site_id": site_rec.id,
                    "parent_id": parent.id if parent else False,
                    "vendor_id": self._demo_oss_vendor(vendor).id,
                    "model": model,
                    "serial": f"SN{rng.randint(10**9, 10**10 - 1)}",
                    "firmware_version": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}",
                    "management_ip": ip,
                    "company_id": company.id,
                },
            )
            created += new
            return rec

        def ports(rec, names, port_type, speed):
            have = set(rec.port_ids.mapped("name"))
            Port.create(
                [
                    {
                        "element_id": rec.id,
                        "name": name,
                        "port_type": port_type,
                        "speed_mbps": speed,
                    }
                    for name in names
                    if name not in have
                ]
            )

        def link(a, a_port, b, b_port):
            pa = rec_port(a, a_port)
            pb = rec_port(b, b_port)
            if not Link.search_count(
                ["|", ("port_a_id", "in", (pa.id, pb.id)), ("port_b_id", "in", (pa.id, pb.id))]
            ):
                Link.create({"port_a_id": pa.id, "port_b_id": pb.id, "capacity_mbps": 10000})

        def rec_port(rec, name):
            return rec.port_ids.filtered(lambda p: p.name == name)[:1]

        dc = site("DC1", "Brussels data centre", "datacenter", "Brussels", "1000", 50.85, 4.35)
        core = element("demo-core-1", "router", "core", dc, vendor="juniper", model="MX960")
        ports(core, [f"xe-0/0/{i}" for i in range(12)], "sfp", 10000)
        element("demo-hss-1", "hss", "subscriber_data", dc, core, vendor="ericsson", model="HSS")
        element("demo-sbc-1", "sbc", "voice", dc, core, vendor="nokia", model="SBC")
        element("demo-bng-1", "bng", "edge", dc, core, vendor="cisco", model="ASR9k")
        radio_sites = max(1, customers // 40)
        for index, (code, city, zip_code, lat, lon) in enumerate(DEMO_CITIES):
            co = site(
                f"CO-{code}", f"{city} central office", "central_office", city, zip_code, lat, lon
            )
            agg = element(
                f"demo-agg-{code.lower()}",
                "switch",
                "aggregation",
                co,
                core,
                vendor="cisco",
                model="NCS540",
            )
            ports(agg, [f"te0/0/{i}" for i in range(4)], "sfp", 10000)
            link(core, f"xe-0/0/{index}", agg, "te0/0/0")
            olt = element(
                f"demo-olt-{code.lower()}",
                "olt",
                "access",
                co,
                agg,
                vendor="nokia",
                model="ISAM FX",
            )
            ports(olt, ["uplink"], "sfp", 10000)
            ports(olt, [f"1/1/{i}" for i in range(1, 17)], "gpon", 2500)
            link(agg, "te0/0/1", olt, "uplink")
        for index in range(radio_sites):
            code, city, zip_code, lat, lon = DEMO_CITIES[index % len(DEMO_CITIES)]
            tower = site(
                f"RS-{index + 1:03d}",
                f"{city} radio site {index + 1}",
                "tower",
                city,
                zip_code,
                round(lat + rng.uniform(-0.05, 0.05), 6),
                round(lon + rng.uniform(-0.05, 0.05), 6),
            )
            kind = "gnodeb" if index % 3 == 0 else "enodeb"
            element(
                f"demo-{kind}-{index + 1:03d}",
                kind,
                "radio",
                tower,
                existing[f"demo-agg-{code.lower()}"],
                vendor="ericsson",
            )
        return created

    @api.model
    def _demo_oss_resources(self, rng, params):
        """Numbers, SIM cards, IP pools and CPE for the demo customers."""
        customers = params["customers"]
        company = self.env.company
        created = 0
        Pool = self.env["telecom.number.pool"].with_context(tracking_disable=True)
        hss = self.env["telecom.network.element"].search([("name", "=", "demo-hss-1")], limit=1)
        size = max(1000, customers * 3)
        pool = Pool.search([("name", "=", DEMO_POOL)], limit=1)
        if not pool:
            pool = Pool.create(
                {
                    "name": DEMO_POOL,
                    "number_type": "msisdn",
                    "range_start": "+32471000000",
                    "range_end": f"+32471{size - 1:06d}",
                    "quarantine_days": 90,
                    "element_id": hss.id,
                    "company_id": company.id,
                }
            )
        elif pool.size < size:
            pool.range_end = f"+32471{size - 1:06d}"
        created += pool.action_generate_numbers()

        Sim = self.env["telecom.sim.card"]
        wanted = customers * 2
        have = Sim.search_count([("batch", "=", "DEMO")])
        sims = []
        for index in range(wanted):
            # draw for every index so that the values do not depend on what exists
            pin, puk = f"{rng.randint(0, 9999):04d}", f"{rng.randint(0, 10**8 - 1):08d}"
            if index < have:
                continue
            sims.append(
                {
                    "iccid": luhn_complete(f"893200{index:012d}"),
                    "imsi": f"20601{index:010d}",
                    "batch": "DEMO",
                    "sim_type": "esim" if index % 10 == 0 else "physical",
                    "element_id": hss.id,
                    "pin1": pin,
                    "puk1": puk,
                    "company_id": company.id,
                }
            )
        Sim.create(sims)
        created += len(sims)

        IpPool = self.env["telecom.ip.pool"].with_context(tracking_disable=True)
        bng = self.env["telecom.network.element"].search([("name", "=", "demo-bng-1")], limit=1)
        for name, network, purpose, size_len in (
            ("Demo CGNAT customers", "100.64.0.0/16", "customer", 32),
            ("Demo IPv6 delegations", "2001:db8:1000::/40", "delegation", 56),
            ("Demo management", "10.255.0.0/16", "management", 32),
        ):
            if not IpPool.search_count([("name", "=", name)]):
                IpPool.create(
                    {
                        "name": name,
                        "network": network,
                        "purpose": purpose,
                        "default_prefix_len": size_len,
                        "element_id": bng.id if purpose != "management" else False,
                        "company_id": company.id,
                    }
                )
                created += 1

        Cpe = self.env["telecom.cpe"].with_context(tracking_disable=True)
        have = Cpe.search_count([("serial", "=like", "DEMOCPE%")])
        vendor = self._demo_oss_vendor("huawei")
        cpes = []
        for index in range(customers):
            mac = ":".join(f"{rng.randint(0, 255):02X}" for _i in range(5))
            if index < have:
                continue
            cpes.append(
                {
                    "serial": f"DEMOCPE{index:06d}",
                    "cpe_type": "ont" if index % 2 else "router",
                    "vendor_id": vendor.id,
                    "model": "HG8245" if index % 2 else "AX3000",
                    "mac_address": f"00:{mac}",
                    "company_id": company.id,
                }
            )
        Cpe.create(cpes)
        created += len(cpes)
        return created

    @api.model
    def _demo_oss_subscriptions(self, company):
        """The demo services that get a network side, in the order both paths take."""
        return (
            self.env["telecom.subscription"]
            .with_context(tracking_disable=True)
            .search(
                [
                    ("ref", "=like", "DEMO-%"),
                    ("state", "in", ("active", "suspended", "terminated")),
                    ("company_id", "=", company.id),
                ],
                order="ref",
            )
        )

    @api.model
    def _demo_oss_services(self, rng, params):
        """Give the demo subscriptions (telecom_crm's step) their network side, as a
        migration would: numbers and SIMs for mobile lines, an OLT port, an IP address
        and an ONT for fibre, the SBC for SIP trunks. Then network provisioning is
        switched on (``_demo_generate``), so that new orders go through the simulator."""
        company = self.env.company
        subs = self._demo_oss_subscriptions(company)
        Element = self.env["telecom.network.element"]
        elements = {e.name: e for e in Element.search([("name", "=like", "demo-%")])}
        hss, sbc = elements.get("demo-hss-1"), elements.get("demo-sbc-1")
        olt_by_city = {
            city: elements.get(f"demo-olt-{code.lower()}") for code, city, *_r in DEMO_CITIES
        }
        pools = self._demo_oss_service_pools(hss, sbc)
        Number = self.env["telecom.number"]
        Sim = self.env["telecom.sim.card"]
        ip_pool = self.env["telecom.ip.pool"].search(
            [("name", "=", "Demo CGNAT customers")], limit=1
        )
        done = 0
        for sub in subs:
            tech = sub.plan_id.telecom_technology
            # a draw for every subscription: the same data whatever exists already
            rng.random()
            if (
                sub.telecom_number_id
                or sub.telecom_sim_id
                or sub.telecom_access_element_id
                or sub.telecom_cpe_id
            ):
                continue  # done on an earlier run
            holder = {"subscription_id": sub.id}
            vals = {}
            if sub.phone_number:
                pool = pools["msisdn" if tech == "mobile" else "geographic"]
                number = Number.search([("name", "=", sub.phone_number)], limit=1)
                if (
                    not number
                    and pool.range_start <= sub.phone_number <= pool.range_end
                    and len(sub.phone_number) == len(pool.range_start)
                ):
                    number = Number.create(
                        {"name": sub.phone_number, "pool_id": pool.id, "company_id": company.id}
                    )
                if number and number.state == "free":
                    number._telecom_assign(partner=sub.partner_id, holder=holder)
                    vals["telecom_number_id"] = number.id
            if tech == "mobile" and sub.sim_iccid and sub.imsi:
                sim = Sim.search([("iccid", "=", sub.sim_iccid)], limit=1) or Sim.create(
                    {
                        "iccid": sub.sim_iccid,
                        "imsi": sub.imsi,
                        "element_id": hss.id if hss else False,
                        "batch": "DEMO-INSERVICE",
                        "company_id": company.id,
                    }
                )
                if sim.state == "free":
                    sim._telecom_assign(partner=sub.partner_id, holder=holder)
                    vals["telecom_sim_id"] = sim.id
            elif tech in ("ftth", "dsl"):
                olt = olt_by_city.get((sub.installation_partner_id or sub.partner_id).city)
                olt = olt or next((o for o in olt_by_city.values() if o), None)
                if olt:
                    port = self.env["telecom.network.port"]._telecom_take(olt)
                    vals.update(telecom_access_element_id=olt.id, telecom_access_port_id=port.id)
                if ip_pool:
                    ip_pool._telecom_allocate(
                        partner=sub.partner_id, holder=holder
                    )._telecom_assign()
                cpe = self.env["telecom.cpe"].search(
                    [("state", "=", "free"), ("serial", "=like", "DEMOCPE%")], limit=1
                )
                if cpe:
                    cpe._telecom_assign(partner=sub.partner_id, holder=holder)
                    vals["telecom_cpe_id"] = cpe.id
            elif tech == "voip" and sbc:
                vals["telecom_access_element_id"] = sbc.id
            if vals:
                sub.write(vals)
                done += 1
            if sub.state == "terminated":
                self._demo_oss_terminated(sub)
        return done

    @api.model
    def _demo_oss_alarms(self, rng, params):
        """Three months of alarm history on the demo network: one raise (and its
        clear, minutes to hours later) per ten customers, through the alarm
        interface (``telecom.alarm._telecom_receive``) in batches. Every alarm is
        cleared (no ticket, no live severity on the elements), the times are drawn
        from the first day of the month two months back (records of the future are
        drawn but not sent), so the same seed gives the same alarms."""
        Alarm = self.env["telecom.alarm"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        if Alarm.search_count([("source", "=", DEMO_ALARM_SOURCE)], limit=1):
            return 0
        wanted = params["customers"] // 10
        elements = self.env["telecom.network.element"].search(
            [("name", "=like", "demo-%")], order="name"
        )
        if not wanted or not elements:
            return 0
        names = elements.mapped("name")
        start = datetime.combine(self._demo_anchor(), datetime.min.time()) - relativedelta(months=2)
        cutoff = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)
        span = int((start + relativedelta(months=3) - start).total_seconds())
        events = []
        for index in range(wanted):
            raised = start + timedelta(seconds=rng.randrange(span))
            cleared = raised + timedelta(minutes=int(rng.expovariate(1 / 90)) + 1)
            cause, problem, kind = rng.choice(DEMO_ALARM_CAUSES)
            severity = rng.choice(("warning", "minor", "minor", "minor", "major", "critical"))
            element = names[rng.randrange(len(names))]
            if cleared >= cutoff:
                continue
            event = {
                "element": element,
                "probable_cause": cause,
                "specific_problem": problem,
                "event_type": kind,
                "source": DEMO_ALARM_SOURCE,
                "source_alarm_id": f"DEMO-A-{index:07d}",
            }
            events.append((raised, dict(event, severity=severity)))
            events.append((cleared, dict(event, severity="cleared")))
        # in time order, as a network sends them; a batch ends where no alarm is open
        # (a raise and its clear go together: no alarm is live between two batches)
        events.sort(key=lambda item: (item[0], item[1]["severity"] != "cleared"))
        created = 0
        batch, open_ids = [], set()
        for moment, event in events:
            batch.append(dict(event, time=moment.isoformat() + "Z"))
            if event["severity"] == "cleared":
                open_ids.discard(event["source_alarm_id"])
            else:
                open_ids.add(event["source_alarm_id"])
            if len(batch) >= DEMO_ALARM_BATCH and not open_ids:
                results = Alarm._telecom_receive(batch)
                created += sum(1 for r in results if r and r.get("status") == "created")
                batch = []
                self._demo_bulk_flush()
        if batch:
            results = Alarm._telecom_receive(batch)
            created += sum(1 for r in results if r and r.get("status") == "created")
        return created

    @api.model
    def _demo_oss_terminated(self, subs):
        """A terminated demo service gives back what it held."""
        for sub in subs:
            for records in sub._telecom_resources().values():
                records.filtered(lambda r: r.state == "assigned")._telecom_release(
                    note=self.env._("Terminated")
                )
            if sub.telecom_access_port_id:
                sub.telecom_access_port_id._telecom_give_back()
                sub.telecom_access_port_id = False

    @api.model
    def _demo_oss_bulk_elements(self, count=50000, seed=42, fanout=(4, 10, 12, 8)):
        """The benchmark's element tree (``element_tree``) in this database."""
        return element_tree(self.env, count=count, seed=seed, fanout=fanout)

    @api.model
    def _demo_oss_service_pools(self, hss, sbc):
        Pool = self.env["telecom.number.pool"].with_context(tracking_disable=True)
        pools = {}
        for name, kind, start, end in DEMO_SERVICE_POOLS:
            pool = Pool.search([("name", "=", name)], limit=1) or Pool.create(
                {
                    "name": name,
                    "number_type": kind,
                    "range_start": start,
                    "range_end": end,
                    "element_id": (hss if kind == "msisdn" else sbc).id or False,
                    "company_id": self.env.company.id,
                }
            )
            pools[kind] = pool
        return pools


def element_tree(env, count=50000, seed=42, fanout=(4, 10, 12, 8)):
    """A deep tree of ``count`` elements (core / aggregation / access / radio),
    created level by level in batches. Idempotent: completes an earlier run.

    For the inventory benchmark (``./suite bench oss``), which imports it into a
    database that holds telecom_oss only, and for ``_demo_oss_bulk_elements``."""
    rng = demo_rng(seed, "_demo_oss_bulk_elements")
    Element = env["telecom.network.element"].with_context(
        tracking_disable=True, mail_create_nolog=True
    )
    Site = env["telecom.site"].with_context(tracking_disable=True)
    company = env.company
    existing = set(
        Element.with_context(active_test=False)
        .search([("name", "=like", f"{BULK_PREFIX}%")])
        .mapped("name")
    )
    # one site per core and per aggregation node
    site_count = max(1, min(count, fanout[0] + fanout[0] * fanout[1]))
    site_codes = [f"BS{i:05d}" for i in range(site_count)]
    have_sites = {s.code: s.id for s in Site.search([("code", "in", site_codes)])}
    Site.create(
        [
            {"code": code, "name": f"Bench site {code}", "company_id": company.id}
            for code in site_codes
            if code not in have_sites
        ]
    )
    site_ids = [s.id for s in Site.search([("code", "in", site_codes)], order="code")]
    kinds = [
        ("router", "core"),
        ("switch", "aggregation"),
        ("olt", "access"),
        ("enodeb", "radio"),
    ]
    made = 0
    level_parents = [None]
    names_total = 0
    level = 0
    # cores and aggregation nodes get sites in turn; below, an element
    # stands at its parent's site (an aggregation site and its access network)
    site_of = {}
    while names_total < count:
        kind, role = kinds[min(level, len(kinds) - 1)]
        fan = fanout[min(level, len(fanout) - 1)]
        batch = []
        next_names = []
        for parent_name in level_parents:
            for child in range(fan):
                if names_total >= count:
                    break
                name = f"{BULK_PREFIX}{level}-{len(next_names):06d}"
                names_total += 1
                next_names.append(name)
                rng_serial = rng.randint(10**9, 10**10 - 1)
                if level < 2:
                    site_of[name] = site_ids[len(site_of) % len(site_ids)]
                else:
                    site_of[name] = site_of[parent_name]
                if name in existing:
                    continue
                batch.append(
                    {
                        "name": name,
                        "element_type": kind,
                        "role": role,
                        "serial": f"B{rng_serial}{child}",
                        "site_id": site_of[name],
                        "parent_name": parent_name,
                        "company_id": company.id,
                    }
                )
        parent_ids = {}
        if level_parents != [None]:
            parent_ids = {e.name: e.id for e in Element.search([("name", "in", level_parents)])}
        for start in range(0, len(batch), 2000):
            chunk = batch[start : start + 2000]
            for vals in chunk:
                parent = vals.pop("parent_name")
                vals["parent_id"] = parent_ids.get(parent, False)
            Element.create(chunk)
            made += len(chunk)
            env.invalidate_all()
        level_parents = next_names
        level += 1
    return made
