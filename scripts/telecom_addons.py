"""The suite's add-ons, named once for every command (run, test, lint, sites, drills,
benchmarks) and script. Add-ons cannot import this file: inside them, the list is read
from the manifests' ``depends`` (telecom_demo/tests/test_rpc_method_table.py)."""

# what an operator installs, in dependency order
BUSINESS_MODULES = [
    "telecom_crm",
    "telecom_billing",
    "telecom_oss",
    "telecom_helpdesk",
    "telecom_portal",
]
# the business add-ons and the multi-site building blocks: what ./suite run installs
MODULES = [*BUSINESS_MODULES, "telecom_site"]
# the demo data generator: installed by scripts/generate_demo.py (./suite run on a new
# database, ./suite demo, the sites, the load benchmark) and by ./suite test; never in
# production
DEMO_MODULE = "telecom_demo"
# every add-on of the repository: what ./suite test installs and tests, ./suite lint lints
ALL_MODULES = [*MODULES, DEMO_MODULE]
# installed in test databases only: the demo payment provider of the online payment tests
TEST_MODULES = ["payment_demo"]
