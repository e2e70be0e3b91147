"""Fill a telecom database with deterministic demo data.

    python3 scripts/generate_demo.py --customers 200 --seed 42 -- <odoo options: -c, -d, --db-*>

Called by ``./suite run`` on a new database and by ``./suite demo``. The work is
done by the ``telecom.demo.generator`` model, which each add-on extends.
"""

import argparse
import json
import sys


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
    dbname = odoo.tools.config["db_name"]
    if isinstance(dbname, list | tuple):
        dbname = dbname[0]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        report = env["telecom.demo.generator"].generate(
            customers=opts.customers, seed=opts.seed, bulk=opts.bulk
        )
    print("demo data: " + json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
