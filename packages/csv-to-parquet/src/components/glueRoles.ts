import * as pulumi from "@pulumi/pulumi";
import { PIPELINE_METRICS_NAMESPACE } from "./alarms";
import { arnParts, PolicyStatement } from "./iam";
import { PipelinePrefixes } from "./prefixes";
import { convertUploadsStatements } from "./uploadsTable";

/** "csv_data/" -> "csv_data": matches the folder itself and its keys, as Spark and the crawler ask for both. */
function stem(prefix: string): string {
    return prefix.replace(/\/$/, "");
}

/** Glue ARNs of the account and region of a Glue ARN ("arn:aws:glue:eu-west-1:123456789012:database/x"). */
function glueScope(anyGlueArn: pulumi.Input<string>) {
    const scope = pulumi.output(anyGlueArn).apply(arnParts);
    return {
        glueArn: (kind: string) =>
            pulumi.interpolate`arn:${scope.partition}:glue:${scope.region}:${scope.account}:${kind}`,
        logsArn: pulumi.interpolate`arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:/aws-glue/*`,
    };
}

/** What keeping a catalog database's tables and partitions takes (the crawler's raw one). */
const CATALOG_ACTIONS = [
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetTables",
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:BatchUpdatePartition",
];

/**
 * What Iceberg's GlueCatalog calls to keep a table (iceberg-aws, GlueCatalog and GlueTableOperations): read the
 * database and the table, create it, and commit by UpdateTable (optimistic: conditional on the version it read).
 * The curated and quarantine tables are Iceberg tables: no Hive partitions to register.
 */
const ICEBERG_CATALOG_ACTIONS = ["glue:GetDatabase", "glue:GetTable", "glue:CreateTable", "glue:UpdateTable"];

/** Glue writes its own log groups' streams (and associates them with the security configuration's key). */
function glueLogsStatement(logsArn: pulumi.Output<string>): PolicyStatement {
    return {
        Sid: "WriteGlueLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        Resource: [logsArn, pulumi.interpolate`${logsArn}:*`],
    };
}

function useKey(keyArn: pulumi.Input<string>): PolicyStatement {
    return {
        Sid: "UseThePipelineKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        Resource: keyArn,
    };
}

/** What the job's role statements are about. */
export interface JobRoleScope {
    bucketArn: pulumi.Input<string>;
    /** The curated database: the job keeps its tables. */
    curatedDatabaseArn: pulumi.Input<string>;
    curatedDatabaseName: pulumi.Input<string>;
    rulesetName: pulumi.Input<string>;
    topicArn: pulumi.Input<string>;
    /** The pipeline's key (S3 objects under SSE-KMS, bookmarks, logs). */
    keyArn: pulumi.Input<string>;
    /** The topic's key, if the topic is encrypted with a customer managed key. */
    topicKeyArn?: pulumi.Input<string>;
    prefixes: PipelinePrefixes;
    /** The uploads ledger. */
    uploadsTableArn: pulumi.Input<string>;
    /** The job: it asks Glue whether the run holding a claim has ended. */
    jobName: pulumi.Input<string>;
}

/**
 * The job's role: read CSV and its scripts, write the Iceberg tables' data and metadata files (curated and quarantine)
 * and temp files, claim uploads in the ledger, keep the tables in the curated database, read the ruleset and publish
 * its results, tell the topic, write logs and metrics.
 */
export function jobRoleStatements(o: JobRoleScope): PolicyStatement[] {
    const { bucketArn, prefixes } = o;
    const object = (key: string) => pulumi.interpolate`${bucketArn}/${key}`;
    const { glueArn, logsArn } = glueScope(o.curatedDatabaseArn);
    const written = [prefixes.outputPrefix, prefixes.quarantinePrefix, `${prefixes.gluePrefix}temp/`];
    return [
        {
            // Unconditional on purpose. S3 answers a GET or HEAD of a missing key with 403 instead of 404 when the
            // caller lacks s3:ListBucket on the bucket ("GetObject" and "HeadObject" in the Amazon S3 API Reference,
            // section Permissions), and such a request carries no s3:prefix, so a prefix condition never matches
            // it. Hadoop's S3 file systems and Spark's committers ask whether a path exists before they write, and
            // take a 403 as an error. Listing reveals key names, never the data (GetObject stays per prefix).
            Sid: "ListTheBucket",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
        },
        { Sid: "LocateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
        {
            Sid: "ReadCsvAndScripts",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: [object(`${stem(prefixes.rawPrefix)}*`), object(`${prefixes.gluePrefix}scripts/*`)],
        },
        {
            // Iceberg's S3FileIO writes data, manifest and metadata files (large ones as multipart uploads, which it
            // aborts when a write fails) and deletes what snapshot expiry, compaction and orphan removal free.
            Sid: "WriteTheTablesAndTemp",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: written.map((p) => object(`${stem(p)}*`)),
        },
        {
            Sid: "KeepTheIcebergTables",
            Effect: "Allow",
            Action: ICEBERG_CATALOG_ACTIONS,
            Resource: [
                glueArn("catalog"),
                o.curatedDatabaseArn,
                pulumi.interpolate`${glueArn("table")}/${o.curatedDatabaseName}/*`,
            ],
        },
        ...convertUploadsStatements(o.uploadsTableArn),
        {
            Sid: "SeeWhetherAClaimingRunEnded",
            Effect: "Allow",
            Action: "glue:GetJobRun",
            Resource: pulumi.interpolate`${glueArn("job")}/${o.jobName}`,
        },
        {
            Sid: "ReadRuleset",
            Effect: "Allow",
            Action: "glue:GetDataQualityRuleset",
            Resource: pulumi.interpolate`${glueArn("dataQualityRuleset")}/${o.rulesetName}`,
        },
        {
            Sid: "PublishDataQualityResults",
            Effect: "Allow",
            Action: "glue:PublishDataQuality",
            Resource: pulumi.interpolate`${glueArn("dataQualityRuleset")}/*`,
        },
        { Sid: "ReportToOwners", Effect: "Allow", Action: "sns:Publish", Resource: o.topicArn },
        ...(o.topicKeyArn === undefined
            ? []
            : [
                  {
                      Sid: "EncryptReportsWithTheTopicKey",
                      Effect: "Allow" as const,
                      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                      Resource: o.topicKeyArn,
                  },
              ]),
        useKey(o.keyArn),
        glueLogsStatement(logsArn),
        {
            Sid: "PublishGlueMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: {
                StringEquals: { "cloudwatch:namespace": ["Glue", "Glue Data Quality", PIPELINE_METRICS_NAMESPACE] },
            },
        },
    ];
}

/** What the crawler's role statements are about. */
export interface CrawlerRoleScope {
    bucketArn: pulumi.Input<string>;
    rawPrefix: string;
    /** The raw database: the crawler keeps its tables. */
    databaseArn: pulumi.Input<string>;
    databaseName: pulumi.Input<string>;
    /** The pipeline's key: uploads under SSE-KMS, the crawler's logs. */
    keyArn: pulumi.Input<string>;
    /** The queue of S3 events the crawler consumes, and its dead-letter queue. */
    eventQueueArns: pulumi.Input<string>[];
}

/**
 * The crawler's role: list and read the uploads, keep the raw catalog, consume its S3 event queue, write logs.
 * The queue actions are those "Accelerating crawls using Amazon S3 event notifications" lists for the crawler's
 * role (DeleteMessageBatch is authorized as sqs:DeleteMessage).
 */
export function crawlerRoleStatements(o: CrawlerRoleScope): PolicyStatement[] {
    const { glueArn, logsArn } = glueScope(o.databaseArn);
    return [
        {
            Sid: "ListUploads",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: o.bucketArn,
            Condition: { StringLike: { "s3:prefix": [stem(o.rawPrefix), `${o.rawPrefix}*`] } },
        },
        { Sid: "LocateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: o.bucketArn },
        {
            Sid: "ReadUploads",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${o.bucketArn}/${stem(o.rawPrefix)}*`,
        },
        {
            Sid: "MaintainTheRawCatalog",
            Effect: "Allow",
            Action: CATALOG_ACTIONS,
            Resource: [glueArn("catalog"), o.databaseArn, pulumi.interpolate`${glueArn("table")}/${o.databaseName}/*`],
        },
        {
            Sid: "ConsumeS3Events",
            Effect: "Allow",
            Action: [
                "sqs:DeleteMessage",
                "sqs:GetQueueUrl",
                "sqs:ListDeadLetterSourceQueues",
                "sqs:ReceiveMessage",
                "sqs:GetQueueAttributes",
                "sqs:ListQueueTags",
                "sqs:SetQueueAttributes",
                "sqs:PurgeQueue",
            ],
            Resource: o.eventQueueArns,
        },
        useKey(o.keyArn),
        glueLogsStatement(logsArn),
    ];
}
