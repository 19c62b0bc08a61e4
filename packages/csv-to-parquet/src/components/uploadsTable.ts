import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LEDGER } from "../functions/ledgerItem";
import { arnParts, PolicyStatement } from "./iam";

export interface UploadsTableOptions {
    /** The pipeline's key: the table is encrypted with it. */
    key: aws.kms.Key;
    /** Point-in-time recovery, deletion protection, and the table protected and retained by Pulumi. */
    protectData: boolean;
}

/**
 * The uploads ledger: one item per uploaded object (dataset, key, S3 sequencer, size, ETag, event time, status, the
 * run that converted it, its Parquet objects and row counts). On demand, so an idle pipeline costs nothing.
 * - `todo` index: the uploads waiting for the job (sparse: an item is in it while its `todo` attribute is set),
 *   oldest first, so a run reads what is new and never the whole ledger.
 * - `dataset` index: a dataset's keys, for reprocessing it.
 */
export function createUploadsTable(name: string, o: UploadsTableOptions, parent: pulumi.Resource): aws.dynamodb.Table {
    return new aws.dynamodb.Table(
        `${name}-uploads`,
        {
            billingMode: "PAY_PER_REQUEST",
            hashKey: LEDGER.key,
            attributes: [
                { name: LEDGER.key, type: "S" },
                { name: LEDGER.todo, type: "S" },
                { name: LEDGER.eventTime, type: "S" },
                { name: LEDGER.dataset, type: "S" },
            ],
            globalSecondaryIndexes: [
                { name: LEDGER.todoIndex, hashKey: LEDGER.todo, rangeKey: LEDGER.eventTime, projectionType: "ALL" },
                {
                    name: LEDGER.datasetIndex,
                    hashKey: LEDGER.dataset,
                    rangeKey: LEDGER.key,
                    projectionType: "KEYS_ONLY",
                },
            ],
            serverSideEncryption: { enabled: true, kmsKeyArn: o.key.arn },
            pointInTimeRecovery: { enabled: o.protectData },
            deletionProtectionEnabled: o.protectData,
        },
        { parent, protect: o.protectData, retainOnDelete: o.protectData },
    );
}

/**
 * Lets a role use the pipeline key through DynamoDB only, for this account's tables in the key's region: DynamoDB
 * decrypts the table key with the caller's permissions ("Encryption at rest: how it works", key policy example
 * "Allow access through Amazon DynamoDB").
 */
function useKeyThroughDynamoDb(keyArn: pulumi.Input<string>, tableArn: pulumi.Input<string>): PolicyStatement {
    const region = pulumi.output(tableArn).apply((arn) => arnParts(arn).region);
    return {
        Sid: "UseThePipelineKeyThroughDynamoDb",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`dynamodb.${region}.amazonaws.com` } },
    };
}

/** What the start-crawler function may do with the ledger: record uploads (a conditional UpdateItem), nothing else. */
export function recordUploadsStatements(table: aws.dynamodb.Table, keyArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        { Sid: "RecordUploads", Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: table.arn },
        useKeyThroughDynamoDb(keyArn, table.arn),
    ];
}

/**
 * What the job may do with the ledger: read the waiting uploads, claim them and mark them done. (The job's role may
 * use the pipeline key for its S3 objects and logs already.)
 */
export function convertUploadsStatements(tableArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        {
            Sid: "ClaimAndCompleteUploads",
            Effect: "Allow",
            Action: "dynamodb:UpdateItem",
            Resource: tableArn,
        },
        {
            Sid: "ReadWaitingUploads",
            Effect: "Allow",
            Action: "dynamodb:Query",
            Resource: pulumi.interpolate`${tableArn}/index/${LEDGER.todoIndex}`,
        },
    ];
}
