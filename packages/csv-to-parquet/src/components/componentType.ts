/* What the two components share as members of one Pulumi package: their type token, and a place for what only
   TypeScript programs see. */
import * as pulumi from "@pulumi/pulumi";

/** The package's name in type tokens: `package.json`'s name, which is the plugin's. */
const PACKAGE = "csv-to-parquet";

/**
 * A component's type token in the package's "index" module (as cross-language use requires), and its options with an
 * alias from the type it had before, so that stacks made before replace nothing.
 */
export function componentType(
    component: string,
    formerModule: string,
    opts: pulumi.ComponentResourceOptions | undefined,
): [string, pulumi.ComponentResourceOptions] {
    const aliases = [...(opts?.aliases ?? []), { type: `${PACKAGE}:${formerModule}:${component}` }];
    return [`${PACKAGE}:index:${component}`, { ...opts, aliases }];
}

/**
 * Values kept beside a component rather than on it: the schema inferred for other languages reads every property
 * of the class, and an AWS resource there would tie it to the aws provider's schema.
 */
export class TypeScriptOnly<Component extends object, Value> {
    private readonly values = new WeakMap<Component, Value>();

    set(component: Component, value: Value): void {
        this.values.set(component, value);
    }

    get(component: Component): Value {
        const value = this.values.get(component);
        if (value === undefined) throw new Error("the component's resources are read before it made them");
        return value;
    }
}
