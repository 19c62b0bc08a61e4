import * as pulumi from "@pulumi/pulumi";

/** EventBridge pattern of AWS's "Glue Crawler State Change" events of one crawler ("Succeeded", "Failed": AWS's casing). */
export function crawlerStatePattern(crawlerName: pulumi.Input<string>, states: string[]) {
    return {
        source: ["aws.glue"],
        "detail-type": ["Glue Crawler State Change"],
        detail: { crawlerName: [crawlerName], state: states },
    };
}

/** EventBridge pattern of AWS's "Glue Job State Change" events of one job ("SUCCEEDED", "FAILED": AWS's casing). */
export function jobStatePattern(jobName: pulumi.Input<string>, states: string[]) {
    return {
        source: ["aws.glue"],
        "detail-type": ["Glue Job State Change"],
        detail: { jobName: [jobName], state: states },
    };
}
