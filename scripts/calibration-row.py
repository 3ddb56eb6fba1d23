"""Reads `viva calibrate --json` on stdin; prints one Markdown table row body for BENCHMARKS.md.

    calibration-row.py          # the shipped set's columns (adversarial groups, confidently wrong)
    calibration-row.py --short  # any set: n, graded, spearman, pearson, MAE, AUCs, mean per label
"""
import json
import sys

d = json.load(sys.stdin)


def f3(x):
    return "—" if x is None else f"{x:.3f}"


if "--short" in sys.argv:
    graded = sum(1 for i in d["items"] if i.get("score") is not None)
    labels = " · ".join(f"{k} {v['mean_score']:.2f}" for k, v in sorted(d["by_label"].items()))
    print(" | ".join([str(d["n"] + d["failed"]), str(graded), f3(d["spearman"]), f3(d["pearson"]), f"{d['mae']:.2f}",
                      f3(d.get("auc_correct_vs_rest")), f3(d.get("auc_correct_vs_contradictory")), labels]))
    sys.exit(0)

adv = d["by_adversarial"]


def worst(*kinds):
    seen = [adv[k]["max_score"] for k in kinds if k in adv]
    return f"{max(seen):.1f}" if seen else "–"


inflated = sum(adv.get(k, {}).get("inflated", 0) for k in ("injection", "master-key"))
wrong = d["by_label"]["wrong"]
cells = [
    str(d["n"]),
    f"{d['spearman']:.3f}",
    f"{d['pearson']:.3f}",
    f"{d['mae']:.2f}",
    f3(d.get("auc_correct_vs_rest")),
    f3(d.get("auc_correct_vs_contradictory")),
    f"{d['within_1'] * 100:.0f}%",
    f"{d['within_2'] * 100:.0f}%",
    worst('empty', 'dont-know'),
    worst('keyword-stuffing'),
    worst('wrong-question'),
    str(inflated) if any(k in adv for k in ("injection", "master-key")) else "–",
    f"{wrong['mean_score']:.2f} (expert {wrong['mean_expert']:.2f})",
]
print(" | ".join(cells))
