import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createServiceRole } from "./iam";
import { prefixDepth } from "./prefixes";
import { PipelineSettings } from "./pipelineSettings";
import { createEtlObjects, jobPythonModules } from "./etlAssets";
import { GLUE_VERSION } from "./glueJobOptions";
import { createGlueLogGroups } from "./glueLogs";
import { crawlerRoleStatements, jobRoleStatements } from "./glueRoles";
import { QueueWithDeadLetter } from "./queueFunction";

export interface GlueOptions {
    /** The pipeline's settings: prefixes, job size and timeout, data quality, partitions, log retention. */
    settings: PipelineSettings;
    bucket: aws.s3.Bucket;
    /** The pipeline's key: S3 output (when the bucket uses SSE-KMS), job bookmarks and Glue's CloudWatch logs. */
    key: aws.kms.Key;
    /** Glue starts using the key only once its policy lets CloudWatch Logs use it. */
    keyPolicy: aws.kms.KeyPolicy;
    /** The notification topic's key, when the topic is encrypted with one. */
    topicKeyArn?: pulumi.Input<string>;
    /** The uploads ledger the job claims its work from. */
    uploadsTable: aws.dynamodb.Table;
    /** The queue S3's events reach the crawler by (S3 event mode), with its dead-letter queue. */
    crawlerEvents: QueueWithDeadLetter;
    crawlerName: pulumi.Input<string>;
    jobName: pulumi.Input<string>;
    databaseName: pulumi.Input<string>;
    curatedDatabaseName: pulumi.Input<string>;
    topicArn: pulumi.Input<string>;
}

export interface GlueResources {
    /** The job's role. */
    role: aws.iam.Role;
    crawlerRole: aws.iam.Role;
    database: aws.glue.CatalogDatabase;
    curatedDatabase: aws.glue.CatalogDatabase;
    ruleset: aws.glue.DataQualityRuleset;
    crawler: aws.glue.Crawler;
    job: aws.glue.Job;
    script: aws.s3.BucketObjectv2;
    core: aws.s3.BucketObjectv2;
    /** The groups Glue writes the job's and the crawler's logs to, with retention and the pipeline key. */
    logGroups: aws.cloudwatch.LogGroup[];
    securityConfiguration: aws.glue.SecurityConfiguration;
}

/** Crawler configuration: one table per dataset folder under the raw prefix, compatible schemas combined. */
export function crawlerConfiguration(rawPrefix: string): string {
    return JSON.stringify({
        Version: 1.0,
        Grouping: {
            TableGroupingPolicy: "CombineCompatibleSchemas",
            // Level 1 is the bucket, then one level per folder of the prefix, then the dataset folder.
            TableLevelConfiguration: prefixDepth(rawPrefix) + 2,
        },
        CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
    });
}

/** Role, catalog database, CSV classifier, crawler, script object and job of one pipeline. */
export function createGlueResources(name: string, o: GlueOptions, parent: pulumi.Resource): GlueResources {
    const s = o.settings;
    const s3Uri = (key: string) => pulumi.interpolate`s3://${o.bucket.bucket}/${key}`;
    const database = new aws.glue.CatalogDatabase(
        `${name}-raw`,
        {
            name: o.databaseName,
            description: "CSV tables catalogued by the crawler, one per dataset folder",
        },
        { parent },
    );
    const curatedDatabase = new aws.glue.CatalogDatabase(
        `${name}-curated`,
        {
            name: o.curatedDatabaseName,
            description: `Parquet tables the job keeps, one per dataset, under ${s.prefixes.outputPrefix}: query them with Athena`,
        },
        { parent },
    );
    const ruleset = new aws.glue.DataQualityRuleset(
        `${name}-ruleset`,
        {
            description:
                "Rules every dataset must pass, evaluated by the job on its typed rows (key columns are checked before)",
            ruleset: s.dataQuality.rules,
        },
        { parent },
    );
    const { role, policy: rolePolicy } = createServiceRole(
        `${name}-glue`,
        "glue.amazonaws.com",
        jobRoleStatements({
            bucketArn: o.bucket.arn,
            curatedDatabaseArn: curatedDatabase.arn,
            curatedDatabaseName: curatedDatabase.name,
            rulesetName: ruleset.name,
            topicArn: o.topicArn,
            keyArn: o.key.arn,
            topicKeyArn: o.topicKeyArn,
            prefixes: s.prefixes,
            uploadsTableArn: o.uploadsTable.arn,
            jobName: o.jobName,
        }),
        parent,
    );
    // The crawler has a role of its own: the job needs none of its catalog or queue rights, nor it the job's.
    const { role: crawlerRole, policy: crawlerRolePolicy } = createServiceRole(
        `${name}-crawler-role`,
        "glue.amazonaws.com",
        crawlerRoleStatements({
            bucketArn: o.bucket.arn,
            rawPrefix: s.prefixes.rawPrefix,
            databaseArn: database.arn,
            databaseName: database.name,
            keyArn: o.key.arn,
            eventQueueArns: [o.crawlerEvents.queue.arn, o.crawlerEvents.deadLetterQueue.arn],
        }),
        parent,
    );

    // Encrypts what Glue writes: S3 output as the bucket does, bookmarks and CloudWatch logs with the pipeline key.
    const securityConfiguration = new aws.glue.SecurityConfiguration(
        `${name}-security`,
        {
            name: pulumi.interpolate`${o.jobName}-security`,
            encryptionConfiguration: {
                s3Encryption:
                    s.bucketEncryption === "SSE-KMS"
                        ? { s3EncryptionMode: "SSE-KMS", kmsKeyArn: o.key.arn }
                        : { s3EncryptionMode: "SSE-S3" },
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: o.key.arn },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: o.key.arn },
            },
        },
        { parent, dependsOn: [o.keyPolicy] },
    );

    const logGroups = createGlueLogGroups(
        name,
        {
            jobRole: role,
            crawlerRole,
            securityConfiguration,
            key: o.key,
            keyPolicy: o.keyPolicy,
            retentionInDays: s.logRetentionDays,
        },
        parent,
    );

    const classifier = new aws.glue.Classifier(
        `${name}-csv`,
        {
            csvClassifier: { containsHeader: "PRESENT", delimiter: ",", quoteSymbol: '"', allowSingleColumn: true },
        },
        { parent },
    );
    const crawler = new aws.glue.Crawler(
        `${name}-crawler`,
        {
            name: o.crawlerName,
            description: `Catalogues s3://…/${s.prefixes.rawPrefix}: one table per dataset folder`,
            role: crawlerRole.arn,
            databaseName: database.name,
            classifiers: [classifier.name],
            // S3 event mode: after a first full crawl, a crawl reads only the folders its queue's events name.
            s3Targets: [
                {
                    path: s3Uri(s.prefixes.rawPrefix),
                    eventQueueArn: o.crawlerEvents.queue.arn,
                    dlqEventQueueArn: o.crawlerEvents.deadLetterQueue.arn,
                },
            ],
            schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "LOG" },
            recrawlPolicy: { recrawlBehavior: "CRAWL_EVENT_MODE" },
            configuration: crawlerConfiguration(s.prefixes.rawPrefix),
            securityConfiguration: securityConfiguration.name,
        },
        { parent, dependsOn: [crawlerRolePolicy, ...logGroups] },
    );

    const { script, core, scriptKey, coreKey } = createEtlObjects(name, o.bucket, s.prefixes.gluePrefix, parent);
    const job = new aws.glue.Job(
        `${name}-job`,
        {
            name: o.jobName,
            description: `Converts new CSV uploads under ${s.prefixes.rawPrefix} to Iceberg tables (snappy Parquet) under ${s.prefixes.outputPrefix}`,
            roleArn: role.arn,
            glueVersion: GLUE_VERSION,
            workerType: s.workerType,
            numberOfWorkers: s.numberOfWorkers,
            executionClass: s.executionClass,
            timeout: s.jobTimeoutMinutes,
            maxRetries: s.jobMaxRetries,
            executionProperty: { maxConcurrentRuns: 1 },
            securityConfiguration: securityConfiguration.name,
            command: { name: "glueetl", pythonVersion: "3", scriptLocation: s3Uri(scriptKey) },
            defaultArguments: {
                "--job-language": "python",
                "--job-bookmark-option": "job-bookmark-disable",
                "--extra-py-files": s3Uri(coreKey),
                "--additional-python-modules": jobPythonModules().join(","),
                "--TempDir": s3Uri(`${s.prefixes.gluePrefix}temp/`),
                "--enable-metrics": "true",
                // Glue 5.0's Apache Iceberg 1.7.1 ("Using the Iceberg framework in AWS Glue"); the script sets the
                // SQL extensions on its SparkConf and the Glue Data Catalog as the Iceberg catalog (glue_tables).
                "--datalake-formats": "iceberg",
                // Glue 5.0 always logs, to the groups above (continuous logging arguments are for 4.0 and earlier).
                "--bucket": o.bucket.bucket,
                "--raw_prefix": s.prefixes.rawPrefix,
                "--output_prefix": s.prefixes.outputPrefix,
                "--quarantine_prefix": s.prefixes.quarantinePrefix,
                "--uploads_table": o.uploadsTable.name,
                "--claim_timeout_minutes": String(s.jobTimeoutMinutes),
                "--curated_database_name": curatedDatabase.name,
                "--ruleset_name": ruleset.name,
                "--key_columns": JSON.stringify(s.dataQuality.keyColumns),
                "--max_quarantined_percent": String(s.dataQuality.maxQuarantinedPercent),
                "--partition_columns": JSON.stringify(s.partitionColumns),
                "--null_values": JSON.stringify(s.nullValues),
                "--snapshot_retention_days": String(s.snapshotRetentionDays),
                "--topic_arn": o.topicArn,
                ...(s.autoScaling ? { "--enable-auto-scaling": "true" } : {}),
            },
        },
        { parent, dependsOn: [rolePolicy, script, core, ...logGroups] },
    );

    return {
        role,
        crawlerRole,
        database,
        curatedDatabase,
        ruleset,
        crawler,
        job,
        script,
        core,
        logGroups,
        securityConfiguration,
    };
}
