"""Key-point variant of signal (c), as viva would use it: the answer's sentences against viva's own key
points for that item (from `viva calibrate --json` items[].points[].point), not against reference sentences.
emb_kcov = mean over key points of the best cosine with an answer sentence; emb_kmin = the worst point's best.
Adds both to feats-{seb,cal}-EMB.json. Usage: OMP_NUM_THREADS=1 python keypoints.py [EMB_MODEL=minilm-int8]"""
import json, os, sys
import numpy as np
from embed import OnnxInt8, NumpyBert, tokenizer, split_sents, HERE

EMB = sys.argv[1] if len(sys.argv) > 1 else "minilm-int8"
model = {"minilm-int8": OnnxInt8, "minilm-fp32": NumpyBert}[EMB]()
tok = tokenizer()
E = np.load(os.path.join(HERE, f"cache/{EMB}.npz"), allow_pickle=True)
idx = {t: i for i, t in enumerate(E["texts"])}
cache = {}


def emb(t):
    if t in idx:
        return E["vecs"][idx[t]]
    if t not in cache:
        h = model.hidden(tok.encode(t).ids).mean(0)
        cache[t] = h / (np.linalg.norm(h) + 1e-12)
    return cache[t]


answers = {}
for f in [os.environ.get("VIVA_SCIENTSBANK", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/scientsbank-train.jsonl")), os.path.join(HERE, "cal-dev.jsonl")]:
    for l in open(f):
        r = json.loads(l)
        assert r["split"] in ("train", "dev")
        answers[r["id"]] = r["answer"] or ""
for name, vj in [("seb", "viva-seb.json"), ("cal", "viva-cal-dev.json")]:
    points = {it["id"]: [p["point"] for p in it.get("points") or []] for it in json.load(open(os.path.join(HERE, vj)))["items"]}
    path = os.path.join(HERE, f"feats-{name}-{EMB}.json")
    feats = json.load(open(path))
    for f in feats:
        a = answers[f["id"]]; ps = points.get(f["id"]) or []
        if not ps or not a.strip():
            f["emb_kcov"] = f["emb_kmin"] = 0.0
            continue
        A = np.stack([emb(s) for s in split_sents(a)]); K = np.stack([emb(p) for p in ps])
        S = (K @ A.T).max(1)
        f["emb_kcov"] = float(S.mean()); f["emb_kmin"] = float(S.min())
    json.dump(feats, open(path, "w"))
    print(name, len(feats), "points embedded so far", len(cache))
