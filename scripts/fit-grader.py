#!/usr/bin/env python3
"""Fits the offline grader's per-point model (src/grader/offline/weights.json) on development data.

    scripts/fit-grader.py [--debug] [--bank DIR] [--scientsbank FILE] [--print]

Data, development only:
- the shipped calibration set's `dev` split (tests/data/calibration.jsonl; the `heldout` split is
  never read here), answers labelled excellent/good/partial/weak, each key point's target the
  expert score / 10 (confidently wrong and adversarial answers are left to the contradiction,
  misconception and trick checks, not to this model);
- the SciEntsBank training set (SemEval-2013 Task 7, Dzikovska et al., CC BY-SA 3.0), read from
  ../shared/data/scientsbank-train.jsonl at fit time and never committed: target 1 for a
  `correct` answer, else 0.

Two steps, pure Python (no dependencies):
1. a logistic regression of the per-point targets on the signals (L2 penalty, Newton's method),
   each source weighing the same in total: the starting point;
2. a coordinate search from there that maximises what the grader is for, on the same data: the
   mean of the Spearman correlation with the expert on the calibration dev split and the AUC of
   correct vs the rest on SciEntsBank train, with each answer's score computed as viva computes
   it (statuses from the thresholds, coverage, relevance-scaled depth and clarity, caps) —
   kept only when question-grouped cross-validation (--folds, 5: all answers to a question in
   one fold) says it beats the plain logistic fit on questions left out of the fit.
The thresholds (covered at p >= 0.5, partial at p >= 0.3) are fixed by design, not searched.
"""
import json
import math
import os
import subprocess
import sys
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src/grader/offline/weights.json")
COVERED, PARTIAL, L2 = 0.5, 0.3, 1.0
# A point is only credited on a quote that states it: its best span must hold this share of its
# core weight (covered, partial), whatever the whole answer looks like. Fixed by design.
SPAN_COVERED, SPAN_PARTIAL = 0.5, 0.25


def arg(flag, default=None):
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else default


def scientsbank():
    given = arg("--scientsbank") or os.environ.get("VIVA_SCIENTSBANK")
    for path in [given, os.path.join(ROOT, "../shared/data/scientsbank-train.jsonl"),
                 os.path.join(ROOT, "../../shared/data/scientsbank-train.jsonl")]:
        if path and os.path.exists(path):
            return os.path.abspath(path)
    sys.exit("fit-grader: scientsbank-train.jsonl not found (give --scientsbank FILE)")


def signals(set_path, *extra):
    cmd = ["cargo", "run", "-q", "--example", "grader_signals"]
    if "--debug" not in sys.argv:
        cmd.append("--release")
    cmd += ["--", set_path, *extra]
    if arg("--bank"):
        cmd += ["--bank", arg("--bank")]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def to_data(cal, seb):
    a = [(x, r["expert_score"] / 10) for r in cal
         if r["label"] in ("excellent", "good", "partial", "weak") and not r["adversarial"] for x in r["signals"]]
    b = [(x, 1.0 if r["label"] == "correct" else 0.0) for r in seb for x in r["signals"]]
    wa, wb = 0.5 * (len(a) + len(b)) / max(len(a), 1), 0.5 * (len(a) + len(b)) / max(len(b), 1)
    return [(x, y, wa) for x, y in a] + [(x, y, wb) for x, y in b]


def rows():
    if arg("--signals"):
        cal, seb = json.load(open(arg("--signals")))
    else:
        cal = signals(os.path.join(ROOT, "tests/data/calibration.jsonl"), "--split", "dev")
        seb = signals(scientsbank())
    assert all(r["split"] == "dev" for r in cal)
    if arg("--save-signals"):
        json.dump([cal, seb], open(arg("--save-signals"), "w"))
    names = (cal or seb)[0]["names"]
    return names, to_data(cal, seb), cal, seb


def solve(m, v):
    n = len(v)
    a = [row[:] + [v[i]] for i, row in enumerate(m)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(a[r][c]))
        a[c], a[p] = a[p], a[c]
        for r in range(n):
            if r != c and a[c][c] != 0:
                f = a[r][c] / a[c][c]
                a[r] = [x - f * y for x, y in zip(a[r], a[c])]
    return [a[i][n] / a[i][i] for i in range(n)]


def fit(data, k):
    beta = [0.0] * (k + 1)
    for _ in range(25):
        grad = [0.0] * (k + 1)
        hess = [[0.0] * (k + 1) for _ in range(k + 1)]
        for x, y, w in data:
            z = [1.0] + list(x)
            p = 1 / (1 + math.exp(-sum(b * v for b, v in zip(beta, z))))
            for i in range(k + 1):
                grad[i] += w * (y - p) * z[i]
                for j in range(k + 1):
                    hess[i][j] += w * p * (1 - p) * z[i] * z[j]
        for i in range(1, k + 1):
            grad[i] -= L2 * beta[i]
            hess[i][i] += L2
        step = solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta


def prob(beta, x):
    return 1 / (1 + math.exp(-(beta[0] + sum(b * v for b, v in zip(beta[1:], x)))))


def auc(pos, neg):
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in order[i:j + 1]:
            r[k] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(xs, ys):
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def fast_auc(pos, neg):
    r = ranks(pos + neg)
    return (sum(r[:len(pos)]) - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


# grader::score::FLAG_CAPS and WRONG_CLAIM_CAPS, replicated.
CAPS = {"empty": 0, "dont-know": 0, "echo": 1, "keyword-stuffing": 2, "copied-reference": 2, "off-topic": 2,
        "injection": 4, "overclaiming": 5, "rambling": 5}
WRONG_CLAIM_CAPS = (3, 2)
# Position of the `reference` signal (src/grader/offline/model.rs NAMES).
NAMES_INDEX_REFERENCE = 3


def simulate(beta, r):
    """The score viva gives answer `r` under `beta` (grader::score, replicated)."""
    if r["status"] != "graded":
        return None
    if r["score"] == 0 and not r["signals"]:
        return 0.0
    credits = []
    for x, st in zip(r["signals"], r["statuses"]):
        if st == "contradicted":
            credits.append(0.0)
            continue
        p = prob(beta, x)
        span = x[0]
        credits.append(1.0 if p >= COVERED and span >= SPAN_COVERED
                       else 0.5 if p >= PARTIAL and span >= SPAN_PARTIAL else 0.0)
    share = sum(credits) / max(len(credits), 1)
    # Depth and clarity as given (undo the relevance the grade applied).
    old = [1.0 if s == "covered" else 0.5 if s == "partial" else 0.0 for s in r["statuses"]]
    old_likeness = r["signals"][0][NAMES_INDEX_REFERENCE] if r["signals"] else 0.0
    old_rel = min(1.0, 0.25 + 1.5 * max(sum(old) / max(len(old), 1), old_likeness))
    dc = (r["criteria"].get("depth", 0) + r["criteria"].get("clarity", 0)) / old_rel
    # Relevance: the coverage share, or the answer's likeness to the reference (the `reference`
    # signal, the same for every point of an answer) when that is more.
    likeness = r["signals"][0][NAMES_INDEX_REFERENCE] if r["signals"] else 0.0
    score = 6 * share + min(1.0, 0.25 + 1.5 * max(share, likeness)) * dc
    caps = [v for f, v in CAPS.items() if f in r["flags"]]
    if r["wrong_claims"]:
        caps.append(WRONG_CLAIM_CAPS[0] if r["wrong_claims"] == 1 else WRONG_CLAIM_CAPS[1])
    if caps:
        score = min(score, min(caps))
    return round(score * 2) / 2


def objective(beta, cal, seb):
    c = [(r["expert_score"], simulate(beta, r)) for r in cal]
    c = [(e, s) for e, s in c if s is not None]
    rho = spearman([e for e, _ in c], [s for _, s in c])
    s = [(r["label"] == "correct", simulate(beta, r) or 0.0) for r in seb]
    a = fast_auc([v for ok, v in s if ok], [v for ok, v in s if not ok])
    return (rho + a) / 2, rho, a


def folds(rows_, k):
    """Question-grouped folds: every answer to a question lands in the same fold."""
    qs = sorted({r.get("question_id") or r["id"] for r in rows_})
    fold_of = {q: i % k for i, q in enumerate(qs)}
    return [fold_of[r.get("question_id") or r["id"]] for r in rows_]


def cross_validate(cal, seb, k, k_names, searched):
    """The objective on questions held out of the fit, averaged over k question-grouped folds:
    whether the fit (with or without the search) generalises to unseen questions."""
    fc, fs = folds(cal, k), folds(seb, k)
    values = []
    for f in range(k):
        tc = [r for r, g in zip(cal, fc) if g != f]
        ts = [r for r, g in zip(seb, fs) if g != f]
        beta = fit(to_data(tc, ts), k_names)
        if searched:
            beta, _, _ = search(beta, tc, ts, quiet=True)
        values.append(objective(beta, [r for r, g in zip(cal, fc) if g == f], [r for r, g in zip(seb, fs) if g == f]))
    return tuple(sum(v[i] for v in values) / k for i in range(3))


def search(beta, cal, seb, quiet=False):
    best, rho, a = objective(beta, cal, seb)
    if not quiet:
        print(f"fit-grader: logistic start: objective {best:.4f} (spearman {rho:.3f}, auc {a:.3f})", file=sys.stderr)
    step = 1.0
    while step > 0.05:
        improved = False
        for i in range(len(beta)):
            for d in (step, -step):
                trial = beta[:]
                trial[i] += d
                value, r2, a2 = objective(trial, cal, seb)
                if value > best + 1e-4:
                    beta, best, rho, a, improved = trial, value, r2, a2, True
        if not improved:
            step /= 2
    if not quiet:
        print(f"fit-grader: after search: objective {best:.4f} (spearman {rho:.3f}, auc {a:.3f})", file=sys.stderr)
    return beta, rho, a


def main():
    names, data, cal, seb = rows()
    # Question-grouped cross-validation decides whether the search's gain holds on unseen
    # questions; if it does not, the plain logistic fit is kept.
    k = int(arg("--folds", "5"))
    cv_start = cross_validate(cal, seb, k, len(names), searched=False)
    cv_search = cross_validate(cal, seb, k, len(names), searched=True)
    print(f"fit-grader: {k}-fold question-grouped CV: logistic {cv_start[0]:.4f} (spearman {cv_start[1]:.3f}, "
          f"auc {cv_start[2]:.3f}); with search {cv_search[0]:.4f} (spearman {cv_search[1]:.3f}, "
          f"auc {cv_search[2]:.3f})", file=sys.stderr)
    beta = fit(data, len(names))
    if cv_search[0] > cv_start[0]:
        beta, rho, a = search(beta, cal, seb)
        cv = cv_search
    else:
        _, rho, a = objective(beta, cal, seb)
        cv = cv_start
    mean_p = lambda r: sum(prob(beta, x) for x in r["signals"]) / max(len(r["signals"]), 1)
    figures = {
        "rows": len(data),
        "searched": cv is cv_search,
        "cv_folds": k,
        "cv_calibration_dev_spearman": round(cv[1], 3),
        "cv_scientsbank_auc_correct_vs_rest": round(cv[2], 3),
        "search_calibration_dev_spearman": round(rho, 3),
        "search_scientsbank_auc_correct_vs_rest": round(a, 3),
        "calibration_dev_answers": len(cal),
        "scientsbank_train_answers": len(seb),
        "scientsbank_auc_correct_vs_rest_of_mean_p": round(auc(
            [mean_p(r) for r in seb if r["label"] == "correct"],
            [mean_p(r) for r in seb if r["label"] != "correct"]), 3),
        "calibration_dev_auc_good_vs_rest_of_mean_p": round(auc(
            [mean_p(r) for r in cal if r["label"] in ("excellent", "good")],
            [mean_p(r) for r in cal if r["label"] in ("partial", "weak", "wrong")]), 3),
    }
    model = {
        "note": "fitted by scripts/fit-grader.py on development data only (calibration dev split, "
                "SciEntsBank train, CC BY-SA 3.0); thresholds fixed by design",
        "fitted": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "bias": round(beta[0], 4),
        "weights": {n: round(b, 4) for n, b in zip(names, beta[1:])},
        "covered": COVERED,
        "partial": PARTIAL,
        "span_covered": SPAN_COVERED,
        "span_partial": SPAN_PARTIAL,
        "figures": figures,
    }
    text = json.dumps(model, indent=2) + "\n"
    if "--print" in sys.argv:
        print(text)
    else:
        with open(OUT, "w") as f:
            f.write(text)
        print(f"fit-grader: wrote {os.path.relpath(OUT, ROOT)}", file=sys.stderr)
    print(json.dumps(figures), file=sys.stderr)


if __name__ == "__main__":
    main()
