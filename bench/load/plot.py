"""Latency over time of a load run, as a PNG (run with the Locust environment's
Python, which has matplotlib): p95 per 30-second window of each kind of request,
the baseline drawn thick, the bill run's time shaded.

    python plot.py PLOT-DATA.json OUT.png
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

WINDOW = 30.0


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(0.95 * (len(values) - 1) + 0.5))]


def main(data_path, out):
    with open(data_path) as fh:
        data = json.load(fh)
    rows = data["rows"]
    if not rows:
        return
    t0 = rows[0][0]
    groups = {
        "baseline (Odoo's own pages)": lambda n: n.startswith("baseline:") and "log in" not in n,
        "portal pages": lambda n: n.startswith("portal:") and "PDF" not in n and "log in" not in n,
        "back office (JSON-RPC)": lambda n: n.startswith("bo:") and "log in" not in n,
        "integrators (XML-RPC lookups)": lambda n: (
            n.startswith("rpc:") and "import_usage" not in n and "place_order" not in n
        ),
    }
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    for label, keep in groups.items():
        buckets = {}
        for t, name, ms, _ok in rows:
            if keep(name):
                buckets.setdefault(int((t - t0) // WINDOW), []).append(ms)
        xs = sorted(buckets)
        ax.plot(
            [(x + 0.5) * WINDOW / 60 for x in xs],
            [p95(buckets[x]) for x in xs],
            label=label,
            linewidth=3 if label.startswith("baseline") else 1.6,
        )
    if data.get("bill"):
        start, end = data["bill"]
        ax.axvspan((start - t0) / 60, (end - t0) / 60, color="0.9", label="bill run running")
    ax.set_xlabel("minutes")
    ax.set_ylabel("p95 latency per 30 s (ms)")
    ax.set_title("./suite bench load: p95 latency over time")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
