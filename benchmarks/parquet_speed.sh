#!/usr/bin/env bash
# Parquet read speed, one thread: our reader (parquet-bench: every row group of `id` and `content`
# into Swift strings) beside pyarrow (read_table(use_threads=False), then to Python strings) on one
# synthetic ~200 MB snappy documents file that scripts/parity/parquet_fixtures.py writes.
#
# Usage: benchmarks/parquet_speed.sh [FILE] (default /tmp/bench-200mb.parquet)
#   PYTHON a Python with pyarrow (default /work/venv-parquet/bin/python); build first:
#   swift build -c release --product parquet-bench
set -euo pipefail
file=${1:-/tmp/bench-200mb.parquet}
python=${PYTHON:-/work/venv-parquet/bin/python}
"$python" scripts/parity/parquet_fixtures.py --bench "$file" --bench-mb 200 >/tmp/parquet_speed_pyarrow.json
ours=$(taskset -c 0 .build/release/parquet-bench "$file")
"$python" - "$ours" <<'PY'
import json, sys
ours = json.loads(sys.argv[1])
ref = json.load(open("/tmp/parquet_speed_pyarrow.json"))
print(json.dumps({"file_bytes": ref["bytes"], "rows": ref["rows"], "ours_rows_per_s": ours["rows_per_s"],
                  "pyarrow_rows_per_s_to_python": ref["pyarrow_rows_per_s_to_python"],
                  "pyarrow_rows_per_s_arrow_only": ref["pyarrow_rows_per_s_arrow_only"],
                  "ratio_vs_to_python": ours["rows_per_s"] / ref["pyarrow_rows_per_s_to_python"],
                  "ratio_vs_arrow_only": ours["rows_per_s"] / ref["pyarrow_rows_per_s_arrow_only"]}, indent=1))
PY
