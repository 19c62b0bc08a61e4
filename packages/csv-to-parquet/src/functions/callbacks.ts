import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type * as aws from "@pulumi/aws";
import { startCrawlerForBatch } from "./startCrawler";
import { startJobForBatch } from "./startJob";
export { deploymentOnlyModule } from "./byValue";

/** Environment variables the deployed functions read. */
export const ENV = {
    crawlerName: "CRAWLER_NAME",
    jobName: "JOB_NAME",
    rawPrefix: "RAW_PREFIX",
    uploadsTable: "UPLOADS_TABLE",
} as const;

function requireEnv(name: string): string {
    const value = process.env[name];
    if (!value) {
        throw new Error(`Environment variable ${name} is not set`);
    }
    return value;
}

/**
 * Runs once per Lambda container: one Glue client and one DynamoDB client (the runtime's SDK v3), names from the
 * environment.
 * `require` inside the body keeps the SDK out of the serialized closure and out of the archive.
 */
export const startCrawlerFactory: aws.lambda.CallbackFactory<SQSEvent, SQSBatchResponse> = () => {
    const { GlueClient }: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    const glue = new GlueClient({});
    const crawlerName = requireEnv(ENV.crawlerName);
    const rawPrefix = requireEnv(ENV.rawPrefix);
    const { DynamoDBClient }: typeof import("@aws-sdk/client-dynamodb") = require("@aws-sdk/client-dynamodb");
    const ledger = { dynamodb: new DynamoDBClient({}), tableName: requireEnv(ENV.uploadsTable) };
    return (event: SQSEvent) => startCrawlerForBatch(event, { glue, crawlerName, rawPrefix, ledger });
};

export const startJobFactory: aws.lambda.CallbackFactory<SQSEvent, SQSBatchResponse> = () => {
    const { GlueClient }: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    const glue = new GlueClient({});
    const jobName = requireEnv(ENV.jobName);
    const crawlerName = requireEnv(ENV.crawlerName);
    return (event: SQSEvent) => startJobForBatch(event, { glue, jobName, crawlerName });
};
