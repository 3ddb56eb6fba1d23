"""int8 ONNX vs fp32 safetensors (numpy BERT) on the first 300 texts (sorted): cosine of the two vectors."""
import numpy as np
a = np.load("cache/minilm-int8.npz", allow_pickle=True); b = np.load("cache/minilm-fp32-first300.npz", allow_pickle=True)
ia = {t: i for i, t in enumerate(a["texts"])}
c = np.array([a["vecs"][ia[t]] @ v for t, v in zip(b["texts"], b["vecs"])])
print(f"n={len(c)} cosine(int8, fp32): mean {c.mean():.4f}, min {c.min():.4f}")
