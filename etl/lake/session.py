"""The Spark settings the conversion relies on (Apache Iceberg's included), and the input-bytes measure of a run."""

import os
from pathlib import Path

from pyspark.sql import SparkSession

LOG_CONFIG = Path(__file__).with_name("log4j2.properties")

# Glue 5.0 ships Iceberg 1.7.1 ("Using the Iceberg framework in AWS Glue", its version table); locally the same
# runtime comes from Maven Central on first use and is cached beside the Python environment (.venv/ivy).
ICEBERG_RUNTIME = "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.7.1"
ICEBERG_EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
IVY_CACHE = Path(__file__).resolve().parents[2] / ".venv" / "ivy"


def iceberg_jar_conf(ivy: Path = IVY_CACHE) -> dict[str, str]:
    """The runtime jar itself once Ivy has fetched it (no resolution at start-up), else the package to fetch."""
    group, artifact, version = ICEBERG_RUNTIME.split(":")
    jar = ivy / "jars" / ("%s_%s-%s.jar" % (group, artifact, version))
    if jar.is_file():
        return {"spark.jars": str(jar)}
    return {"spark.jars.packages": ICEBERG_RUNTIME, "spark.jars.ivy": str(ivy)}


def hadoop_catalog_conf(name: str, warehouse: str) -> dict[str, str]:
    """A file-based Iceberg catalog (Hadoop catalog) named `name`: tables at <warehouse>/<namespace>/<table>/."""
    prefix = "spark.sql.catalog." + name
    return {
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        prefix + ".type": "hadoop",
        prefix + ".warehouse": warehouse,
        # Another process (a second npm run local, npm run query) may commit meanwhile: read the metadata afresh.
        prefix + ".cache-enabled": "false",
    }


def glue_catalog_conf(name: str, warehouse: str) -> dict[str, str]:
    """The Glue Data Catalog as an Iceberg catalog, as "Using the Iceberg framework in AWS Glue" configures it
    (SparkCatalog with GlueCatalog and S3FileIO; Glue 4.0 and later lock optimistically, with no lock table)."""
    prefix = "spark.sql.catalog." + name
    return {
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        prefix + ".warehouse": warehouse,
        prefix + ".catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        prefix + ".io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
    }


def use_catalog(spark: SparkSession, conf: dict[str, str]) -> None:
    """Registers a catalog on a running session (Spark loads a catalog on its first use, from these settings)."""
    for key, value in conf.items():
        spark.conf.set(key, value)


# Settings the core depends on, in every shell: timestamps without an offset are UTC, casts are checked by the
# contract's patterns rather than by ANSI errors, and Parquet is snappy.
CORE_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.parquet.compression.codec": "snappy",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",  # not the legacy INT96
    # Dates before 1582 (sentinels such as 0001-01-01) are written as given, not refused by Spark's rebase check.
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInWrite": "CORRECTED",
    # The rows are cached for a few passes within one dataset: building the cache uncompressed was about 14% faster
    # end to end on the benchmark's 100 MB (bench/conversion.py), for more memory (spilled to disk when short).
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    # Iceberg's vectorized Parquet reader (Arrow over shaded Netty) crashed this JVM (OpenJDK 17.0.15: SIGSEGV and
    # C1 "ShouldNotReachHere" while compiling Netty's PoolChunk.allocate) in the table-maintenance benchmark; the
    # row reader has no native buffers. The tables are read only to rewrite the files of a replaced upload.
    "spark.sql.iceberg.vectorization.enabled": "false",
}


def local_session(app: str, memory: str = "2g", cores: str = "*") -> SparkSession:
    """A local SparkSession with the core's settings, quiet, without the web UI."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode needs no other interface
    builder = (
        SparkSession.builder.master("local[%s]" % cores)
        .appName(app)
        .config("spark.driver.memory", memory)
        # Spark's start-up warnings (native Hadoop, log level) are noise on a laptop: errors only.
        .config("spark.driver.extraJavaOptions", "-Dlog4j2.configurationFile=%s" % LOG_CONFIG.as_uri())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", ICEBERG_EXTENSIONS)
    )
    for key, value in iceberg_jar_conf().items():
        builder = builder.config(key, value)
    for key, value in CORE_CONF.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def input_bytes_read(spark: SparkSession) -> int | None:
    """Bytes read so far from files by this JVM, from Hadoop's file-system statistics.

    Spark's input metrics for file scans are these same counters, read per task thread; unlike Spark's stage input
    metrics they do not count reads of Spark's own cache, so the difference over a dataset's conversion is how much
    of its input was read. In local mode the tasks run in the driver's JVM, so the driver sees every read.
    """
    if not (spark.sparkContext.master or "").startswith("local"):
        return None  # on a cluster (Glue) the executors read, and the driver's counters do not see it
    jvm = spark.sparkContext._jvm
    assert jvm is not None, "a local session has a JVM"
    statistics = jvm.org.apache.hadoop.fs.FileSystem.getAllStatistics()
    return sum((int(s.getBytesRead()) for s in statistics), 0)
