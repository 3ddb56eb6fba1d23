"""Reads `viva calibrate --json` on stdin; prints one Markdown table row body for BENCHMARKS.md."""
import json
import sys

d = json.load(sys.stdin)
adv = d["by_adversarial"]


def worst(*kinds):
    return max(adv.get(k, {}).get("max_score", 0.0) for k in kinds)


inflated = sum(adv.get(k, {}).get("inflated", 0) for k in ("injection", "master-key"))
wrong = d["by_label"]["wrong"]
cells = [
    str(d["n"]),
    f"{d['spearman']:.3f}",
    f"{d['pearson']:.3f}",
    f"{d['mae']:.2f}",
    f"{d['within_1'] * 100:.0f}%",
    f"{d['within_2'] * 100:.0f}%",
    f"{worst('empty', 'dont-know'):.1f}",
    f"{worst('keyword-stuffing'):.1f}",
    f"{worst('wrong-question'):.1f}",
    str(inflated),
    f"{wrong['mean_score']:.2f} (expert {wrong['mean_expert']:.2f})",
]
print(" | ".join(cells))
