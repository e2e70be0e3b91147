# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deterministic demo data that looks like an operator.

``env["telecom.demo.generator"].generate(customers=200, seed=42)`` is what
``./suite run`` and ``./suite demo`` call. Each add-on of the suite extends it by
appending a step to :meth:`_demo_steps` and implementing it; every step gets its
own random generator seeded from ``(seed, step name)``, so adding a step never
changes what the earlier steps produce. Steps are idempotent: run again with a
larger volume, the generator only adds what is missing.
"""

import logging
import random
import unicodedata

from odoo import api, models

_logger = logging.getLogger(__name__)

FIRST_NAMES = [
    "Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Kofi", "Lena", "Marta", "Nils", "Olga", "Pedro", "Quentin", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoé",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Bakker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat",
    "Ivanova", "Janssens", "Kowalski", "Lambert", "Moreau", "Novak", "Olsen", "Peeters",
    "Quispe", "Rossi", "Schmidt", "Tanaka", "Urban", "Vermeulen", "Weber", "Yilmaz",
]  # fmt: skip
COMPANY_WORDS = [
    "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quartz",
    "Riverside", "Summit", "Tidewater",
]  # fmt: skip
COMPANY_KINDS = [
    "Logistics", "Dental Clinic", "Architects", "Bakery", "Hotel", "Software",
    "Accountants", "Garage", "Pharmacy", "Consulting", "Farm Co-op", "School",
]  # fmt: skip
STREETS = [
    "Station Road", "Church Street", "Harbour Lane", "Mill Way", "Oak Avenue",
    "Market Square", "Bridge Street", "Park Lane", "Quarry Road", "Elm Close",
]  # fmt: skip
CITIES = [
    ("Ghent", "9000"), ("Leuven", "3000"), ("Namur", "5000"), ("Bruges", "8000"),
    ("Liège", "4000"), ("Mechelen", "2800"), ("Hasselt", "3500"), ("Mons", "7000"),
]  # fmt: skip

DEMO_REF_PREFIX = "DEMO-"


def _ascii(text):
    """'Chloé García' -> 'chloe.garcia': e-mail local parts stay plain ASCII."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", ".")


class TelecomDemoGenerator(models.AbstractModel):
    _name = "telecom.demo.generator"
    _description = "Telecom demo data generator"

    @api.model
    def _demo_steps(self):
        """Ordered names of the generator's steps; add-ons append theirs."""
        return ["_demo_customers"]

    @api.model
    def _demo_rng(self, seed, step):
        return random.Random(f"{seed}:{step}")

    @api.model
    def generate(self, customers=200, seed=42):
        """Create (or complete) the demo data set; return counts per step."""
        customers = int(customers)
        seed = int(seed)
        if customers < 0:
            raise ValueError("customers must be zero or more")
        params = {"customers": customers, "seed": seed}
        report = {}
        for step in self._demo_steps():
            rng = self._demo_rng(seed, step)
            report[step.removeprefix("_demo_")] = getattr(self, step)(rng, params)
            _logger.info("demo generator: %s -> %s", step, report[step.removeprefix("_demo_")])
        return report

    # -- steps ----------------------------------------------------------
    @api.model
    def _demo_customer_values(self, rng, index):
        """Values of demo customer ``index``: one business in five, the rest residential."""
        city, zip_code = rng.choice(CITIES)
        street = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
        country = self.env.ref("base.be", raise_if_not_found=False)
        if index % 5 == 0:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
            slug = name.lower().replace(" ", "")
            email = f"billing@{slug}{index}.example.com"
            is_company = True
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            email = f"{_ascii(first)}.{_ascii(last)}{index}@mail.example.com"
            is_company = False
        return {
            "name": name,
            "is_company": is_company,
            "ref": f"{DEMO_REF_PREFIX}{index:05d}",
            "street": street,
            "city": city,
            "zip": zip_code,
            "country_id": country.id if country else False,
            "email": email,
            "phone": f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            "customer_rank": 1,
        }

    @api.model
    def _demo_customers(self, rng, params):
        wanted = params["customers"]
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        existing = set(
            Partner.with_context(active_test=False)
            .search([("ref", "=like", f"{DEMO_REF_PREFIX}%")])
            .mapped("ref")
        )
        vals_list = []
        for index in range(1, wanted + 1):
            # draw the values even for existing customers so the sequence of
            # random numbers, hence every customer, is the same on every run
            vals = self._demo_customer_values(rng, index)
            if vals["ref"] not in existing:
                vals_list.append(vals)
        Partner.create(vals_list)
        return len(vals_list)

    @api.model
    def _demo_customers_all(self):
        """The demo customers, in generation order (for later steps)."""
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("ref", "=like", f"{DEMO_REF_PREFIX}%")], order="ref")
        )
