"""Grouped bootstrap (questions resampled, 2000x) of the Spearman gain on calibration dev (112 graded):
leave-one-question-out linear fit expert ~ [viva, signal] vs viva alone, and the SciEntsBank-fitted transfer.
Usage: python boot_cal.py [EMB_MODEL=minilm-int8]"""
import json, os, sys
import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
from evaluate import viva_scores, oof, HERE

EMB = sys.argv[1] if len(sys.argv) > 1 else "minilm-int8"
seb = json.load(open(os.path.join(HERE, f"feats-seb-{EMB}.json")))
cal = json.load(open(os.path.join(HERE, f"feats-cal-{EMB}.json")))
vs = viva_scores(os.path.join(HERE, "viva-seb.json")); vc = viva_scores(os.path.join(HERE, "viva-cal-dev.json"))
cal = [f for f in cal if f["id"] in vc]
yc = np.array([f["expert_score"] for f in cal]); gc = np.array([f["question_id"] for f in cal])
v = np.array([vc[f["id"]] for f in cal])
P = {"viva": v}
for sig in ["tfidf", "emb_scov", "emb_cos", "emb_kcov"]:
    X = np.column_stack([v, [f[sig] for f in cal]])
    P["loqo +" + sig] = oof(X, yc, gc, LinearRegression, LeaveOneGroupOut(), False)
    Xs = np.column_stack([[vs[f["id"]] for f in seb], [f[sig] for f in seb]])
    ys = np.array([f["label"] == "correct" for f in seb]).astype(int)
    m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(Xs, ys)
    P["transfer +" + sig] = m.decision_function(X)
qs = np.unique(gc); byq = {q: np.where(gc == q)[0] for q in qs}
rng = np.random.default_rng(0)
print(f"| comparison (calibration dev, n={len(cal)}) | Spearman gain, mean [95% interval] | share of resamples > 0 |")
print("|---|---|---|")
for k in P:
    if k == "viva":
        continue
    d = []
    for _ in range(2000):
        ix = np.concatenate([byq[q] for q in rng.choice(qs, len(qs))])
        d.append(spearmanr(P[k][ix], yc[ix]).correlation - spearmanr(v[ix], yc[ix]).correlation)
    d = np.array(d)
    print(f"| {k} vs viva | {d.mean():+.3f} [{np.percentile(d, 2.5):+.3f}, {np.percentile(d, 97.5):+.3f}] | {np.mean(d > 0):.2f} |")
