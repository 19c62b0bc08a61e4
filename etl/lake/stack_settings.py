"""The conversion rules of a Pulumi stack, read from Pulumi.yaml (defaults) and Pulumi.<stack>.yaml.

Mirrors config.ts: keyColumns and nullValues are comma-separated, partitionColumns is "dataset=column;other=column",
maxQuarantinedPercent a whole number from 0 to 100 and snapshotRetentionDays one from 1 to 3650. A bad value raises
StackSettingsError naming the key and file.
"""

import re
from pathlib import Path

import yaml

from .ports import Settings

PROJECT = "csv-to-parquet"


class StackSettingsError(Exception):
    pass


def parse_partition_columns(text: str, where: str) -> dict[str, str]:
    """'sales=order_date; events=day' -> {'sales': 'order_date', 'events': 'day'} (as parsePartitionColumns)."""
    result: dict[str, str] = {}
    for part in (p.strip() for p in re.split(r"[;,]", text)):
        if not part:
            continue
        match = re.match(r"^([^=\s/]+)\s*=\s*(\S.*)$", part)
        if not match:
            raise StackSettingsError('%s: partitionColumns: "%s" is not "<dataset folder>=<column>"' % (where, part))
        if match.group(1) in result:
            raise StackSettingsError('%s: partitionColumns: dataset "%s" is given twice' % (where, match.group(1)))
        result[match.group(1)] = match.group(2).strip()
    return result


def _load(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise StackSettingsError("%s: %s" % (path, err)) from err


def stack_settings(root: Path, stack: str) -> tuple[Settings, str]:
    """The stack's Settings and its DQDL rules (which only Glue evaluates)."""
    stack_file = root / ("Pulumi.%s.yaml" % stack)
    if not stack_file.is_file():
        raise StackSettingsError("--stack %s: %s does not exist" % (stack, stack_file.name))
    declared = _load(root / "Pulumi.yaml").get("config", {})
    values = {k: v.get("default") for k, v in declared.items() if isinstance(v, dict)}
    for key, value in (_load(stack_file).get("config") or {}).items():
        if key.startswith(PROJECT + ":"):
            values[key.split(":", 1)[1]] = value
    where = stack_file.name

    def whole(key: str, default: int, low: int, high: int) -> int:
        value = values.get(key, default)
        if (
            isinstance(value, bool)
            or not re.fullmatch(r"\d+", str(value).strip())
            or not low <= int(str(value)) <= high
        ):
            raise StackSettingsError("%s: %s: %r is not a whole number from %d to %d" % (where, key, value, low, high))
        return int(str(value))

    percent = whole("maxQuarantinedPercent", 10, 0, 100)
    keys = tuple(c.strip() for c in str(values.get("keyColumns") or "").split(",") if c.strip())
    partitions = parse_partition_columns(str(values.get("partitionColumns") or ""), where)
    retention = whole("snapshotRetentionDays", 7, 1, 3650)
    nulls = tuple(c.strip() for c in str(values.get("nullValues") or "").split(",") if c.strip())
    settings = Settings(keys, partitions, float(percent), float(retention), nulls)
    return settings, str(values.get("dataQualityRules") or "")
