/*
 * The security rules of this project as CrossGuard policies. This module only describes them; `index.ts` registers
 * them in a PolicyPack (which starts the analyzer server), so tests import this module and never that one.
 * Resources are matched by type token, so the pack needs no provider SDK of its own.
 */
import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A policy document's statement, as the JSON of an IAM, bucket, queue, topic or key policy has it. */
interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

export const TYPES = {
    bucket: "aws:s3/bucket:Bucket",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    lambda: "aws:lambda/function:Function",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    key: "aws:kms/key:Key",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    crawler: "aws:glue/crawler:Crawler",
    job: "aws:glue/job:Job",
    securityConfiguration: "aws:glue/securityConfiguration:SecurityConfiguration",
    table: "aws:dynamodb/table:Table",
} as const;

/**
 * Lambda runtimes AWS supports without a deprecation date before 2027 (the "Supported runtimes" table of the Lambda
 * developer guide); extend the list when AWS adds one.
 */
export const SUPPORTED_LAMBDA_RUNTIMES = [
    "nodejs22.x",
    "nodejs24.x",
    "python3.12",
    "python3.13",
    "python3.14",
    "java21",
    "java25",
    "dotnet8",
    "provided.al2023",
];

const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The statements of a policy document given as JSON text (unknown during a preview: then there is nothing to check). */
export function statementsOf(document: unknown): Statement[] {
    if (typeof document !== "string" || document === "") return [];
    const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
    return list(parsed.Statement);
}

/** A resource rule: the types it applies to and what it checks in their properties. */
function rule(
    name: string,
    description: string,
    types: string[],
    check: (props: Record<string, unknown>, report: ReportViolation, args: ResourceValidationArgs) => void,
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            if (types.includes(args.type)) check(args.props, report, args);
        },
    };
}

const isWildcardAction = (action: string) => action === "*" || action.endsWith(":*");
const grantsToAnyone = (s: Statement) =>
    s.Principal === "*" ||
    (typeof s.Principal === "object" &&
        s.Principal !== null &&
        list((s.Principal as { AWS?: string | string[] }).AWS).includes("*"));

/** Whether a policy denies every request to the bucket and its objects made without TLS. */
export function deniesInsecureTransport(statements: Statement[]): boolean {
    return statements.some(
        (s) =>
            s.Effect === "Deny" &&
            grantsToAnyone(s) &&
            list(s.Action).some((a) => a === "s3:*" || a === "*") &&
            list(s.Resource).some((r) => !r.includes("/")) &&
            list(s.Resource).some((r) => r.endsWith("/*")) &&
            (s.Condition?.Bool?.["aws:SecureTransport"] === "false" ||
                s.Condition?.Bool?.["aws:SecureTransport"] === false),
    );
}

/** Does `resource` hold a reference to `target` in property `prop`? By dependency (previews) or by value (updates). */
function refersTo(resource: PolicyResource, prop: string, target: PolicyResource, targetValues: unknown[]): boolean {
    if ((resource.propertyDependencies?.[prop] ?? []).some((d) => d.urn === target.urn)) return true;
    const value = resource.props[prop];
    return value !== undefined && targetValues.includes(value);
}

/** Every bucket needs companions of these types pointing at it, and each companion must pass its own check. */
function bucketsHave(name: string, description: string, companion: string, what: string): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            for (const bucket of args.resources.filter((r) => r.type === TYPES.bucket)) {
                const values = [bucket.props.bucket, bucket.props.id].filter((v) => v !== undefined);
                if (!args.resources.some((r) => r.type === companion && refersTo(r, "bucket", bucket, values))) {
                    report(`Bucket ${bucket.name} has no ${what}.`, bucket.urn);
                }
            }
        },
    };
}

export const POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    rule(
        "s3-block-public-access",
        "S3 Block Public Access has all four settings on.",
        [TYPES.publicAccessBlock],
        (p, report) => {
            const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter(
                (k) => p[k] !== true,
            );
            if (off.length > 0) report(`Public access block leaves ${off.join(", ")} off.`);
        },
    ),
    bucketsHave(
        "s3-bucket-has-public-access-block",
        "Every bucket has a public access block.",
        TYPES.publicAccessBlock,
        "public access block",
    ),
    rule(
        "s3-encryption",
        "Default encryption is SSE-KMS with a named key, or SSE-S3.",
        [TYPES.encryption],
        (p, report) => {
            const rules = list(p.rules as Record<string, Record<string, unknown>>[] | undefined);
            for (const r of rules) {
                const sse = r.applyServerSideEncryptionByDefault ?? {};
                const ok =
                    sse.sseAlgorithm === "AES256" ||
                    ((sse.sseAlgorithm === "aws:kms" || sse.sseAlgorithm === "aws:kms:dsse") &&
                        Boolean(sse.kmsMasterKeyId));
                if (!ok)
                    report(
                        `Default encryption "${String(sse.sseAlgorithm)}" must be AES256, or aws:kms with a customer managed key.`,
                    );
            }
            if (rules.length === 0) report("Default encryption has no rule.");
        },
    ),
    bucketsHave(
        "s3-bucket-encrypted",
        "Every bucket has a default encryption configuration.",
        TYPES.encryption,
        "default encryption configuration",
    ),
    rule("s3-tls-only", "Bucket policies deny every request without TLS.", [TYPES.bucketPolicy], (p, report) => {
        if (!deniesInsecureTransport(statementsOf(p.policy)))
            report(
                "Bucket policy does not deny s3:* without TLS (aws:SecureTransport false) on the bucket and its objects.",
            );
    }),
    bucketsHave(
        "s3-bucket-has-policy",
        "Every bucket has a policy (which s3-tls-only checks).",
        TYPES.bucketPolicy,
        "bucket policy denying requests without TLS",
    ),
    rule(
        "iam-no-wildcard-actions",
        'Identity policies allow named actions, never "*" or "service:*".',
        [TYPES.rolePolicy, TYPES.policy, TYPES.role],
        (p, report) => {
            const documents = [
                p.policy,
                ...list(p.inlinePolicies as { policy?: string }[] | undefined).map((i) => i.policy),
            ];
            for (const s of documents.flatMap(statementsOf)) {
                if (s.Effect !== "Allow") continue;
                const wild = list(s.Action).filter(isWildcardAction);
                if (wild.length > 0) report(`Statement ${s.Sid ?? "(no Sid)"} allows ${wild.join(", ")}.`);
                if (s.NotAction !== undefined)
                    report(`Statement ${s.Sid ?? "(no Sid)"} allows everything but ${list(s.NotAction).join(", ")}.`);
            }
        },
    ),
    rule(
        "iam-no-broad-managed-policies",
        "No role gets an AWS *FullAccess or AdministratorAccess managed policy.",
        [TYPES.rolePolicyAttachment, TYPES.role],
        (p, report) => {
            const arns = [p.policyArn, ...list(p.managedPolicyArns as string[] | undefined)].filter(
                (a): a is string => typeof a === "string",
            );
            for (const arn of arns.filter((a) => /FullAccess$|AdministratorAccess$|PowerUserAccess$/.test(a)))
                report(`Role is given ${arn}.`);
        },
    ),
    rule(
        "no-public-resource-policies",
        'Bucket, queue, topic and key policies allow nobody by "*" without a condition.',
        [TYPES.bucketPolicy, TYPES.queuePolicy, TYPES.topicPolicy, TYPES.keyPolicy],
        (p, report) => {
            for (const s of statementsOf(p.policy)) {
                if (s.Effect === "Allow" && grantsToAnyone(s) && s.Condition === undefined)
                    report(`Statement ${s.Sid ?? "(no Sid)"} allows anyone.`);
            }
        },
    ),
    rule("lambda-supported-runtime", "Functions run on a runtime AWS supports.", [TYPES.lambda], (p, report) => {
        if (p.packageType !== "Image" && !SUPPORTED_LAMBDA_RUNTIMES.includes(String(p.runtime))) {
            report(`Runtime ${String(p.runtime)} is not one of ${SUPPORTED_LAMBDA_RUNTIMES.join(", ")}.`);
        }
    }),
    rule("log-group-retention-and-key", "Log groups have a retention and a KMS key.", [TYPES.logGroup], (p, report) => {
        if (!(typeof p.retentionInDays === "number" && p.retentionInDays > 0))
            report("Log group keeps its events forever: set retentionInDays.");
        if (!p.kmsKeyId) report("Log group is not encrypted with a KMS key: set kmsKeyId.");
    }),
    rule("sns-topic-encrypted", "Topics are encrypted with a customer managed key.", [TYPES.topic], (p, report) => {
        if (!p.kmsMasterKeyId) report("Topic is not encrypted: set kmsMasterKeyId.");
        else if (p.kmsMasterKeyId === "alias/aws/sns")
            report(
                "Topic uses the AWS managed key alias/aws/sns, which EventBridge and CloudWatch cannot use: use a customer managed key.",
            );
    }),
    rule("sqs-queue-encrypted", "Queues are encrypted (SSE-SQS or KMS).", [TYPES.queue], (p, report) => {
        if (p.sqsManagedSseEnabled !== true && !p.kmsMasterKeyId)
            report("Queue is not encrypted: set sqsManagedSseEnabled or kmsMasterKeyId.");
    }),
    rule(
        "dynamodb-table-encrypted-with-cmk",
        "DynamoDB tables are encrypted with a customer managed key.",
        [TYPES.table],
        (p, report) => {
            const sse = (p.serverSideEncryption ?? {}) as Record<string, unknown>;
            if (sse.enabled !== true || !sse.kmsKeyArn) {
                report("Table is encrypted with a key AWS owns: set serverSideEncryption to enabled with kmsKeyArn.");
            }
        },
    ),
    rule("kms-key-rotation", "Symmetric customer managed keys rotate.", [TYPES.key], (p, report) => {
        const symmetric = p.customerMasterKeySpec === undefined || p.customerMasterKeySpec === "SYMMETRIC_DEFAULT";
        if (symmetric && p.enableKeyRotation !== true) report("Key rotation is off: set enableKeyRotation.");
    }),
    rule(
        "glue-security-configuration",
        "Glue crawlers and jobs run under a security configuration that encrypts S3 output, logs and bookmarks.",
        [TYPES.crawler, TYPES.job, TYPES.securityConfiguration],
        (p, report, args) => {
            if (args.type !== TYPES.securityConfiguration) {
                if (!p.securityConfiguration) report("No security configuration: set securityConfiguration.");
                return;
            }
            const e = (p.encryptionConfiguration ?? {}) as Record<string, Record<string, unknown> | undefined>;
            const modes: [string, unknown][] = [
                ["S3", e.s3Encryption?.s3EncryptionMode],
                ["CloudWatch", e.cloudwatchEncryption?.cloudwatchEncryptionMode],
                ["job bookmarks", e.jobBookmarksEncryption?.jobBookmarksEncryptionMode],
            ];
            for (const [what, mode] of modes) {
                if (mode === undefined || mode === "DISABLED")
                    report(`The security configuration leaves ${what} unencrypted.`);
            }
        },
    ),
];
