"""The Sink port on Hadoop's FileSystem API, through the Spark session's JVM: the same code moves files on a
laptop's disk (file://) and in S3 from a Glue job (s3://, EMRFS), with the credentials and encryption Spark uses."""

from pyspark.sql import SparkSession


class HadoopSink:
    """Output objects under `root` ('s3://bucket/' or 'file:///abs/folder/'), by paths relative to it."""

    def __init__(self, spark: SparkSession, root: str):
        self.root = root if root.endswith("/") else root + "/"
        jvm = spark.sparkContext._jvm
        self._path = jvm.org.apache.hadoop.fs.Path
        self._fs = self._path(self.root).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())

    def _at(self, relative: str):
        return self._path(self.root + relative)

    def staging_uri(self, relative: str) -> str:
        return self.root + relative

    def staged_files(self, relative: str) -> list[str]:
        """Data files under a staging folder; Spark's markers and checksums (_SUCCESS, .crc) are left out."""
        base = self._at(relative.rstrip("/"))
        if not self._fs.exists(base):
            return []
        prefix = base.toUri().getPath().rstrip("/") + "/"
        found, files = [], self._fs.listFiles(base, True)
        while files.hasNext():
            path = files.next().getPath()
            name = path.toUri().getPath()
            if not path.getName().startswith(("_", ".")):
                found.append(name[len(prefix) :])
        return sorted(found)

    def publish(self, staged: str, final: str) -> None:
        source, target = self._at(staged), self._at(final)
        self._fs.mkdirs(target.getParent())
        if self._fs.exists(target):
            self._fs.delete(target, False)
        if not self._fs.rename(source, target):
            raise OSError("could not move %s to %s" % (self.root + staged, self.root + final))

    def delete(self, relative: str) -> None:
        self._fs.delete(self._at(relative), False)

    def discard_staging(self, relative: str) -> None:
        """Removes a staging folder, and the folders above it that it leaves empty (not the root)."""
        folder = self._at(relative.rstrip("/"))
        self._fs.delete(folder, True)
        parent, root = folder.getParent(), self._path(self.root)
        while parent is not None and parent.depth() > root.depth():
            if not self._fs.exists(parent) or len(self._fs.listStatus(parent)) > 0:
                break
            self._fs.delete(parent, False)
            parent = parent.getParent()
