/* The burst scenarios and the table the simulation test prints (and docs/simulation.md quotes). */
import type { Report, Scenario } from "./designs";

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run gives the same figures. */
export function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** `count` uploads at random times in [from, to) seconds, spread over `datasets` dataset folders. */
export function uploads(
    count: number,
    from: number,
    to: number,
    seed: number,
    datasets = 10,
    tag = "f",
): Scenario["uploads"] {
    const next = random(seed);
    return Array.from({ length: count }, (_, i) => ({
        at: Math.round((from + next() * (to - from)) * 1000) / 1000,
        key: `csv_data/dataset_${i % datasets}/${tag}${String(i).padStart(4, "0")}.csv`,
    })).sort((a, b) => a.at - b.at);
}

/** Glue as the issue describes it: 2-minute crawls that list the prefix 30 s in, 3-minute job runs. */
const TIMINGS = { crawlSeconds: 120, listingSeconds: 30, jobSeconds: 180 };

export const SCENARIOS: Scenario[] = [
    {
        name: "1,000 uploads over 10 min",
        uploads: uploads(1000, 0, 600, 1),
        timings: TIMINGS,
    },
    {
        name: "50 uploads land during a crawl",
        // 20 files start a crawl; 50 more land 100-115 s later, after the crawl has listed the prefix.
        uploads: [...uploads(20, 0, 10, 2, 2, "early"), ...uploads(50, 100, 115, 3, 2, "late")],
        timings: TIMINGS,
    },
    {
        name: "50 uploads land during a 10-min crawl",
        // Large datasets crawl for longer than Lambda's asynchronous retries last (3 minutes).
        uploads: [...uploads(20, 0, 10, 5, 2, "early"), ...uploads(50, 100, 115, 6, 2, "late")],
        timings: { ...TIMINGS, crawlSeconds: 600, listingSeconds: 60 },
    },
    {
        name: "80 uploads, first crawl fails",
        uploads: uploads(80, 0, 20, 4, 4),
        timings: { ...TIMINGS, failingCrawls: [1] },
    },
];

const COLUMNS: [string, (r: Report) => string | number][] = [
    ["scenario", (r) => r.scenario],
    ["design", (r) => r.design],
    ["uploads", (r) => r.uploads],
    ["lost", (r) => r.lost],
    ["crawls (failed)", (r) => `${r.crawls} (${r.failedCrawls})`],
    ["job runs", (r) => r.jobRuns],
    ["StartCrawler calls", (r) => r.startCrawlerCalls],
    ["StartJobRun calls", (r) => r.startJobRunCalls],
    ["Lambda invocations", (r) => r.invocations],
    ["dead-lettered", (r) => r.deadLettered],
    ["events dropped", (r) => r.dropped],
    ["last Parquet, min after last upload", (r) => (Number.isNaN(r.drainMinutes) ? "-" : r.drainMinutes)],
];

/** A Markdown table of the reports. */
export function table(reports: Report[]): string {
    return markdownTable([
        COLUMNS.map(([title]) => title),
        ...reports.map((r) => COLUMNS.map(([, value]) => String(value(r)))),
    ]);
}

/** A Markdown table, columns padded to their widest cell; the first row is the header. */
export function markdownTable(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
    return [line(rows[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join(
        "\n",
    );
}
