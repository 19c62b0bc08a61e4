/** The S3 key prefixes a pipeline uses inside its bucket. */
export interface PipelinePrefixes {
    rawPrefix: string;
    outputPrefix: string;
    gluePrefix: string;
    /** Rows and records the job put aside, per dataset and run. */
    quarantinePrefix: string;
    /** Athena query results of the pipeline's workgroup. */
    athenaPrefix: string;
}

export interface PrefixProblem {
    field: keyof PipelinePrefixes;
    message: string;
}

const SEGMENT = /^[A-Za-z0-9_.=-]+$/;

/**
 * Checks each prefix is a relative folder ("name/" or "a/b/") and that no prefix starts with another's name, so the
 * Parquet output and Glue's own files can never reach the CSV trigger. Returns the first problem, or undefined.
 */
export function validatePrefixes(prefixes: PipelinePrefixes): PrefixProblem | undefined {
    const fields = Object.keys(prefixes) as (keyof PipelinePrefixes)[];
    for (const field of fields) {
        const value = prefixes[field];
        const segments = value.split("/");
        if (!value.endsWith("/") || value.startsWith("/") || !segments.slice(0, -1).every((s) => SEGMENT.test(s))) {
            return {
                field,
                message: `"${value}" must be a folder such as "data/" or "a/b/": no leading "/", ending in "/", letters, digits, "_", ".", "=" or "-"`,
            };
        }
    }
    for (const a of fields) {
        for (const b of fields) {
            // Compared without the trailing "/": IAM grants "parquet_data*" so Spark can probe the folder key itself.
            if (a !== b && prefixes[b].startsWith(prefixes[a].slice(0, -1))) {
                return {
                    field: b,
                    message: `"${prefixes[b]}" overlaps ${a} "${prefixes[a]}"; the prefixes must be disjoint`,
                };
            }
        }
    }
    return undefined;
}

/** Number of folder levels in a prefix: "csv_data/" is 1, "a/b/" is 2. */
export function prefixDepth(prefix: string): number {
    return prefix.split("/").filter((s) => s !== "").length;
}
