/** User-facing texts shared by the Steps; the quoted ones are upstream's, kept verbatim. */
export const READ_MORE =
  'Read more: https://devcenter.bitrise.io/getting-started/configuring-bitrise-steps-that-require-apple-developer-account-data/';

export const NOT_ON_BITRISE =
  'Connected Apple Developer Portal Account not found. Step is not running on bitrise.io: BITRISE_BUILD_URL and BITRISE_BUILD_API_TOKEN envs are not set';

export const UNAUTHORIZED_PR_BUILD =
  "Unauthorized to query Connected Apple Developer Portal Account. This happens by design, with a public app's PR build, to protect secrets.";

/** What to do when the build API gave no connection: as a failure reason's fix. */
export const PR_BUILD_HINT =
  "a public app's pull request build cannot read the connection: run this Step in a build that is not a public pull request, or set the API key inputs";

export const FETCH_FAILED_HINT =
  'rerun the build; if the build API keeps failing, check https://status.bitrise.io';

export const NOT_CONNECTED = [
  'Connected Apple Developer Portal Account not found.',
  'Most likely because there is no Apple Developer Portal Account connected to the build.',
  READ_MORE,
].join('\n');

export const SOURCE_DESCRIPTIONS = {
  connection_api_key: 'Bitrise Apple Developer Connection with API key found',
  connection_apple_id: 'Bitrise Apple Developer Connection with Apple ID found.',
  input_api_key: 'Inputs with API key authentication found',
  input_apple_id:
    'Inputs with Apple ID authentication found. This method does not support TFA enabled Apple IDs.',
} as const;

export const CONNECT_HINTS = {
  api_key:
    'add an App Store Connect API key on bitrise.io (Workspace settings › Integrations › App Store Connect API) and select it for this app (App settings › Integrations), or set connection to automatic',
  apple_id:
    'connect an Apple ID on bitrise.io (Account settings › Apple Developer Account, with 2FA) and authorize this app to use it (App settings › Team), or set connection to automatic',
} as const;

export const MIXED_INPUTS_WARNING =
  'Either provide Apple ID, Password (and  App-specific password if available) OR API Key Path and API Issuer';
