"""A CSV to Parquet pipeline from Python.

`pulumi package add <clone>/packages/csv-to-parquet` (run in this folder) generates the Python SDK of the
components from their TypeScript and adds it to this project; then `pulumi up` deploys this program.
"""

import pulumi
import pulumi_csv_to_parquet as lake

alerts = lake.NotificationTopic("alerts", emails=["data@example.com"])

sales = lake.CsvToParquetPipeline(
    "sales",
    notification_topic_arn=alerts.topic_arn,
    notification_topic_key_arn=alerts.key_arn,
    crawler_name="sales-crawler",
    job_name="sales-to-parquet",
    database_name="sales_raw",
    curated_database_name="sales_curated",
    execution_class="FLEX",
    worker_type="G.1X",
    data_quality=lake.DataQualityArgs(key_columns=["order_id"], max_quarantined_percent=5),
    partition_columns={"orders": "order_date"},
)

pulumi.export("upload_location", sales.upload_location)
pulumi.export("curated_database", sales.curated_database_name)
pulumi.export("athena_workgroup", sales.athena_workgroup_name)
