# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Selections and facts several add-ons share: defined once here, imported by the others."""

# the network technology of a plan or add-on, hence of a subscription (its plan's);
# also the key of the provisioning templates (telecom_oss) and of the MRR and
# revenue reports (telecom_billing)
TECHNOLOGIES = [
    ("mobile", "Mobile"),
    ("fixed_voice", "Fixed Voice"),
    ("ftth", "FTTH Broadband"),
    ("dsl", "DSL Broadband"),
    ("voip", "VoIP / SIP Trunk"),
    ("iptv", "IPTV"),
]
