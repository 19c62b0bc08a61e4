/* IAM documents as typed values: trust and resource policies, the role-plus-policy pair a service assumes. (The
   CrossGuard policy pack is policy/.) */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type PolicyDocument = aws.iam.PolicyDocument;
export type PolicyStatement = aws.iam.PolicyStatement;

/** Serializes a typed policy document so that previews and mocks see the final JSON. */
export function policyJson(document: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
    return pulumi.jsonStringify(pulumi.output(document));
}

/** The trust policy that lets one AWS service assume a role. */
export function assumeRolePolicy(service: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

/** The partition, region and account of an ARN ("arn:aws:glue:eu-west-1:123456789012:database/x"). */
export interface ArnParts {
    partition: string;
    region: string;
    account: string;
}

export function arnParts(arn: string): ArnParts {
    const [, partition, , region, account] = arn.split(":");
    return { partition, region, account };
}

/** Denies every request to the given resources that does not use TLS. */
export function denyInsecureTransport(action: string, resources: pulumi.Input<string>[]): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: action,
        Resource: resources,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** A queue policy letting one AWS service send to the queue, under the given conditions. */
export function serviceMaySendTo(
    queueArn: pulumi.Input<string>,
    sid: string,
    service: string,
    condition: PolicyStatement["Condition"],
): pulumi.Output<string> {
    return policyJson({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: sid,
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: condition,
            },
        ],
    });
}

export interface ServiceRole {
    role: aws.iam.Role;
    /** Depend on this before the service uses the role: its permissions are in place only then. */
    policy: aws.iam.RolePolicy;
}

/** A role an AWS service assumes ("lambda.amazonaws.com", "glue.amazonaws.com"), with one inline policy of these statements; both named `name`. */
export function createServiceRole(
    name: string,
    service: string,
    statements: pulumi.Input<PolicyStatement>[],
    parent: pulumi.Resource,
): ServiceRole {
    const role = new aws.iam.Role(name, { assumeRolePolicy: policyJson(assumeRolePolicy(service)) }, { parent });
    const policy = new aws.iam.RolePolicy(
        name,
        {
            role: role.id,
            policy: policyJson({ Version: "2012-10-17", Statement: statements }),
        },
        { parent },
    );
    return { role, policy };
}
