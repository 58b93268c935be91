/**
 * A request the `steps` command cannot carry out as asked (a missing Step, a bad flag, a release
 * that exists already): the CLI prints the command's usage and this message and exits 2.
 */
export class UsageError extends Error {}
