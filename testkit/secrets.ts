/**
 * What the leak scan looks for in every end-to-end run: the fixtures' secrets, plus live sources
 * such as the JWTs a simulator received during the run.
 */
import {
  API_KEY_PRIVATE_KEY_PEM,
  appleIdConnection,
  defaultSessionCookies,
} from './fixtures/connections/index.ts';

const liveSources = new Set<() => Iterable<string>>();

/** Registers a source of secrets that appear during runs (returns the unregister function). */
export function registerSecretSource(source: () => Iterable<string>): () => void {
  liveSources.add(source);
  return () => liveSources.delete(source);
}

/** Secrets of the committed fixtures: passwords, cookie values, the API key. */
export function fixtureSecrets(): string[] {
  const apple = appleIdConnection() as { password: string };
  return [
    apple.password,
    API_KEY_PRIVATE_KEY_PEM,
    ...defaultSessionCookies().map((c) => c.value ?? ''),
  ].filter(Boolean);
}

export function liveSecrets(): string[] {
  return [...liveSources].flatMap((source) => [...source()]);
}
