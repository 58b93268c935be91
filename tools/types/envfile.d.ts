// envfile 7 exports its types only under the "node"/"browser" conditions, which TypeScript's
// bundler resolution does not select; this restates the two functions we use.
declare module 'envfile' {
  export function parse(src: string): Record<string, string>;
  export function stringify(obj: Record<string, unknown>): string;
}
