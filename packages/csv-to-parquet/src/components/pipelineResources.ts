import * as aws from "@pulumi/aws";

/**
 * A pipeline's AWS resources, for TypeScript programs that wire them further (`CsvToParquetPipeline.resources`). Other
 * Pulumi languages see their names and ARNs as the component's outputs instead: a resource in a component's schema
 * would tie it to the aws provider's schema.
 */
export interface PipelineResources {
    bucket: aws.s3.Bucket;
    /** Encrypts the bucket (under SSE-KMS), the ledger, the job's bookmarks and every log group of the pipeline. */
    key: aws.kms.Key;
    /** Analysts' workgroup: encrypted results in the bucket, a per-query scan limit. */
    athenaWorkgroup: aws.athena.Workgroup;
    /** The uploads ledger: one item per uploaded object and what happened to it. */
    uploadsTable: aws.dynamodb.Table;
    /** The crawler's own queue of S3 events (S3 event mode), and its dead-letter queue. */
    crawlerEventQueue: aws.sqs.Queue;
    crawlerEventDeadLetterQueue: aws.sqs.Queue;
    /** The raw database (the crawler's CSV tables) and the curated one (the job's Iceberg tables). */
    database: aws.glue.CatalogDatabase;
    curatedDatabase: aws.glue.CatalogDatabase;
    /** The DQDL rules the job evaluates on each dataset's typed rows. */
    dataQualityRuleset: aws.glue.DataQualityRuleset;
    crawler: aws.glue.Crawler;
    job: aws.glue.Job;
    /** The job's role (the crawler has its own). */
    glueRole: aws.iam.Role;
    /** Every object created under the raw prefix is published here, then delivered to the two queues. */
    uploadsTopic: aws.sns.Topic;
    /** The start-crawler function, its queue of upload notifications and its dead-letter queue. */
    uploadQueue: aws.sqs.Queue;
    uploadDeadLetterQueue: aws.sqs.Queue;
    startCrawlerFunction: aws.lambda.Function;
    /** The start-job function, its queue of successful crawls and its dead-letter queue. */
    crawlCompletedQueue: aws.sqs.Queue;
    crawlCompletedDeadLetterQueue: aws.sqs.Queue;
    startJobFunction: aws.lambda.Function;
    dashboard: aws.cloudwatch.Dashboard;
}
