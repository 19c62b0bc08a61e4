"""One run over the datasets with new uploads: the loop both shells (the Glue job and `npm run local`) call.

Each dataset in name order: a folder that would share its table with another (by name in this run, or by the
table's recorded owner) is rejected; the headers of its uploads are read; one DatasetConversion converts them. A
dataset that cannot be read (a file or folder to fix) is rejected, recorded so in the ledger, and waits for a fix.
Any other failure either propagates (`contain_failures` off: the local run stops, as a crash would) or is reported as
`failed` while the other datasets go on (the Glue job, which then fails the run naming it).
"""

from collections.abc import Callable

from pyspark.sql import SparkSession

from .convert import DatasetConversion
from .csvread import UnreadableUpload
from .names import table_clashes
from .ports import Ledger, OpenBytes, Quality, Settings, Upload
from .report import new_report
from .tables import IcebergTables

# The uploads of a dataset still to read, and their headers (None: an empty file); raises UnreadableUpload.
HeaderReader = Callable[[list[Upload]], tuple[list[Upload], dict[Upload, list[str] | None]]]


def failed_report(dataset: str, status: str, error: str) -> dict:
    return {**new_report(dataset), "status": status, "error": error}


def convert_datasets(
    spark: SparkSession | None,
    tables: IcebergTables | None,
    ledger: Ledger,
    settings: Settings,
    run_id: str,
    datasets: dict[str, list[Upload]],
    headers: HeaderReader,
    quality: Quality | None = None,
    contain_failures: bool = True,
    on_report: Callable[[dict], None] = lambda report: None,
    open_bytes: OpenBytes | None = None,
) -> list[dict]:
    """The reports of every dataset given (one with no upload reports `unchanged`), each also handed to
    `on_report` as soon as it is made. Spark and the tables are needed only when some dataset has uploads."""
    clashes = table_clashes(list(datasets))
    reports = []
    for dataset in sorted(datasets):
        todo = datasets[dataset]
        try:
            found: dict[Upload, list[str] | None] = {}
            if todo:
                assert spark is not None and tables is not None, "uploads to convert need Spark and the tables"
                owner = tables.owner(dataset)
                if dataset in clashes or owner not in (None, dataset):
                    raise UnreadableUpload(
                        clashes.get(dataset) or "dataset folders %s and %s make the same table" % (owner, dataset)
                    )
                todo, found = headers(todo)
            conversion = DatasetConversion(spark, dataset, tables, ledger, settings, run_id, quality, open_bytes)  # type: ignore[arg-type]
            report = conversion.run(todo, found)
        except UnreadableUpload as err:
            report = failed_report(dataset, "rejected", str(err))
            ledger.reject(dataset, todo, str(err), settings.fingerprint(dataset, quality.rules if quality else ""))
        except Exception as err:
            if not contain_failures:
                raise
            report = failed_report(dataset, "failed", "%s: %s" % (type(err).__name__, err))
        on_report(report)
        reports.append(report)
    return reports
