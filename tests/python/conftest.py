import importlib
import importlib.machinery
import importlib.util
import os
import pkgutil
import sys
import types

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the pure packages of telecom_billing (rating/, billrun/) are plain Python; billrun
# imports rating's periods relatively (``..rating.periods``), so both load as
# subpackages of a bare ``telecom_billing`` package (its __init__, which imports
# Odoo, is not run). The tests import them by their short names: ``rating``,
# ``rating.timebands``, ``billrun``...
BILLING = os.path.join(REPO, "addons", "telecom_billing")


def _load_pure_packages():
    addon = types.ModuleType("telecom_billing")
    addon.__path__ = [BILLING]
    sys.modules.setdefault("telecom_billing", addon)
    for name in ("rating", "billrun"):
        package = importlib.import_module(f"telecom_billing.{name}")
        sys.modules[name] = package
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"telecom_billing.{name}.{info.name}")
            sys.modules[f"{name}.{info.name}"] = module


_load_pure_packages()


@pytest.fixture(scope="session")
def suite_cli():
    """The ./suite script, imported as a module."""
    loader = importlib.machinery.SourceFileLoader("suite_cli", os.path.join(REPO, "suite"))
    spec = importlib.util.spec_from_loader("suite_cli", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["suite_cli"] = module
    loader.exec_module(module)
    return module
