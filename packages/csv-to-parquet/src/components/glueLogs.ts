import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The CloudWatch log groups Glue writes this pipeline's logs to, when the job and the crawler run under a security
 * configuration that encrypts CloudWatch logs (as here), and the role has no IAM path (as here):
 * - Glue 5.0 jobs: `/aws-glue/jobs/<security configuration>-role/<role>/error` and `…/output` ("Logging for AWS
 *   Glue jobs", section "Security configuration with Amazon CloudWatch logging": "Default error log group:
 *   /aws-glue/jobs/Security-Configuration-Name-role/glue-job-role/error", and the same for output).
 * - Crawlers: `/aws-glue/crawlers-role/<role>-<security configuration>` (the group Glue's crawler run page links
 *   to for an encrypted crawler).
 * The stack creates them first, with a retention and the pipeline key, so Glue writes into groups that expire.
 */
export function glueLogGroupNames(role: string, securityConfiguration: string) {
    const job = ["error", "output"].map((stream) => `/aws-glue/jobs/${securityConfiguration}-role/${role}/${stream}`);
    return { job, crawler: `/aws-glue/crawlers-role/${role}-${securityConfiguration}` };
}

export interface GlueLogOptions {
    jobRole: aws.iam.Role;
    crawlerRole: aws.iam.Role;
    securityConfiguration: aws.glue.SecurityConfiguration;
    key: aws.kms.Key;
    keyPolicy: aws.kms.KeyPolicy;
    retentionInDays: number;
}

/** The job's and the crawler's log groups, created before Glue writes to them. */
export function createGlueLogGroups(
    name: string,
    o: GlueLogOptions,
    parent: pulumi.Resource,
): aws.cloudwatch.LogGroup[] {
    const names = pulumi
        .all([o.jobRole.name, o.crawlerRole.name, o.securityConfiguration.name])
        .apply(([job, crawler, config]) => ({
            job: glueLogGroupNames(job, config).job,
            crawler: glueLogGroupNames(crawler, config).crawler,
        }));
    const group = (role: string, groupName: pulumi.Input<string>) =>
        new aws.cloudwatch.LogGroup(
            `${name}-${role}-logs`,
            {
                name: groupName,
                retentionInDays: o.retentionInDays,
                kmsKeyId: o.key.arn,
            },
            { parent, dependsOn: [o.keyPolicy] },
        );
    return [
        ...["job-error", "job-output"].map((role, i) =>
            group(
                role,
                names.apply((n) => n.job[i]),
            ),
        ),
        group(
            "crawler",
            names.apply((n) => n.crawler),
        ),
    ];
}
