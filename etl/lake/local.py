"""`npm run local`: the pipeline's conversion on a laptop, with the core and rules the Glue job uses.

Input: a folder with one sub-folder per dataset holding CSV files (sub-folders included). Output: an Iceberg
warehouse (a Hadoop catalog) with the curated tables in parquet/<table>/ and the quarantine tables in
quarantine/<table>/, report.json, and state.json (what was converted, with the snapshot that committed it).
Incremental: an unchanged file (same size, modification time and inode change time) is not read again; a changed
file replaces its rows; a new file adds its rows.
"""

import argparse
import hashlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from .csvread import UnreadableUpload, header_of
from .names import athena_name, table_clashes
from .ports import Converted, Settings, Upload, rejected
from .report import report_line
from .run import convert_datasets
from .session import hadoop_catalog_conf, use_catalog
from .stack_settings import StackSettingsError, stack_settings
from .tables import IcebergTables

# The local catalog's name (npm run query uses it) and its namespaces: <output>/parquet/<table>/, quarantine/<table>/.
CATALOG, CURATED, QUARANTINE = "local", "parquet", "quarantine"

DQDL_NOTE = "Glue Data Quality (DQDL) rules run only in the Glue job; they were not evaluated here"


class InputError(Exception):
    """Bad input: the message names the folder or file; nothing has been written."""


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def file_version(stat: os.stat_result) -> str:
    """What tells a changed file without reading it: size, modification time, and the inode change time, which
    every write sets and which, unlike the modification time, no tool can set back (os.utime, touch -d, cp -p)."""
    return "%d-%d-%d" % (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class LocalSource:
    def __init__(self, root: Path):
        if not root.is_dir():
            raise InputError("input folder %s does not exist (give one with --input DIR)" % root)
        self.given, self.root = root, root.resolve()
        self.links: Path | None = None

    def _spark_path(self, key: str, path: Path) -> str:
        """Where Spark reads a file: the file itself, or, for a name with a colon, a link with a plain name. Hadoop's
        local file system looks for a checksum file ".<name>.crc" beside each file it reads and parses that name as a
        URI, so "export 2024-01-01T10:00.csv" failed with a URISyntaxException."""
        if ":" not in path.name:
            return str(path.resolve())  # a plain path: Hadoop would not decode a file:// URI's %20
        if self.links is None:
            self.links = Path(tempfile.mkdtemp(prefix="csv-to-parquet-links-"))
        link = self.links / ("%s.csv" % hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])
        if not link.exists():
            link.symlink_to(path.resolve())
        return str(link)

    def close(self) -> None:
        """Removes the links made for Spark (never the files they point to)."""
        if self.links is not None:
            shutil.rmtree(self.links, ignore_errors=True)
            self.links = None

    def uploads(self) -> dict[str, list[Upload]]:
        """The CSV files of each dataset folder, any letter case of '.csv', hidden files left out."""
        datasets: dict[str, list[Upload]] = {}
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and _visible(p, self.root)):
            files = sorted(
                p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".csv" and _visible(p, self.root)
            )
            uploads = []
            for path in files:
                stat = path.stat()
                key = path.relative_to(self.root).as_posix()
                uploads.append(
                    Upload(
                        folder.name,
                        key,
                        self._spark_path(key, path),
                        file_version(stat),
                        stat.st_size,
                    )
                )
            if uploads:
                datasets[folder.name] = uploads
        if not datasets:
            raise InputError(
                "no CSV files in %s: put them in one folder per dataset, e.g. %s/sales/2024-01.csv"
                % (self.given, self.given)
            )
        return datasets

    def open_text(self, upload: Upload) -> IO[str]:
        return open(self.root / upload.key, encoding="utf-8-sig", newline="")

    def open_bytes(self, upload: Upload) -> IO[bytes]:
        return open(self.root / upload.key, "rb")


class LocalState:
    """The ledger of a local run, in one JSON file written atomically after every change."""

    def __init__(self, path: Path, run_id: str = ""):
        self.path, self.run_id = path, run_id
        self.data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"datasets": {}}

    def _entry(self, dataset: str) -> dict:
        return self.data["datasets"].setdefault(dataset, {"converted": {}, "begun": {}})

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)

    def converted(self, dataset: str) -> dict[str, Converted]:
        return {k: Converted(**v) for k, v in self._entry(dataset)["converted"].items()}

    def may_hold(self, dataset: str) -> set[str]:
        entry = self._entry(dataset)
        return set(entry["converted"]) | set(entry["begun"])

    def begun(self, dataset: str) -> set[str]:
        """Uploads a run began to commit and did not mark done (it crashed): converted again."""
        return set(self._entry(dataset)["begun"])

    def begin(self, dataset: str, keys: list[str]) -> None:
        self._entry(dataset)["begun"].update(dict.fromkeys(keys, True))
        self._save()

    def done(self, dataset: str, records: dict[str, Converted]) -> None:
        entry = self._entry(dataset)
        for key, record in records.items():
            entry["converted"][key] = vars(record)
            entry["begun"].pop(key, None)
        self._save()

    def reject(self, dataset: str, uploads: list[Upload], error: str, settings: str) -> None:
        self.done(dataset, rejected(self.converted(dataset), uploads, self.run_id, error, settings))


def still_rejected(
    uploads: list[Upload], converted: dict[str, Converted], fingerprint: str, reprocess: bool = False
) -> dict[str, str]:
    """The uploads rejected before, unchanged since, under the same settings: not read again (`--reprocess` reads
    them), with why they were rejected."""
    if reprocess:
        return {}
    return {
        u.key: converted[u.key].error or ""
        for u in uploads
        if u.key in converted
        and converted[u.key].status == "rejected"
        and converted[u.key].version == u.version
        and converted[u.key].settings == fingerprint
    }


def pending(
    uploads: list[Upload], converted: dict[str, Converted], begun: set[str], skipped: dict[str, str]
) -> list[Upload]:
    """The uploads to convert: new, changed, rejected last time unless `skipped` (still rejected), or begun by a run
    that crashed."""
    return [
        u
        for u in uploads
        if u.key in begun
        or (
            u.key not in skipped
            and (
                u.key not in converted or converted[u.key].version != u.version or converted[u.key].status == "rejected"
            )
        )
    ]


def local_tables(spark, output_dir: Path, catalog: str = CATALOG) -> IcebergTables:
    """The tables of a local run: a Hadoop catalog whose warehouse is the output folder."""
    use_catalog(spark, hadoop_catalog_conf(catalog, output_dir.resolve().as_uri()))
    return IcebergTables(spark, catalog, CURATED, QUARANTINE)


def convert_folder(
    spark_factory,
    input_dir: Path,
    output_dir: Path,
    settings: Settings,
    run_id: str,
    log=print,
    catalog=CATALOG,
    reprocess: bool = False,
) -> dict:
    """Converts what is new under input_dir into output_dir; returns the run's report (also in report.json)."""
    source = LocalSource(input_dir)
    try:
        datasets = source.uploads()
        state = LocalState(output_dir / "state.json", run_id)
        clashes = table_clashes(list(datasets))
        if clashes:
            raise InputError(next(iter(clashes.values())))
        skipped = {
            name: still_rejected(uploads, state.converted(name), settings.fingerprint(name), reprocess)
            for name, uploads in datasets.items()
        }
        todo = {
            name: pending(uploads, state.converted(name), state.begun(name), skipped[name])
            for name, uploads in datasets.items()
        }
        try:  # every header is read before anything is written, so a bad file changes nothing
            headers = {u: header_of(source.open_text, u) for uploads in todo.values() for u in uploads}
        except UnreadableUpload as err:
            raise InputError(str(err)) from err
        spark = tables = None
        if any(todo.values()):
            spark = spark_factory()
            output_dir.mkdir(parents=True, exist_ok=True)
            tables = local_tables(spark, output_dir, catalog)
        reports = convert_datasets(
            spark,
            tables,
            state,
            settings,
            run_id,
            todo,
            lambda uploads: (uploads, {u: headers[u] for u in uploads}),  # read above, before anything was written
            contain_failures=False,
            on_report=lambda report: log(report_line({**report, "still_rejected": skipped[report["dataset"]]})),
            open_bytes=source.open_bytes,
        )
        for report in reports:
            if skipped[report["dataset"]]:
                report["still_rejected"] = skipped[report["dataset"]]
    finally:
        source.close()
    run = {
        "run_id": run_id,
        "input": str(input_dir),
        "output": str(output_dir),
        "data_quality": DQDL_NOTE,
        "settings": {
            "keyColumns": list(settings.key_columns),
            "partitionColumns": settings.partition_columns,
            "maxQuarantinedPercent": settings.max_quarantined_percent,
            "snapshotRetentionDays": settings.snapshot_retention_days,
            "nullValues": list(settings.null_values),
        },
        "datasets": reports,
    }
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "report.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
    return run


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(2)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run local --", description=__doc__.split("\n")[0])
    parser.add_argument("--input", default="examples", help="one folder per dataset holding CSV files (examples/)")
    parser.add_argument("--output", default=".local", help="where Parquet, quarantine and report.json go (.local/)")
    parser.add_argument(
        "--reprocess",
        action="store_true",
        help="convert again the files rejected before (otherwise only a change to them or to the settings does)",
    )
    parser.add_argument(
        "--stack",
        help="apply the conversion settings of Pulumi.<stack>.yaml (keyColumns, partitionColumns, "
        "maxQuarantinedPercent, snapshotRetentionDays, nullValues)",
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        if args.stack:
            settings, _ = stack_settings(Path.cwd(), args.stack)
        from .session import local_session

        run = convert_folder(
            lambda: local_session("csv-to-parquet-local", memory="4g"),
            Path(args.input),
            Path(args.output),
            settings,
            new_run_id(),
            catalog=CATALOG,
            reprocess=args.reprocess,
        )
    except (InputError, StackSettingsError) as err:
        print("error: %s" % err, file=sys.stderr)
        return 2
    print("report: %s" % (Path(args.output) / "report.json"))
    written = [r["dataset"] for r in run["datasets"] if r.get("snapshot") or r["status"] == "unchanged"]
    if written:
        table = "%s.%s.%s" % (CATALOG, CURATED, athena_name(written[0], 0))
        where = "" if args.output == ".local" else " --output %s" % args.output
        print(
            "tables: Apache Iceberg under %s/ and %s/" % (Path(args.output) / CURATED, Path(args.output) / QUARANTINE)
        )
        print('query:  npm run query --%s "SELECT * FROM %s LIMIT 10"' % (where, table))
    rejected = [r["dataset"] for r in run["datasets"] if r["status"] == "rejected"]
    if rejected:
        print("rejected: %s (their rows are in quarantine; see report.json)" % ", ".join(rejected), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
