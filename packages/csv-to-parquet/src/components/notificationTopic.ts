import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { componentType, TypeScriptOnly } from "./componentType";
import { createCustomerKey } from "./kms";
import { arnParts, policyJson } from "./iam";
import { nameTooLong, TOPIC_AUTONAMED } from "./names";

/** What the config and NotificationTopic accept as an email address: one address, no separators. */
export const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export interface NotificationTopicArgs {
    /**
     * Email addresses subscribed to the topic; each receives a confirmation email from AWS first.
     * Plain strings because each address is one subscription resource. Default: none.
     */
    emails?: string[];
    /** The sender name shown in the emails. Default: the component name. */
    displayName?: pulumi.Input<string>;
    /** Protect the topic's key from `pulumi destroy` and keep it when removed from the program. Default: `false`. */
    protectKey?: boolean;
}

/**
 * A topic's AWS resources, for TypeScript programs that wire them further (`NotificationTopic.resources`); other
 * Pulumi languages see the topic's and the key's ARNs.
 */
export interface NotificationTopicResources {
    topic: aws.sns.Topic;
    /** The key the topic's messages are encrypted with. */
    key: aws.kms.Key;
    topicPolicy: aws.sns.TopicPolicy;
    /** One email subscription per distinct address. */
    subscriptions: aws.sns.TopicSubscription[];
}

/** What a topic's `resources` getter returns. */
const RESOURCES = new TypeScriptOnly<NotificationTopic, NotificationTopicResources>();

/** Services that publish to the topic; each needs the topic's key as well as the topic policy. */
const PUBLISHERS = [
    ["EventBridgeRules", "events.amazonaws.com"],
    ["CloudWatchAlarms", "cloudwatch.amazonaws.com"],
] as const;

/**
 * An SNS topic that EventBridge rules and CloudWatch alarms of this account may publish to, with one email
 * subscription per address. Messages are encrypted at rest with a customer managed key of the topic's own: the AWS
 * managed SNS key cannot be used by EventBridge or CloudWatch, so a topic under it would never hear from them.
 */
export class NotificationTopic extends pulumi.ComponentResource {
    /** ARN of the topic: give it to `CsvToParquetPipeline` as `notificationTopicArn`. */
    public readonly topicArn: pulumi.Output<string>;
    /** ARN of the key the topic's messages are encrypted with; a role that publishes needs `kms:GenerateDataKey` and `kms:Decrypt` on it. */
    public readonly keyArn: pulumi.Output<string>;

    /** TypeScript only: the topic's AWS resources themselves (other languages see the ARNs above). */
    get resources(): NotificationTopicResources {
        return RESOURCES.get(this);
    }

    constructor(name: string, args: NotificationTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        const [type, options] = componentType("NotificationTopic", "notifications", opts);
        super(type, name, {}, options);
        const tooLong = nameTooLong(name, TOPIC_AUTONAMED);
        if (tooLong) throw new pulumi.ResourceError(`NotificationTopic ${name}: ${tooLong}`, this);
        const emails = args.emails ?? [];
        for (const email of emails) {
            if (!EMAIL_PATTERN.test(email)) {
                throw new pulumi.ResourceError(
                    `NotificationTopic ${name}: emails contains "${email}", which is not an email address`,
                    this,
                );
            }
        }

        const key = createCustomerKey(
            `${name}-key`,
            {
                description: `Encrypts the messages of the ${name} notification topic`,
                protect: args.protectKey ?? false,
                serviceStatements: () =>
                    PUBLISHERS.map(([who, service]) => ({
                        Sid: `Let${who}PublishToTheEncryptedTopic`,
                        Effect: "Allow",
                        Principal: { Service: service },
                        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                        Resource: "*",
                    })),
            },
            this,
        );
        this.keyArn = key.key.arn;
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            {
                displayName: args.displayName ?? name,
                kmsMasterKeyId: key.key.arn,
            },
            { parent: this, dependsOn: [key.keyPolicy] },
        );
        this.topicArn = topic.arn;
        const account = topic.arn.apply((arn) => arnParts(arn).account);
        const topicPolicy = new aws.sns.TopicPolicy(
            `${name}-topic`,
            {
                arn: topic.arn,
                policy: policyJson({
                    Version: "2012-10-17",
                    Statement: PUBLISHERS.map(([who, service]) => ({
                        Sid: `Allow${who}OfThisAccount`,
                        Effect: "Allow",
                        Principal: { Service: service },
                        Action: "sns:Publish",
                        Resource: topic.arn,
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    })),
                }),
            },
            { parent: this },
        );

        // Named by a hash of the address: reordering the list replaces nothing, and no address sits in a URN.
        const unique = new Map<string, string>();
        for (const email of emails) {
            if (!unique.has(email.toLowerCase())) unique.set(email.toLowerCase(), email);
        }
        const subscriptions = [...unique].map(
            ([key, email]) =>
                new aws.sns.TopicSubscription(
                    `${name}-email-${crypto.createHash("sha256").update(key).digest("hex").slice(0, 10)}`,
                    {
                        topic: topic.arn,
                        protocol: "email",
                        endpoint: email,
                    },
                    { parent: this },
                ),
        );

        RESOURCES.set(this, { topic, key: key.key, topicPolicy, subscriptions });
        this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
    }
}
