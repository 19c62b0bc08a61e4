import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { EMAIL_PATTERN } from "./defaults";
import { arnParts, policyJson } from "./policies";

export interface NotificationTopicArgs {
    /**
     * Email addresses subscribed to the topic; each receives a confirmation email from AWS first.
     * Plain strings because each address is one subscription resource. Default: none.
     */
    emails?: string[];
    /** The sender name shown in the emails. Default: the component name. */
    displayName?: pulumi.Input<string>;
}

/**
 * An SNS topic that EventBridge rules and CloudWatch alarms of this account may publish to, with one email
 * subscription per address.
 */
export class NotificationTopic extends pulumi.ComponentResource {
    public readonly topic: aws.sns.Topic;
    public readonly topicArn: pulumi.Output<string>;
    public readonly topicPolicy: aws.sns.TopicPolicy;
    public readonly subscriptions: aws.sns.TopicSubscription[];

    constructor(name: string, args: NotificationTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("csv-to-parquet:notifications:NotificationTopic", name, {}, opts);
        const emails = args.emails ?? [];
        for (const email of emails) {
            if (!EMAIL_PATTERN.test(email)) {
                throw new pulumi.ResourceError(`NotificationTopic ${name}: emails contains "${email}", which is not an email address`, this);
            }
        }

        this.topic = new aws.sns.Topic(`${name}-topic`, { displayName: args.displayName ?? name }, { parent: this });
        this.topicArn = this.topic.arn;
        const account = this.topic.arn.apply((arn) => arnParts(arn).account);
        this.topicPolicy = new aws.sns.TopicPolicy(`${name}-topic`, {
            arn: this.topic.arn,
            policy: policyJson({
                Version: "2012-10-17",
                Statement: [
                    ["AllowEventBridgeRulesOfThisAccount", "events.amazonaws.com"],
                    ["AllowCloudWatchAlarmsOfThisAccount", "cloudwatch.amazonaws.com"],
                ].map(([sid, service]) => ({
                    Sid: sid,
                    Effect: "Allow",
                    Principal: { Service: service },
                    Action: "sns:Publish",
                    Resource: this.topic.arn,
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                })),
            }),
        }, { parent: this });

        // Named by a hash of the address: reordering the list replaces nothing, and no address sits in a URN.
        const unique = new Map<string, string>();
        for (const email of emails) {
            if (!unique.has(email.toLowerCase())) unique.set(email.toLowerCase(), email);
        }
        this.subscriptions = [...unique].map(([key, email]) =>
            new aws.sns.TopicSubscription(`${name}-email-${crypto.createHash("sha256").update(key).digest("hex").slice(0, 10)}`, {
                topic: this.topic.arn,
                protocol: "email",
                endpoint: email,
            }, { parent: this }));

        this.registerOutputs({ topicArn: this.topicArn });
    }
}
