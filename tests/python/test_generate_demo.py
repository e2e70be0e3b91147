"""scripts/generate_demo.py refuses bad options before it touches a database."""

import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "generate_demo.py")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--customers", "-1"], "--customers must be zero or more"),
        (["--jobs", "0"], "--jobs must be 1 or more"),
        (["--customers", "many"], "invalid int value"),
        (["--bulk", "--orm"], "not allowed with argument"),
    ],
)
def test_bad_options(args, message):
    proc = subprocess.run(
        [sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 2
    assert message in proc.stderr
