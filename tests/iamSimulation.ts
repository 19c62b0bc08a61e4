/* Decides IAM requests against the policies a stack recorded under mocks, with @cloud-copilot/iam-simulate. */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { Inputs, Resources } from "../testkit/harness";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** One request: who asks, for what, on which resource, with which request context. */
export interface Ask {
    principal: string;
    action: string;
    resource: string;
    /** Context keys beyond `aws:SecureTransport` (true unless given). */
    context?: Record<string, string | string[]>;
}

/** The policies that decide a request: the caller's identity policies and the resource's own policy. */
export interface Policies {
    identity: Inputs[];
    resource?: Inputs;
    /** The account owning the resource (S3 ARNs do not say). */
    resourceAccount: string;
}

/**
 * The decision AWS would make. The library first validates the request: an action that is not a real IAM action,
 * or a resource ARN that is not of a type the action applies to, fails here instead of passing quietly.
 */
export async function decide(ask: Ask, policies: Policies): Promise<Decision> {
    const result = await runSimulation(
        {
            request: {
                principal: ask.principal,
                action: ask.action,
                resource: { resource: ask.resource, accountId: policies.resourceAccount },
                contextVariables: { "aws:SecureTransport": "true", ...ask.context },
            },
            identityPolicies: policies.identity.map((policy, i) => ({ name: `policy-${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policies.resource,
        },
        {},
    );
    if (result.resultType === "error") {
        throw new Error(`${ask.action} on ${ask.resource} could not be simulated: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult as Decision;
}

/** The policy documents and ARNs of one stack, as the mocks recorded them. */
export interface StackPolicies {
    account: string;
    bucket: string;
    bucketArn: string;
    bucketPolicy: Inputs;
    crawlerArn: string;
    jobArn: string;
    uploadQueueArn: string;
    uploadQueuePolicy: Inputs;
    uploadsTopicArn: string;
    uploadsTopicPolicy: Inputs;
    crawlerEventQueueArn: string;
    crawlerEventQueuePolicy: Inputs;
    crawlQueueArn: string;
    crawlQueuePolicy: Inputs;
    crawlSucceededRuleArn: string;
    topicArn: string;
    topicPolicy: Inputs;
    pipelineKeyArn: string;
    pipelineKeyPolicy: Inputs;
    topicKeyArn: string;
    topicKeyPolicy: Inputs;
    rulesetArn: string;
    curatedDatabase: string;
    rawDatabase: string;
    uploadsTableArn: string;
    roles: Record<
        "startCrawler" | "startJob" | "glue" | "crawler",
        { arn: string; policy: Inputs; logGroupArn?: string }
    >;
}

/** Reads a stack's policies from what `buildStack` recorded (component name `csv-to-parquet`, topic `notifications`). */
export function stackPolicies(r: Resources, account: string): StackPolicies {
    const state = (type: string, name: string) => r.one(type, name).state;
    const role = (fn: string, logs?: string) => ({
        arn: state("aws:iam/role:Role", fn).arn,
        policy: r.json("aws:iam/rolePolicy:RolePolicy", fn),
        logGroupArn: logs === undefined ? undefined : state("aws:cloudwatch/logGroup:LogGroup", logs).arn,
    });
    return {
        account,
        bucket: state("aws:s3/bucket:Bucket", "csv-to-parquet-data").bucket,
        bucketArn: state("aws:s3/bucket:Bucket", "csv-to-parquet-data").arn,
        bucketPolicy: r.json("aws:s3/bucketPolicy:BucketPolicy", "csv-to-parquet-data"),
        crawlerArn: state("aws:glue/crawler:Crawler", "csv-to-parquet-crawler").arn,
        jobArn: state("aws:glue/job:Job", "csv-to-parquet-job").arn,
        uploadQueueArn: state("aws:sqs/queue:Queue", "csv-to-parquet-start-crawler-queue").arn,
        uploadQueuePolicy: r.json("aws:sqs/queuePolicy:QueuePolicy", "csv-to-parquet-uploads-to-start-crawler"),
        uploadsTopicArn: state("aws:sns/topic:Topic", "csv-to-parquet-uploads").arn,
        uploadsTopicPolicy: r.json("aws:sns/topicPolicy:TopicPolicy", "csv-to-parquet-uploads"),
        crawlerEventQueueArn: state("aws:sqs/queue:Queue", "csv-to-parquet-crawler-events-queue").arn,
        crawlerEventQueuePolicy: r.json("aws:sqs/queuePolicy:QueuePolicy", "csv-to-parquet-uploads-to-crawler"),
        crawlQueueArn: state("aws:sqs/queue:Queue", "csv-to-parquet-start-job-queue").arn,
        crawlQueuePolicy: r.json("aws:sqs/queuePolicy:QueuePolicy", "csv-to-parquet-crawl-completed"),
        crawlSucceededRuleArn: state("aws:cloudwatch/eventRule:EventRule", "csv-to-parquet-crawl-succeeded").arn,
        topicArn: state("aws:sns/topic:Topic", "notifications-topic").arn,
        topicPolicy: r.json("aws:sns/topicPolicy:TopicPolicy", "notifications-topic"),
        pipelineKeyArn: state("aws:kms/key:Key", "csv-to-parquet-key").arn,
        pipelineKeyPolicy: r.json("aws:kms/keyPolicy:KeyPolicy", "csv-to-parquet-key"),
        topicKeyArn: state("aws:kms/key:Key", "notifications-key").arn,
        topicKeyPolicy: r.json("aws:kms/keyPolicy:KeyPolicy", "notifications-key"),
        rulesetArn: state("aws:glue/dataQualityRuleset:DataQualityRuleset", "csv-to-parquet-ruleset").arn,
        curatedDatabase: r.one("aws:glue/catalogDatabase:CatalogDatabase", "csv-to-parquet-curated").inputs.name,
        rawDatabase: r.one("aws:glue/catalogDatabase:CatalogDatabase", "csv-to-parquet-raw").inputs.name,
        uploadsTableArn: state("aws:dynamodb/table:Table", "csv-to-parquet-uploads").arn,
        roles: {
            startCrawler: role("csv-to-parquet-start-crawler-role", "csv-to-parquet-start-crawler-logs"),
            startJob: role("csv-to-parquet-start-job-role", "csv-to-parquet-start-job-logs"),
            glue: role("csv-to-parquet-glue"),
            crawler: role("csv-to-parquet-crawler-role"),
        },
    };
}
