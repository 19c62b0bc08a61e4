"""`npm run bench`, row "live data files after 1,000 small uploads": what table maintenance keeps of many commits.

1,000 uploads of 20 rows each are committed to one Iceberg table in 100 commits of 10 uploads, through the core's
own commit and maintenance steps (IcebergTables.commit, maintain), as 100 job runs would commit them without the
CSV reading around them. The baseline is one Parquet file per upload, as the lake had before the Iceberg tables:
1,000 files, each the size of one upload written alone. Prints JSON for bench.ts.
"""

import json
import shutil
from pathlib import Path

from lake.maintenance import maintain
from lake.ports import Column, Contract
from lake.session import hadoop_catalog_conf, local_session, use_catalog
from lake.tables import IcebergTables, upload_id

OUT = Path(__file__).resolve().parent / ".out" / "tablefiles"
UPLOADS, PER_COMMIT, ROWS = 1000, 10, 20


def rows(spark, first: int, count: int):
    data = [
        (n * ROWS + r, "customer %d" % r, 1.5 * r, "u%05d" % n, "v1", upload_id("u%05d" % n))
        for n in range(first, first + count)
        for r in range(ROWS)
    ]
    schema = "id bigint, name string, amount double, _upload_key string, _upload_version string, _upload_id string"
    return spark.createDataFrame(data, schema)


def live_files(spark, table: str) -> tuple[int, float]:
    found = spark.sql("SELECT count(*), avg(file_size_in_bytes) FROM %s.files" % table).first()
    return int(found[0]), float(found[1] or 0)


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    spark = local_session("csv-to-parquet-bench-tables", memory="4g")
    use_catalog(spark, hadoop_catalog_conf("bench", OUT.as_uri()))
    tables = IcebergTables(spark, "bench", "parquet", "quarantine")
    contract = Contract((Column("id", "bigint"), Column("name", "string"), Column("amount", "double")))
    tables.save_contract("one", contract)
    tables.commit(tables.curated("one"), rows(spark, 0, 1), [])
    one_upload_bytes = live_files(spark, tables.curated("one"))[1]
    tables.save_contract("lake", contract)
    table = tables.curated("lake")
    compactions = 0
    for first in range(0, UPLOADS, PER_COMMIT):
        tables.commit(table, rows(spark, first, PER_COMMIT), [])
        compactions += bool(maintain(spark, table, retention_days=7).files_rewritten)
    files, mean = live_files(spark, table)
    print(
        json.dumps(
            {
                "uploads": UPLOADS,
                "commits": UPLOADS // PER_COMMIT,
                "compactions": compactions,
                "live_files": files,
                "mean_file_bytes": mean,
                "baseline_files": UPLOADS,
                "baseline_file_bytes": one_upload_bytes,
            }
        )
    )


if __name__ == "__main__":
    main()
