import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { arnParts, assumeRolePolicy, PolicyStatement, policyJson } from "./policies";
import { PipelinePrefixes, prefixDepth } from "./prefixes";

/** The PySpark script the job runs, uploaded from etl/. */
export const ETL_SCRIPT_PATH = path.join(__dirname, "..", "etl", "csv_to_parquet.py");

export interface GlueOptions {
    bucket: aws.s3.Bucket;
    prefixes: PipelinePrefixes;
    crawlerName: pulumi.Input<string>;
    jobName: pulumi.Input<string>;
    databaseName: pulumi.Input<string>;
    glueVersion: string;
    workerType: string;
    numberOfWorkers: number;
    executionClass: string;
    jobTimeoutMinutes: number;
    logRetentionDays: number;
}

export interface GlueResources {
    role: aws.iam.Role;
    database: aws.glue.CatalogDatabase;
    crawler: aws.glue.Crawler;
    job: aws.glue.Job;
    script: aws.s3.BucketObjectv2;
    jobLogGroup: aws.cloudwatch.LogGroup;
}

/** "csv_data/" -> "csv_data": matches the folder itself and its keys, as Spark and the crawler ask for both. */
function stem(prefix: string): string {
    return prefix.replace(/\/$/, "");
}

/** The statements of the Glue role: read CSV, write Parquet and temp files, keep the catalog, write logs. */
export function glueRoleStatements(
    bucketArn: pulumi.Input<string>, databaseArn: pulumi.Input<string>, databaseName: pulumi.Input<string>,
    prefixes: PipelinePrefixes,
): PolicyStatement[] {
    const object = (key: string) => pulumi.interpolate`${bucketArn}/${key}`;
    const scope = pulumi.output(databaseArn).apply(arnParts);
    const glueArn = (kind: string) => pulumi.interpolate`arn:${scope.partition}:glue:${scope.region}:${scope.account}:${kind}`;
    const logsArn = pulumi.interpolate`arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:/aws-glue/*`;
    const tempPrefix = `${prefixes.gluePrefix}temp/`;
    const scriptsPrefix = `${prefixes.gluePrefix}scripts/`;
    return [
        {
            Sid: "ListPipelinePrefixes",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringLike: { "s3:prefix": [prefixes.rawPrefix, prefixes.outputPrefix, tempPrefix].flatMap((p) => [stem(p), `${p}*`]) } },
        },
        { Sid: "LocateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
        {
            Sid: "ReadCsvAndScripts",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: [object(`${stem(prefixes.rawPrefix)}*`), object(`${scriptsPrefix}*`)],
        },
        {
            Sid: "WriteParquetAndTemp",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: [object(`${stem(prefixes.outputPrefix)}*`), object(`${stem(tempPrefix)}*`)],
        },
        {
            Sid: "MaintainCatalog",
            Effect: "Allow",
            Action: [
                "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
                "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition",
                "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition",
            ],
            Resource: [glueArn("catalog"), databaseArn, pulumi.interpolate`${glueArn("table")}/${databaseName}/*`],
        },
        {
            Sid: "WriteGlueLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [logsArn, pulumi.interpolate`${logsArn}:*`],
        },
        {
            Sid: "PublishGlueMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
        },
    ];
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
    const s3Uri = (key: string) => pulumi.interpolate`s3://${o.bucket.bucket}/${key}`;
    const database = new aws.glue.CatalogDatabase(`${name}-raw`, {
        name: o.databaseName,
        description: "CSV tables catalogued by the crawler, one per dataset folder",
    }, { parent });
    const role = new aws.iam.Role(`${name}-glue`, {
        assumeRolePolicy: policyJson(assumeRolePolicy("glue.amazonaws.com")),
    }, { parent });
    const rolePolicy = new aws.iam.RolePolicy(`${name}-glue`, {
        role: role.id,
        policy: policyJson({
            Version: "2012-10-17",
            Statement: glueRoleStatements(o.bucket.arn, database.arn, database.name, o.prefixes),
        }),
    }, { parent });

    const classifier = new aws.glue.Classifier(`${name}-csv`, {
        csvClassifier: { containsHeader: "PRESENT", delimiter: ",", quoteSymbol: "\"", allowSingleColumn: true },
    }, { parent });
    const crawler = new aws.glue.Crawler(`${name}-crawler`, {
        name: o.crawlerName,
        description: `Catalogues s3://…/${o.prefixes.rawPrefix}: one table per dataset folder`,
        role: role.arn,
        databaseName: database.name,
        classifiers: [classifier.name],
        s3Targets: [{ path: s3Uri(o.prefixes.rawPrefix) }],
        schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "LOG" },
        recrawlPolicy: { recrawlBehavior: "CRAWL_EVERYTHING" },
        configuration: crawlerConfiguration(o.prefixes.rawPrefix),
    }, { parent, dependsOn: [rolePolicy] });

    const scriptKey = `${o.prefixes.gluePrefix}scripts/${path.basename(ETL_SCRIPT_PATH)}`;
    const script = new aws.s3.BucketObjectv2(`${name}-etl-script`, {
        bucket: o.bucket.id,
        key: scriptKey,
        source: new pulumi.asset.FileAsset(ETL_SCRIPT_PATH),
        sourceHash: crypto.createHash("sha256").update(fs.readFileSync(ETL_SCRIPT_PATH)).digest("hex"),
        contentType: "text/x-python",
    }, { parent });
    const jobLogGroup = new aws.cloudwatch.LogGroup(`${name}-job-logs`, {
        name: pulumi.interpolate`/aws-glue/csv-to-parquet/${o.jobName}`,
        retentionInDays: o.logRetentionDays,
    }, { parent });
    const job = new aws.glue.Job(`${name}-job`, {
        name: o.jobName,
        description: `Converts the catalogued CSV tables to snappy Parquet under ${o.prefixes.outputPrefix}`,
        roleArn: role.arn,
        glueVersion: o.glueVersion,
        workerType: o.workerType,
        numberOfWorkers: o.numberOfWorkers,
        executionClass: o.executionClass,
        timeout: o.jobTimeoutMinutes,
        maxRetries: 0,
        executionProperty: { maxConcurrentRuns: 1 },
        command: { name: "glueetl", pythonVersion: "3", scriptLocation: s3Uri(scriptKey) },
        defaultArguments: {
            "--job-language": "python",
            "--job-bookmark-option": "job-bookmark-enable",
            "--TempDir": s3Uri(`${o.prefixes.gluePrefix}temp/`),
            "--enable-metrics": "true",
            "--enable-continuous-cloudwatch-log": "true",
            "--continuous-log-logGroup": jobLogGroup.name,
            "--enable-glue-datacatalog": "true",
            "--database_name": database.name,
            "--raw_path": s3Uri(o.prefixes.rawPrefix),
            "--output_path": s3Uri(o.prefixes.outputPrefix),
        },
    }, { parent, dependsOn: [rolePolicy, script] });

    return { role, database, crawler, job, script, jobLogGroup };
}
