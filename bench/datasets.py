"""`npm run bench`, rows "20 small datasets" and "npm run local start": what a run pays per dataset and before the
first row, each against a named baseline measured in the same run.

- 20 datasets of one 100-row file each, converted by the core (every check, Iceberg commits, maintenance) against a
  loop that reads and writes each with plain Spark (header, Parquet), in one SparkSession, alternately.
- `npm run local` on examples/ in a fresh process against a fresh process that only starts the same SparkSession.
Medians of RUNS are printed as JSON for bench.ts.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lake.local import convert_folder
from lake.ports import Settings
from lake.session import local_session

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / ".out" / "datasets"
DATASETS, ROWS = 20, 100
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def generate(folder: Path) -> None:
    for d in range(DATASETS):
        path = folder / ("d%02d" % d) / "part.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["id,name,amount,day"] + [
            "%d,n%d,%d.%02d,2024-01-%02d" % (i, i, i, i % 100, i % 28 + 1) for i in range(ROWS)
        ]
        path.write_text("\n".join(lines) + "\n")


def fresh(code: str) -> float:
    """Seconds a fresh Python process of the project's environment takes to run `code`."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT / "etl", check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    source = OUT / "input"
    shutil.rmtree(source, ignore_errors=True)
    generate(source)
    spark = local_session("csv-to-parquet-bench-datasets", memory="4g")
    plain, core = [], []
    for run in range(RUNS):
        target = OUT / ("plain-%d" % run)
        started = time.perf_counter()
        for d in sorted(source.iterdir()):
            spark.read.option("header", "true").csv(str(d)).write.mode("overwrite").parquet(str(target / d.name))
        plain.append(time.perf_counter() - started)
        shutil.rmtree(target, ignore_errors=True)

        target = OUT / ("core-%d" % run)
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        convert_folder(lambda: spark, source, target, Settings(), "d%d" % run, log=lambda _: None, catalog="d%d" % run)
        core.append(time.perf_counter() - started)
        shutil.rmtree(target, ignore_errors=True)
    spark.stop()

    local_runs, session_runs = [], []
    examples = ROOT / "examples"
    for run in range(RUNS):
        target = OUT / ("local-%d" % run)
        shutil.rmtree(target, ignore_errors=True)
        code = "from lake.local import main; main(['--input', %r, '--output', %r])" % (str(examples), str(target))
        local_runs.append(fresh(code))
        shutil.rmtree(target, ignore_errors=True)
        session_runs.append(fresh("from lake.session import local_session; local_session('bare').stop()"))
    print(
        json.dumps(
            {
                "datasets": DATASETS,
                "rows": ROWS,
                "runs": RUNS,
                "plain_s": statistics.median(plain),
                "core_s": statistics.median(core),
                "local_s": statistics.median(local_runs),
                "session_s": statistics.median(session_runs),
            }
        )
    )


if __name__ == "__main__":
    main()
