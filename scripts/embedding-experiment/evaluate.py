"""Score each signal alone and added to viva's score, under question-grouped cross-validation.

Inputs: feats-{seb,cal}-EMB.json (features.py), viva-seb.json / viva-cal-dev.json (viva calibrate --json).
SciEntsBank: 'alone' = the raw signal (AUC/Spearman need no fit); '+viva' = logistic regression on
  [viva score, signal(s)] predicting correct, GroupKFold(5) by question_id, out-of-fold predictions pooled.
Calibration dev: 'alone' = raw signal for Spearman/Pearson; the 'wrong' mean is of a linear fit
  expert ~ signal (on the 0-10 scale); '+viva' = linear regression expert ~ [viva, signal(s)],
  leave-one-question-out (13 questions), out-of-fold predictions pooled, clipped to [0,10].
Calibration dev: the 5 items viva leaves ungraded (answers in another language, by design) are left out,
as `viva calibrate` does (n=112). SciEntsBank: every item is graded.
Also: grouped bootstrap (resampling questions, 1000x) of the AUC gain of '+emb' over '+tf-idf' and over viva
alone, and a transfer check (combination fitted on all of SciEntsBank, applied unchanged to calibration dev).
Usage: python evaluate.py [EMB_MODEL=minilm-int8] > results-EMB.md
"""
import json, os, sys
import numpy as np
from scipy.stats import spearmanr, pearsonr
from sklearn.linear_model import LogisticRegression, LinearRegression
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
EMB = sys.argv[1] if len(sys.argv) > 1 else "minilm-int8"

SIGNALS = [
    ("a tf-idf cosine", ["tfidf"]),
    ("b emb cosine (whole)", ["emb_cos"]),
    ("c emb sentence max", ["emb_smax"]),
    ("c emb sentence coverage", ["emb_scov"]),
    ("c emb sent. cov+prec+max", ["emb_scov", "emb_sprec", "emb_smax"]),
    ("c' emb key-point coverage", ["emb_kcov"]),
    ("c' emb key-point cov+min", ["emb_kcov", "emb_kmin"]),
    ("d GloVe mean-vector cos", ["glove_mean"]),
    ("d GloVe soft alignment (recall)", ["glove_align"]),
    ("d GloVe soft alignment (F)", ["glove_align_f"]),
    ("a+b+c (tfidf + all emb)", ["tfidf", "emb_cos", "emb_scov", "emb_sprec", "emb_smax"]),
    ("a+d (tfidf + GloVe)", ["tfidf", "glove_mean", "glove_align", "glove_align_f"]),
]


def viva_scores(path):
    d = json.load(open(path))
    return {it["id"]: it["score"] for it in d["items"] if it.get("status") == "graded" and it.get("score") is not None}


def seb_metrics(p, lab, y):
    c = lab == "correct"; cc = np.isin(lab, ["correct", "contradictory"])
    return roc_auc_score(c, p), roc_auc_score(c[cc], p[cc]), spearmanr(p, y).correlation


def cal_metrics(p, lab, y):
    return spearmanr(p, y).correlation, pearsonr(p, y)[0], float(p[lab == "wrong"].mean())


def oof(X, y, groups, model, cv, proba):
    p = np.zeros(len(y))
    for tr, te in cv.split(X, y, groups):
        m = model().fit(X[tr], y[tr])
        p[te] = m.predict_proba(X[te])[:, 1] if proba else m.predict(X[te])
    return p


def main():
    seb = json.load(open(os.path.join(HERE, f"feats-seb-{EMB}.json")))
    cal = json.load(open(os.path.join(HERE, f"feats-cal-{EMB}.json")))
    vs = viva_scores(os.path.join(HERE, "viva-seb.json")); vc = viva_scores(os.path.join(HERE, "viva-cal-dev.json"))
    assert all(f["id"] in vs for f in seb)
    cal = [f for f in cal if f["id"] in vc]
    rows = []
    # --- SciEntsBank
    lab = np.array([f["label"] for f in seb]); y = np.array([f["expert_score"] for f in seb])
    g = np.array([f["question_id"] for f in seb]); v = np.array([vs[f["id"]] for f in seb])
    yb = (lab == "correct").astype(int)
    lr = lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    gk = GroupKFold(n_splits=5)
    seb_res = {"viva alone": seb_metrics(v, lab, y)}
    for name, cols in SIGNALS:
        X = np.array([[f[c] for c in cols] for f in seb])
        alone = seb_metrics(X[:, 0], lab, y) if len(cols) == 1 else seb_metrics(oof(X, yb, g, lr, gk, True), lab, y)
        plus = seb_metrics(oof(np.column_stack([v, X]), yb, g, lr, gk, True), lab, y)
        seb_res[name] = (alone, plus)
    # --- calibration dev
    labc = np.array([f["label"] for f in cal]); yc = np.array([f["expert_score"] for f in cal])
    gc = np.array([f["question_id"] for f in cal]); vcal = np.array([vc[f["id"]] for f in cal])
    lo = LeaveOneGroupOut()
    lin = lambda: LinearRegression()
    cal_res = {"viva alone": cal_metrics(vcal, labc, yc)}
    for name, cols in SIGNALS:
        X = np.array([[f[c] for c in cols] for f in cal])
        pa = np.clip(oof(X, yc, gc, lin, lo, False), 0, 10)
        a_sp, a_pe, a_wr = cal_metrics(pa, labc, yc)
        if len(cols) == 1:
            a_sp, a_pe, _ = cal_metrics(X[:, 0], labc, yc)
        plus = cal_metrics(np.clip(oof(np.column_stack([vcal, X]), yc, gc, lin, lo, False), 0, 10), labc, yc)
        cal_res[name] = ((a_sp, a_pe, a_wr), plus)
    # --- non-adversarial subset of calibration dev (the trick checks dominate the adversarial half)
    m = labc != "adversarial"
    cal_na = {"viva alone": cal_metrics(vcal[m], labc[m], yc[m])}
    for name, cols in SIGNALS:
        X = np.array([[f[c] for c in cols] for f in cal])[m]
        plus = np.clip(oof(np.column_stack([vcal[m], X]), yc[m], gc[m], lin, lo, False), 0, 10)
        cal_na[name] = (spearmanr(X[:, 0], yc[m]).correlation if len(cols) == 1 else float("nan"),
                        cal_metrics(plus, labc[m], yc[m]))
    # --- grouped bootstrap of AUC gains on SciEntsBank (out-of-fold predictions fixed, questions resampled)
    def preds(cols):
        X = np.array([[f[c] for c in cols] for f in seb])
        return oof(np.column_stack([v, X]), yb, g, lr, gk, True)
    P = {"viva": v, "+tfidf": preds(["tfidf"]), "+emb_scov": preds(["emb_scov"]), "+emb_cos": preds(["emb_cos"]),
         "+tfidf+emb_scov": preds(["tfidf", "emb_scov"]), "+glove_align_f": preds(["glove_align_f"]),
         "+emb_kcov": preds(["emb_kcov"])}
    qs = np.unique(g); byq = {q: np.where(g == q)[0] for q in qs}
    rng = np.random.default_rng(0)
    boot = {}
    pairs = [("+emb_scov", "viva"), ("+emb_scov", "+tfidf"), ("+tfidf+emb_scov", "+tfidf"), ("+emb_cos", "+tfidf"),
             ("+glove_align_f", "+tfidf"), ("+tfidf", "viva"), ("+emb_kcov", "viva"), ("+emb_kcov", "+tfidf")]
    D = {p: ([], []) for p in pairs}
    for _ in range(1000):
        ix = np.concatenate([byq[q] for q in rng.choice(qs, len(qs))])
        c = lab[ix] == "correct"; cc = np.isin(lab[ix], ["correct", "contradictory"])
        for a, b in pairs:
            D[(a, b)][0].append(roc_auc_score(c, P[a][ix]) - roc_auc_score(c, P[b][ix]))
            D[(a, b)][1].append(roc_auc_score(c[cc], P[a][ix][cc]) - roc_auc_score(c[cc], P[b][ix][cc]))
    for (a, b), (d1, d2) in D.items():
        boot[f"{a} vs {b}"] = [float(np.mean(d1)), *map(float, np.percentile(d1, [2.5, 97.5])),
                                float(np.mean(d2)), *map(float, np.percentile(d2, [2.5, 97.5]))]
    # --- transfer: fit [viva, signal] on all SciEntsBank (logistic), score calibration dev unchanged
    transfer = {}
    for name, cols in [("viva + tf-idf", ["tfidf"]), ("viva + emb coverage", ["emb_scov"]),
                       ("viva + tf-idf + emb coverage", ["tfidf", "emb_scov"]),
                       ("viva + emb key-point coverage", ["emb_kcov"])]:
        Xs = np.column_stack([v, np.array([[f[c] for c in cols] for f in seb])])
        Xc = np.column_stack([vcal, np.array([[f[c] for c in cols] for f in cal])])
        mdl = lr().fit(Xs, yb); pc = mdl.decision_function(Xc)
        coef = mdl[-1].coef_[0] / mdl[0].scale_
        transfer[name] = (spearmanr(pc, yc).correlation, pearsonr(pc, yc)[0], list(map(float, coef)))
    # --- mean raw signal per calibration label
    per_label = {}  # raw single signals
    for name, cols in SIGNALS:
        if len(cols) == 1:
            x = np.array([f[cols[0]] for f in cal])
            per_label[name] = {l: float(x[labc == l].mean()) for l in ["excellent", "good", "partial", "weak", "wrong", "adversarial"]}
    json.dump({"seb": seb_res, "cal": cal_res, "cal_nonadv": cal_na, "per_label": per_label,
               "bootstrap": boot, "transfer": transfer},
              open(os.path.join(HERE, f"results-{EMB}.json"), "w"), indent=1)

    f3 = lambda t: " | ".join(f"{x:.3f}" for x in t)
    print(f"## SciEntsBank train ({len(seb)} answers, 135 questions; GroupKFold 5 by question)\n")
    print("| signal | alone: AUC c/rest | AUC c/contra | Spearman | + viva: AUC c/rest | AUC c/contra | Spearman |")
    print("|---|---|---|---|---|---|---|")
    print(f"| viva score alone | {f3(seb_res['viva alone'])} | | | |")
    for name, _ in SIGNALS:
        a, p = seb_res[name]; print(f"| {name} | {f3(a)} | {f3(p)} |")
    print("\nGrouped bootstrap over questions (1000x) of the AUC gain, mean [95% interval]:\n")
    print("| comparison | AUC c/rest gain | AUC c/contra gain |"); print("|---|---|---|")
    for k, b in boot.items():
        print(f"| {k} | {b[0]:+.3f} [{b[1]:+.3f}, {b[2]:+.3f}] | {b[3]:+.3f} [{b[4]:+.3f}, {b[5]:+.3f}] |")
    print(f"\n## Calibration dev ({len(cal)} graded answers, 13 questions; leave-one-question-out)\n")
    print("| signal | alone: Spearman | Pearson | wrong mean (fit, 0-10) | + viva: Spearman | Pearson | wrong mean |")
    print("|---|---|---|---|---|---|---|")
    print(f"| viva score alone | {f3(cal_res['viva alone'])} | | | |")
    for name, _ in SIGNALS:
        a, p = cal_res[name]; print(f"| {name} | {f3(a)} | {f3(p)} |")
    print(f"\n## Calibration dev without the adversarial items ({int(m.sum())} answers)\n")
    print("| signal | alone: Spearman (raw) | + viva: Spearman | Pearson | wrong mean |")
    print("|---|---|---|---|---|")
    print(f"| viva score alone | | {f3(cal_na['viva alone'])} |")
    for name, _ in SIGNALS:
        a, p = cal_na[name]; print(f"| {name} | {a:.3f} | {f3(p)} |")
    print("\n## Transfer: combination fitted on all of SciEntsBank, applied unchanged to calibration dev\n")
    print("| combination | Spearman | Pearson | raw coefficients (viva, signals...) |"); print("|---|---|---|---|")
    print(f"| viva alone | {cal_res['viva alone'][0]:.3f} | {cal_res['viva alone'][1]:.3f} | |")
    for k, (sp, pe, co) in transfer.items():
        print(f"| {k} | {sp:.3f} | {pe:.3f} | {', '.join(f'{c:.3f}' for c in co)} |")
    print("\n## Mean raw signal per calibration-dev label\n")
    labs = ["excellent", "good", "partial", "weak", "wrong", "adversarial"]
    print("| signal | " + " | ".join(labs) + " |"); print("|---" * (len(labs) + 1) + "|")
    for name, d in per_label.items():
        print(f"| {name} | " + " | ".join(f"{d[l]:.3f}" for l in labs) + " |")


if __name__ == "__main__":
    main()
