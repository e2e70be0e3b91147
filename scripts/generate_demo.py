"""Fill a telecom database with deterministic demo data.

    python3 scripts/generate_demo.py --customers 200 --seed 42 -- <odoo options: -c, -d, --db-*>

Called by ``./suite run`` on a new database, by ``./suite demo``, by ``./suite sites
up`` and by the load benchmark. The work is done by the ``telecom.demo.generator``
model of the add-on telecom_demo (one file per add-on's data), which this script
installs into the database first if it is not there yet. Never under the production
profile (scripts/secureconf.py): a production database gets no demo generator.
"""

import argparse
import json
import sys

import secureconf
from telecom_addons import DEMO_MODULE


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        own, odoo_args = argv[:split], argv[split + 1 :]
    else:
        own, odoo_args = argv, []
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    path = parser.add_mutually_exclusive_group()
    path.add_argument(
        "--bulk", action="store_true", default=None, help="the bulk path (default from 10,000)"
    )
    path.add_argument("--orm", dest="bulk", action="store_false", help="the ORM path")
    opts = parser.parse_args(own)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_args)
    if secureconf.is_production(odoo.tools.config.rcfile):
        raise SystemExit(
            f"{odoo.tools.config.rcfile} is the production profile: no demo data, no demo "
            f"generator ({DEMO_MODULE} is never installed there)."
        )
    dbname = odoo.tools.config["db_name"]
    if isinstance(dbname, list | tuple):
        dbname = dbname[0]
    if module_state(dbname, DEMO_MODULE) == "installed":
        registry = Registry(dbname)
    else:
        # as `odoo -i telecom_demo`: the add-on is found on the addons path and installed
        print(f"installing {DEMO_MODULE} (the demo data generator) into {dbname}", flush=True)
        odoo.tools.config["init"] = {DEMO_MODULE: 1}
        registry = Registry.new(dbname, update_module=True)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        report = env["telecom.demo.generator"].generate(
            customers=opts.customers, seed=opts.seed, bulk=opts.bulk
        )
    print("demo data: " + json.dumps(report, sort_keys=True))


def module_state(dbname, name):
    """The state of add-on ``name`` in the database (None: not even listed)."""
    import odoo

    with odoo.sql_db.db_connect(dbname).cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (name,))
        row = cr.fetchone()
    return row[0] if row else None


if __name__ == "__main__":
    main(sys.argv[1:])
