"""`npm run query -- "SELECT …"`: SQL on the tables `npm run local` wrote, on the same Spark and Iceberg setup.

The curated tables are local.parquet.<table>, the quarantine tables local.quarantine.<table>; Iceberg's metadata
tables work too (local.parquet.<table>.snapshots, .files, .history), as does time travel (FOR TIMESTAMP AS OF).
"""

import argparse
import sys
from pathlib import Path

from .local import CATALOG, CURATED, QUARANTINE


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run query --", description=__doc__.split("\n")[0])
    parser.add_argument("--output", default=".local", help="the folder npm run local wrote (.local/)")
    parser.add_argument("--rows", type=int, default=100, help="at most this many rows are printed (100)")
    parser.add_argument("sql", nargs="?", help="the query; without one, the tables are listed")
    args = parser.parse_args(argv)
    if not (Path(args.output) / CURATED).is_dir():
        print(
            "error: no tables under %s: run npm run local first (or give --output DIR)" % args.output, file=sys.stderr
        )
        return 2
    from pyspark.errors import PySparkException

    from .session import hadoop_catalog_conf, local_session, use_catalog

    spark = local_session("csv-to-parquet-query")
    use_catalog(spark, hadoop_catalog_conf(CATALOG, Path(args.output).resolve().as_uri()))
    try:
        if args.sql:
            spark.sql(args.sql).show(args.rows, truncate=False)
        else:
            for namespace in (CURATED, QUARANTINE):
                for row in spark.sql("SHOW TABLES IN %s.%s" % (CATALOG, namespace)).collect():
                    print("%s.%s.%s" % (CATALOG, namespace, row["tableName"]))
    except PySparkException as err:
        print("error: %s" % str(err).split("\n")[0], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
