"""`npm run local`'s main, killed for real (SIGKILL: no exception handler, no finally, no JVM shutdown) at one
point of its work: `python killed_run.py <point> --input IN --output OUT`. The test that starts it checks that the
process died by the signal, then runs again and reads the tables back.

Points:
- after-quarantine: the quarantine table's commit is done, the curated table's not begun;
- during-commit: the curated table's new data files are being written, its metadata not yet swapped;
- after-commit: the curated table's commit is done (a staged one published), the ledger not told.
"""

import os
import signal
import sys
import threading
import time
from pathlib import Path

from lake import local
from lake.convert import DatasetConversion
from lake.tables import IcebergTables


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def data_files(table: str, output: Path) -> set[Path]:
    _, namespace, name = table.split(".")
    return set((output / namespace / name / "data").rglob("*.parquet"))


def main(point: str, argv: list[str]) -> None:
    output = Path(argv[argv.index("--output") + 1])
    real_quarantine, real_commit, real_publish = (
        DatasetConversion._quarantine,
        IcebergTables.commit,
        IcebergTables.publish,
    )

    def quarantine_then_die(self, frames):
        real_quarantine(self, frames)
        die()

    def commit(self, table, rows, replaced, *more):
        if ".parquet." not in table:
            return real_commit(self, table, rows, replaced, *more)
        if point == "during-commit":  # a watcher kills the process once the first new data file is on disk
            before = data_files(table, output)

            def watch() -> None:
                while not data_files(table, output) - before:
                    time.sleep(0.001)
                die()

            threading.Thread(target=watch, daemon=True).start()
            real_commit(self, table, rows, replaced, *more)
            time.sleep(60)  # the watcher fires while the commit runs; never reached in a passing test
        done = real_commit(self, table, rows, replaced, *more)
        if self.spark.conf.get("spark.wap.id", None):  # a staged commit: the table changes when it is published
            return done
        die()

    def publish_then_die(self, table, snapshot):
        real_publish(self, table, snapshot)
        die()

    if point == "after-quarantine":
        setattr(DatasetConversion, "_quarantine", quarantine_then_die)  # noqa: B010 (a method replaced on purpose)
    else:
        setattr(IcebergTables, "commit", commit)  # noqa: B010
        if point == "after-commit":
            setattr(IcebergTables, "publish", publish_then_die)  # noqa: B010
    local.main(argv)
    sys.exit("the run finished: point %s was never reached" % point)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
