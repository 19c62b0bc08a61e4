"""Glue job: converts every CSV table the crawler catalogued to snappy Parquet.

Each table of the raw database is one dataset (a folder under the raw prefix). The job reads it with a
transformation_ctx per dataset, so job bookmarks hand over only the files added since the last successful run,
writes them under <output_path><dataset>/ and commits the bookmarks once at the end.

Job arguments: --JOB_NAME (set by Glue), --database_name, --raw_path, --output_path.
"""
import re
import sys

REQUIRED_ARGS = ["JOB_NAME", "database_name", "raw_path", "output_path"]


def normalise_s3_uri(uri):
    """'s3://b/csv_data' and 's3a://b/csv_data/' both become 's3://b/csv_data/'."""
    uri = re.sub(r"^s3[an]?://", "s3://", uri.strip())
    return uri if uri.endswith("/") else uri + "/"


def dataset_of(location, raw_path):
    """The dataset folder of a table location under the raw path, or None when it is not under it.

    's3://b/csv_data/sales/' under 's3://b/csv_data/' is 'sales'; deeper folders keep only the first level.
    """
    location, raw_path = normalise_s3_uri(location), normalise_s3_uri(raw_path)
    if not location.startswith(raw_path) or location == raw_path:
        return None
    return location[len(raw_path):].split("/")[0]


def output_path_for(output_path, dataset):
    return normalise_s3_uri(output_path) + dataset + "/"


def raw_tables(glue_client, database_name, raw_path):
    """(table name, dataset) of every catalogued table whose data lives under the raw path, sorted by name."""
    tables = []
    for page in glue_client.get_paginator("get_tables").paginate(DatabaseName=database_name):
        for table in page.get("TableList", []):
            location = table.get("StorageDescriptor", {}).get("Location", "")
            dataset = dataset_of(location, raw_path) if location else None
            if dataset:
                tables.append((table["Name"], dataset))
    return sorted(tables)


def convert(glue_context, database_name, tables, output_path, log):
    """Reads each table's new files and writes them as Parquet; returns the datasets written."""
    written = []
    for table_name, dataset in tables:
        frame = glue_context.create_dynamic_frame.from_catalog(
            database=database_name,
            table_name=table_name,
            transformation_ctx="read_" + table_name,
        )
        if frame.count() == 0:
            log("no new files for dataset %s" % dataset)
            continue
        glue_context.write_dynamic_frame.from_options(
            frame=frame,
            connection_type="s3",
            connection_options={"path": output_path_for(output_path, dataset)},
            format="glueparquet",
            format_options={"compression": "snappy"},
            transformation_ctx="write_" + table_name,
        )
        written.append(dataset)
    return written


def main(argv):
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(argv, REQUIRED_ARGS)
    glue_context = GlueContext(SparkContext.getOrCreate())
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    tables = raw_tables(boto3.client("glue"), args["database_name"], args["raw_path"])
    written = convert(glue_context, args["database_name"], tables, args["output_path"], logger.info)
    logger.info("converted datasets: %s" % (", ".join(written) or "none"))
    job.commit()
    return written


if __name__ == "__main__":
    main(sys.argv)
