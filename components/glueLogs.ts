import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The CloudWatch log groups Glue writes this pipeline's logs to, when the job and the crawler run under a security
 * configuration that encrypts CloudWatch logs (as here), and the role has no IAM path (as here):
 * - Glue 5.0 jobs: `/aws-glue/jobs/<security configuration>-role/<role>/error` and `…/output` ("Logging for AWS
 *   Glue jobs", Glue 5.0: error and output groups, with the security configuration and role in the name when logs
 *   are encrypted).
 * - Glue 4.0 jobs, with continuous logging to a group G: `G-<security configuration>` ("Enabling continuous
 *   logging for AWS Glue 4.0 and earlier jobs": the group name gets the configuration's name appended).
 * - Crawlers: `/aws-glue/crawlers-role/<role>-<security configuration>` (the group Glue's crawler run page links
 *   to for an encrypted crawler).
 * The stack creates them first, with a retention and the pipeline key, so Glue writes into groups that expire.
 */
export function glueLogGroupNames(glueVersion: string, role: string, securityConfiguration: string, continuousGroup: string) {
    const job = glueVersion === "4.0"
        ? [`${continuousGroup}-${securityConfiguration}`]
        : ["error", "output"].map((stream) => `/aws-glue/jobs/${securityConfiguration}-role/${role}/${stream}`);
    return { job, crawler: `/aws-glue/crawlers-role/${role}-${securityConfiguration}` };
}

export interface GlueLogOptions {
    glueVersion: string;
    role: aws.iam.Role;
    securityConfiguration: aws.glue.SecurityConfiguration;
    /** The group a Glue 4.0 job is told to log to (`--continuous-log-logGroup`). */
    continuousGroup: pulumi.Input<string>;
    key: aws.kms.Key;
    keyPolicy: aws.kms.KeyPolicy;
    retentionInDays: number;
}

/** The job's and the crawler's log groups, created before Glue writes to them. */
export function createGlueLogGroups(name: string, o: GlueLogOptions, parent: pulumi.Resource): aws.cloudwatch.LogGroup[] {
    const names = pulumi.all([o.role.name, o.securityConfiguration.name, o.continuousGroup])
        .apply(([role, config, continuous]) => glueLogGroupNames(o.glueVersion, role, config, continuous));
    const group = (role: string, groupName: pulumi.Input<string>) => new aws.cloudwatch.LogGroup(`${name}-${role}-logs`, {
        name: groupName,
        retentionInDays: o.retentionInDays,
        kmsKeyId: o.key.arn,
    }, { parent, dependsOn: [o.keyPolicy] });
    const jobRoles = o.glueVersion === "4.0" ? ["job"] : ["job-error", "job-output"];
    return [
        ...jobRoles.map((role, i) => group(role, names.apply((n) => n.job[i]))),
        group("crawler", names.apply((n) => n.crawler)),
    ];
}
