"""`npm run bench`, row "CSV → Parquet, local Spark": the core against the seed job's logic, on one generated input.

The baseline is what the job did before the core: read the CSV with a header and write Parquet, nothing else. The
core does every check (one read, names, contract, quarantine) and commits the Iceberg tables. Both run in one
SparkSession on the same files, alternately, RUNS times each; the medians are printed as JSON for bench.ts.
"""

import json
import os
import random
import shutil
import statistics
import time
from pathlib import Path

from lake.local import convert_folder
from lake.ports import Settings
from lake.session import local_session

OUT = Path(__file__).resolve().parent / ".out" / "conversion"
FILES, ROWS_PER_FILE = 4, 340_000  # about 25 MB a file, 100 MB in all
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def generate(folder: Path) -> int:
    """Orders-like CSV: quoted commas, leading-zero codes, dates, timestamps, a few bad rows; returns bytes."""
    rng = random.Random(11)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(FILES):
        path = folder / ("2024-%02d.csv" % (n + 1))
        if path.exists():
            continue
        with open(path, "w", newline="") as f:
            f.write("Order ID,Customer,Postcode,Order Date,Shipped At,Quantity,Unit Price,Note\r\n")
            for i in range(ROWS_PER_FILE):
                day = "2024-%02d-%02d" % (n + 1, i % 28 + 1)
                note = '"gift, wrapped"' if i % 7 == 0 else ("" if i % 3 else "express")
                extra = ",oops" if i % 50_000 == 1 else ""
                f.write(
                    "%d,Customer %d,%05d,%s,%sT%02d:%02d:00Z,%d,%.2f,%s%s\r\n"
                    % (
                        n * 10**7 + i,
                        rng.randrange(5000),
                        rng.randrange(100000),
                        day,
                        day,
                        i % 24,
                        i % 60,
                        rng.randrange(1, 9),
                        rng.random() * 200,
                        note,
                        extra,
                    )
                )
    return sum(p.stat().st_size for p in folder.glob("*.csv"))


def main() -> None:
    source = OUT / "input"
    input_bytes = generate(source / "orders")
    spark = local_session("csv-to-parquet-bench", memory="6g")
    baseline, core = [], []
    report = {}
    for run in range(RUNS):
        target = OUT / ("baseline-%d" % run)
        started = time.perf_counter()
        spark.read.option("header", "true").csv(str(source / "orders")).write.mode("overwrite").parquet(str(target))
        baseline.append(time.perf_counter() - started)
        shutil.rmtree(target, ignore_errors=True)

        target = OUT / ("core-%d" % run)
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        report = convert_folder(
            lambda: spark, source, target, Settings(), "bench%d" % run, log=lambda _: None, catalog="bench%d" % run
        )
        core.append(time.perf_counter() - started)
        shutil.rmtree(target, ignore_errors=True)
    orders = report["datasets"][0]
    print(
        json.dumps(
            {
                "input_bytes": input_bytes,
                "files": FILES,
                "runs": RUNS,
                "baseline_s": statistics.median(baseline),
                "core_s": statistics.median(core),
                "bytes_read": orders["bytes_read"],
                "rows_written": orders["rows_written"],
                "rows_quarantined": orders["rows_quarantined"],
            }
        )
    )


if __name__ == "__main__":
    main()
