"""Engines and ORM adapters of telecom_billing.

What lives here is not a model: it is the machinery the models drive (the rating
session and its balance store, the bill-run engine, the fast invoice writer and
poster, the chunk pipeline, custom fields). The pure, ORM-free packages sit beside
it: ``telecom_billing/rating`` (tariffs, allowances, periods, mediation parsing) and
``telecom_billing/billrun`` (proration).
"""
