/*
 * What one run costs as the lake grows: the requests and items the job and the crawl touch for the same small upload
 * into lakes of 10², 10⁴ and 10⁶ objects, for the design that lists (the job lists the raw prefix and reads a
 * per-dataset ledger object; the crawler re-crawls everything) and for this project's (the uploads ledger; the
 * crawler in S3 event mode). The figures follow the services' documented behaviour:
 * - ListObjectsV2 returns at most 1,000 keys per request (S3 API reference, MaxKeys).
 * - A DynamoDB Query page holds at most 1 MB (about 1,000 ledger items of ~1 KB).
 * - SQS ReceiveMessage returns at most 10 messages.
 * - CRAWL_EVERYTHING lists every object of the target on every crawl; CRAWL_EVENT_MODE lists "all the files from the
 *   subfolder which triggered the event instead of listing the full Amazon S3 target" (Glue guide, "Accelerating
 *   crawls using Amazon S3 event notifications"). Both read (sample) the new files to classify them.
 */
import { markdownTable } from "./scenarios";

export interface Lake {
    /** Objects already in the lake, converted by earlier runs. */
    existing: number;
    /** The new upload: this many files, in one folder. */
    upload: number;
    /** Datasets the existing objects belong to (the listing design keeps one ledger object per dataset). */
    datasets: number;
    /** Objects already in the folder the upload lands in: 0 for a new dated folder, `existing / datasets` for a flat dataset folder. */
    inUploadFolder: number;
}

export interface RunWork {
    design: string;
    existing: number;
    /** Requests to S3 (LIST and GET/PUT of objects), DynamoDB and SQS made by the job and the crawl. */
    requests: number;
    /** Keys listed by the job and the crawl. */
    keysListed: number;
    /** Ledger entries read or written. */
    ledgerEntries: number;
    /** CSV objects read (by Spark and the crawler's sampling). */
    objectsRead: number;
}

const LIST_PAGE = 1000;
const QUERY_PAGE = 1000;
const RECEIVE_BATCH = 10;
const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

export const LISTING_DESIGN = "lists the lake, re-crawls it all";
export const LEDGER_DESIGN = "uploads ledger, S3 event crawl";
export const FLAT_FOLDER_DESIGN = "the same, upload into a flat dataset folder";

/** The listing design: the job lists the raw prefix and reads and rewrites each dataset's ledger; a full crawl. */
export function listingRun(lake: Lake): RunWork {
    const total = lake.existing + lake.upload;
    const jobList = pages(total, LIST_PAGE);
    const crawlList = pages(total, LIST_PAGE);
    return {
        design: LISTING_DESIGN,
        existing: lake.existing,
        requests: jobList + 2 * lake.datasets + lake.upload + crawlList + lake.upload,
        keysListed: 2 * total,
        ledgerEntries: lake.existing + total,
        objectsRead: 2 * lake.upload,
    };
}

/**
 * One Iceberg append to a dataset's table through GlueCatalog and S3FileIO (iceberg-aws GlueTableOperations): GetTable
 * and the current metadata file to load it, the data file, a manifest, the manifest list (which lists the earlier
 * manifests without reading them), the new metadata file, and GetTable and UpdateTable to commit. It reads no data
 * file of the table, so it does not grow with the lake.
 */
const ICEBERG_APPEND_REQUESTS = 8;

/** This project: the job queries the waiting uploads, claims and marks each done, and commits the upload's dataset
    to its Iceberg table; the crawl receives and deletes its events and lists the folder they name. */
export function ledgerRun(lake: Lake, design = LEDGER_DESIGN): RunWork {
    const folder = lake.inUploadFolder + lake.upload;
    // Per upload: claim, header, done. Per run: the count of those still waiting and its metric, and one commit of the
    // upload's dataset.
    const jobRequests = pages(lake.upload, QUERY_PAGE) + 3 * lake.upload + 2 + ICEBERG_APPEND_REQUESTS;
    const crawlRequests = 2 * pages(lake.upload, RECEIVE_BATCH) + pages(folder, LIST_PAGE) + lake.upload;
    return {
        design,
        existing: lake.existing,
        requests: jobRequests + crawlRequests,
        keysListed: folder,
        ledgerEntries: 4 * lake.upload,
        objectsRead: 2 * lake.upload,
    };
}

/** All the work of a run, in one number: requests plus the keys, entries and objects they carry. */
export function work(run: RunWork): number {
    return run.requests + run.keysListed + run.ledgerEntries + run.objectsRead;
}

export const LAKE_SIZES = [100, 10_000, 1_000_000];
/** The same small upload each time: 10 files into a new dated folder, in a lake of 10 datasets. */
export const SMALL_UPLOAD = { upload: 10, datasets: 10, inUploadFolder: 0 };

export function lakeGrowthRuns(): RunWork[] {
    const lakes = LAKE_SIZES.map((existing) => ({ ...SMALL_UPLOAD, existing }));
    const flat = lakes.map((lake) =>
        ledgerRun({ ...lake, inUploadFolder: lake.existing / lake.datasets }, FLAT_FOLDER_DESIGN),
    );
    return [...lakes.map(listingRun), ...lakes.map((lake) => ledgerRun(lake)), ...flat];
}

export function lakeGrowthTable(runs: RunWork[]): string {
    const base = (design: string) => work(runs.find((r) => r.design === design) as RunWork);
    return markdownTable([
        [
            "design",
            "objects in the lake",
            "requests",
            "keys listed",
            "ledger entries",
            "objects read",
            "work",
            "× the 10² lake",
        ],
        ...runs.map((r) => [
            r.design,
            r.existing.toLocaleString("en-US"),
            String(r.requests),
            r.keysListed.toLocaleString("en-US"),
            r.ledgerEntries.toLocaleString("en-US"),
            String(r.objectsRead),
            work(r).toLocaleString("en-US"),
            `${(work(r) / base(r.design)).toFixed(2)}×`,
        ]),
    ]);
}
