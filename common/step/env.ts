/** A process environment as a Step reads it: any variable may be unset. */
export type Env = Record<string, string | undefined>;
