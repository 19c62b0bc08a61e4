import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArnParts, arnParts, PolicyDocument, PolicyStatement, policyJson } from "./iam";

/** The KMS actions a service needs to encrypt and decrypt with a key on a caller's behalf. */
export const KMS_USE_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:DescribeKey",
];

export interface CustomerKeyOptions {
    description: string;
    /** Protect the key from `pulumi destroy` and keep it when removed from the program, as with the data it encrypts. */
    protect: boolean;
    /** Statements that let AWS services use the key, besides the account's IAM policies. */
    serviceStatements: (scope: ArnParts) => PolicyStatement[];
}

export interface CustomerKey {
    key: aws.kms.Key;
    /** Depend on this before using the key: the services it names are allowed only once it is in place. */
    keyPolicy: aws.kms.KeyPolicy;
    alias: aws.kms.Alias;
}

/**
 * A symmetric customer managed key with yearly rotation. Its policy lets this account's IAM policies grant its use
 * (the key's default, so no role can use it unless its own policy says so) and lets the given services use it.
 * The policy is a resource of its own because it names the key's account, read from the key's ARN.
 */
export function createCustomerKey(name: string, o: CustomerKeyOptions, parent: pulumi.Resource): CustomerKey {
    const key = new aws.kms.Key(
        name,
        {
            description: o.description,
            enableKeyRotation: true,
            deletionWindowInDays: o.protect ? 30 : 7,
        },
        { parent, protect: o.protect, retainOnDelete: o.protect },
    );
    const keyPolicy = new aws.kms.KeyPolicy(
        name,
        {
            keyId: key.id,
            policy: policyJson(
                key.arn.apply((keyArn): PolicyDocument => {
                    const scope = arnParts(keyArn);
                    return {
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "LetThisAccountsIamPoliciesGrantUse",
                                Effect: "Allow",
                                Principal: { AWS: `arn:${scope.partition}:iam::${scope.account}:root` },
                                Action: "kms:*",
                                Resource: "*",
                            },
                            ...o.serviceStatements(scope),
                        ],
                    };
                }),
            ),
        },
        { parent },
    );
    const alias = new aws.kms.Alias(name, { namePrefix: `alias/${name}-`, targetKeyId: key.keyId }, { parent });
    return { key, keyPolicy, alias };
}

/** Lets CloudWatch Logs use the key for this account's log groups in the key's region. */
export function logsMayUse(scope: ArnParts): PolicyStatement {
    return {
        Sid: "LetCloudWatchLogsEncryptThisAccountsLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${scope.region}.amazonaws.com` },
        Action: KMS_USE_ACTIONS,
        Resource: "*",
        Condition: {
            ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": `arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:*`,
            },
        },
    };
}
