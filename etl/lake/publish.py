"""Per-upload outputs: staged Spark files get names derived from their upload, replacing any earlier version's.

Order, so that a crash between any two steps loses no row and leaves none twice once the run is repeated:
1. the outputs each upload is about to get are recorded in the ledger (plan);
2. the staged files are moved to those names (a rerun produces the same names, so a move is replaced);
3. the outputs of earlier versions of the key, and any planned by a crashed run but not produced now, are deleted;
4. what must follow the objects (the catalog's partitions) is done;
5. the uploads are marked done with their outputs.
"""

import re
from collections import defaultdict

from .names import upload_id
from .ports import Converted, Ledger, Sink, Upload

UPLOAD_PARTITION = "__upload"
_STAGED = re.compile(r"^%s=([^/]+)/(.*?)([^/]+)$" % UPLOAD_PARTITION)


def pending(uploads: list[Upload], converted: dict[str, Converted], planned: dict[str, list[str]]) -> list[Upload]:
    """The uploads to convert: new, changed, rejected last time (until they pass), or left half-published by a
    crash (their planned outputs are cleaned up by converting them again)."""
    return [
        u
        for u in uploads
        if u.key not in converted
        or converted[u.key].version != u.version
        or converted[u.key].status == "rejected"
        or u.key in planned
    ]


def discard_unrecorded(sink: Sink, ledger: Ledger, dataset: str, keys: set[str] | None = None) -> None:
    """Deletes the outputs a crashed run planned for uploads (these keys, or all the dataset's) beyond those the
    ledger records as theirs: for an upload that is not converted now (rejected, or deleted from the source)."""
    recorded = ledger.converted(dataset)
    for key, planned in ledger.planned(dataset).items():
        if keys is None or key in keys:
            for stale in sorted(set(planned) - set(recorded[key].outputs if key in recorded else [])):
                sink.delete(stale)


def final_names(staged: list[str], prefix: str) -> dict[str, list[tuple[str, str]]]:
    """(staged, final) pairs per upload id, from staged paths '__upload=<id>/[col=v/]part-…'.

    Finals are '<prefix>[col=v/]<id>-<n>.snappy.parquet', n counting the upload's files in sorted order, so the
    same staged layout always gives the same names.
    """
    by_upload: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(staged):
        match = _STAGED.match(path)
        if not match or not match.group(3).endswith(".parquet"):
            continue
        uid, folders = match.group(1), match.group(2)
        n = len(by_upload[uid])
        by_upload[uid].append((path, "%s%s%s-%05d.snappy.parquet" % (prefix, folders, uid, n)))
    return dict(by_upload)


def publish_uploads(
    sink: Sink,
    ledger: Ledger,
    dataset: str,
    staging: str,
    prefix: str,
    uploads: list[Upload],
    records: dict[str, Converted],
    before_done=None,
) -> None:
    """Moves each upload's staged Parquet into place, replaces its earlier outputs, and marks it done.

    `records` holds, per key, what the ledger should keep once done (outputs are filled in here); an upload with no
    row to write gets no output, and its earlier version's outputs are still removed.
    """
    staged = final_names(sink.staged_files(staging), prefix) if staging else {}
    earlier = ledger.converted(dataset)
    crashed = ledger.planned(dataset)
    moves = {u.key: staged.get(upload_id(u.key, u.version), []) for u in uploads}
    plans = {key: [final for _, final in pairs] for key, pairs in moves.items()}
    # Planned outputs accumulate until done: a crash after a partial move leaves nothing unrecorded.
    ledger.plan(dataset, {key: sorted(set(crashed.get(key, [])) | set(finals)) for key, finals in plans.items()})
    for pairs in moves.values():
        for staged_path, final in pairs:
            sink.publish("%s/%s" % (staging.rstrip("/"), staged_path), final)
    for upload in uploads:
        keep = set(plans[upload.key])
        old = set(earlier[upload.key].outputs) if upload.key in earlier else set()
        for stale in sorted((old | set(crashed.get(upload.key, []))) - keep):
            sink.delete(stale)
        records[upload.key].outputs = plans[upload.key]
    if before_done is not None:  # e.g. registering partitions: done last, so a failure here is retried
        before_done([o for u in uploads for o in plans[u.key]])
    ledger.done(dataset, {u.key: records[u.key] for u in uploads})
