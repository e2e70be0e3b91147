import importlib.machinery
import importlib.util
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the rating core of telecom_billing is plain Python: importable as ``rating``
BILLING = os.path.join(REPO, "addons", "telecom_billing")
if BILLING not in sys.path:
    sys.path.insert(0, BILLING)


@pytest.fixture(scope="session")
def suite_cli():
    """The ./suite script, imported as a module."""
    loader = importlib.machinery.SourceFileLoader("suite_cli", os.path.join(REPO, "suite"))
    spec = importlib.util.spec_from_loader("suite_cli", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["suite_cli"] = module
    loader.exec_module(module)
    return module
