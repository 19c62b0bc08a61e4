/**
 * Pulumi's closure serialization writes a module it finds under `node_modules` into a function's code as
 * `require("<package>/…")`, and the function archives leave this package out (queueFunction.ts): installed from npm,
 * the handlers would then fail to load. A module whose exports hold `deploymentOnlyModule: true` is serialized by
 * value instead, so every module the handlers reach re-exports this one binding.
 */
export const deploymentOnlyModule = true;
