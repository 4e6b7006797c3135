"""A PNG of the median ratios with their 95% intervals (needs matplotlib)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["PLOTTED", "plot_ratios"]

#: Ratios drawn, with their colours.
PLOTTED = {
    "core/raw": "#1f77b4",
    "core/cqlengine": "#2ca02c",
    "compat/cqlengine": "#ff7f0e",
    "cqlengine/raw": "#7f7f7f",
}


def plot_ratios(results: Mapping[str, Any], path: Path) -> str | None:
    """Draw the ratios to ``path``; returns why not when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        return f"no plot: {exc} (pip install matplotlib)"
    ops = list(results["ops"].values())
    height = 0.8 / len(PLOTTED)
    fig, ax = plt.subplots(figsize=(10, 0.3 * len(ops) * len(PLOTTED) / 2 + 2))
    for i, (pair, colour) in enumerate(PLOTTED.items()):
        ys, medians, lows, highs = [], [], [], []
        for row, op in enumerate(ops):
            entry = op["ratios"].get(pair)
            if entry is None:
                continue
            ys.append(row + (i - (len(PLOTTED) - 1) / 2) * height)
            medians.append(entry["median"])
            lows.append(entry["median"] - entry["low"])
            highs.append(entry["high"] - entry["median"])
        ax.barh(ys, medians, height=height, color=colour, label=pair,
                xerr=[lows, highs], error_kw={"elinewidth": 0.8, "capsize": 2})
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(ops)), [op["title"] for op in ops], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("time ratio (median, 95% interval; log scale; < 1 is faster)")
    meta = results["meta"]
    quick = " (quick)" if meta["plan"]["quick"] else ""
    ax.set_title(f"coodie benchmarks, {meta['plan']['rounds']} rounds{quick}, "
                 f"{meta['machine'].get('date_utc', '')}", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None
