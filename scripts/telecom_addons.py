"""The suite's add-ons, named once for every command (run, test, lint, sites, drills,
benchmarks): in dependency order, the last one being the multi-site building blocks."""

MODULES = [
    "telecom_crm",
    "telecom_billing",
    "telecom_oss",
    "telecom_helpdesk",
    "telecom_portal",
    "telecom_site",
]
# installed in test databases only: the demo payment provider of the online payment tests
TEST_MODULES = ["payment_demo"]
