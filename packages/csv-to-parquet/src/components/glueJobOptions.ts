/* The closed sets a Glue job of this pipeline is configured from: DQDL rules, worker types, the Glue version,
   execution classes. */

/** A DQDL ruleset: "Rules = [ ... ]". */
export const DQDL_RULES = /^\s*Rules\s*=\s*\[[\s\S]*\]\s*$/;

/** Glue worker types accepted for a `glueetl` job. */
export const WorkerType = { G1X: "G.1X", G2X: "G.2X", G4X: "G.4X", G8X: "G.8X" } as const;
export type WorkerType = (typeof WorkerType)[keyof typeof WorkerType];
export const WORKER_TYPES: readonly WorkerType[] = Object.values(WorkerType);

/** Worker types that the FLEX execution class can run on. */
export const FLEX_WORKER_TYPES: readonly WorkerType[] = ["G.1X", "G.2X"];

/**
 * The Glue version of every job, not a setting: the conversion core runs on Glue 5.0's Spark 3.5 and Python 3.11 (it
 * uses PySpark 3.5's API, e.g. bit_or, and is tested only there); Glue 4.0 (Spark 3.3, Python 3.10) would fail at
 * its first dataset.
 */
export const GLUE_VERSION = "5.0";

/** How Glue runs the job: `STANDARD`, or `FLEX` (cheaper, may start later; G.1X/G.2X only). */
export const ExecutionClass = { Standard: "STANDARD", Flex: "FLEX" } as const;
export type ExecutionClass = (typeof ExecutionClass)[keyof typeof ExecutionClass];
export const EXECUTION_CLASSES: readonly ExecutionClass[] = Object.values(ExecutionClass);
