import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import * as fs from "fs";
import * as path from "path";
import { QUEUE_DEFAULTS } from "./queueDefaults";
import { createServiceRole, PolicyStatement } from "./iam";

/** The package's manifest: this module is in `src/components/` (in this repository) or `dist/components/`. */
const PACKAGE_JSON = path.join(__dirname, "..", "..", "package.json");

interface Manifest {
    name: string;
    dependencies?: Record<string, string>;
}
const manifest = (packageJsonPath: string) => JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as Manifest;

/**
 * The `@aws-sdk/*` packages this package depends on. The Lambda Node.js runtime ships SDK v3, so every one of
 * them is left out of the function archives.
 */
export function awsSdkPackages(packageJsonPath = PACKAGE_JSON): string[] {
    return Object.keys(manifest(packageJsonPath).dependencies ?? {}).filter((name) => name.startsWith("@aws-sdk/"));
}

/**
 * What the function archives leave out: the SDK, and this package itself, whose handler code is serialized into
 * each archive by value (functions/byValue.ts) when a program depends on the package.
 */
export function archiveExcludes(packageJsonPath = PACKAGE_JSON): string[] {
    return [...awsSdkPackages(packageJsonPath), manifest(packageJsonPath).name];
}

export interface QueueFunctionOptions {
    description: string;
    callbackFactory: aws.lambda.CallbackFactory<SQSEvent, SQSBatchResponse>;
    environment: Record<string, pulumi.Input<string>>;
    /** Statements beyond reading the queue and writing the function's logs. */
    statements: (queue: aws.sqs.Queue) => PolicyStatement[];
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    batchSize: number;
    batchWindowSeconds: number;
    logRetentionDays: number;
    /** Encrypts the function's log group; its policy must let CloudWatch Logs use it. */
    logKey: { key: aws.kms.Key; keyPolicy: aws.kms.KeyPolicy };
    timeoutSeconds: number;
    memorySize: number;
}

export interface QueueFunction {
    queue: aws.sqs.Queue;
    deadLetterQueue: aws.sqs.Queue;
    role: aws.iam.Role;
    logGroup: aws.cloudwatch.LogGroup;
    function: aws.lambda.CallbackFunction<SQSEvent, SQSBatchResponse>;
    eventSourceMapping: aws.lambda.EventSourceMapping;
}

export interface QueueWithDeadLetter {
    queue: aws.sqs.Queue;
    deadLetterQueue: aws.sqs.Queue;
}

/**
 * A queue (SSE-SQS, four days' retention) whose messages move to its dead-letter queue (fourteen days) after
 * `maxReceiveCount` receives; only this queue may redrive into that dead-letter queue.
 */
export function createQueueWithDeadLetter(
    name: string,
    options: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
    parent: pulumi.Resource,
): QueueWithDeadLetter {
    const deadLetterQueue = new aws.sqs.Queue(
        `${name}-dlq`,
        {
            messageRetentionSeconds: 14 * 24 * 3600,
            sqsManagedSseEnabled: true,
        },
        { parent },
    );
    const queue = new aws.sqs.Queue(
        `${name}-queue`,
        {
            visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
            messageRetentionSeconds: 4 * 24 * 3600,
            sqsManagedSseEnabled: true,
            redrivePolicy: pulumi.jsonStringify({
                deadLetterTargetArn: deadLetterQueue.arn,
                maxReceiveCount: options.maxReceiveCount,
            }),
        },
        { parent },
    );
    new aws.sqs.RedriveAllowPolicy(
        `${name}-dlq`,
        {
            queueUrl: deadLetterQueue.url,
            redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }),
        },
        { parent },
    );
    return { queue, deadLetterQueue };
}

/**
 * An SQS queue (with its dead-letter queue) drained by a Lambda callback through an event source mapping that
 * batches messages and honours partial batch failures. The function runs under its own least-privilege role.
 */
export function createQueueFunction(
    name: string,
    options: QueueFunctionOptions,
    parent: pulumi.Resource,
): QueueFunction {
    const { queue, deadLetterQueue } = createQueueWithDeadLetter(name, options, parent);

    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            namePrefix: `/aws/lambda/${name}-`,
            retentionInDays: options.logRetentionDays,
            kmsKeyId: options.logKey.key.arn,
        },
        { parent, dependsOn: [options.logKey.keyPolicy] },
    );
    const { role, policy: rolePolicy } = createServiceRole(
        `${name}-role`,
        "lambda.amazonaws.com",
        [
            {
                Sid: "ReadQueue",
                Effect: "Allow",
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                Resource: queue.arn,
            },
            {
                Sid: "WriteLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: pulumi.interpolate`${logGroup.arn}:*`,
            },
            ...options.statements(queue),
        ],
        parent,
    );

    const fn = new aws.lambda.CallbackFunction<SQSEvent, SQSBatchResponse>(
        `${name}-fn`,
        {
            description: options.description,
            callbackFactory: options.callbackFactory,
            role,
            runtime: aws.lambda.Runtime.NodeJS22dX,
            architectures: ["arm64"],
            memorySize: options.memorySize,
            timeout: options.timeoutSeconds,
            environment: { variables: options.environment },
            loggingConfig: {
                logFormat: "JSON",
                logGroup: logGroup.name,
                applicationLogLevel: "INFO",
                systemLogLevel: "WARN",
            },
            codePathOptions: { extraExcludePackages: archiveExcludes() },
        },
        { parent, dependsOn: [rolePolicy] },
    );

    const eventSourceMapping = new aws.lambda.EventSourceMapping(
        `${name}-esm`,
        {
            eventSourceArn: queue.arn,
            functionName: fn.arn,
            batchSize: options.batchSize,
            maximumBatchingWindowInSeconds: options.batchWindowSeconds,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: QUEUE_DEFAULTS.maximumConcurrency },
        },
        { parent, dependsOn: [rolePolicy] },
    );

    return { queue, deadLetterQueue, role, logGroup, function: fn, eventSourceMapping };
}
