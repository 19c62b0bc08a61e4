import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The package's folder: this module is `src/components/` (in this repository) or `dist/components/` (installed). */
const PACKAGE_ROOT = path.join(__dirname, "..", "..");

/**
 * Where the Glue script and the conversion core are, relative to the package, never to the working directory: the
 * package's own `etl/` (what `npm pack` puts in it), else the `etl/` of the repository the package is built from
 * (`packages/<package>/../../etl`, for this repository's own stack and a plugin run from a clone).
 */
export function etlFolder(packageRoot = PACKAGE_ROOT): string {
    const candidates = [path.join(packageRoot, "etl"), path.join(packageRoot, "..", "..", "etl")];
    const found = candidates.find((dir) => fs.existsSync(path.join(dir, "glue_job.py")));
    if (found === undefined) {
        throw new Error(
            `The Glue job's script glue_job.py is in none of ${candidates.join(", ")}: reinstall the package`,
        );
    }
    return found;
}

/** The Glue job's entry script. */
export const ETL_SCRIPT_PATH = path.join(etlFolder(), "glue_job.py");
/** The conversion core the script imports, shipped beside it as a zip (`--extra-py-files`). */
export const ETL_CORE_PATH = path.join(etlFolder(), "lake");

/** What the core needs beyond Glue 5.0's own Python modules, pinned, one per line. */
export const ETL_JOB_REQUIREMENTS_PATH = path.join(etlFolder(), "job-requirements.txt");

/** The pinned packages the Glue job installs when a run starts (`--additional-python-modules`, from PyPI), as
 * etl/job-requirements.txt lists them for local runs too ("Using Python libraries with AWS Glue"). */
export function jobPythonModules(text = fs.readFileSync(ETL_JOB_REQUIREMENTS_PATH, "utf8")): string[] {
    const lines = text.split("\n").map((line) => line.replace(/#.*/, "").trim());
    lines.forEach((line, i) => {
        if (line !== "" && !/^[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+$/.test(line)) {
            throw new Error(`etl/job-requirements.txt line ${i + 1}: "${line}" is not pinned as <package>==<version>`);
        }
    });
    return lines.filter((line) => line !== "");
}

/** The core's modules, by their path inside the zip ("lake/convert.py"); caches and anything else left out. */
export function coreModules(): string[] {
    return fs
        .readdirSync(ETL_CORE_PATH)
        .filter((f) => f.endsWith(".py"))
        .sort()
        .map((f) => `lake/${f}`);
}

/** A digest of the script and the core, so that a change to either uploads both again. */
export function etlDigest(): string {
    const hash = crypto.createHash("sha256").update(fs.readFileSync(ETL_SCRIPT_PATH));
    for (const module of coreModules()) {
        hash.update(module).update(fs.readFileSync(path.join(ETL_CORE_PATH, "..", module)));
    }
    return hash.digest("hex");
}

/** The entry script and the zip of the core, under <gluePrefix>scripts/. */
export function createEtlObjects(name: string, bucket: aws.s3.Bucket, gluePrefix: string, parent: pulumi.Resource) {
    const scriptKey = `${gluePrefix}scripts/${path.basename(ETL_SCRIPT_PATH)}`;
    const coreKey = `${gluePrefix}scripts/lake.zip`;
    const digest = etlDigest();
    const script = new aws.s3.BucketObjectv2(
        `${name}-etl-script`,
        {
            bucket: bucket.id,
            key: scriptKey,
            source: new pulumi.asset.FileAsset(ETL_SCRIPT_PATH),
            sourceHash: digest,
            contentType: "text/x-python",
        },
        { parent },
    );
    const core = new aws.s3.BucketObjectv2(
        `${name}-etl-core`,
        {
            bucket: bucket.id,
            key: coreKey,
            source: new pulumi.asset.AssetArchive(
                Object.fromEntries(
                    coreModules().map((module) => [
                        module,
                        new pulumi.asset.FileAsset(path.join(ETL_CORE_PATH, "..", module)),
                    ]),
                ),
            ),
            sourceHash: digest,
            contentType: "application/zip",
        },
        { parent },
    );
    return { script, core, scriptKey, coreKey };
}
