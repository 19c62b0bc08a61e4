import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arnParts, PolicyStatement, policyJson, serviceMaySendTo } from "./iam";

export interface UploadEventsOptions {
    bucket: aws.s3.Bucket;
    rawPrefix: string;
    /** Encrypts the topic; its policy must let S3 use it (s3MayPublishToEncryptedTopics). */
    key: aws.kms.Key;
    keyPolicy: aws.kms.KeyPolicy;
    /** The queues that each get every upload notification, by role ("start-crawler", "crawler"). */
    queues: Record<string, aws.sqs.Queue>;
}

export interface UploadEvents {
    topic: aws.sns.Topic;
    notification: aws.s3.BucketNotification;
}

/**
 * Lets S3 encrypt the messages it publishes to a topic encrypted with the key (S3 User Guide, "Granting permissions
 * to publish event notification messages to a destination": kms:GenerateDataKey and kms:Decrypt for
 * s3.amazonaws.com, since the AWS managed SNS key's policy cannot be changed).
 */
export function s3MayPublishToEncryptedTopics(): PolicyStatement {
    return {
        Sid: "LetS3PublishToTheEncryptedUploadsTopic",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
    };
}

/**
 * Every object created under the raw prefix, to several queues: S3 cannot send one event type and prefix to two
 * destinations, so the bucket notifies one SNS topic, which delivers each notification to every queue with raw
 * message delivery (the SQS body is S3's event itself, `{"Records": [...]}`, as the function and the Glue crawler's
 * S3 event mode read it). S3's suffix filter is case-sensitive (".csv" misses "x.Csv"), so every object under the
 * raw prefix is sent and the readers keep the names ending in ".csv" in any letter case, as the job does.
 */
export function createUploadEvents(name: string, o: UploadEventsOptions, parent: pulumi.Resource): UploadEvents {
    const topic = new aws.sns.Topic(
        `${name}-uploads`,
        {
            displayName: `Uploads under ${o.rawPrefix} of the ${name} pipeline`,
            kmsMasterKeyId: o.key.arn,
        },
        { parent, dependsOn: [o.keyPolicy] },
    );
    const account = topic.arn.apply((arn) => arnParts(arn).account);
    const topicPolicy = new aws.sns.TopicPolicy(
        `${name}-uploads`,
        {
            arn: topic.arn,
            policy: policyJson({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AllowUploadNotificationsFromTheDataBucket",
                        Effect: "Allow",
                        Principal: { Service: "s3.amazonaws.com" },
                        Action: "sns:Publish",
                        Resource: topic.arn,
                        Condition: {
                            ArnEquals: { "aws:SourceArn": o.bucket.arn },
                            StringEquals: { "aws:SourceAccount": account },
                        },
                    },
                ],
            }),
        },
        { parent },
    );
    const deliveries = Object.entries(o.queues).map(([role, queue]) => {
        const queuePolicy = new aws.sqs.QueuePolicy(
            `${name}-uploads-to-${role}`,
            {
                queueUrl: queue.url,
                policy: serviceMaySendTo(queue.arn, "AllowTheUploadsTopic", "sns.amazonaws.com", {
                    ArnEquals: { "aws:SourceArn": topic.arn },
                }),
            },
            { parent },
        );
        return new aws.sns.TopicSubscription(
            `${name}-uploads-to-${role}`,
            {
                topic: topic.arn,
                protocol: "sqs",
                endpoint: queue.arn,
                rawMessageDelivery: true,
            },
            { parent, dependsOn: [queuePolicy] },
        );
    });
    const notification = new aws.s3.BucketNotification(
        `${name}-uploads`,
        {
            bucket: o.bucket.id,
            topics: [{ topicArn: topic.arn, events: ["s3:ObjectCreated:*"], filterPrefix: o.rawPrefix }],
        },
        { parent, dependsOn: [topicPolicy, ...deliveries] },
    );
    return { topic, notification };
}
